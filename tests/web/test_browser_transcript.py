"""A long article's episode page in headless Chromium: the transcript is one Tab stop, arrow keys move inside it.

The article has hundreds of sentences under several headings; it is rendered with the tone engine, published by the
real pipeline and served by the real service. The helpers (browser, axe, player) are test_browser_pages.py's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

import worker
from narrate import pipeline
from narrate.article import Article, Block
from narrate.settings import Settings
from narrate.store import Status, Store
from narrate.web.app import create_app
from tests.web.service import listener, serve
from tests.web.test_browser_pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    assert_no_axe_violations,
    cue_times,
    player_state,
    visit,
    wait_for_metadata,
    wait_until_at,
)

SUBJECTS = ["The council", "Our readers", "Each library", "The new budget", "A small team", "Every branch"]
VERBS = ["opens", "reviews", "extends", "funds", "welcomes", "plans"]
OBJECTS = ["late hours", "weekend visits", "reading rooms", "study spaces", "children's events", "quiet corners"]
HEADINGS = ["Opening hours", "Staff", "Costs", "Buildings", "Events", "What comes next"]


def long_article(paragraphs_per_heading: int = 4, sentences_per_paragraph: int = 8) -> Article:
    """Several headings, each over paragraphs of short sentences: hundreds of sentences, minutes of tone audio."""
    blocks, n = [], 0
    for heading in HEADINGS:
        blocks.append(Block("heading", heading, 2))
        for _ in range(paragraphs_per_heading):
            sentences = []
            for _ in range(sentences_per_paragraph):
                sentences.append(f"{SUBJECTS[n % 6]} {VERBS[n // 6 % 6]} {OBJECTS[n // 36 % 6]}.")
                n += 1
            blocks.append(Block("paragraph", " ".join(sentences)))
    return Article(
        title="Libraries, branch by branch", author="Sam Reyes", published=dt.date(2024, 5, 1), site="City Post",
        language="en", canonical_url="https://news.example.org/libraries-long", blocks=blocks,
    )


@dataclass
class LongSite:
    url: str
    episode_url: str
    browser: Browser
    captions: list[str]
    """The transcript's sentences that seek, in reading order (the headings' text is not among them)."""
    starts: list[float]
    chapters: int


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LongSite]:
    bound, url = listener()
    home = tmp_path_factory.mktemp("long") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NARRATE_HOME", str(home))
        env.setenv("NARRATE_BASE_URL", url)
        env.setenv("NARRATE_ENGINE", "tone")
        settings = Settings.load()
        store = Store(settings.db_url)
        queued = pipeline.submit(settings, store, long_article(), feed="main", source="test")
        worker.render.delay(queued.id, queued.render_id)
        episode = store.get(queued.id)
        assert episode.status == Status.PUBLISHED.value, episode.reason
        script = pipeline.script_from_dict(json.loads(episode.script_json))
        cues = cue_times((settings.public_dir / str(episode.transcript_path)).read_text())
        body = [(s.caption, cue[0]) for s, cue in zip(script.segments, cues) if s.kind != "heading"]
        chapters = json.loads((settings.public_dir / str(episode.chapters_path)).read_text())["chapters"]
        stop = serve(create_app(settings), bound)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                yield LongSite(url, f"{url}/episodes/{episode.id}/", browser, [c for c, _ in body],
                               [t for _, t in body], len(chapters))
                browser.close()
        finally:
            stop()


@pytest.fixture
def context(long_site: LongSite) -> Iterator[BrowserContext]:
    context = long_site.browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


def sentence_links(page: Page) -> Locator:
    return page.locator("section.transcript").get_by_role("link").filter(has_not_text="Read the original article")


def focused(page: Page) -> dict[str, object]:
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {text: e.textContent, sentence: e.matches('section.transcript a.sentence'),
                subscribe: !!e.closest('section.subscribe'), id: e.id}; }"""
    )


