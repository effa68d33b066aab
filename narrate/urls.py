"""What makes a URL a setting may hold: absolute http(s) for what listeners and engines reach, a scheme Celery or
SQLAlchemy knows for the broker, the result backend and the database. Messages never repeat a password."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from narrate.errors import ConfigError
from narrate.logs import redact

# Celery's broker transports and result backends, by URL scheme (kombu and celery accept these names).
BROKER_SCHEMES = frozenset({"redis", "rediss", "sentinel", "amqp", "amqps", "pyamqp", "librabbitmq", "sqs",
                            "memory", "filesystem", "sqla", "sqlalchemy", "mongodb", "qpid", "zookeeper",
                            "consul", "etcd", "azurestoragequeues", "azureservicebus", "gcpubsub", "confluentkafka"})
BACKEND_SCHEMES = frozenset({"redis", "rediss", "sentinel", "rpc", "db", "database", "cache", "mongodb", "cassandra",
                             "elasticsearch", "riak", "couchbase", "couchdb", "arangodb", "dynamodb", "azureblockblob",
                             "s3", "gs", "consul", "filesystem", "file", "cosmosdbsql", "disabled"})

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def http_url(value: str, what: str, *, base: bool = False) -> str:
    """``value`` as an absolute http(s) URL with a host, its scheme and host in lower case; else ConfigError naming
    ``what``.

    Podcast apps fetch these URLs from anywhere: a relative path, "example.org/news" or "javascript:..." would only
    fail later, at publish. ``base``: a URL other paths are appended to, so it has no query or fragment.
    Credentials are refused: these URLs are published, and the message never repeats them.
    """
    text = str(value).strip()

    def refuse(why: str, shown: str = text) -> ConfigError:
        return ConfigError(f"{what} must be an absolute http(s) URL: {why} (got {shown!r})")

    if not text or any(c.isspace() or not c.isprintable() for c in text):
        raise refuse("it is empty or has spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise refuse(str(error)) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise refuse(f"the scheme must be http:// or https://, not {parts.scheme + ':' if parts.scheme else 'none'}")
    if parts.username is not None or parts.password is not None:
        raise refuse("it must not carry a user name or password", redact(text) if parts.password else text)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise refuse("it has no host")
    if not _valid_host(host):
        raise refuse(f"{host!r} is not a host name")
    if base and (parts.query or parts.fragment or text.endswith(("?", "#"))):
        raise refuse("other addresses are appended to it, so it cannot have a query or fragment")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")  # internationalised names, as DNS sees them
    except UnicodeError:
        return False
    return len(ascii_host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in ascii_host.split("."))


def check_service_url(value: str, what: str, schemes: frozenset[str]) -> None:
    """A broker or result backend URL: a scheme Celery knows, each of ';'-separated fail-over URLs."""
    for url in value.split(";"):
        scheme, separator, _ = url.strip().partition("://")
        kind = scheme.lower().split("+")[0]
        if not separator or kind not in schemes:
            example = "redis://host:6379/0 or amqp://user@host//" if schemes is BROKER_SCHEMES else "redis://host/1"
            raise ConfigError(f"{what}: {redact(url.strip())!r} is not a URL Celery can use (e.g. {example})")


SQLALCHEMY_DIALECTS = frozenset({"sqlite", "postgresql", "mysql", "mariadb", "oracle", "mssql"})
"""SQLAlchemy's own dialects; others register under the "sqlalchemy.dialects" entry points."""


def check_database_url(value: str) -> None:
    # Read without importing SQLAlchemy: importing settings (every worker does) must stay light.
    found = re.fullmatch(r"([A-Za-z0-9_]+)(?:\+[A-Za-z0-9_]+)?://.*", value.strip(), re.DOTALL)
    dialect = found.group(1).lower() if found else ""
    if dialect not in SQLALCHEMY_DIALECTS:
        from importlib.metadata import entry_points

        plugins = {e.name.split(".")[0].lower() for e in entry_points(group="sqlalchemy.dialects")}
        if dialect not in plugins:
            raise ConfigError(
                f"NARRATE_DATABASE_URL {redact(value)!r} is not a usable SQLAlchemy URL "
                "(dialect[+driver]://..., e.g. sqlite:///narrate.db or postgresql+psycopg://user@host/db)"
            )
