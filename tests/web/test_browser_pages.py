"""The listeners' and staff pages in headless Chromium: axe-core, the keyboard, the player, and JavaScript off.

One episode is rendered with the tone engine and served by the real service; one browser serves the module.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

import worker
from narrate import pipeline
from narrate.article import Article, Block
from narrate.publishing import formats, paths
from narrate.script import Script
from narrate.settings import Settings
from narrate.store import Episode, Status, Store
from narrate.web.app import create_app
from narrate.web.tokens import create_token
from tests.web.service import listener, serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    # Chromium's default policy would block autoplay by itself; allowing it makes "still paused" mean something.
    "--autoplay-policy=no-user-gesture-required",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FEEDS_TITLED_ALIKE = '[feeds.alpha]\ntitle = "Narrate"\n[feeds.zeta]\ntitle = "Narrate"\n'
ARTICLE = Article(
    title="Library hours grow",
    author="Dana Kim",
    published=dt.date(2024, 4, 2),
    site="City Post",
    language="en",
    canonical_url="https://news.example.org/library-hours",
    blocks=[
        Block("paragraph", "The central library will open on Sundays from May. The city hired four new librarians."),
        Block("heading", "What readers asked for", 2),
        Block("paragraph", "Readers asked for longer hours in a survey last year."),
        Block("list_item", "Evenings until nine."),
        Block("list_item", "Weekend mornings."),
        Block("heading", "What it costs", 2),
        Block("paragraph", "The change costs the city about two hundred thousand a year."),
    ],
)


@dataclass
class Site:
    url: str
    settings: Settings
    store: Store
    episode: Episode
    script: Script
    cues: list[tuple[float, float]]
    chapters: list[tuple[float, str]]
    browser: Browser
    token: str

    @property
    def episode_url(self) -> str:
        return f"{self.url}/episodes/{self.episode.id}/"


@dataclass
class Visit:
    """An open page and the errors it logged."""

    page: Page
    errors: list[str] = field(default_factory=list)


def cue_times(vtt: str) -> list[tuple[float, float]]:
    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    return [(seconds(a), seconds(b)) for a, b in re.findall(r"^(\S+) --> (\S+)$", vtt, re.MULTILINE)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    bound, url = listener()
    home = tmp_path_factory.mktemp("browser") / "home"
    home.mkdir()
    (home / "narrate.toml").write_text(FEEDS_TITLED_ALIKE, encoding="utf-8")  # beside main, titled "Narrate"
    with pytest.MonkeyPatch.context() as env:
        # The embedded render tasks read their settings from the environment (once, when the worker is imported).
        env.setenv("NARRATE_HOME", str(home))
        env.setenv("NARRATE_BASE_URL", url)
        env.setenv("NARRATE_ENGINE", "tone")
        # Every test here signs in from 127.0.0.1 within a minute or two; the sign-in limit has tests of its own.
        env.setenv("NARRATE_LOGIN_ATTEMPTS_PER_MINUTE", "1000")
        settings = Settings.load()
        store = Store(settings.db_url)
        queued = pipeline.submit(settings, store, ARTICLE, feed="main", source="test")
        worker.render.delay(queued.id, queued.render_id)
        episode = store.get(queued.id)
        assert episode.status == Status.PUBLISHED.value, episode.reason
        script = pipeline.script_from_dict(json.loads(episode.script_json))
        cues = cue_times((settings.public_dir / str(episode.transcript_path)).read_text())
        chapters_file = json.loads((settings.public_dir / str(episode.chapters_path)).read_text())
        chapters = [(float(c["startTime"]), c["title"]) for c in chapters_file["chapters"]]
        # Publishing wrote the pages.
        assert (settings.public_dir / paths.episode_page_path(episode.id)).is_file()
        assert (settings.public_dir / paths.feed_page_path("main")).is_file()
        token = create_token(store, "tester")

        stop = serve(create_app(settings), bound)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                yield Site(url, settings, store, episode, script, cues, chapters, browser, token)
                browser.close()
        finally:
            stop()


@pytest.fixture
def context(site: Site) -> Iterator[BrowserContext]:
    context = site.browser.new_context()
    context.set_default_timeout(10_000)  # a failure shows in seconds, not Playwright's default 30
    yield context
    context.close()


def visit(context: BrowserContext, url: str) -> Visit:
    page = context.new_page()
    found = Visit(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.errors.append(f"page error: {error}"))
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    page.wait_for_load_state("load")
    return found


def assert_no_axe_violations(page: Page, what: str) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def wait_for_metadata(page: Page) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def wait_until_at(page: Page, seconds: float) -> None:
    """Wait until the player's position is within 0.3 s of ``seconds``."""
    page.wait_for_function("at => Math.abs(document.getElementById('player').currentTime - at) < 0.3", arg=seconds)