def walk_to_subscribe(page: Page, limit: int = 100) -> list[dict[str, object]]:
    """Tab from the top of the page until focus is in the subscribe section; every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1]["subscribe"]:
            return stops
    raise AssertionError(f"never reached the subscribe section in {limit} stops")


def test_the_article_is_long(long_site: LongSite, context: BrowserContext) -> None:
    page = visit(context, long_site.episode_url).page
    assert len(long_site.captions) >= 150 and long_site.chapters >= len(HEADINGS)
    assert sentence_links(page).all_inner_texts() == long_site.captions


def test_the_keyboard_walk_reaches_subscribing_in_a_few_stops_and_axe_finds_nothing(
    long_site: LongSite, context: BrowserContext
) -> None:
    visit_ = visit(context, long_site.episode_url)
    page = visit_.page
    wait_for_metadata(page)
    assert_no_axe_violations(page, "long episode page")
    stops = walk_to_subscribe(page)
    in_transcript = [stop for stop in stops if stop["sentence"]]
    assert [stop["text"] for stop in in_transcript] == [long_site.captions[0]]  # one stop for the whole transcript
    # The rest are the page's own controls (the native player alone has several) and one link per chapter: far
    # fewer than the sentences. From the transcript, "Read the original article" and then the subscribe section.
    assert len(stops) <= long_site.chapters + 20 < len(long_site.captions)
    assert len(stops) - stops.index(in_transcript[0]) == 3
    # Back again: Shift+Tab from the subscribe section passes the transcript in one stop too.
    backwards = []
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        backwards.append(focused(page))
    assert [stop["sentence"] for stop in backwards] == [False, True, False]
    assert player_state(page)["paused"] is True
    assert visit_.errors == []


def test_arrow_keys_home_and_end_move_between_sentences_and_enter_seeks(
    long_site: LongSite, context: BrowserContext
) -> None:
    visit_ = visit(context, long_site.episode_url)
    page = visit_.page
    wait_for_metadata(page)
    sentence_links(page).first.focus()
    moves = [("ArrowDown", 1), ("ArrowDown", 2), ("ArrowRight", 3), ("ArrowUp", 2), ("ArrowLeft", 1),
             ("ArrowUp", 0), ("ArrowUp", 0), ("End", -1), ("ArrowDown", -1), ("Home", 0)]
    for key, index in moves:
        page.keyboard.press(key)
        assert focused(page)["text"] == long_site.captions[index], key
    for _ in range(40):  # into the second section, past its heading, which the arrows skip (it is not a link)
        page.keyboard.press("ArrowDown")
    assert focused(page)["text"] == long_site.captions[40]
    page.keyboard.press("Enter")
    wait_until_at(page, long_site.starts[40])
    link = sentence_links(page).nth(40)
    expect(link).to_have_attribute("aria-current", "true")
    assert link.evaluate("element => element === document.activeElement")
    assert page.evaluate("() => window.scrollY") > 0  # the focused sentence was scrolled into view
    assert player_state(page)["paused"] is True
    assert_no_axe_violations(page, "long episode page with a current sentence")
    # Leaving and coming back lands on the sentence left, the transcript's one Tab stop.
    page.keyboard.press("Tab")
    assert not focused(page)["sentence"]
    page.keyboard.press("Shift+Tab")
    assert focused(page)["text"] == long_site.captions[40]
    expect(page.locator("section.transcript [tabindex='0']")).to_have_count(1)
    assert visit_.errors == []


def test_tab_into_the_transcript_lands_on_the_sentence_being_heard(
    long_site: LongSite, context: BrowserContext
) -> None:
    page = visit(context, long_site.episode_url + "#t=" + f"{long_site.starts[100]:g}").page
    wait_for_metadata(page)
    wait_until_at(page, long_site.starts[100])
    expect(sentence_links(page).nth(100)).to_have_attribute("aria-current", "true")
    stops = walk_to_subscribe(page)
    assert [stop["text"] for stop in stops if stop["sentence"]] == [long_site.captions[100]]


def test_headings_stay_headings(long_site: LongSite, context: BrowserContext) -> None:
    page = visit(context, long_site.episode_url).page
    transcript = page.locator("section.transcript")
    for heading in HEADINGS:
        found = transcript.get_by_role("heading", name=heading, exact=True, level=3)
        expect(found).to_have_count(1)
        assert found.get_by_role("link").count() == 0
    assert transcript.locator("h3 a, h4 a").count() == 0


def test_without_javascript_the_transcript_is_plain_text_and_tab_passes_it(long_site: LongSite) -> None:
    context = long_site.browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(long_site.episode_url)
        assert sentence_links(page).count() == 0  # no link that would do nothing
        text = page.locator("section.transcript").inner_text()
        positions = [text.find(caption, 0) for caption in long_site.captions[:5]]
        assert -1 not in positions and positions == sorted(positions)
        assert page.get_by_role("heading", name=HEADINGS[0], level=3).is_visible()
        # With JavaScript off Playwright cannot evaluate in the page (nor can axe run): the walk asks selectors.
        stops = on_sentences = 0
        while not page.locator("section.subscribe :focus").count():
            page.keyboard.press("Tab")
            stops += 1
            on_sentences += page.locator("section.transcript .sentence:focus").count()
            assert stops <= long_site.chapters + 20, "never reached the subscribe section"
        assert on_sentences == 0
        assert page.locator("section.transcript :focus").count() == 0
    finally:
        context.close()
