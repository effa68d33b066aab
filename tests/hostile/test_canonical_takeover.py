"""A page cannot take over another site's episode by declaring that site's canonical URL (issue #11, item 3).

Episodes are found again by their article's canonical URL. A declared canonical is trusted only on the site the
page was fetched from (its registrable domain), or between hosts a feed lists as one publisher; otherwise the
fetched address identifies the article. The site here answers as 127.0.0.1 and as localhost: two sites.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from narrate.extract import Document, extract
from narrate.extract.canonical import canonical_address, site_of
from narrate.pipeline import rerender, submit
from narrate.settings import FeedSettings, Settings
from narrate.store import Store
from narrate.web.tokens import create_token
from tests.hostile.site import Site, article_page, narrate
from tests.web.conftest import Start
from tests.web.service import wait_done

FERRY = "The harbour ferry will run again from Monday after a year of repairs.\nTickets cost the same as before."
HOAX = "The harbour ferry is cancelled for good, and the pier will be sold.\nRefunds are not available."


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    yield site
    site.close()


def canonical(url: str) -> str:
    return f"<link rel='canonical' href='{url}'>"


def items(home: Path) -> dict[str, tuple[str, str, str]]:
    """guid -> (title, the original article's link, enclosure URL) of every item in the main feed.

    The item's <link> is its episode page; the show notes name the original article."""
    root = etree.fromstring((home / "public/feeds/main.xml").read_bytes())
    found = {}
    for item in root.iter("item"):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        assert re.fullmatch(r"https?://\S+/episodes/[0-9a-f]+/", item.findtext("link") or ""), item.findtext("link")
        original = re.search(r"Read the original article: (\S+)", item.findtext("description") or "")
        found[item.findtext("guid") or ""] = (
            item.findtext("title") or "",
            original.group(1) if original else "",
            enclosure.get("url"),
        )
    return found


def add(home: Path, source: str, **env: str) -> dict:
    done = narrate(home, "add", source, "--json", **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_page_from_another_site_declaring_its_canonical_gets_its_own_episode(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ferry_url = site.url("/news/ferry")
    site.pages["/news/ferry"] = ("text/html; charset=utf-8", article_page("Harbour ferry returns", FERRY))
    site.pages["/hoax"] = (
        "text/html",
        article_page("Ferry cancelled for good", HOAX, head=canonical(ferry_url)),
    )
    site.pages["/hoax-og"] = (
        "text/html",
        article_page("Ferry sold off", HOAX, head=f"<meta property='og:url' content='{ferry_url}'>"),
    )
    site.pages["/hoax.md"] = (
        "text/markdown",
        f"---\ntitle: Pier closed\nurl: {ferry_url}\n---\n\n{HOAX}\n".encode(),
    )
    original = add(home, ferry_url)
    audio = Path(original["audio_path"]).read_bytes()
    transcript = Path(original["transcript_path"]).read_text(encoding="utf-8")

    hoaxes = [add(home, site.url(path, host="localhost")) for path in ("/hoax", "/hoax-og", "/hoax.md")]

    assert len({original["id"], *(hoax["id"] for hoax in hoaxes)}) == 4  # four articles, four episodes
    feed = items(home)
    assert feed[original["guid"]] == ("Harbour ferry returns", ferry_url, original["audio_url"])
    assert Path(original["audio_path"]).read_bytes() == audio
    assert Path(original["transcript_path"]).read_text(encoding="utf-8") == transcript
    assert "cancelled" not in transcript
    for hoax, path, title in zip(hoaxes, ("/hoax", "/hoax-og", "/hoax.md"), ("Ferry cancelled", "Ferry sold", "Pier")):
        # Identified, and linked, by the address it was fetched from: the claim is not repeated to listeners.
        assert feed[hoax["guid"]][:2] == (hoax["title"], site.url(path, host="localhost"))
        assert hoax["title"].startswith(title)


def test_the_same_site_or_hosts_a_feed_lists_may_name_the_canonical(site: Site, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ferry_url = site.url("/news/ferry")
    site.pages["/news/ferry"] = ("text/html", article_page("Harbour ferry returns", FERRY))
    # The print version on the same site, and a mirror on a host the feed lists.
    site.pages["/print/ferry"] = ("text/html", article_page("Harbour ferry back", FERRY, head=canonical(ferry_url)))
    site.pages["/mirror/ferry"] = ("text/html", article_page("Harbour ferry is back", FERRY, head=canonical(ferry_url)))
    edited = narrate(home, "feed", "edit", "main", "--canonical-hosts", "localhost, 127.0.0.1")
    assert edited.returncode == 0, edited.stderr

    original = add(home, ferry_url)
    printed = add(home, site.url("/print/ferry"))
    mirrored = add(home, site.url("/mirror/ferry", host="localhost"))

    assert printed["guid"] == mirrored["guid"] == original["guid"]  # re-rendered in place each time
    assert items(home) == {original["guid"]: ("Harbour ferry is back", ferry_url, mirrored["audio_url"])}


def test_the_service_keeps_the_episodes_of_two_sites_apart(site: Site, start_service: Start) -> None:
    service = start_service(fetch_allow="127.0.0.1,localhost")
    token = create_token(service.store, "desk")
    ferry_url = site.url("/news/ferry")
    site.pages["/news/ferry"] = ("text/html", article_page("Harbour ferry returns", FERRY))
    site.pages["/hoax"] = ("text/html", article_page("Ferry cancelled for good", HOAX, head=canonical(ferry_url)))
    with service.client(token) as client:
        summaries = []
        for url in (ferry_url, site.url("/hoax", host="localhost")):
            answer = client.post("/api/articles", json={"url": url})
            assert answer.status_code == 202, answer.text
            summaries.append(wait_done(client, answer.json()["status_url"])[0])
        listed = client.get("/api/episodes").json()
    assert [s["status"] for s in summaries] == ["published", "published"]
    assert summaries[0]["id"] != summaries[1]["id"]
    titles = {e["id"]: e["title"] for e in (listed["episodes"] if isinstance(listed, dict) else listed)}
    assert titles[summaries[0]["id"]] == "Harbour ferry returns"
    assert titles[summaries[1]["id"]].startswith("Ferry cancelled")


@pytest.mark.parametrize(
    ("declared", "fetched", "identity", "claimed"),
    [
        # the same registrable domain: one site
        ("https://example.org/a", "https://www.example.org/a?amp=1", "https://example.org/a", None),
        ("https://news.example.co.uk/a", "https://amp.example.co.uk/a", "https://news.example.co.uk/a", None),
        ("HTTPS://WWW.EXAMPLE.ORG/a", "http://example.org./b", "HTTPS://WWW.EXAMPLE.ORG/a", None),
        ("/2024/01/post/", "https://blog.example.org/x", "https://blog.example.org/2024/01/post/", None),
        # another site: the fetched address, the claim set aside
        ("https://example.com/a", "https://example.org/a", "https://example.org/a", "https://example.com/a"),
        (
            "https://bob.github.io/a",
            "https://alice.github.io/a",
            "https://alice.github.io/a",
            "https://bob.github.io/a",
        ),
        (
            "https://example.org.evil.net/a",
            "https://example.org/a",
            "https://example.org/a",
            "https://example.org.evil.net/a",
        ),
        ("https://evil-example.org/a", "https://example.org/a", "https://example.org/a", "https://evil-example.org/a"),
        ("http://10.0.0.1/a", "http://10.0.0.2/a", "http://10.0.0.2/a", "http://10.0.0.1/a"),
        ("http://localhost/a", "http://127.0.0.1/a", "http://127.0.0.1/a", "http://localhost/a"),
        # no address at all: not a claim
        ("javascript:alert(1)", "https://example.org/a", "https://example.org/a", None),
        ("mailto:desk@example.com", "https://example.org/a", "https://example.org/a", None),
        ("//", "https://example.org/a", "https://example.org/a", None),
        # nothing fetched (a file, pasted HTML): the declaration is all there is, if it is an address
        ("https://example.com/a", None, "https://example.com/a", None),
        ("/2024/01/post/", None, None, None),
    ],
)
def test_which_address_identifies_a_page(
    declared: str, fetched: str | None, identity: str | None, claimed: str | None
) -> None:
    assert canonical_address(declared, fetched) == (identity, claimed)


def test_sites_come_from_the_bundled_public_suffix_list() -> None:
    assert site_of("https://a.b.example.co.uk/x") == "example.co.uk"
    assert site_of("https://alice.github.io/") == "alice.github.io"  # a private suffix: each user is a site
    assert site_of("http://[::1]:8000/") == "::1" and site_of("http://intranet/") == "intranet"


def test_extraction_records_the_claim_of_a_fetched_page() -> None:
    page = article_page("Ferry cancelled for good", HOAX, head=canonical("https://coast.example/news/ferry"))
    article = extract(Document(page, "html", url="https://hoax.example/ferry"))
    assert (article.canonical_url, article.claimed_url) == (
        "https://hoax.example/ferry",
        "https://coast.example/news/ferry",
    )
    pasted = extract(Document(page, "html"))  # staff pasting the page: its canonical is all that names it
    assert (pasted.canonical_url, pasted.claimed_url) == ("https://coast.example/news/ferry", None)


def test_a_re_render_keeps_the_identity_the_episode_was_created_with(settings: Settings) -> None:
    """Listing the hosts later trusts new claims; an existing episode rendered again stays itself."""
    store = Store(settings.db_url)
    page = article_page("Ferry cancelled for good", HOAX, head=canonical("https://coast.example/news/ferry"))
    article = extract(Document(page, "html", url="https://hoax.example/ferry"))
    first = submit(settings, store, article, feed="main", source="https://hoax.example/ferry")
    settings.feeds["main"] = FeedSettings(slug="main", canonical_hosts="hoax.example, coast.example")
    again = rerender(settings, store, first.id)
    assert (again.id, again.source_key) == (first.id, "https://hoax.example/ferry")
    trusted = submit(
        settings, store, extract(Document(page, "html", url="https://hoax.example/ferry")), feed="main", source="x"
    )
    assert trusted.source_key == "https://coast.example/news/ferry" and trusted.id != first.id
