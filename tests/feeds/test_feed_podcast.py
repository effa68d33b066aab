"""The Podcasting 2.0 guid and Apple's category list."""

from __future__ import annotations

import pytest

from feeds import APPLE_CATEGORIES, podcast_guid
from feeds.errors import FeedError
from feeds.podcast import check_category


def test_podcast_guid_matches_the_spec_vector() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


@pytest.mark.parametrize("url", ["http://podnews.net/rss", "podnews.net/rss", "https://podnews.net/rss//"])
def test_podcast_guid_ignores_scheme_and_trailing_slashes(url: str) -> None:
    assert podcast_guid(url) == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_podcast_guid_differs_per_feed() -> None:
    assert podcast_guid("https://example.org/feeds/a.xml") != podcast_guid("https://example.org/feeds/b.xml")


def test_apple_categories_are_the_current_list() -> None:
    assert len(APPLE_CATEGORIES) == 19
    assert sum(len(subcategories) for subcategories in APPLE_CATEGORIES.values()) == 91
    assert "True Crime" in APPLE_CATEGORIES
    assert "Daily News" in APPLE_CATEGORIES["News"]
    assert "Games & Hobbies" not in APPLE_CATEGORIES  # retired in 2019


def test_check_category() -> None:
    check_category("Technology")
    check_category("Science", "Astronomy")
    with pytest.raises(FeedError, match="'Tech'"):
        check_category("Tech")
    with pytest.raises(FeedError, match="'Astronomy' of 'News'"):
        check_category("News", "Astronomy")
    with pytest.raises(FeedError, match="'news'"):
        check_category("news")  # Apple's names are case-sensitive
