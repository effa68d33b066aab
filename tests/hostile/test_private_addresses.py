"""The service's fetch guard against every form of a private address (issue #11, items 4 and 9).

IPv6 addresses that carry an IPv4 address (mapped, compatible, translated, NAT64, 6to4) are as private as the
IPv4 address inside; the special-purpose ranges are refused whatever the Python version thinks of them; a
"host:port" allow entry admits that host on that port only, and an entry that can never match is refused.
Refusals name the host, never the address a name resolved to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from narrate.errors import ConfigError, SourceError
from narrate.extract.address import parse_allow_list, public_addresses
from narrate.extract.source import read_source
from narrate.settings import Settings
from narrate.web.tokens import create_token
from tests.hostile.site import Site, article_page
from tests.web.conftest import Start

REFUSED = "is a private, loopback or link-local address"
RESOLVES = "localhost resolves to a private, loopback or link-local address"


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    site.pages["/ferry"] = ("text/html", article_page("Harbour ferry returns", "The ferry runs again from Monday."))
    yield site
    site.close()


@pytest.mark.parametrize(
    "host",
    [
        # NAT64, well-known prefix, carrying private IPv4 addresses (both spellings of the last 32 bits)
        "64:ff9b::10.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::169.254.169.254",
        "64:ff9b::192.168.1.1",
        # NAT64 for local use (RFC 8215): leads inside whatever it carries
        "64:ff9b:1::8.8.8.8",
        "64:ff9b:1:ffff::a00:1",
        # 6to4 of private networks
        "2002:a00:1::1",
        "2002:7f00:1::",
        "2002:a9fe:a9fe::1",
        "2002:c0a8:101::53",
        # IPv4-compatible (deprecated) and IPv4-mapped and -translated forms
        "::10.0.0.1",
        "::127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0:10.0.0.1",
        "::ffff:0:127.0.0.1",
        "::",
        "::1",
        # site-local, unique local, link-local, multicast, documentation, discard, Teredo, ORCHID
        "fec0::1",
        "feff::1",
        "fd00::5",
        "fc00::1",
        "fe80::1",
        "ff02::1",
        "2001:db8::1",
        "3fff::1",
        "100::1",
        "2001::1",
        "2001:20::1",
        # IPv4 special-purpose ranges, 192.0.0.0/24 whole (3.11 calls 192.0.0.9 global)
        "192.0.0.1",
        "192.0.0.9",
        "192.0.0.170",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.9",
        "192.88.99.1",
        "100.127.255.254",
        "240.0.0.1",
        "255.255.255.255",
        "224.0.0.251",
        "0.0.0.0",
    ],
)
def test_private_addresses_in_every_spelling_are_refused(host: str) -> None:
    literal = f"[{host}]" if ":" in host else host
    with pytest.raises(SourceError) as refusal:
        public_addresses(f"http://{literal}:8080/news")
    assert str(refusal.value).endswith(f"{REFUSED}"), refusal.value
    assert str(refusal.value).startswith(f"refusing to fetch http://{literal}:8080/news: ")


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://10.1/",
        "http://0/",
    ],
)
def test_odd_spellings_of_ipv4_are_judged_by_what_they_resolve_to(url: str) -> None:
    with pytest.raises(SourceError, match="refusing to fetch .*(resolves to|is) a private, loopback or link-local"):
        public_addresses(url)


@pytest.mark.parametrize(
    "host",
    ["64:ff9b::8.8.8.8", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700::1111", "93.184.215.14", "1.1.1.1"],
)
def test_public_addresses_in_those_forms_pass(host: str) -> None:
    literal = f"[{host}]" if ":" in host else host
    assert len(public_addresses(f"https://{literal}/news")) == 1


def test_a_refusal_names_the_host_but_not_what_it_resolves_to() -> None:
    with pytest.raises(SourceError) as refusal:
        public_addresses("http://localhost:8000/admin")
    message = str(refusal.value)
    assert message == f"refusing to fetch http://localhost:8000/admin: {RESOLVES}"
    assert "127.0.0.1" not in message and "::1" not in message


def test_the_service_answers_a_private_name_without_its_address(start_service: Start, site: Site) -> None:
    service = start_service()
    token = create_token(service.store, "desk")
    with service.client(token) as client:
        answer = client.post("/api/articles", json={"url": site.url("/ferry", host="localhost")})
    assert answer.status_code == 422
    reason = answer.json()["error"]
    assert reason == f"refusing to fetch {site.url('/ferry', host='localhost')}: {RESOLVES}"
    assert "127.0.0.1" not in reason and site.hits == []


@pytest.mark.parametrize(
    ("allow", "host", "fetched"),
    [
        ("127.0.0.1:{port}", "127.0.0.1", True),
        ("127.0.0.1:{other}", "127.0.0.1", False),
        ("127.0.0.0/8:{port}", "127.0.0.1", True),
        ("localhost:{port}", "localhost", True),
        ("LOCALHOST:{port}", "localhost", True),
        ("localhost:{other}", "localhost", False),
        ("localhost:{other}, 127.0.0.1:{other}", "localhost", False),
        ("127.0.0.1", "127.0.0.1", True),  # no port: any port
        ("localhost", "localhost", True),
    ],
)
def test_a_host_port_allow_entry_admits_that_port_only(site: Site, allow: str, host: str, fetched: bool) -> None:
    settings = Settings(fetch_allow=allow.format(port=site.port, other=site.port + 1), fetch_timeout=5)
    url = site.url("/ferry", host=host)
    if fetched:
        document = read_source(url, settings, public_only=True)
        assert b"Harbour ferry returns" in document.data and site.hits == ["/ferry"]
    else:
        with pytest.raises(SourceError, match=f"{host} (resolves to|is) a private"):
            read_source(url, settings, public_only=True)
        assert site.hits == []


def test_allow_entries_with_ports_are_read() -> None:
    allowed = parse_allow_list("wiki.corp:8080, [fd00::5]:443, 10.0.0.5:8443, 10.2.0.0/16, [fd00::9], intranet.")
    assert allowed.host_ports == {("wiki.corp", 8080)}
    assert [(str(n), p) for n, p in allowed.network_ports] == [("fd00::5/128", 443), ("10.0.0.5/32", 8443)]
    assert [str(n) for n in allowed.networks] == ["10.2.0.0/16", "fd00::9/128"]
    assert allowed.hosts == {"intranet"}
    # an allowed network admits the IPv6 forms of its addresses too
    assert public_addresses("http://[::ffff:10.2.3.4]/", allow="10.2.0.0/16") == ["::ffff:10.2.3.4"]


@pytest.mark.parametrize(
    "entry",
    [
        "http://intranet/",
        "intranet/wiki",
        "10.0.0.0/33",
        "wiki:0",
        "wiki:65536",
        "wiki:http",
        "a b",
        "user@wiki",
        "[::1]:",
        "::1:80:x",
    ],
)
def test_an_allow_entry_that_could_never_match_is_refused_with_its_name(entry: str) -> None:
    with pytest.raises(ConfigError) as refusal:
        public_addresses("http://93.184.215.14/news", allow=f"intranet.example.org, {entry}")
    assert str(refusal.value).startswith(f"NARRATE_FETCH_ALLOW: {entry.lower()!r}")
