"""What "nothing crashed, nothing corrupted" means, as assertions on files, feeds, pages and messages."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import feedparser
import lxml.html
import podcastparser
from lxml import etree

from narrate.store import Store
from tests.hostile.cases import Published, Refused

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_WORD = re.compile(r"[^\W_]+")


def snapshot(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` and the hash of its bytes."""
    if not directory.exists():
        return {}
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def episode_rows(store: Store) -> list[tuple[str, str, str, str | None]]:
    """(id, status, title, audio path) of every episode: what a failed submission must leave as it was."""
    return [(e.id, e.status, e.title, e.audio_path) for e in store.episodes()]


def assert_one_line(message: str, outcome: Refused) -> None:
    assert "\n" not in message.strip() and "Traceback" not in message, message
    assert outcome.phrase in message, f"{outcome.phrase!r} not in {message!r}"
    for secret in outcome.absent:
        assert secret not in message, message


def assert_feed_holds(feed: bytes, guid: str, outcome: Published) -> str:
    """The feed parses as XML, as RSS (feedparser, no bozo) and as a podcast (podcastparser); the episode's title."""
    root = etree.fromstring(feed, _SAFE_XML)
    items = {item.findtext("guid"): item for item in root.iter("item")}
    assert guid in items, f"episode {guid} not in the feed"
    title = items[guid].findtext("title") or ""
    assert outcome.title in title, f"{outcome.title!r} not in the title {title!r}"
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert title in [entry.title for entry in parsed.entries]
    podcast = podcastparser.parse("https://feeds.example.org/feed.xml", io.BytesIO(feed))
    assert any(episode["title"] == title for episode in podcast["episodes"])
    for text in outcome.absent:
        assert text not in title
    return title


def assert_transcript_says(vtt: str, outcome: Published) -> None:
    assert vtt.startswith("WEBVTT")
    words = [word.casefold() for word in _WORD.findall(vtt)]
    position = 0
    for expected in outcome.words:
        assert expected in words[position:], f"{expected!r} missing from the transcript (or out of order)"
        position = words.index(expected, position) + 1
    for text in outcome.absent:
        assert text not in vtt, f"{text!r} in the transcript"


def assert_page_is_inert(page: str, outcome: Published) -> None:
    """The episode page runs only its own script: no inline script, no event handler, no javascript: URL."""
    tree = lxml.html.fromstring(page)
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json":  # a data block, never run: it must parse and stay closed
            assert json.loads(script.text or ""), "empty structured data"
            assert "<" not in (script.text or ""), "markup inside the structured data"
            continue
        assert script.get("src", "").startswith(("../../assets/", "/assets/", "assets/")) or "assets/" in script.get(
            "src", ""
        ), lxml.html.tostring(script)
        assert not (script.text or "").strip(), "inline script in the page"
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}={value!r} on <{element.tag}>"
            assert not value.strip().lower().startswith("javascript:"), f"{name}={value!r} on <{element.tag}>"
    for text in outcome.absent:
        assert text not in page, f"{text!r} in the episode page"
