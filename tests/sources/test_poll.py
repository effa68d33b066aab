"""Following a feed over polls, against a real local HTTP server whose feed changes between polls: the first poll
queues, an unchanged one asks conditionally (304) and queues nothing, a changed entry is re-rendered in place (same
GUID), a new one is added. Renders are real, embedded (no broker), as `narrate source poll` runs them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from narrate.cli import main
from narrate.store import Store
from narrate.store.models import SourceEntry
from tests.sources.site import Site, article_page, rss, serve_site

DAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def site(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    site, server = serve_site()
    monkeypatch.setenv("NARRATE_FETCH_ALLOW", "127.0.0.1")  # the publisher is on this machine
    monkeypatch.setenv("NARRATE_SOURCE_MIN_INTERVAL", "0")
    yield site
    server.shutdown()


def narrate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def poll(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code, out, err = narrate(capsys, "source", "poll", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def page(site: Site, path: str, title: str, *paragraphs: str) -> None:
    site.put(path, article_page(title, list(paragraphs), site.url + path))


def feed_items(home: Path) -> list[tuple[str, str]]:
    tree = etree.parse(str(home / "public" / "feeds" / "main.xml"))
    return [(i.findtext("title"), i.findtext("guid")) for i in tree.iterfind(".//item")]


def transcript(home: Path, store: Store, episode_id: str) -> str:
    episode = store.get(episode_id)
    return (home / "public" / str(episode.transcript_path)).read_text(encoding="utf-8")


def test_a_feed_over_four_polls(site: Site, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page(site, "/news/rain", "Rain returns to the valley", "The reservoirs are filling again after three dry years.")
    page(site, "/news/dam", "Dam repairs finish early", "Engineers finished the spillway two weeks ahead of plan.")
    items = [
        {"path": "/news/dam", "title": "Dam repairs finish early", "date": DAY},
        {"path": "/news/rain", "title": "Rain returns to the valley", "date": DAY - dt.timedelta(days=1),
         "content": "<p>The reservoirs are filling again after three dry years.</p>"},
    ]  # fmt: skip
    feed_url = site.put("/feed.xml", rss(site, items), "application/rss+xml")
    code, out, err = narrate(capsys, "source", "add", feed_url, "--since", "2026-01-01")
    assert code == 0, err
    secret = out.strip().splitlines()[-1]
    assert len(secret) >= 40 and secret not in (home / "narrate.db").read_bytes().decode("latin-1")  # kept encrypted

    # 1. The first poll queues both entries and renders them before it returns.
    first = poll(capsys)
    (report,) = first["polls"]
    assert report["result"] == "queued" and len(report["queued"]) == 2 and report["updated"] == []
    assert {e["status"] for e in first["episodes"]} == {"published"}
    assert sorted(title for title, _ in feed_items(home)) == ["Dam repairs finish early", "Rain returns to the valley"]
    guids = dict(feed_items(home))
    store = Store(f"sqlite:///{home / 'narrate.db'}")
    rain_id = next(e["id"] for e in first["episodes"] if e["title"] == "Rain returns to the valley")
    assert "reservoirs are filling" in transcript(home, store, rain_id)

    # 2. Nothing changed: the poll asks conditionally, the server answers 304, nothing is queued or fetched.
    requests_before = len(site.requests)
    second = poll(capsys)
    assert second["polls"][0]["result"] == "not modified" and second["episodes"] == []
    (asked,) = site.requests[requests_before:]
    assert asked.path == "/feed.xml" and asked.status == 304
    assert asked.headers["if-none-match"].startswith('"') and asked.headers["if-modified-since"].endswith("GMT")

    # 3. The rain article is corrected (its page and its text in the feed) and a new article is published.
    page(site, "/news/rain", "Rain returns to the valley", "The reservoirs are nearly full after three dry years.")
    page(site, "/news/bridge", "A new bridge opens", "The footbridge over the river opened on Saturday morning.")
    items[1]["content"] = "<p>The reservoirs are nearly full after three dry years.</p>"
    items.insert(0, {"path": "/news/bridge", "title": "A new bridge opens", "date": DAY + dt.timedelta(hours=5)})
    site.put("/feed.xml", rss(site, items), "application/rss+xml")
    dam_fetches = len(site.seen("/news/dam"))
    third = poll(capsys)
    (report,) = third["polls"]
    assert report["updated"] == [rain_id]  # the same episode, in place
    assert len(report["queued"]) == 1 and report["queued"][0] != rain_id
    assert {e["status"] for e in third["episodes"]} == {"published"}
    assert len(site.seen("/news/dam")) == dam_fetches  # an unchanged entry's page is not fetched again
    now = dict(feed_items(home))
    assert len(now) == 3 and now["Rain returns to the valley"] == guids["Rain returns to the valley"]
    assert now["Dam repairs finish early"] == guids["Dam repairs finish early"]
    assert "nearly full" in transcript(home, store, rain_id)
    assert "filling again" not in transcript(home, store, rain_id)

    # 4. What staff see: the last poll, its result and what it queued.
    _, out, _ = narrate(capsys, "source", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["result"] == "queued" and set(listed["queued"]) == {rain_id, report["queued"][0]}
    assert listed["error"] is None and listed["kind"] == "rss" and listed["entries"] == {"queued": 3}


def test_a_page_that_cannot_be_fetched_is_read_from_the_feed(
    site: Site, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        {"path": "/members/only", "title": "Members hear the budget first", "date": DAY,
         "content": "<p>The council will present the budget to members on Tuesday evening.</p>"},
        {"path": "/gone", "title": "A page with no text in the feed", "date": DAY - dt.timedelta(hours=1)},
    ]  # fmt: skip
    site.put("/feed.xml", rss(site, items), "application/rss+xml")
    assert narrate(capsys, "source", "add", site.url + "/feed.xml", "--since", "2026-01-01")[0] == 0
    result = poll(capsys)
    (report,) = result["polls"]
    (episode,) = result["episodes"]
    assert episode["status"] == "published" and episode["title"] == "Members hear the budget first"
    assert report["failed"] == [f"{site.url}/gone: could not fetch {site.url}/gone: HTTP 404 Not Found"]
    store = Store(f"sqlite:///{home / 'narrate.db'}")
    assert "present the budget to members" in transcript(home, store, episode["id"])
    assert store.get(episode["id"]).source_key == site.url + "/members/only"
    _code, out, _ = narrate(capsys, "source", "list")
    assert "error: " + report["failed"][0] in out


def test_older_entries_are_back_filled_newest_first_a_few_per_poll(
    site: Site, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATE_SOURCE_BACKFILL_PER_POLL", "1")
    items = []
    for day in range(1, 6):  # Nov 1 .. Nov 5
        path = f"/news/day-{day}"
        page(site, path, f"News of day {day}", f"Something happened on day {day} of the month in the valley.")
        items.append({"path": path, "title": f"News of day {day}", "date": dt.datetime(2026, 11, day, tzinfo=dt.UTC)})
    site.put("/feed.xml", rss(site, items), "application/rss+xml")
    assert narrate(capsys, "source", "add", site.url + "/feed.xml", "--since", "2026-11-04", "--backfill", "2")[0] == 0

    def titles(result: dict) -> list[str]:
        return [e["title"] for e in result["episodes"]]

    first = poll(capsys)  # new: days 5 and 4; the archive's newest: day 3
    assert sorted(titles(first)) == ["News of day 3", "News of day 4", "News of day 5"]
    assert len(first["polls"][0]["backfilled"]) == 1
    assert titles(poll(capsys)) == ["News of day 2"]  # the next older one; the feed itself is unchanged (304)
    assert poll(capsys)["episodes"] == []  # two back-filled: done; day 1 stays unread
    store = Store(f"sqlite:///{home / 'narrate.db'}")
    assert len(store.episodes()) == 4


@pytest.mark.parametrize("unpublish", [False, True])
def test_an_entry_removed_from_the_source_stays_published_unless_asked(
    site: Site, home: Path, capsys: pytest.CaptureFixture[str], unpublish: bool
) -> None:
    items = []
    for n, name in enumerate(["oldest", "old", "middle", "new"]):
        page(site, f"/{name}", f"The {name} story", f"This is the {name} story, told in one short sentence.")
        items.append({"path": f"/{name}", "title": f"The {name} story", "date": DAY + dt.timedelta(hours=n)})
    site.put("/feed.xml", rss(site, items), "application/rss+xml")
    flags = ["--unpublish-missing"] if unpublish else []
    assert narrate(capsys, "source", "add", site.url + "/feed.xml", "--since", "2026-01-01", *flags)[0] == 0
    assert len(poll(capsys)["episodes"]) == 4

    # "middle" is deleted by the publisher; "oldest" only falls off the end of a feed that lists its latest two.
    site.put("/feed.xml", rss(site, [items[1], items[3]]), "application/rss+xml")
    report = poll(capsys)["polls"][0]
    titles = sorted(title for title, _ in feed_items(home))
    kept = ["The new story", "The old story", "The oldest story"]
    if unpublish:
        assert len(report["unpublished"]) == 1
        assert titles == kept  # "oldest" fell off the end: not a deletion
    else:
        assert report["unpublished"] == []
        assert titles == sorted([*kept, "The middle story"])
    store = Store(f"sqlite:///{home / 'narrate.db'}")
    with store.session() as session:
        states = {row.link.rsplit("/", 1)[1]: row.state for row in session.query(SourceEntry)}
    middle = "unpublished" if unpublish else "gone"
    assert states == {"oldest": "queued", "old": "queued", "middle": middle, "new": "queued"}

    # Back in the source: followed again (an unpublished one is not brought back by itself).
    site.put("/feed.xml", rss(site, items[1:]), "application/rss+xml")
    poll(capsys)
    with store.session() as session:
        assert session.query(SourceEntry).filter_by(link=site.url + "/middle").one().state == (
            "unpublished" if unpublish else "queued"
        )


def test_a_source_is_not_polled_again_within_its_minimum_interval(
    site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARRATE_SOURCE_MIN_INTERVAL", "600")
    site.put("/feed.xml", rss(site, []), "application/rss+xml")
    assert narrate(capsys, "source", "add", site.url + "/feed.xml")[0] == 0
    assert poll(capsys)["polls"][0]["result"] == "nothing new"
    again = poll(capsys)["polls"][0]
    assert again["result"] == "skipped" and "at most one poll every 600 s" in again["error"]
    assert len(site.seen("/feed.xml")) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["source", "add", "ftp://example.org/feed"], 3, "a source is an http(s) URL of a feed or sitemap"),
        (["source", "add", "https://example.org/feed", "--feed", "nope"], 3, "unknown feed 'nope'"),
        (["source", "add", "https://example.org/feed", "--since", "last week"], 3, "--since takes a date"),
        (["source", "add", "https://example.org/feed", "--backfill", "-1"], 3, "--backfill must be 0 or more"),
        (["source", "remove", "https://example.org/unknown"], 8, "no source 'https://example.org/unknown'"),
        (["source", "poll", "https://example.org/unknown"], 8, "no source"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    got, _out, err = narrate(capsys, *args)
    assert got == code and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_following_twice_is_refused_and_a_source_that_fails_says_why(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.put("/page.html", article_page("Not a feed", ["Just a page."], site.url + "/page.html"))
    assert narrate(capsys, "source", "add", site.url + "/page.html")[0] == 0
    code, _, err = narrate(capsys, "source", "add", site.url + "/page.html")
    assert code == 3 and "is already followed" in err
    code, out, err = narrate(capsys, "source", "poll")
    assert code == 4 and err.strip() == (
        f"narrate: error: {site.url}/page.html: not an RSS, Atom or JSON feed, nor a sitemap (it is text/html)"
    )
    code, out, err = narrate(capsys, "source", "remove", site.url + "/page.html")
    assert code == 0 and "No longer following" in out
    assert narrate(capsys, "source", "list")[1].startswith("No sources followed")


def atom(site: Site, entries: list[tuple[str, str, str]]) -> str:
    """An Atom feed; each entry: (path, title, updated)."""
    parts = "".join(
        f"<entry><title>{title}</title><id>tag:valley,2026:{path}</id><link href='{site.url}{path}'/>"
        f"<published>2026-11-01T08:00:00Z</published><updated>{updated}</updated></entry>"
        for path, title, updated in entries
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Valley</title>"
        f"<id>urn:valley</id><updated>2026-11-02T00:00:00Z</updated>{parts}</feed>"
    )


def sitemap(site: Site, urls: list[tuple[str, str]]) -> str:
    """A sitemap; each URL: (path, lastmod)."""
    parts = "".join(f"<url><loc>{site.url}{path}</loc><lastmod>{lastmod}</lastmod></url>" for path, lastmod in urls)
    return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{parts}</urlset>"


@pytest.mark.parametrize("kind", ["atom", "sitemap"])
def test_an_updated_date_re_renders_in_place_and_the_server_without_validators_is_read_whole(
    site: Site, home: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    site.validators = False  # a server that sends no ETag or Last-Modified: every poll reads the whole document
    page(site, "/one", "Water rates hold", "The water board kept its rates for another year.")
    page(site, "/two", "School opens a library", "The school opened a new library on Friday.")

    def publish(one_updated: str) -> None:
        if kind == "atom":
            entries = [
                ("/one", "Water rates hold", one_updated),
                ("/two", "School opens a library", "2026-11-01T09:00:00Z"),
            ]
            site.put("/feed", atom(site, entries), "application/atom+xml")
        else:
            site.put(
                "/feed", sitemap(site, [("/one", one_updated), ("/two", "2026-11-01T09:00:00Z")]), "application/xml"
            )

    publish("2026-11-01T10:00:00Z")
    assert narrate(capsys, "source", "add", site.url + "/feed", "--since", "2026-01-01")[0] == 0
    first = poll(capsys)
    assert first["polls"][0]["result"] == "queued" and len(first["episodes"]) == 2
    one = next(e for e in first["episodes"] if e["title"] == "Water rates hold")

    again = poll(capsys)  # read whole (no validators), but nothing changed: nothing queued, no page fetched again
    assert again["polls"][0]["result"] == "nothing new" and again["episodes"] == []
    assert site.seen("/feed")[-1].status == 200 and "if-none-match" not in site.seen("/feed")[-1].headers
    assert len(site.seen("/one")) == 1

    page(site, "/one", "Water rates hold", "The water board kept its rates, and cut them for pensioners.")
    publish("2026-11-03T10:00:00Z")
    third = poll(capsys)
    assert third["polls"][0]["updated"] == [one["id"]] and [e["guid"] for e in third["episodes"]] == [one["guid"]]
    store = Store(f"sqlite:///{home / 'narrate.db'}")
    assert "cut them for pensioners" in transcript(home, store, one["id"])
    assert len(site.seen("/two")) == 1  # unchanged: not fetched again
    assert listing_kind(capsys) == ("atom" if kind == "atom" else "sitemap")


def listing_kind(capsys: pytest.CaptureFixture[str]) -> str:
    _, out, _ = narrate(capsys, "source", "list", "--json")
    return json.loads(out)[0]["kind"]
