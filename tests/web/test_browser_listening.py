"""The staff page of listening figures in headless Chromium: axe-core, the chart and its table, a phone's width.

Downloads of the past weeks are stored as counted rows; today's come from real requests to the real server.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from narrate.settings import Settings
from narrate.store import Episode, Status, Store
from narrate.store.models import Download
from narrate.web.app import create_app
from narrate.web.tokens import create_token
from tests.web.service import listener, serve
from tests.web.test_browser_pages import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations

AUDIO = bytes(range(256)) * 64
APPLE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
PAST = {"ep1": {3: 4, 10: 2, 20: 7}, "ep2": {3: 1, 40: 5}}
"""Counted downloads, by episode, days ago and number."""
PER_DAY, PER_EPISODE = re.compile("^Downloads per day"), re.compile("^Downloads per episode")


@dataclass
class Desk:
    url: str
    store: Store
    browser: Browser
    token: str


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    bound, url = listener()
    home = tmp_path_factory.mktemp("listening") / "home"
    (home / "public" / "audio" / "main").mkdir(parents=True)
    (home / "public" / "audio" / "main" / "ep1-r1.mp3").write_bytes(AUDIO)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NARRATE_HOME", str(home))
        env.setenv("NARRATE_BASE_URL", url)
        env.setenv("NARRATE_ENGINE", "tone")
        settings = Settings.load()
        store = Store(settings.db_url)
        for id, title in (("ep1", "Library hours grow"), ("ep2", "Council passes the water bill")):
            store.save(
                Episode(
                    id=id,
                    guid=f"guid-{id}",
                    feed="main",
                    source_key=f"https://example.org/{id}",
                    title=title,
                    status=Status.PUBLISHED.value,
                    audio_path=f"audio/main/{id}-r1.mp3",
                    bytes=len(AUDIO),
                    duration=30.0,
                )
            )
        with store.session() as session:
            for id, days in PAST.items():
                for ago, count in days.items():
                    day = _today() - dt.timedelta(days=ago)
                    counted = dt.datetime.combine(day, dt.time(12), dt.UTC)
                    session.add_all(Download(episode_id=id, day=day, bytes=len(AUDIO), counted_at=counted)
                                    for _ in range(count))  # fmt: skip
        token = create_token(store, "desk")
        stop = serve(create_app(settings), bound)
        try:
            with httpx.Client(base_url=url) as client:
                for agent in (APPLE, "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", "curl/8.5.0"):
                    assert client.get("/audio/main/ep1-r1.mp3", headers={"User-Agent": agent}).status_code == 200
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                yield Desk(url, store, browser, token)
                browser.close()
        finally:
            stop()


def signed_in(desk: Desk, width: int = 1280) -> Page:
    context = desk.browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{desk.url}/staff/listening")
    page.get_by_label("API token").fill(desk.token)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Listening figures").click()
    page.get_by_role("heading", name="Listening figures", level=1).wait_for()
    page.errors = errors  # type: ignore[attr-defined]
    return page


def test_the_chart_has_its_figures_as_a_table_and_no_axe_violations(desk: Desk) -> None:
    page = signed_in(desk)
    try:
        today = _today()
        # Today: Apple and Overcast count, curl does not; with the past 30 days' rows: 4+2+7 + 1 + 2.
        chart = page.get_by_role("img", name="Bar chart of downloads per day", exact=False)
        expect(chart).to_have_count(1)
        assert chart.get_attribute("aria-label") == (
            f"Bar chart of downloads per day, {_spoken(today - dt.timedelta(days=29))} to {_spoken(today)}: "
            f"16 downloads in all, the most on {_spoken(today - dt.timedelta(days=20))} (7)."
        )
        bars = {bar.get_attribute("data-date"): bar.bounding_box() for bar in chart.locator("rect").all()}
        heights = {day: box["height"] for day, box in bars.items() if box}
        assert set(heights) == {(today - dt.timedelta(days=n)).isoformat() for n in (0, 3, 10, 20)}
        seven, two = heights[(today - dt.timedelta(days=20)).isoformat()], heights[today.isoformat()]
        assert abs(seven / two - 7 / 2) < 0.05  # drawn to scale
        table = page.get_by_role("table", name=PER_DAY)
        expect(table.get_by_role("row")).to_have_count(31)  # the header and 30 days
        expect(table.get_by_role("row", name=f"{today - dt.timedelta(days=3)} 5")).to_have_count(1)
        episodes = page.get_by_role("table", name=PER_EPISODE)
        expect(episodes.get_by_role("rowheader")).to_have_text(["Library hours grow", "Council passes the water bill"])
        expect(episodes.get_by_role("cell")).to_have_text(["Narrate (main)", "15", "Narrate (main)", "1"])
        assert_no_axe_violations(page, "listening figures")

        # The keyboard chooses another period; an episode's title shows its days alone.
        page.get_by_label("Period").select_option("90")
        page.get_by_role("button", name="Show").press("Enter")
        expect(page.get_by_role("table", name=PER_DAY).get_by_role("row")).to_have_count(91)
        expect(page.get_by_role("table", name=PER_EPISODE).get_by_role("cell")).to_have_text(
            ["Narrate (main)", "15", "Narrate (main)", "6"]
        )
        page.get_by_role("link", name="Council passes the water bill").click()
        expect(page.get_by_role("heading", level=2)).to_have_text(
            "Downloads per day of “Council passes the water bill”"
        )
        expect(page.get_by_role("img", name="Bar chart", exact=False).locator("rect")).to_have_count(2)
        assert_no_axe_violations(page, "listening figures of one episode")

        # On a phone the page does not scroll sideways: the chart shrinks, the tables reflow.
        page.set_viewport_size({"width": 320, "height": 667})
        sizes = page.evaluate("() => ({page: document.scrollingElement.scrollWidth, view: innerWidth})")
        assert sizes["page"] <= sizes["view"] == 320, sizes
        box = page.get_by_role("img", name="Bar chart", exact=False).bounding_box()
        assert box is not None and box["width"] <= 320 and box["height"] > 50
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def _spoken(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"
