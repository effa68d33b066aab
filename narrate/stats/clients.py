"""Which user agents are bots: the Open Podcast Analytics Working Group's list of podcast apps and bots first, then
a maintained list of web crawlers.

The podcast list decides for every app it names, so a podcast app that also fetches feeds (Overcast, Pocket Casts)
is counted, although generic crawler lists flag it; its bot entries (directory crawlers, watch syncs) are left out.
Anything else is a bot when the crawler list (crawler-user-agents) matches it: search engines, scrapers, HTTP
libraries and command-line tools.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    agent = user_agent.strip()
    if not agent or agent == "-":
        return False  # no user agent (the common log format has none): an unknown client, counted by address
    known = _podcast_agents().parse(agent)
    if known is not None:
        if known.get("bot"):
            return True
        if known.get("app"):
            return False
    import crawleruseragents  # loads its list (half a megabyte of JSON) on first use

    return bool(crawleruseragents.is_crawler(agent))


@cache
def _podcast_agents() -> Any:
    from podcast_app_user_agents.parser import Parser

    return Parser()
