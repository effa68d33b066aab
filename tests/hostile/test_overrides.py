"""Title and author overrides are cleaned like extracted text and capped (issue #11, item 9).

Invisible characters (zero-width space and joiners, word joiner, soft hyphen, byte order mark, invisible
operators, tag characters, Hangul fillers) go, as they do from the body; an override with nothing visible left
is no override, like an empty one. An override longer than the cap (300 characters for a title, 200 for an
author) is refused before anything is rendered: cutting it would publish something the user did not write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from narrate.article import Article, Block
from narrate.errors import ConfigError
from narrate.extract import extract_markdown, with_overrides
from narrate.web.tokens import create_token
from tests.hostile.checks import snapshot
from tests.hostile.site import narrate
from tests.web.conftest import Start
from tests.web.service import wait_done

ARTICLE = "Library hours grow\n\nThe central library will open on Sundays from May.\n\nReaders asked for it.\n"


def article() -> Article:
    return Article("Extracted title", [Block("paragraph", "Body.")], author="Extracted Author")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Budget\u200b passes", "Budget passes"),
        ("Bud\u200bget pas\u00adses", "Budget passes"),
        ("\ufeffBudget passes\u2060", "Budget passes"),
        ("Budget\u200c\u200d passes", "Budget passes"),
        ("Budget \u2062passes\u2064", "Budget passes"),
        ("Budget passes\U000e0041\U000e007f", "Budget passes"),  # tag characters
        ("Budget\u180e passes", "Budget passes"),
        ("\u3164Budget passes\u115f", "Budget passes"),  # Hangul fillers draw nothing
        ("Budget\u202e passes\u202c", "Budget passes"),  # bidi override
        ("Budget\x00 passes\x07", "Budget passes"),
        ("  Budget \n\t passes  ", "Budget passes"),
        ("\u05ea\u05e7\u05e6\u05d9\u05d1 \u200fABC", "\u05ea\u05e7\u05e6\u05d9\u05d1 \u200fABC"),  # marks stay
        ("Caf\u00e9 \u00e0 la carte", "Caf\u00e9 \u00e0 la carte"),
    ],
)
def test_overrides_are_cleaned_like_body_text(given: str, kept: str) -> None:
    cleaned = with_overrides(article(), given, given)
    assert (cleaned.title, cleaned.author) == (kept, kept)


def test_overrides_up_to_the_cap_are_kept_whole() -> None:
    cleaned = with_overrides(article(), "x" * 300, "y" * 199 + "\u200b" * 50 + "z")  # counted once cleaned
    assert (cleaned.title, cleaned.author) == ("x" * 300, "y" * 199 + "z")


def test_extracted_titles_and_authors_lose_invisible_characters_too() -> None:
    extracted = extract_markdown(
        "---\ntitle: Bud\u200bget\u2060 passes\nauthor: Ann\u00ade Lee\u200b\n---\n\nThe council met.\n"
    )
    assert (extracted.title, extracted.author) == ("Budget passes", "Anne Lee")


@pytest.mark.parametrize(
    ("title", "author", "message"),
    [
        ("x" * 301, None, "the title given is 301 characters long; the most is 300"),
        ("word " * 100, None, "the title given is 499 characters long; the most is 300"),
        (None, "A" * 201, "the author given is 201 characters long; the most is 200"),
        ("Short title", "Anna \u200b" * 50, "the author given is 249 characters long; the most is 200"),
    ],
)
def test_overrides_too_long_are_refused(title: str | None, author: str | None, message: str) -> None:
    with pytest.raises(ConfigError) as refusal:
        with_overrides(article(), title, author)
    assert str(refusal.value) == message


@pytest.mark.parametrize("blank", [None, "", "   ", "\u200b\u200b\u2060", "\u00ad\ufeff\u3164", "\x00\x01 \u202e"])
def test_an_override_with_nothing_visible_keeps_what_was_extracted(blank: str | None) -> None:
    kept = with_overrides(article(), blank, blank)
    assert (kept.title, kept.author) == ("Extracted title", "Extracted Author")


def test_the_cli_publishes_clean_overrides_and_refuses_a_long_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "library.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    done = narrate(
        home,
        "add",
        str(source),
        "--json",
        "--title",
        "Library\u200b hours\u2060 grow",
        "--author",
        "\ufeffDa\u00adna Kim",
    )
    assert done.returncode == 0, done.stderr
    published = json.loads(done.stdout)
    assert (published["title"], published["author"]) == ("Library hours grow", "Dana Kim")
    feed = (home / "public/feeds/main.xml").read_bytes()
    item = next(etree.fromstring(feed).iter("item"))
    assert item.findtext("title") == "Library hours grow" and "\u200b" not in feed.decode()
    before = snapshot(home / "public")

    refused = narrate(home, "add", str(source), "--title", "Library " * 40)
    assert refused.returncode == 3
    assert refused.stderr == "narrate: error: the title given is 319 characters long; the most is 300\n"
    assert snapshot(home / "public") == before


def test_the_service_cleans_overrides_and_refuses_a_long_one(start_service: Start) -> None:
    service = start_service()
    token = create_token(service.store, "desk")
    with service.client(token) as client:
        queued = client.post(
            "/api/articles", json={"text": ARTICLE, "title": "Sunday\u200b opening", "author": "R.\u2060 Li"}
        )
        assert queued.status_code == 202, queued.text
        summary, _ = wait_done(client, queued.json()["status_url"])
        refused = client.post("/api/articles", json={"text": ARTICLE, "author": "Dana Kim " * 30})
        listed = client.get("/api/episodes").json()
    assert (summary["status"], summary["title"], summary["author"]) == ("published", "Sunday opening", "R. Li")
    assert refused.status_code == 422
    assert refused.json() == {"error": "the author given is 269 characters long; the most is 200"}
    episodes = listed["episodes"] if isinstance(listed, dict) else listed
    assert [e["title"] for e in episodes] == ["Sunday opening"]  # the refused one left no episode behind
