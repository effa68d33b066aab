"""Secrets never reach a log: staff tokens, session ids and the passwords in database and broker URLs are redacted.

Redaction happens when a log record is made, so it covers every logger (ours, uvicorn's, Celery's, SQLAlchemy's)
and every handler, including handlers that uvicorn or Celery install after ``install_redaction()`` ran. The same
filter is also put on the root, uvicorn and Celery loggers and their handlers, for records that are built
elsewhere and handed to a handler directly.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

MARKER = "[redacted]"

_SECRET = re.compile(r"\b(nr[ts]_)[A-Za-z0-9_-]{8,}")
"""Staff API tokens (nrt_) and staff session ids (nrs_): random URL-safe text after the prefix."""
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(@)")
"""scheme://user:password@host, and scheme://:password@host as Redis URLs have it."""
_CREDENTIAL_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization\W{1,4}(?:b\W)?(?:bearer|basic)\s+)[^\s'\",;]+")
"""A header value quoted in a message: "Authorization: Bearer x", or ('authorization', 'Basic x') in a repr."""

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.app.trace", "celery.worker", "kombu")


def redact(text: str) -> str:
    """``text`` with every token, session id, URL password and credential header value replaced by MARKER."""
    text = _SECRET.sub(lambda m: m.group(1) + MARKER, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MARKER + m.group(2), text)
    return _CREDENTIAL_HEADER.sub(lambda m: m.group(1) + MARKER, text)


def _redact_value(value: Any) -> Any:
    """Strings redacted; other values kept as they are (so "%d" still formats them) unless their text has a secret."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, (int, float)):
        return value
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


class Redaction(logging.Filter):
    """Redacts a record in place and lets it through: message, arguments, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_narrate_redacted", False):
            return True
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        else:
            record.msg = _redact_value(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            # Kept a tuple of the same length: uvicorn's access formatter unpacks it.
            record.args = tuple(_redact_value(value) for value in record.args)
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            # Formatted now, redacted, and cached where every Formatter looks first.
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._narrate_redacted = True
        return True


_REDACTION = Redaction()


def install_redaction() -> None:
    """Redact every log record from now on, in this process. Calling it again changes nothing."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "narrate_redaction", False):
        logging.setLogRecordFactory(_redacting(factory))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for holder in (logger, *logger.handlers):
            if _REDACTION not in holder.filters:
                holder.addFilter(_REDACTION)


def _redacting(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _REDACTION.filter(record)
        return record

    make_record.narrate_redaction = True  # type: ignore[attr-defined]
    return make_record
