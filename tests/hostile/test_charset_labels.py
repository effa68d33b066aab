"""A charset label that names no text encoding is ignored, and the text decoded anyway (issue #11, item 6).

Python's codec registry holds codecs that are no text encoding (rot13, base64, zlib: LookupError on decode) and
text codecs no page is written in (unicode_escape, idna, undefined). Only the WHATWG Encoding Standard's labels
count, as in browsers; with any other label the page is read as if it had declared nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from narrate.extract import Document, extract, read_source
from narrate.extract.decode import decode_bytes
from narrate.settings import Settings
from narrate.web.tokens import create_token
from tests.hostile.site import Site, article_page, narrate
from tests.web.conftest import Start
from tests.web.service import wait_done

TITLE = "Neue Brücke für Fußgänger"
BODY = (
    "Die neue Brücke über den Fluss öffnet am Montag für Fußgänger und Radfahrer.\n"
    "Der Bürgermeister sagte, die Straße werde während der Bauzeit nicht gesperrt.\n"
    "Die Kosten von zwölf Millionen Euro trägt größtenteils das Land."
)
NOT_TEXT = [
    "rot13", "rot_13", "base64", "base_64", "zlib", "zip", "hex", "uu", "bz2", "quopri", "punycode", "idna",
    "unicode_escape", "raw_unicode_escape", "undefined", "utf-7", "x-user-defined", "iso-2022-kr", "mbcs",
    "x-nonsense", "", "  ", "\"rot13\"", "'base64'", "utf-8;", "%00",
]  # fmt: skip


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    site = Site()
    for index, label in enumerate(NOT_TEXT):
        for encoding in ("utf-8", "cp1252"):
            meta = f"<meta charset='{label}'>"
            site.pages[f"/{index}/{encoding}"] = (
                f"text/html; charset={label}",
                article_page(TITLE, BODY, head=meta, charset=encoding),
            )
    yield site
    site.close()


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
@pytest.mark.parametrize("index", range(len(NOT_TEXT)), ids=[repr(label) for label in NOT_TEXT])
def test_a_page_naming_no_text_encoding_is_read_as_if_it_named_none(site: Site, index: int, encoding: str) -> None:
    """The label in the HTTP header and in <meta>, over UTF-8 and over windows-1252 bytes."""
    document = read_source(site.url(f"/{index}/{encoding}"), Settings(fetch_timeout=5))
    article = extract(document)
    assert article.title == TITLE
    assert article.body_text.split("\n\n") == BODY.split("\n")


@pytest.mark.parametrize(
    ("label", "data", "text"),
    [
        # labels browsers know still decide, in WHATWG's reading
        ("latin1", "Straße €5".encode("cp1252"), "Straße €5"),
        ("ISO-8859-1", "Straße €5".encode("cp1252"), "Straße €5"),
        ("us-ascii", "Straße €5".encode("cp1252"), "Straße €5"),
        ("koi8-r", "Привет, мир".encode("koi8-r"), "Привет, мир"),
        ("windows-1251", "Привет, мир".encode("cp1251"), "Привет, мир"),
        ("shift_jis", "東京の天気".encode("shift_jis"), "東京の天気"),
        ("gb2312", "北京天气".encode("gbk"), "北京天气"),
        (" UTF-8 ", "naïve café".encode(), "naïve café"),
        # no text encoding, nothing known: UTF-8, then detection
        ("rot13", "naïve café".encode(), "naïve café"),
        ("base64", b"aGVsbG8=", "aGVsbG8="),  # not decoded as base64: the bytes are the text
        ("hex", b"68656c6c6f", "68656c6c6f"),
        ("unicode_escape", b"caf\\xe9 \\u00e9", "caf\\xe9 \\u00e9"),
        ("x-user-defined", "naïve café".encode(), "naïve café"),
    ],
)
def test_declared_labels_are_read_as_browsers_read_them(label: str, data: bytes, text: str) -> None:
    assert decode_bytes(data, declared=label) == text


def test_the_cli_publishes_a_page_that_names_rot13(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = narrate(home, "add", site.url(f"/{NOT_TEXT.index('rot13')}/cp1252"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    feed = etree.fromstring((home / "public/feeds/main.xml").read_bytes())
    assert [item.findtext("title") for item in feed.iter("item")] == [TITLE]
    transcript = next((home / "public/transcripts/main").glob("*.vtt")).read_text(encoding="utf-8")
    assert "Die neue Brücke über den Fluss" in transcript


def test_the_cli_reads_a_file_whose_meta_names_zlib(tmp_path: Path) -> None:
    page = tmp_path / "bridge.html"
    page.write_bytes(
        article_page(TITLE, BODY, head="<meta http-equiv='Content-Type' content='text/html; charset=zlib'>")
    )
    done = narrate(tmp_path / "home", "script", str(page))
    assert done.returncode == 0, done.stderr
    assert "Der Bürgermeister sagte" in done.stdout and done.stderr == ""


@pytest.mark.parametrize("label", ["rot13", "base64", "x-nonsense"])
def test_the_service_queues_and_publishes_pages_naming_no_text_encoding(
    site: Site, start_service: Start, label: str
) -> None:
    service = start_service(fetch_allow="127.0.0.1")
    token = create_token(service.store, "desk")
    with service.client(token) as client:
        by_url = client.post("/api/articles", json={"url": site.url(f"/{NOT_TEXT.index(label)}/cp1252")})
        pasted = client.post(
            "/api/articles",
            json={"html": article_page(TITLE + " heute", BODY, head=f"<meta charset='{label}'>").decode()},
        )
        assert (by_url.status_code, pasted.status_code) == (202, 202), (by_url.text, pasted.text)
        done = [wait_done(client, answer.json()["status_url"])[0] for answer in (by_url, pasted)]
    assert [(s["status"], s["title"]) for s in done] == [("published", TITLE), ("published", TITLE + " heute")]


def test_markup_declaring_no_text_encoding_in_bytes_given_directly() -> None:
    page = article_page(TITLE, BODY, head="<meta charset='bz2'>", charset="cp1252")
    assert extract(Document(page, "html")).title == TITLE
