"""Page furniture: the lines of a web page that are not the article (menus, share bars, cookie notices...).

Strong furniture (skip links, share and social lines, cookie and newsletter notices, teaser links) is
dropped wherever it appears. Menu words such as "About Us" or "Take Action" can also be a real
subheading, so they are only dropped around the article, never between its paragraphs.
"""

from __future__ import annotations

import re

# Lines made only of these (alone or with separators) are navigation or share buttons.
_STRONG_NAV = {
    "home", "menu", "main menu", "open menu", "close menu", "close", "toggle navigation", "navigation",
    "search", "search this site", "submit", "donate", "donate now", "give", "give now", "subscribe",
    "subscribe now", "share", "share this", "share this article", "share this story", "share this page",
    "share this post", "facebook", "twitter", "x", "twitter/x", "linkedin", "email", "e-mail", "print",
    "copy link", "copy", "link copied", "whatsapp", "reddit", "bluesky", "threads", "instagram", "youtube",
    "tiktok", "mastodon", "telegram", "pinterest", "flipboard", "pocket", "tweet", "log in", "login",
    "log out", "sign in", "sign up", "register", "my account", "back to top", "advertisement", "sponsored",
    "comments", "accept", "accept all", "reject", "reject all", "got it", "manage preferences",
    "cookie settings", "privacy policy", "terms of use", "terms of service", "sitemap", "rss",
    "listen", "listen to this article", "save", "bookmark", "follow us", "follow",
}  # fmt: skip
_WEAK_NAV = {
    "about", "about us", "who we are", "contact", "contact us", "our work", "our issues", "issues", "news",
    "blog", "press", "press room", "newsroom", "media", "resources", "publications", "events", "careers",
    "jobs", "take action", "act now", "get involved", "join us", "volunteer", "shop", "store", "more",
    "back", "next", "previous", "prev", "topics", "sections", "latest", "opinion", "updates", "campaigns",
    "programs", "policy", "research", "reports", "staff", "team", "our team", "board", "donors", "faq",
    "español", "en español", "english", "translate", "newsletter", "newsletters", "podcast", "videos",
    "local", "politics", "business", "sports", "obituaries", "world", "nation", "health", "science",
    "technology", "tech", "entertainment", "arts", "culture", "lifestyle", "food", "travel", "weather",
    "education", "climate", "environment", "e-edition", "classifieds", "real estate", "puzzles", "games",
}  # fmt: skip
# Words allowed between share buttons: "Share on Facebook", "Email this article to a friend".
_SHARE_FILLERS = {"on", "via", "to", "this", "the", "a", "with", "friend", "article", "story", "page", "post", "link"}
_NAV_SEPARATORS = re.compile(r"\s*[|•·»›/,;:]\s*|\s+[-–—]\s+")

_SKIP_LINK = re.compile(
    r"^(?:skip|jump|go|move)\s+(?:directly\s+)?to\s+(?:the\s+)?(?:main\s+|primary\s+|page\s+)?"
    r"(?:content|navigation|nav|menu|search|footer|article|main)\b|^skip\s+(?:navigation|nav|links?)$",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(
    r"\b(?:we use|this (?:web)?site uses|accept|consent|preferences|policy|settings|our use of|by continuing)\b",
    re.IGNORECASE,
)
_NEWSLETTER_START = re.compile(
    r"^(?:sign up|subscribe|join (?:our|the) (?:mailing list|newsletter|email list)|get the latest"
    r"|get (?:our|the) newsletter|enter your email|stay (?:informed|in the loop|up to date|connected)"
    r"|don[’']t miss (?:a|an|out)|never miss)\b",
    re.IGNORECASE,
)
_NEWSLETTER_WORDS = re.compile(r"\b(?:newsletter|inbox|mailing list|email updates)\b", re.IGNORECASE)
_NEWSLETTER_VERBS = re.compile(r"\b(?:sign up|subscribe|get|receive|delivered|join)\b", re.IGNORECASE)
_TEASER = re.compile(
    r"^(?:read more|read also|also read|read next|see also"
    r"|related(?: stories| story| articles?| content| reading| posts?| links| coverage)?"
    r"|more|recommended|watch|listen|further reading)\s*[:：|»›]\s*\S",
    re.IGNORECASE,
)
_SECTION = re.compile(
    r"^(?:related(?: content| articles?| posts?| stories| reading| news| resources| links)?|read more"
    r"|more (?:from|on|about|like this|stories|news|to read)\b.*|you (?:might|may) also (?:like|be interested in|enjoy)"
    r"|recommended(?: for you| reading| stories| articles)?|further reading|most (?:popular|read|viewed)"
    r"|trending(?: now| stories)?|popular (?:posts|stories|articles)|latest (?:news|posts|stories|articles)"
    r"|keep reading|what to read next|up next|about the authors?)\s*:?$",
    re.IGNORECASE,
)
_ABOUT_AUTHOR = re.compile(r"^about the authors?\s*:?$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b)|\ball rights reserved\b", re.IGNORECASE)
_PAGE_META = re.compile(
    r"^(?:\d+\s*-?\s*min(?:ute)?s?\.?\s+read|(?:estimated\s+)?reading time\b.*"
    r"|(?:photo|image|illustration|photograph|graphic)(?:\s+credit)?\s*:.*|(?:photo|image)\s+by\b.*"
    r"|(?:tags?|topics?|filed under|categories|category)\s*:.*|advertisement|continue reading(?: below)?)$",
    re.IGNORECASE,
)
# Press releases: the release line and the media contact above the text.
_RELEASE = re.compile(
    r"^(?:for immediate release|embargoed (?:until|for)\b.*|news release|press release)$", re.IGNORECASE
)
_CONTACT = re.compile(r"^(?:media |press )?contacts?\s*:", re.IGNORECASE)
_CONTACT_DETAIL = re.compile(r"@|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\b\d{3}-\d{4}\b")
# Sections of reference material that end an article: never read, up to the next heading.
_REFERENCES = re.compile(
    r"^(?:notes|footnotes|endnotes|references|sources|citations|works cited|bibliography"
    r"|(?:how to )?cite this(?: report| article| page| post| story| paper| brief| publication)?"
    r"|media contacts?|press contacts?|for media inquiries)\s*:?$",
    re.IGNORECASE,
)
# A caption copied with its photo credit: "... in April. (Tomás Villa / Harbor Daily Tribune)", "... Photo by Ann Lee."
_CREDITED_CAPTION = re.compile(
    r"(?:\((?:[A-Z][\w.’'-]*\s+){1,3}[A-Z][\w.’'-]*\s*/\s*[A-Z][^()]{1,60}\)"
    r"|(?:^|[.!?)]\s+)(?i:photo|photograph|image|illustration)s?\s+(?i:by|courtesy(?:\s+of)?)\s+[A-Z][^.]{1,60}\.?)$",
)
_CITATION = re.compile(
    r"\b(?:1[6-9]\d\d|20\d\d)\b|\bdoi\b|https?://|\bwww\.|\bpp?\.\s*\d|\bet al\b|\bibid\b|\bop\. cit\b"
    r"|\b(?:retrieved|accessed|archived)\b|\bvol\.\s*\d|\bisbn\b",
    re.IGNORECASE,
)
_NOTE_START = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)]?\s|[*†‡^]|[ivx]{1,4}\.\s)")
_BREADCRUMB = re.compile(r"^(?:you are here\b|home\s*[>›»/]\s*\w)", re.IGNORECASE)
_NO_WORDS = re.compile(r"^[^\w]*$")


