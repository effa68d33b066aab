"""An article submitted over HTTP: exactly one source (URL, HTML, text or Markdown) and optional overrides."""

from __future__ import annotations

from dataclasses import dataclass

from narrate.article import Article
from narrate.errors import SourceError
from narrate.extract import Document, extract, with_overrides
from narrate.extract.controls import without_controls
from narrate.extract.source import read_url
from narrate.settings import DEFAULT_FEED, Settings

SOURCE_FIELDS = ("url", "html", "text", "markdown")


@dataclass(frozen=True)
class Submission:
    url: str | None = None
    html: str | None = None
    text: str | None = None
    markdown: str | None = None
    feed: str = DEFAULT_FEED
    title: str | None = None
    author: str | None = None
    engine: str = ""

    @property
    def source(self) -> str:
        """How the episode records where it came from."""
        return self.url or f"api:{self.kind}"

    @property
    def kind(self) -> str:
        given = [name for name in SOURCE_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise SourceError(f"give exactly one of url, html, text or markdown (got {len(given)})")
        return given[0]


def article_from_submission(settings: Settings, submission: Submission) -> Article:
    """Fetch or parse the submission's source; URLs may only lead to public addresses (or settings.fetch_allow)."""
    kind = submission.kind
    if kind == "url":
        document = read_url(str(submission.url).strip(), settings, public_only=True)
    else:
        # JSON may carry lone surrogates ("\ud800"), which no UTF-8 encoder takes: they go with the other controls.
        value = without_controls(str(getattr(submission, kind)))
        document = Document(value.encode("utf-8"), kind, name=f"the submitted {kind}")  # type: ignore[arg-type]
    return with_overrides(extract(document), submission.title, submission.author)