def player_state(page: Page) -> dict[str, float | bool]:
    return page.evaluate(
        "() => { const a = document.getElementById('player');"
        " return {paused: a.paused, time: a.currentTime, rate: a.playbackRate}; }"
    )


def transcript_link(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("section.transcript").get_by_role("link", name=text, exact=True)


def test_episode_page_has_no_axe_violations_before_and_while_a_sentence_is_current(
    site: Site, context: BrowserContext
) -> None:
    visit_ = visit(context, site.episode_url)
    page = visit_.page
    wait_for_metadata(page)
    assert_no_axe_violations(page, "episode page")
    sentence = transcript_link(page, site.script.segments[4].caption)
    sentence.focus()
    page.keyboard.press("Enter")
    expect(sentence).to_have_attribute("aria-current", "true")
    assert_no_axe_violations(page, "episode page with a current sentence")
    assert visit_.errors == []


def test_embed_and_feed_pages_have_no_axe_violations(site: Site, context: BrowserContext) -> None:
    embed = visit(context, site.episode_url + "embed.html")
    assert_no_axe_violations(embed.page, "embed page")
    link = embed.page.get_by_role("link", name=re.compile(r"opens in new tab"))
    assert link.get_attribute("target") == "_blank"
    feed = visit(context, f"{site.url}/feeds/main/")
    assert_no_axe_violations(feed.page, "feed page")
    assert feed.page.get_by_role("link", name=site.episode.title).get_attribute("href") == (
        f"../../episodes/{site.episode.id}/"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    feed.page.get_by_role("button", name="Copy feed address").press("Enter")
    expect(feed.page.get_by_role("status")).to_have_text("Copied.")
    assert feed.page.evaluate("() => navigator.clipboard.readText()") == f"{site.url}/feeds/main.xml"
    assert embed.errors == [] and feed.errors == []


def test_staff_pages_have_no_axe_violations(site: Site, context: BrowserContext) -> None:
    login = visit(context, f"{site.url}/staff")
    page = login.page
    assert_no_axe_violations(page, "login page")
    page.get_by_label("API token").fill("nrt_wrong")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("alert").wait_for()
    assert_no_axe_violations(page, "login page with an error")
    page.get_by_label("API token").fill(site.token)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Articles and episodes", level=1).wait_for()
    assert_no_axe_violations(page, "staff page")
    row = page.get_by_role("row", name=re.compile(site.episode.title))
    assert row.get_by_role("cell").nth(1).inner_text() == "Published"  # after the title (a row header) and feed

    # The table refreshes itself without moving focus.
    link = row.get_by_role("link", name=site.episode.title)
    link.focus()
    with page.expect_response(re.compile(r"/staff/episodes\.json$"), timeout=10_000) as refresh:
        pass
    assert refresh.value.ok
    page.wait_for_timeout(100)
    assert page.evaluate("() => document.activeElement.textContent") == site.episode.title
    assert page.get_by_role("row").count() == 2  # the header row and the episode

    page.get_by_label("Article URL or pasted text").fill("   ")
    page.get_by_role("button", name="Queue article").click()
    page.get_by_role("alert").wait_for()
    assert_no_axe_violations(page, "staff page with an error")
    # Chromium logs the refused login (401) and the refused form (422) it was answered with; nothing else.
    statuses = [status for error in login.errors for status in re.findall(r"status of (\d+)", error)]
    assert statuses == ["401", "422"] and len(login.errors) == 2, login.errors


def test_tab_reaches_player_speeds_chapters_and_the_transcript_once(site: Site, context: BrowserContext) -> None:
    visit_ = visit(context, site.episode_url)
    page = visit_.page
    targets = {"player": page.get_by_label(f"Audio version: {site.episode.title}", exact=True)}
    for speed in ("0.75", "1", "1.25", "1.5", "2"):
        targets[f"speed {speed}"] = page.get_by_role("button", name=f"Speed {speed} times", exact=True)
    chapters = page.get_by_role("navigation", name="Chapters")
    for _, title in site.chapters:
        targets[f"chapter {title}"] = chapters.get_by_role("link", name=title, exact=True)
    sentences = page.locator("section.transcript a.sentence")
    targets["transcript"] = sentences.first  # the transcript's one Tab stop: its first sentence until one is heard
    targets["subscribe"] = page.get_by_label("Feed address (RSS)")
    for name, locator in targets.items():
        assert locator.count() == 1, name
        locator.evaluate("(element, name) => { element.dataset.tabTarget = name; }", name)

    reached: list[str] = []
    in_transcript = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement && document.activeElement.dataset.tabTarget")
        in_transcript += page.evaluate("() => document.activeElement.matches('section.transcript a.sentence')")
        if name and name not in reached:
            reached.append(name)
        if name == "subscribe":
            break
    # In reading order: the player, then the speeds, the chapters, the transcript (once), and on to subscribing.
    assert reached == list(targets)
    assert in_transcript == 1 and sentences.count() > 1
    assert player_state(page)["paused"] is True
    assert visit_.errors == []


def test_audio_stays_paused_after_load(site: Site, context: BrowserContext) -> None:
    page = visit(context, site.episode_url).page
    wait_for_metadata(page)
    page.wait_for_timeout(500)
    assert player_state(page) == {"paused": True, "time": 0, "rate": 1}
    assert page.evaluate("() => document.getElementById('player').autoplay") is False


def test_enter_on_a_sentence_or_chapter_seeks_without_playing_or_moving_focus(
    site: Site, context: BrowserContext
) -> None:
    visit_ = visit(context, site.episode_url)
    page = visit_.page
    wait_for_metadata(page)
    for index in (len(site.script.segments) - 2, 3):
        segment = site.script.segments[index]
        link = transcript_link(page, segment.caption)
        link.focus()
        page.keyboard.press("Enter")
        start = site.cues[index][0]
        wait_until_at(page, start)
        expect(link).to_have_attribute("aria-current", "true")  # set on the "seeked" event, a moment later
        expect(page.locator("[aria-current]")).to_have_count(1)
        assert link.evaluate("element => element === document.activeElement")
        assert player_state(page)["paused"] is True
    start, title = site.chapters[-1]
    page.get_by_role("navigation", name="Chapters").get_by_role("link", name=title, exact=True).press("Enter")
    wait_until_at(page, start)
    assert page.url.endswith("#" + formats.time_fragment(start))
    assert visit_.errors == []


def test_playback_moves_the_marker_but_never_the_focus(site: Site, context: BrowserContext) -> None:
    visit_ = visit(context, site.episode_url)
    page = visit_.page
    wait_for_metadata(page)
    index = 6
    transcript_link(page, site.script.segments[index].caption).press("Enter")
    button = page.get_by_role("button", name="Speed 2 times", exact=True)
    button.press("Enter")
    page.evaluate("() => document.getElementById('player').play()")
    expect(transcript_link(page, site.script.segments[index + 1].caption)).to_have_attribute("aria-current", "true")
    assert button.evaluate("element => element === document.activeElement")
    assert page.locator("[aria-current]").count() == 1
    page.evaluate("() => document.getElementById('player').pause()")
    assert visit_.errors == []


def test_a_time_in_the_address_seeks_on_load_but_does_not_play(site: Site, context: BrowserContext) -> None:
    start = site.cues[6][0]  # a sentence (5 is a heading, which is text, not a link)
    page = visit(context, site.episode_url + "#" + formats.time_fragment(start)).page
    wait_for_metadata(page)
    wait_until_at(page, start)
    assert player_state(page)["paused"] is True
    expect(transcript_link(page, site.script.segments[6].caption)).to_have_attribute("aria-current", "true")


def test_speed_buttons_set_the_playback_rate(site: Site, context: BrowserContext) -> None:
    visit_ = visit(context, site.episode_url)
    page = visit_.page
    faster = page.get_by_role("button", name="Speed 1.5 times", exact=True)
    normal = page.get_by_role("button", name="Speed 1 times", exact=True)
    expect(normal).to_have_attribute("aria-pressed", "true")
    expect(faster).to_have_attribute("aria-pressed", "false")
    faster.focus()
    page.keyboard.press("Enter")
    assert player_state(page)["rate"] == 1.5
    # The buttons follow the audio's "ratechange" event, which the browser dispatches a moment later: wait for it.
    expect(faster).to_have_attribute("aria-pressed", "true")
    expect(normal).to_have_attribute("aria-pressed", "false")
    slower = page.get_by_role("button", name="Speed 0.75 times", exact=True)
    slower.press("Space")
    assert player_state(page)["rate"] == 0.75
    expect(slower).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button[aria-pressed='true']")).to_have_count(1)
    assert visit_.errors == []


def test_pages_work_with_javascript_off(site: Site) -> None:
    context = site.browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.episode_url)
        audio = page.get_by_label(f"Audio version: {site.episode.title}", exact=True)
        assert audio.evaluate("element => element.tagName") == "AUDIO" and audio.get_attribute("controls") is not None
        transcript = page.locator("section.transcript").inner_text()
        positions = [transcript.find(segment.caption) for segment in site.script.segments]
        assert -1 not in positions and positions == sorted(positions)
        assert page.get_by_role("heading", name="What readers asked for", level=3).is_visible()
        assert not page.get_by_role("button", name="Speed 1.5 times").is_visible()
        assert page.get_by_role("link", name=re.compile(r"^Download the audio \(MP3")).is_visible()
        page.goto(f"{site.url}/feeds/main/")
        assert page.get_by_role("link", name=site.episode.title).is_visible()
    finally:
        context.close()


def test_a_refused_article_leaves_the_pasted_text_in_the_form(site: Site, context: BrowserContext) -> None:
    page = visit(context, f"{site.url}/staff").page
    page.get_by_label("API token").fill(site.token)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Articles and episodes", level=1).wait_for()
    field = page.get_by_label("Article URL or pasted text")
    for pasted, reason in [
        ("https://10.0.0.1/news/story?a=1&b=</textarea>", "refusing to fetch"),
        (". . .\n\n\u200b\u200b\n\u2026", "no article text found"),
    ]:
        field.fill(pasted)
        page.get_by_role("button", name="Queue article").click()
        expect(page.get_by_role("alert")).to_contain_text(reason)
        expect(field).to_have_value(pasted)  # the page came back with it: nothing to paste again
        expect(page.get_by_label("Feed")).to_have_value("main")
        assert field.get_attribute("aria-invalid") == "true"


# -- the pages under their Content-Security-Policy -------------------------------------------------------

REPORT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""
"""Runs before the page's own scripts (injected by the browser, so the policy does not apply to it)."""


def violations(page: Page) -> list[str]:
    return page.evaluate("() => window.cspViolations")


def test_pages_work_under_their_policy_and_report_no_violation(site: Site, context: BrowserContext) -> None:
    context.add_init_script(REPORT_VIOLATIONS)
    policies: dict[str, str] = {}
    context.on("response", lambda r: policies.setdefault(r.url, r.headers.get("content-security-policy", "")))

    episode = visit(context, site.episode_url)
    page = episode.page
    wait_for_metadata(page)
    page.get_by_role("button", name="Speed 1.25 times", exact=True).click()
    assert player_state(page)["rate"] == 1.25  # player.js runs: its listeners are attached
    index = 6
    transcript_link(page, site.script.segments[index].caption).click()
    wait_until_at(page, site.cues[index][0])
    assert violations(page) == [] and episode.errors == []

    others = [visit(context, site.episode_url + "embed.html"), visit(context, f"{site.url}/feeds/main/")]
    staff = visit(context, f"{site.url}/staff")
    staff.page.get_by_label("API token").fill(site.token)
    staff.page.get_by_role("button", name="Log in").click()
    with staff.page.expect_response(re.compile(r"/staff/episodes\.json$"), timeout=10_000) as refresh:
        pass  # staff.js polls: it runs under the policy
    assert refresh.value.ok
    for visited in [*others, staff]:
        assert violations(visited.page) == [] and visited.errors == [], visited.page.url

    for url in (site.episode_url, site.episode_url + "embed.html", f"{site.url}/feeds/main/", f"{site.url}/staff"):
        assert "script-src 'self';" in policies[url] and "unsafe-inline" not in policies[url], url

    # The detector works and the policy is live: an inline handler slipped into the page is blocked and reported.
    page.evaluate("""() => document.body.insertAdjacentHTML(
        "beforeend", '<img alt="" src="data:," onerror="window.inlineRan = true">')""")
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.inlineRan") is None
    assert violations(page)[0].startswith("script-src")


def test_only_the_embed_can_be_framed_by_another_site(site: Site, context: BrowserContext) -> None:
    publisher = ThreadingHTTPServer(("127.0.0.1", 0), _frame_page(site))  # another port: another origin
    threading.Thread(target=publisher.serve_forever, daemon=True).start()
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"http://127.0.0.1:{publisher.server_address[1]}/article")
        embed = page.frame_locator("#embed")
        expect(embed.get_by_role("heading", level=1)).to_have_text(site.episode.title)
        expect(embed.locator("audio")).to_have_count(1)
        refused = next(frame for frame in page.frames if frame.name == "page")
        assert refused.url.startswith("chrome-error://")  # Chromium's "127.0.0.1 is blocked" page instead
        assert site.episode.title not in refused.content()
        assert any("frame-ancestors 'none'" in text for text in console), console
    finally:
        publisher.shutdown()
        publisher.server_close()


