"""Front matter: the "key: value" lines between "---" fences that open Jekyll and Hugo posts.

Read simply (lists of names included), not as full YAML: narrate wants a few strings from it.
"""

from __future__ import annotations

import re

from narrate.extract.byline import join_names
from narrate.extract.canonical import absolute_url

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_BASE_KEYS = ("base_url", "baseurl", "site_url", "siteurl", "base")
"""Front matter keys for the site's own URL (keys are read in lower case: Hugo's baseURL is baseurl)."""


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """The front matter's non-empty values by lower-cased key, and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    key = ""
    for line in match.group(1).split("\n"):
        item = re.match(r"^\s+-\s+(.*)$", line)
        if item and key:
            meta[key] = join_names([meta.get(key, ""), _scalar(item.group(1))])
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if pair:
            key = pair.group(1).lower()
            value = pair.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                meta[key] = join_names([_scalar(v) for v in value[1:-1].split(",")])
            elif value:
                meta[key] = _scalar(value)
    return {k: v for k, v in meta.items() if v}, text[match.end() :]


def declared_url(meta: dict[str, str]) -> str | None:
    """The front matter's canonical address, absolute. Jekyll and Hugo write ``url: /2024/01/post/``, relative to
    a site URL that lives in the site's configuration, not in the post: it is resolved against a site URL the
    front matter gives (``base_url``, ``site_url``, ...), and otherwise dropped, since a relative address names
    no site, cannot be an episode's link, and the text itself then identifies the episode."""
    declared = meta.get("canonical_url") or meta.get("canonical") or meta.get("url")
    base = next((meta[key] for key in _BASE_KEYS if absolute_url(meta.get(key))), None)
    return absolute_url(declared, base)


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