def is_furniture(text: str) -> bool:
    """Strong furniture: never part of an article, wherever it stands."""
    if _NO_WORDS.match(text) or _SKIP_LINK.match(text) or _BREADCRUMB.match(text):
        return True
    if _is_nav_line(text, weak=False):
        return True
    words = len(text.split())
    if words <= 60 and _COOKIE.search(text) and _COOKIE_CONTEXT.search(text):
        return True
    # "Sign up to testify on March 19." is a call to action in the article, not a sign-up box.
    if _NEWSLETTER_START.match(text) and (words <= 6 or words <= 25 and _NEWSLETTER_WORDS.search(text)):
        return True
    if words <= 25 and _NEWSLETTER_WORDS.search(text) and _NEWSLETTER_VERBS.search(text):
        return True
    if words <= 25 and _TEASER.match(text):
        return True
    if words <= 20 and (_COPYRIGHT.search(text) or _PAGE_META.match(text)):
        return True
    if words <= 40 and _CREDITED_CAPTION.search(text):
        return True
    if _RELEASE.match(text) or words <= 40 and _CONTACT.match(text) and _CONTACT_DETAIL.search(text):
        return True
    return False


def is_menu_line(text: str) -> bool:
    """Only menu words, weak ones included ("About Us", "Our Work | Take Action")."""
    return _is_nav_line(text, weak=True)


def is_section_header(text: str) -> bool:
    """True for "Related content", "You might also like", "About the author": what follows is not the article."""
    return len(text.split()) <= 8 and _SECTION.match(text) is not None


def is_reference_section(text: str) -> bool:
    """True for "Notes", "Sources", "Cite this report", "Media contact": reference material, not the article."""
    return _REFERENCES.match(text.strip()) is not None


def is_citation(text: str) -> bool:
    """A reference or note as notes sections hold them: a year, a DOI or address, "pp.", "et al.", or a note number."""
    return _CITATION.search(text) is not None or _NOTE_START.match(text) is not None


def is_about_author(text: str) -> bool:
    return _ABOUT_AUTHOR.match(text) is not None


def _is_nav_line(text: str, weak: bool) -> bool:
    lowered = text.casefold().strip()
    if not lowered or len(lowered) > 200:
        return False
    vocabulary = _STRONG_NAV | _WEAK_NAV if weak else _STRONG_NAV
    words_seen = 0
    fillers = 0
    for part in _NAV_SEPARATORS.split(lowered):
        words = part.strip(" .!-–—").split()
        i = 0
        while i < len(words):
            for size in (3, 2, 1):
                phrase = " ".join(words[i : i + size])
                if len(words[i:]) >= size and phrase in vocabulary:
                    i += size
                    words_seen += 1
                    break
            else:
                if words[i] not in _SHARE_FILLERS:
                    return False
                fillers += 1
                i += 1
    # Fillers only make sense around a button word, and only in short lines ("Share on X").
    return words_seen > 0 and (fillers == 0 or words_seen + fillers <= 8)
