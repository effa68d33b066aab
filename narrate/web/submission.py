"""An article submitted over HTTP: exactly one source (URL, HTML, text or Markdown) and optional overrides."""

from __future__ import annotations

from dataclasses import dataclass, replace

from narrate.article import Article
from narrate.engines import ENGINE_NAMES
from narrate.errors import ConfigError, SourceError
from narrate.extract import Document, extract, with_overrides
from narrate.extract.completeness import Verdict, check_completeness
from narrate.extract.controls import without_controls
from narrate.extract.source import read_url
from narrate.settings import DEFAULT_FEED, Settings

SOURCE_FIELDS = ("url", "html", "text", "markdown")
REQUEST_ENGINES = tuple(name for name in ENGINE_NAMES if name != "tone")
"""Engines a request may choose. "tone" only beeps, for tests: only the operator may set it (NARRATE_ENGINE)."""


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
    force: bool = False
    """Render the reading as it is, even when the completeness guard would hold it for review."""

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
    return reading_from_submission(settings, replace(submission, force=True)).article


def reading_from_submission(settings: Settings, submission: Submission) -> Verdict:
    """``article_from_submission``, then the completeness guard's verdict on it (unless the submission forces it)."""
    kind = submission.kind
    check_engine_choice(submission.engine)  # before any fetch: a refused request costs nothing
    if kind == "url":
        document = read_url(str(submission.url).strip(), settings, public_only=True)
    else:
        # JSON may carry lone surrogates ("\ud800"), which no UTF-8 encoder takes: they go with the other controls.
        value = without_controls(str(getattr(submission, kind)))
        document = Document(value.encode("utf-8"), kind, name=f"the submitted {kind}")  # type: ignore[arg-type]
    article = with_overrides(extract(document), submission.title, submission.author)
    return Verdict(article) if submission.force else check_completeness(document, article)


def check_engine_choice(engine: str) -> None:
    """ConfigError (422) unless ``engine`` is empty (the feed's or the service's engine) or one a request may choose."""
    name = engine.strip().lower()
    if name and name not in REQUEST_ENGINES:
        raise ConfigError(
            f"engine {engine.strip()[:40]!r} cannot be chosen in a request; choose {', '.join(REQUEST_ENGINES)}, "
            "or leave it out for the feed's engine"
        )
