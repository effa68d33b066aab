"""The staff page's followed sources in headless Chromium: axe-core finds nothing, and a phone does not scroll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from narrate.settings import Settings
from narrate.sources import records
from narrate.store import Store
from narrate.web.app import create_app
from narrate.web.tokens import create_token
from tests.web.service import listener, serve
from tests.web.test_browser_pages import (
    CHROMIUM,
    CHROMIUM_ARGS,
    assert_no_axe_violations,
)

LONG_URL = "https://news.example.org/" + "very-long-section-name/" * 6 + "feed.xml"


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Store]]:
    bound, url = listener()
    home = tmp_path_factory.mktemp("sources") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NARRATE_HOME", str(home))
        env.setenv("NARRATE_BASE_URL", url)
        env.setenv("NARRATE_ENGINE", "tone")
        env.setenv("NARRATE_SOURCE_POLL_INTERVAL", "0")  # the sources here are only shown, never polled
        settings = Settings.load()
        store = Store(settings.db_url)
        quiet, _ = records.follow(settings, store, "https://blog.example.org/rss/", feed="main")
        failing, _ = records.follow(settings, store, LONG_URL, feed="main")
        records.change(store, quiet.id, poll_result="queued", poll_queued="a1b2c3d4e5f6 0a1b2c3d4e5f")
        records.change(
            store, failing.id, poll_result="error", poll_error=f"could not fetch {LONG_URL}: HTTP 404 Not Found"
        )
        token = create_token(store, "desk")
        stop = serve(create_app(settings), bound)
        try:
            yield url, token, store
        finally:
            stop()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_sources_table_is_accessible_and_reflows_on_a_phone(staff: tuple[str, str, Store], width: int) -> None:
    url, token, _ = staff
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
            page.goto(url + "/staff")
            page.get_by_label("API token").fill(token)
            page.get_by_role("button", name="Log in").click()
            table = page.get_by_role("table", name="Feeds and sitemaps whose new posts become episodes")
            table.wait_for()
            rows = table.locator("tbody tr")
            assert rows.count() == 2
            first = rows.nth(0).inner_text()
            assert "https://blog.example.org/rss/" in first and "2 episodes" in first and "Never" in first.split()
            assert f"could not fetch {LONG_URL}: HTTP 404 Not Found" in rows.nth(1).inner_text()
            width_now = page.evaluate("() => document.scrollingElement.scrollWidth")
            assert width_now <= width
            assert_no_axe_violations(page, f"staff page with sources, {width} px wide")
        finally:
            browser.close()
