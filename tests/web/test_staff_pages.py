"""The staff login and queue pages the service renders per request."""

from __future__ import annotations

from lxml import html

from narrate.web import staff_pages
from tests.publishing.samples import HOSTILE_TITLE
from tests.support.reading import accessible_name, text_of


def episode(id: str, title: str, status: str, progress: int, **extra: object) -> dict[str, object]:
    summary: dict[str, object] = dict(
        id=id, title=title, feed="main", status=status, progress=progress, reason=None, notice=None, page_url=None,
        audio_url=None, duration_seconds=None,
    )
    summary.update(extra)
    return summary


EPISODES = [
    episode("e1", HOSTILE_TITLE, "rendering", 45),
    episode("e2", "Council passes the water bill", "published", 100,
            page_url="https://audio.example.org/narrate/episodes/e2/", notice="gtts failed; read by piper instead"),
    episode("e3", "Broken page", "failed", 5, reason="the source has no extractable article text"),
]


def staff_page(**kwargs: object) -> html.HtmlElement:
    arguments: dict[str, object] = dict(
        episodes=EPISODES, feeds=[("main", "Main feed"), ("research", "Research")], csrf_token="c5rf-t0k3n"
    )
    arguments.update(kwargs)
    return html.document_fromstring(staff_pages.render_staff_page(**arguments))  # type: ignore[arg-type]


def test_login_form_posts_a_labelled_token() -> None:
    page = html.document_fromstring(staff_pages.render_login_page())
    [form] = page.xpath("//form")
    assert (form.get("method"), form.get("action")) == ("post", "/staff/login")
    [token] = form.xpath(".//input[@name='token']")
    assert token.get("type") == "password" and accessible_name(page, token) == "API token"
    assert form.xpath(".//button[@type='submit']/text()") == ["Log in"]
    assert page.xpath("//*[@role='alert']") == [] and token.get("aria-invalid") is None
    assert [text_of(h) for h in page.xpath("//h1")] == ["Staff login"]


def test_login_error_is_an_alert_tied_to_the_field() -> None:
    page = html.document_fromstring(staff_pages.render_login_page(error="That token is not valid <or revoked>"))
    [alert] = page.xpath("//*[@role='alert']")
    assert text_of(alert) == "Error: That token is not valid <or revoked>"
    token = page.xpath("//input[@name='token']")[0]
    assert alert.get("id") in token.get("aria-describedby").split() and token.get("aria-invalid") == "true"
    assert page.xpath("//title")[0].text.startswith("Error:")


def test_staff_page_queue_form() -> None:
    page = staff_page()
    [form] = page.xpath("//form[@action='/staff/articles']")
    assert form.get("method") == "post"
    [source] = form.xpath(".//*[@name='source']")
    assert source.tag == "textarea" and accessible_name(page, source) == "Article URL or pasted text"
    [feed] = form.xpath(".//select[@name='feed']")
    assert accessible_name(page, feed) == "Feed"
    assert [(o.get("value"), o.text) for o in feed.xpath("option")] == [
        ("main", "Main feed (main)"), ("research", "Research (research)")
    ]
    assert feed.xpath("option[@selected]/@value") == ["main"]
    assert form.xpath(".//input[@type='hidden'][@name='csrf_token']/@value") == ["c5rf-t0k3n"]
    assert [text_of(b) for b in form.xpath(".//button[@type='submit']")] == ["Queue article"]
    [logout] = page.xpath("//form[@action='/staff/logout']")
    assert logout.get("method") == "post"
    assert logout.xpath(".//input[@name='csrf_token']/@value") == ["c5rf-t0k3n"]
    assert text_of(logout.xpath(".//button")[0]) == "Log out"


def test_status_region_carries_only_the_message() -> None:
    quiet = staff_page()
    [region] = quiet.xpath("//*[@role='status']")
    assert text_of(region) == ""
    page = staff_page(message="Queued: Council passes the water bill.")
    [region] = page.xpath("//*[@role='status']")
    assert region.get("aria-live") == "polite" and text_of(region) == "Queued: Council passes the water bill."
    assert region.xpath(".//table") == [] and page.xpath("//table//*[@aria-live or @role='status']") == []


def test_queue_error_keeps_what_was_entered() -> None:
    page = staff_page(error="URL points to a private address", source="http://10.0.0.1/x", chosen_feed="research")
    [alert] = page.xpath("//*[@role='alert']")
    source = page.xpath("//textarea[@name='source']")[0]
    assert alert.get("id") in source.get("aria-describedby").split() and source.get("aria-invalid") == "true"
    assert source.text == "http://10.0.0.1/x"
    assert page.xpath("//select[@name='feed']/option[@selected]/@value") == ["research"]


