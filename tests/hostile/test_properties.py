"""Property-based tests (hypothesis) over extraction, the speech script and feed building.

(a) Any text, read as plain text and as Markdown, gives an article or a clear SourceError (EmptyArticleError
    included), and its script says nothing the input did not. The invariant, loosely as speech needs it:
    - every word (a run of letters and digits, case-folded) of a body caption occurs in the input, where a
      word may also be a part of an input word ("ferry" from "ferry-boat");
    - every word the voice is given occurs in the input in the same sense, or belongs to normalisation's own
      vocabulary: the words of its tables and literals, number words, spelled-out letters, and the lexicon's
      respellings. The intro and outro, made from templates, are left out.
    Words are compared after Unicode compatibility folding (NFKC), which normalisation applies to fractions.
(b) Any titles, descriptions and authors give a feed that lxml, feedparser and podcastparser read, whose
    titles are the given ones less what XML cannot hold (controls, lone surrogates) and with whitespace runs
    collapsed.
(c) Any nesting of HTML elements, attributes and text gives an article or a NarrateError, nothing else.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import inspect
import io
import pkgutil
import re
import types
import unicodedata
from functools import lru_cache

import feedparser
import podcastparser
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from num2words import num2words

import narrate.script.build
import narrate.script.normalize
import narrate.script.tables
from feeds import Channel, Item, build_rss
from feeds.text import one_line
from narrate.errors import NarrateError, SourceError
from narrate.extract import Document, extract
from narrate.script import ScriptOptions, build_script
from narrate.script.lexicon import DEFAULT_LEXICON

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

# -- strategies ----------------------------------------------------------------------------------------

_ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be a file's text
_PIECES = st.sampled_from(
    [
        "ferry", "Harbour", "council", "Dr.", "St.", "U.S.", "NATO", "FCNL", "H.R. 4471", "$4.5 million", "3.5%",
        "1,200", "1999", "10:30 a.m.", "½", "5 km", "XIV", "e.g.", "https://www.example.org/a?b=1", "a@b.org",
        "#tag", "@handle", "—", "...", "…", ". ", "? ", "! ", ", ", "\n", "\n\n", "\r\n", "# ", "## ", "- ", "* ",
        "1. ", "> ", "|", "| a | b |\n|---|---|\n", "`", "```\n", "**", "_", "[", "](", ")", "![", "<b>", "</b>",
        "<script>", "</script>", "<!--", "-->", "&amp;", "&lt;", "---\ntitle: T\n---\n", "\u202e", "\u200b",
        "\x00", "\x0b", "\ufeff", "\U0001f600", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
    ]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(_ANY_CHARACTER, max_size=300),
    st.lists(st.one_of(_PIECES, st.text(_ANY_CHARACTER, max_size=6)), max_size=60).map(" ".join),
    st.lists(st.one_of(_PIECES, st.text(_ANY_CHARACTER, max_size=6)), max_size=60).map("".join),
)


TAGS = (
    "div p span article main section h1 h2 ul li blockquote table tr td th figure figcaption sup a b script style "
    "nav footer aside br img svg math x-y"
).split()


@st.composite
def _element(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = draw(st.lists(st.sampled_from(
        [' class="caption"', ' class="footnotes"', ' class="pullquote"', ' role="doc-noteref"', ' id="fn1"',
         ' href="#fn1"', ' onclick="alert(1)"', ' lang="de"', ' class="twitter-tweet"', ' colspan="999999"']
    ), max_size=2))  # fmt: skip
    inner = draw(st.lists(children, max_size=4))
    return f"<{tag}{''.join(attributes)}>{''.join(inner)}</{tag}>"


HTML_TEXT = st.one_of(_PIECES, st.text(_ANY_CHARACTER, max_size=20))
PAGES = st.recursive(HTML_TEXT, lambda children: _element(children), max_leaves=40).map(
    lambda body: f"<html><head><title>T</title></head><body>{body}</body></html>"
)

# -- the vocabulary normalisation may add -------------------------------------------------------------


def _script_modules() -> list[types.ModuleType]:
    """Every module of normalisation (narrate.script.normalize and its parts) and of the script's own wording."""
    names = [info.name for info in pkgutil.iter_modules(narrate.script.normalize.__path__, "narrate.script.normalize.")]
    names += ["narrate.script.normalize", "narrate.script.build", "narrate.script.sentences", "narrate.script.tables"]
    names += ["narrate.script.templates"]
    return [importlib.import_module(name) for name in sorted(names)]


@lru_cache(maxsize=1)
def normalisation_words() -> frozenset[str]:
    """Words normalisation can say that the text need not contain, gathered from its own code and tables."""
    words: set[str] = set()

    def add(text: str) -> None:
        words.update(word.casefold() for word in _WORD.findall(text))

    def constants(code: types.CodeType) -> None:
        for constant in code.co_consts:
            if isinstance(constant, str):
                add(constant)
            elif isinstance(constant, types.CodeType):
                constants(constant)

    for module in _script_modules():
        constants(compile(inspect.getsource(module), module.__file__ or "", "exec"))
        for value in vars(module).values():
            if isinstance(value, dict | types.MappingProxyType):
                for key, item in value.items():
                    add(f"{key} {item}")
    for word, say in DEFAULT_LEXICON.items():
        add(f"{word} {say}")
    numbers = [*range(0, 101), *(10**power for power in range(2, 40)), 1999, 2005]
    for number in numbers:
        add(num2words(number))
        add(num2words(number, to="ordinal"))
        add(num2words(number, to="year") if number < 10000 else "")
    words.update("abcdefghijklmnopqrstuvwxyz")
    return frozenset(words)


