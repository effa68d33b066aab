"""The service's URL fetches never reach private, loopback or link-local addresses unless allow-listed."""

from __future__ import annotations

import pytest

from narrate.errors import SourceError
from narrate.extract.address import parse_allow_list, public_addresses
from narrate.extract.source import read_source
from narrate.settings import Settings


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/article",
        "http://localhost:8000/article",
        "http://10.0.0.1/article",
        "http://192.168.1.20/a",
        "http://172.16.5.4/a",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a",
        "http://[fe80::1]/a",
        "http://0.0.0.0/a",
        "http://100.64.0.1/a",
    ],
)
def test_private_addresses_are_refused(url: str) -> None:
    with pytest.raises(SourceError, match="refusing to fetch .*private, loopback or link-local"):
        public_addresses(url)


def test_public_addresses_pass() -> None:
    assert public_addresses("http://93.184.215.14/article") == ["93.184.215.14"]
    assert public_addresses("http://[2606:4700::1111]/article") == ["2606:4700::1111"]


def test_allow_list_admits_hosts_and_networks() -> None:
    assert public_addresses("http://127.0.0.1:8080/a", allow="127.0.0.0/8") == ["127.0.0.1"]
    assert public_addresses("http://localhost/a", allow="localhost") == []  # an allowed name resolves as usual
    with pytest.raises(SourceError):
        public_addresses("http://10.0.0.1/a", allow="127.0.0.0/8, localhost")
    allowed = parse_allow_list(" intranet.example.org ,10.1.0.0/16,")
    assert allowed.hosts == {"intranet.example.org"} and [str(n) for n in allowed.networks] == ["10.1.0.0/16"]


def test_read_source_checks_only_when_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path, fetch_timeout=2)
    with pytest.raises(SourceError, match="refusing to fetch http://127.0.0.1:9/a"):
        read_source("http://127.0.0.1:9/a", settings, public_only=True)
    with pytest.raises(SourceError, match="Connection refused"):  # the CLI may read a local server
        read_source("http://127.0.0.1:9/a", settings)