def test_episode_table_has_caption_headers_progress_and_reasons() -> None:
    page = staff_page()
    [table] = page.xpath("//table")
    assert "Recent episodes" in text_of(table.xpath("caption")[0])
    assert [(th.get("scope"), text_of(th)) for th in table.xpath("thead//th")] == [
        ("col", "Title"), ("col", "Feed"), ("col", "Status"), ("col", "Progress"), ("col", "Reason or note")
    ]
    assert table.get("data-episodes") == "/staff/episodes.json"
    rows = table.xpath("tbody/tr")
    assert [r.get("data-id") for r in rows] == ["e1", "e2", "e3"]
    cells = [[text_of(c) for c in r.xpath("th|td")] for r in rows]
    assert cells == [
        [HOSTILE_TITLE, "Main feed (main)", "Rendering", "45%", ""],
        ["Council passes the water bill", "Main feed (main)", "Published", "100%",
         "gtts failed; read by piper instead"],
        ["Broken page", "Main feed (main)", "Failed", "5%", "the source has no extractable article text"],
    ]
    # The phone layout labels each cell with its column's header (site.css), as staff.js does for new rows.
    assert [r.xpath("td/@data-label") for r in rows] == [["Feed", "Status", "Progress", "Reason or note"]] * 3
    assert [r.xpath("th/@scope") for r in rows] == [["row"]] * 3
    assert rows[1].xpath("th/a/@href") == ["https://audio.example.org/narrate/episodes/e2/"]
    assert rows[0].xpath(".//a") == [] and rows[0].xpath(".//progress/@value") == ["45"]
    assert page.xpath("//script[not(@src)]|//style|//*[@style]") == []
    assert page.xpath("//script/@src")[0].startswith("/assets/staff.js?v=")


def test_no_episodes_yet_and_a_path_prefix() -> None:
    page = staff_page(episodes=[], root="/narrate/")
    assert text_of(page.xpath("//table/tbody")[0]) == "No episodes yet."
    assert page.xpath("//form/@action") == ["/narrate/staff/logout", "/narrate/staff/articles"]
    assert page.xpath("//link[@rel='stylesheet']/@href")[0].startswith("/narrate/assets/site.css?v=")


def test_feed_picker_selects_the_default_feed_and_names_feeds_titled_alike_apart() -> None:
    feeds = [("main", "Narrate"), ("alpha", "Narrate"), ("beta", "City <news> & more")]
    rows = [episode("a", "Alpha story", "published", 100, feed="alpha"), episode("m", "Main story", "queued", 0)]
    page = staff_page(feeds=feeds, episodes=rows)
    options = page.xpath("//select[@name='feed']/option")
    assert [(o.get("value"), o.text) for o in options] == [
        ("main", "Narrate (main)"), ("alpha", "Narrate (alpha)"), ("beta", "City <news> & more (beta)")
    ]
    assert [o.get("value") for o in options if o.get("selected") is not None] == ["main"]
    # The table names the feed the same way: two feeds titled alike are told apart there too.
    assert [text_of(r.xpath("td")[0]) for r in page.xpath("//table/tbody/tr")] == ["Narrate (alpha)", "Narrate (main)"]
    chosen = staff_page(feeds=feeds, chosen_feed="beta")
    assert chosen.xpath("//select[@name='feed']/option[@selected]/@value") == ["beta"]


def test_banner_names_the_episode_it_follows_and_marks_a_failure() -> None:
    queued = staff_page(message="Queued “Bridge”. It is listed below with its status.", message_episode="e1",
                        message_status="queued")
    [region] = queued.xpath("//*[@role='status']")
    assert (region.get("data-episode"), region.get("data-status")) == ("e1", "queued")
    assert region.xpath("p/@class") == [] and text_of(region).startswith("Queued “Bridge”")
    failed = staff_page(message="“Bridge” failed: no voice for 'xx'", message_episode="e3", message_status="failed")
    [region] = failed.xpath("//*[@role='status']")
    assert region.get("aria-live") == "polite" and region.xpath("p/@class") == ["failed"]
    assert (region.get("data-status"), text_of(region)) == ("failed", "“Bridge” failed: no voice for 'xx'")
    assert staff_page().xpath("//*[@role='status']/@data-episode") == []  # nothing to follow