@lru_cache(maxsize=1)
def script_words() -> frozenset[str]:
    """The words the script itself adds around quotes and tables."""
    framing = [narrate.script.build.QUOTE_START, narrate.script.build.QUOTE_END, narrate.script.tables.TABLE_START,
               narrate.script.tables.TABLE_END, "This table, with rows, row, is not read aloud; see the article."]  # fmt: skip
    return frozenset(word.casefold() for text in framing for word in _WORD.findall(text))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _from_input(word: str, stream: str) -> bool:
    return word in stream


# -- (a) text and Markdown to a script ------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, kind=st.sampled_from(["text", "markdown"]))
@example(text=":0\u00d7A", kind="text")  # found by this test: "0xA" was spoken
@example(text="\u328a0", kind="text")  # found by this test: "\u328azero", one made-up word
@example(text="0&&", kind="markdown")  # found by this test: "andand"
def test_any_text_gives_an_article_or_a_clear_error_and_a_script_of_its_own_words(text: str, kind: str) -> None:
    try:
        article = extract(Document(text.encode("utf-8"), kind, name="the text"))  # type: ignore[arg-type]
    except SourceError as error:
        assert "\n" not in str(error)
        return
    assert _WORD.search(article.title), article.title
    try:
        script = build_script(article, ScriptOptions(language="en"))
    except SourceError:
        return  # nothing speakable in the body: EmptyArticleError
    folded = _fold(text)
    # The input's words run together, as written, with entities decoded, and with markup taken out.
    variants = (folded, _fold(html.unescape(text)), _fold(_TAG.sub("", text)))
    stream = " ".join("".join(_WORD.findall(variant)) for variant in variants)
    vocabulary, framing = normalisation_words(), script_words()
    for segment in script.segments:
        assert len(segment.text) <= ScriptOptions().max_chars
        assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", segment.text + segment.caption)
        if segment.kind in ("intro", "outro"):
            continue
        for word in _WORD.findall(_fold(segment.caption)):
            # The script's own framing ("Quote.", "End of table.") is the one thing a caption adds.
            assert word in framing or _from_input(word, stream), f"caption word {word!r} is not in the input"
        for word in _WORD.findall(_fold(segment.text)):
            assert word in vocabulary or _from_input(word, stream), f"spoken word {word!r} comes from nowhere"


# -- (b) feeds -------------------------------------------------------------------------------------------

_FEED_TEXT = st.text(_ANY_CHARACTER, min_size=1, max_size=80)


@settings(max_examples=120, deadline=None)
@given(
    title=_FEED_TEXT,
    description=st.text(_ANY_CHARACTER, max_size=200),
    author=st.text(_ANY_CHARACTER, max_size=40),
    episodes=st.lists(st.tuples(_FEED_TEXT, st.text(_ANY_CHARACTER, max_size=120), _FEED_TEXT), max_size=3),
)
def test_any_titles_give_a_feed_that_parses_and_keeps_them(
    title: str, description: str, author: str, episodes: list[tuple[str, str, str]]
) -> None:
    clean_titles = [one_line(t) for t, _, _ in episodes]
    if not one_line(title) or not one_line(description) or not all(clean_titles):
        return  # build_rss's contract: a channel or episode without a title is a ValueError, tested elsewhere
    channel = Channel(
        slug="main", title=title, description=description, link="https://example.org/",
        feed_url="https://example.org/feeds/main.xml", language="en", image_url="https://example.org/cover.png",
        category="News", author=author, owner_email="audio@example.org",
    )  # fmt: skip
    start = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    items = [
        Item(
            guid=f"guid-{number}", title=episode_title, description=notes, author=episode_author,
            published=start + dt.timedelta(days=number), audio_url=f"https://example.org/{number}.mp3",
            audio_bytes=1000, duration_seconds=60.0,
        )  # fmt: skip
        for number, (episode_title, notes, episode_author) in enumerate(episodes)
    ]
    feed = build_rss(channel, items, built=start)

    root = etree.fromstring(feed, _SAFE_XML)
    assert root.findtext("channel/title") == one_line(title)
    assert [item.findtext("title") for item in root.iter("item")] == list(reversed(clean_titles))
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(items)
    podcast = podcastparser.parse("https://example.org/feeds/main.xml", io.BytesIO(feed))
    assert sorted(episode["title"] for episode in podcast["episodes"]) == sorted(t.strip() for t in clean_titles)


# -- (c) nested HTML -------------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=PAGES)
def test_any_nested_html_gives_an_article_or_a_narrate_error(page: str) -> None:
    try:
        article = extract(Document(page.encode("utf-8"), "html", name="the page"))
    except NarrateError as error:
        assert "\n" not in str(error)
        return
    assert _WORD.search(article.title)
    assert "alert(1)" not in article.body_text or "alert(1)" in re.sub(r"<[^>]*>", "", page)
