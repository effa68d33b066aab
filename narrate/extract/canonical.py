"""Which address identifies an article: the canonical URL a page declares, when the page may speak for it.

An episode is found again by its article's canonical URL, so a declared canonical is a claim on an episode.
A page may make that claim only for its own site: the same registrable domain as the address it was fetched
from ("www.example.org" and "news.example.org" are one site, "alice.github.io" and "bob.github.io" are two),
or hosts the feed lists as one publisher (FeedSettings.canonical_hosts, e.g. a mirror on a CDN). Otherwise the
fetched address identifies the article, and the claim is kept aside (Article.claimed_url) for the feed to judge.
Registrable domains come from the Public Suffix List snapshot bundled with the ``tld`` package, never fetched.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

from tld import get_fld

from narrate.article import Article


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """``url`` as an absolute http(s) URL (resolved against ``base`` when relative), or None.

    Only such a URL can be an episode's link: a relative one ("/2024/01/post/", as Jekyll and Hugo write it)
    names no site, and other schemes (javascript:, mailto:) are no article's address.
    """
    url = (url or "").strip()
    if not url:
        return None
    try:
        if base is not None and absolute_url(base) is not None:
            url = urljoin(base, url)
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def site_of(url: str) -> str:
    """The registrable domain of the URL's host ("news.example.co.uk" -> "example.co.uk"); the host itself
    when it has none (an IP address, "localhost", an unknown top-level domain)."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""  # "http://[zz]/": no host at all
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    return get_fld(host, fix_protocol=True, fail_silently=True) or host


def canonical_address(declared: str | None, fetched: str | None) -> tuple[str | None, str | None]:
    """(the URL that identifies the article, a declared canonical not trusted) for a page fetched from ``fetched``.

    Without a fetched address (a file, pasted text) the declared canonical is all there is, and is used.
    """
    fetched = absolute_url(fetched)
    declared = absolute_url(declared, fetched)
    if declared is None or fetched is None:
        return declared or fetched, None
    if site_of(declared) == site_of(fetched):
        return declared, None
    return fetched, declared


def _listed(url: str, hosts: list[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == entry or host.endswith("." + entry) for entry in hosts)


def with_trusted_canonical(article: Article, canonical_hosts: str) -> Article:
    """``article`` identified by the canonical its page declared on another site, when the feed lists both
    that site and the one the page came from in ``canonical_hosts`` ("example.org, example-cdn.net")."""
    hosts = [h.strip().lower().rstrip(".") for h in canonical_hosts.split(",") if h.strip()]
    claimed, fetched = article.claimed_url, article.canonical_url
    if claimed and fetched and _listed(claimed, hosts) and _listed(fetched, hosts):
        article.canonical_url, article.claimed_url = claimed, None
    return article
