"""The one error tree of Narrate.

    NarrateError                 anything Narrate reports to a user as one line
    ├── ConfigError              bad or missing setting, unknown engine, missing voice, incomplete feed
    ├── SourceError              a source that cannot be read: missing file, bad URL, fetch failure, too large
    │   └── EmptyArticleError    the source has no extractable article text
    ├── EngineError              a text-to-speech engine failed (after its retries)
    ├── AudioError               decoding, stitching, loudness or encoding failed
    ├── PublishError             writing public files or the feed failed
    ├── NotFoundError            no such episode or feed
    └── UnavailableError         the database or the broker cannot be reached just now (tasks retry)

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``; the HTTP
service maps ``error.http_status`` to a 4xx/5xx with a JSON reason. Anything else that escapes is a bug: the CLI
says "internal error" and exits INTERNAL_ERROR (70, EX_SOFTWARE in sysexits.h).
"""

from __future__ import annotations

INTERNAL_ERROR = 70
"""Exit code of an unexpected failure (a bug), distinct from every NarrateError."""


class NarrateError(Exception):
    """Base of every error Narrate reports to a user."""

    exit_code = 1
    http_status = 400

    def __str__(self) -> str:
        # One line, always: messages are shown in terminals, JSON and episode rows.
        return " ".join(super().__str__().split())


class ConfigError(NarrateError):
    exit_code = 3
    http_status = 422


class SourceError(NarrateError):
    exit_code = 4
    http_status = 422


class EmptyArticleError(SourceError):
    pass


class EngineError(NarrateError):
    exit_code = 5
    http_status = 502


class AudioError(NarrateError):
    exit_code = 6
    http_status = 500


class PublishError(NarrateError):
    exit_code = 7
    http_status = 500


class NotFoundError(NarrateError):
    exit_code = 8
    http_status = 404


class UnavailableError(NarrateError):
    """A service Narrate depends on is down for now: worth retrying, never a reason to fail an episode."""

    exit_code = 9
    http_status = 503
