"""The staff page's episodes held for review, in headless Chromium: axe-core, and approving one by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from narrate import pipeline
from narrate.article import Article, Block
from narrate.store import Status
from narrate.web.tokens import create_token
from tests.support import fragments
from tests.web.conftest import Start
from tests.web.service import Running
from tests.web.test_browser_pages import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations, visit

REASON = "narrate's reading of the page has 28 of the 194 words a second reading finds, and that reading has lines "
REASON += "narrate leaves out as page furniture (“Sign up for our newsletter”)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def running(start_service: Start) -> Running:
    return start_service(login_attempts_per_minute="1000")


def test_held_episodes_have_no_axe_violations_and_are_approved_by_keyboard(running: Running, browser: Browser) -> None:
    article = Article(title=fragments.TITLE, blocks=[Block("paragraph", fragments.LEAD)], language="en")
    held = pipeline.submit(running.settings, running.store, article, feed="main", source="test", hold=REASON)
    assert held.status == Status.NEEDS_REVIEW.value
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        visited = visit(context, f"{running.url}/staff")
        page = visited.page
        page.get_by_label("API token").fill(create_token(running.store, "desk"))
        page.get_by_role("button", name="Log in").click()
        section = page.get_by_role("region", name="Held for review")
        section.wait_for()
        assert_no_axe_violations(page, "staff page with an episode held for review")
        assert section.get_by_role("heading", level=3).inner_text() == fragments.TITLE
        correction = section.get_by_label(f"Corrected text of “{fragments.TITLE}”")
        assert correction.input_value() == fragments.LEAD
        assert page.get_by_role("checkbox", name="Render it even if the reading looks incomplete").is_checked() is False

        approve = section.get_by_role("button", name="Approve: render as read")
        approve.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{running.url}/staff?queued={held.id}")
        status = page.get_by_role("status")
        status.get_by_text(f"Published “{fragments.TITLE}”.").wait_for(timeout=60_000)  # staff.js follows it
        assert running.store.get(held.id).status == Status.PUBLISHED.value
        assert page.get_by_role("region", name="Held for review").count() == 0
        assert_no_axe_violations(page, "staff page after the approval")
        assert visited.errors == [], visited.errors
    finally:
        context.close()
