"""How the pages show times, durations, dates, sizes, languages and links."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup

from feeds.text import one_line
from narrate.script.normalize import MONTH_NAMES

UI_LANGUAGE = "en"
"""The language of the pages' own words (labels, instructions), as opposed to the article's."""

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def clock(seconds: float) -> str:
    """ "1:05" or "1:02:05"."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def time_fragment(seconds: float) -> str:
    """The URL fragment that seeks to ``seconds`` ("t=12.5"), as in W3C media fragments."""
    return "t=" + f"{max(0.0, seconds):.3f}".rstrip("0").rstrip(".")


def minute_count(duration: float | None) -> int:
    # Half a minute rounds up (Python's round() would send 2.5 to 2).
    return max(1, int((duration or 0) / 60 + 0.5))


def minutes_long(duration: float | None) -> str:
    count = minute_count(duration)
    return f"{count} minute" if count == 1 else f"{count} minutes"


def minutes_short(duration: float | None) -> str:
    return f"{minute_count(duration)} min"


def paragraphs(text: str | None) -> list[str]:
    return [one_line(part) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def language_tag(code: str | None) -> str:
    """A well-formed BCP 47 tag for the lang attribute; anything else is taken as English."""
    code = (code or "").strip().replace("_", "-")
    return code if _LANGUAGE_TAG.match(code) else UI_LANGUAGE


def ui_attr(language: str) -> Markup:
    """A lang attribute for the pages' own words, needed only when the page is in another language."""
    return Markup("") if language.split("-")[0].lower() == UI_LANGUAGE else Markup(f' lang="{UI_LANGUAGE}"')


def web_link(url: str | None) -> str:
    """``url`` when it is an http(s) URL, else "": an article's canonical URL must never become a script link."""
    url = (url or "").strip()
    return url if re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) else ""


def long_date(day: dt.date | None) -> str:
    # Spelled out here, not with strftime: month names must not depend on the machine's locale.
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}" if day else ""


def size_text(num_bytes: int | None) -> str:
    if not num_bytes:
        return ""
    if num_bytes >= 1_000_000:
        return f"{num_bytes / 1_000_000:.1f} MB"
    return f"{max(1, round(num_bytes / 1000))} kB"