def _frame_page(site: Site) -> type[BaseHTTPRequestHandler]:
    html = (
        f'<!doctype html><title>A publisher</title>'
        f'<iframe id="embed" title="player" src="{site.episode_url}embed.html"></iframe>'
        f'<iframe id="page" name="page" title="page" src="{site.episode_url}"></iframe>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


# -- the staff page at work: the feed picker, the order of the list, the banner, a phone ---------------------
# These add episodes to the site's store, so they come last in the module. The site has three feeds titled alike.

LONG_WORD = "https://example.org/" + "a-very-long-unbroken-address-" * 8


def desk_episode(id: str, title: str, status: Status, *, days_ago: float = 0, **values: object) -> Episode:
    """An episode last changed ``days_ago`` days ago, about an article of that day."""
    changed = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    return Episode(
        id=id, guid=f"guid-{id}", feed="main", source_key=f"https://example.org/{id}", title=title,
        status=status.value, published=changed.date(), created_at=changed, updated_at=changed, **values,
    )


def staff_visit(context: BrowserContext, site: Site, path: str = "/staff") -> Visit:
    """The staff page at ``path``, signed in first if the context is not yet."""
    found = visit(context, site.url + path)
    if found.page.get_by_label("API token").count():
        found.page.get_by_label("API token").fill(site.token)
        found.page.get_by_role("button", name="Log in").click()
        found.page.get_by_role("heading", name="Articles and episodes", level=1).wait_for()
        if path != "/staff":
            found.page.goto(site.url + path)
    return found


def test_feed_picker_starts_on_main_and_tells_feeds_titled_alike_apart(site: Site, context: BrowserContext) -> None:
    visit_ = staff_visit(context, site)
    page = visit_.page
    picker = page.get_by_label("Feed")
    expect(picker).to_have_value("main")  # not "alpha", the alphabetically first
    names = picker.locator("option").all_inner_texts()
    assert names == ["Narrate (main)", "Narrate (alpha)", "Narrate (zeta)"]
    for name in names:
        expect(picker.get_by_role("option", name=name, exact=True)).to_have_count(1)
    assert visit_.errors == []


def test_an_undated_article_queued_on_the_page_tops_a_full_list_and_the_banner_says_published(
    site: Site, context: BrowserContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The embedded render reads its settings from the environment, which each test starts without.
    monkeypatch.setenv("NARRATE_HOME", str(site.settings.home))
    monkeypatch.setenv("NARRATE_BASE_URL", site.url)
    monkeypatch.setenv("NARRATE_ENGINE", "tone")
    for day in range(1, 101):  # the page lists 100: these fill it, dated and changed days ago
        site.store.save(desk_episode(f"d{day:03}", f"Dated story {day}", Status.PUBLISHED, days_ago=day))
    visit_ = staff_visit(context, site)
    page = visit_.page
    title = "Ferry timetable changes"  # no date: by article date it would sink below the 100 shown
    page.get_by_label("Article URL or pasted text").fill(
        f"{title}\n\nThe harbour ferry leaves every twenty minutes from Monday. Evening boats run until ten.\n"
    )
    page.get_by_label("Feed").select_option("zeta")
    page.get_by_role("button", name="Queue article").click()
    banner = page.get_by_role("status")
    expect(banner).to_have_text(re.compile(rf"^(Queued “{title}”\. It is listed below with its status\.|Published)"))
    expect(banner).to_have_text(f"Published “{title}”.", timeout=30_000)
    rows = page.locator("table.episodes tbody tr")
    expect(rows.first.get_by_role("rowheader")).to_have_text(title)
    expect(rows.first.get_by_role("cell").first).to_have_text("Narrate (zeta)")
    expect(rows.first.get_by_role("cell").nth(1)).to_have_text("Published")
    assert rows.count() == 100
    assert visit_.errors == []


def test_the_banner_announces_when_the_queued_episode_is_published_or_fails(
    site: Site, context: BrowserContext
) -> None:
    for id, title, outcome, reason, said in [
        ("b-pub", "Bridge reopens", Status.PUBLISHED, None, "Published “Bridge reopens”."),
        ("b-fail", "Tram <strike> & “ends”", Status.FAILED, "no voice speaks 'xx' <set NARRATE_VOICES>",
         "“Tram <strike> & “ends”” failed: no voice speaks 'xx' <set NARRATE_VOICES>"),
    ]:
        site.store.save(desk_episode(id, title, Status.QUEUED))
        visit_ = staff_visit(context, site, f"/staff?queued={id}")
        page = visit_.page
        banner = page.get_by_role("status")
        expect(banner).to_have_text(f"Queued “{title}”. It is listed below with its status.")
        assert banner.get_attribute("aria-live") == "polite"
        banner.evaluate("element => { element.dataset.sameRegion = 'yes'; }")  # the region itself stays
        site.store.change(id, status=Status.RENDERING.value, segments_total=4, segments_done=2)
        row = page.locator(f"tr[data-id='{id}']")
        expect(row.get_by_role("cell").nth(1)).to_have_text("Rendering", timeout=10_000)
        expect(banner).to_have_text(f"Queued “{title}”. It is listed below with its status.")  # no chatter
        site.store.change(id, status=outcome.value, reason=reason)
        expect(banner).to_have_text(said, timeout=10_000)
        assert banner.get_attribute("data-same-region") == "yes"
        assert banner.locator("p").get_attribute("class") == ("failed" if reason else None)
        assert banner.locator("strike").count() == 0  # the title is text
        assert_no_axe_violations(page, f"staff page with the banner saying {outcome.value}")
        assert visit_.errors == []


@pytest.mark.parametrize("width", [320, 375])
def test_on_a_phone_the_page_does_not_scroll_sideways(site: Site, width: int) -> None:
    site.store.save(desk_episode(
        "long", LONG_WORD, Status.FAILED, reason=f"could not fetch {LONG_WORD}: HTTP 404", notice=None,
    ))
    context = site.browser.new_context(viewport={"width": width, "height": 667})
    context.set_default_timeout(10_000)
    try:
        visit_ = staff_visit(context, site)
        page = visit_.page
        sizes = page.evaluate("""() => {
            const wrap = document.querySelector('.table-wrap');
            return {page: document.scrollingElement.scrollWidth, view: innerWidth,
                    wrap: wrap.scrollWidth, wrapView: wrap.clientWidth};
        }""")
        assert sizes["page"] <= sizes["view"] == width and sizes["wrap"] <= sizes["wrapView"], sizes
        # Reflowed: one episode is a block of lines, each labelled with its column, one under the other.
        row = page.locator("tr[data-id='long']")
        boxes = [row.locator(part).bounding_box() for part in ("th", "td >> nth=0", "td >> nth=1", "td >> nth=3")]
        assert all(box is not None and box["x"] + box["width"] <= width for box in boxes), boxes
        assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)  # type: ignore[index]
        assert len({box["x"] for box in boxes}) == 1  # type: ignore[index]
        label = row.locator("td >> nth=1").evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label.startswith('"Status: "'), label
        # Still a table to assistive technology: the column headers are there though not shown.
        expect(page.get_by_role("columnheader", name="Reason or note")).to_have_count(1)
        header = page.locator("table.episodes thead").bounding_box()
        assert header is not None and header["width"] <= 1 and header["height"] <= 1  # not shown
        assert_no_axe_violations(page, f"staff page {width} px wide")
        assert visit_.errors == []
    finally:
        context.close()


def test_the_banner_and_the_list_work_without_javascript(site: Site) -> None:
    site.store.save(desk_episode("nojs", "Library closes early", Status.FAILED, reason="the engine ran out of time"))
    context = site.browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/staff")
        page.get_by_label("API token").fill(site.token)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{site.url}/staff?queued=nojs")
        expect(page.get_by_role("status")).to_have_text("“Library closes early” failed: the engine ran out of time")
        first = page.locator("table.episodes tbody tr").first
        expect(first.get_by_role("rowheader")).to_have_text("Library closes early")
        expect(first.get_by_role("cell").nth(1)).to_have_text("Failed")
        expect(page.get_by_label("Feed")).to_have_value("main")
    finally:
        context.close()


def test_focus_stays_on_a_link_whose_row_moves_to_the_top(site: Site, context: BrowserContext) -> None:
    site.store.save(desk_episode("above", "Changed a moment ago", Status.QUEUED))
    visit_ = staff_visit(context, site)
    page = visit_.page
    rows = page.locator("table.episodes tbody tr")
    expect(rows.first).to_have_attribute("data-id", "above")
    link = page.locator(f"tr[data-id='{site.episode.id}']").get_by_role("link", name=site.episode.title)
    link.focus()
    site.store.change(site.episode.id, title=site.episode.title)  # changed now: first at the next refresh
    expect(rows.first).to_have_attribute("data-id", site.episode.id, timeout=10_000)
    assert link.evaluate("element => element === document.activeElement")
    assert visit_.errors == []
