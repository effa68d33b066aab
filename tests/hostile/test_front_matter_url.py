"""A relative ``url:`` in Markdown front matter costs no render (issue #11, item 6).

Jekyll and Hugo write ``url: /2024/01/post/``, relative to a site URL kept in the site's configuration. It is
resolved against a site URL the front matter itself gives (base_url, baseurl, site_url, ...), and otherwise
dropped: a relative address names no site and cannot be an episode's link, so the text identifies the episode.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from narrate.extract import extract_markdown
from tests.hostile.site import narrate

BODY = "The council approved the new budget on Tuesday.\n\nLibraries will open on Sundays from May.\n"


def post(front_matter: str) -> str:
    return f"---\ntitle: Budget passes\n{front_matter}\n---\n\n{BODY}"


@pytest.mark.parametrize(
    ("front_matter", "canonical"),
    [
        ("url: /2024/01/post/", None),
        ("url: 2024/01/post/", None),
        ("url: '/2024/01/post/'", None),
        ("permalink: /2024/01/post/\nurl: /2024/01/post/", None),
        ("url: //cdn.example.org/post/", None),
        ("url: javascript:alert(1)", None),
        ("url: ftp://example.org/post", None),
        ("url: mailto:desk@example.org", None),
        ("url: https://", None),
        ("url: /2024/01/post/\nbaseurl: /blog", None),  # Jekyll's baseurl is a path, not a site
        ("url: /2024/01/post/\nbase_url: not a url", None),
        ("url: https://news.example.org/2024/01/post/", "https://news.example.org/2024/01/post/"),
        ("canonical_url: HTTPS://News.Example.org/a", "HTTPS://News.Example.org/a"),
        ("url: /2024/01/post/\nbase_url: https://news.example.org", "https://news.example.org/2024/01/post/"),
        ("url: /2024/01/post/\nbaseURL: https://news.example.org/", "https://news.example.org/2024/01/post/"),
        ("url: 2024/01/post/\nsite_url: https://example.org/blog/", "https://example.org/blog/2024/01/post/"),
        ("base_url: https://news.example.org", None),  # a site, but no address of the post in it
    ],
)
def test_front_matter_urls_are_absolute_or_dropped(front_matter: str, canonical: str | None) -> None:
    article = extract_markdown(post(front_matter))
    assert (article.title, article.canonical_url) == ("Budget passes", canonical)
    assert article.body_text == BODY.strip()


def test_a_jekyll_post_with_a_relative_url_is_published_and_re_added_in_place(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "2024-01-09-budget.md"
    source.write_text(post("layout: post\nurl: /2024/01/post/\ndate: 2024-01-09"), encoding="utf-8")
    first = narrate(home, "add", str(source), "--json")
    again = narrate(home, "add", str(source), "--json")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert json.loads(first.stdout)["guid"] == json.loads(again.stdout)["guid"]
    feed = etree.fromstring((home / "public/feeds/main.xml").read_bytes())
    items = list(feed.iter("item"))
    assert len(items) == 1 and items[0].findtext("title") == "Budget passes"
    link = items[0].findtext("link") or ""
    assert link.startswith("https://") and "/2024/01/post/" not in link  # the episode's own audio, not a stub
    assert "/2024/01/post/" not in (items[0].findtext("description") or "")


def test_a_hugo_post_with_a_base_url_is_linked_to_its_page(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = tmp_path / "budget.md"
    source.write_text(post("baseURL: https://news.example.org/\nurl: /2024/01/post/"), encoding="utf-8")
    done = narrate(home, "add", str(source))
    assert done.returncode == 0, done.stderr
    item = next(etree.fromstring((home / "public/feeds/main.xml").read_bytes()).iter("item"))
    assert re.fullmatch(r"https?://\S+/episodes/[0-9a-f]+/", item.findtext("link") or "")  # its episode page
    assert "Read the original article: https://news.example.org/2024/01/post/" in (item.findtext("description") or "")
