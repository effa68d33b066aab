"""The one settings object. Defaults < config file (NARRATE_HOME/narrate.toml) < NARRATE_* environment.

This module is the only reader of the environment.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from narrate.errors import ConfigError

CONFIG_NAME = "narrate.toml"
DEFAULT_FEED = "main"

DEFAULT_INTRO = "{title}. {byline}This is an audio version of the article, read by a computer-generated voice."
DEFAULT_OUTRO = "This was an audio version of {title}{from_site}. Thank you for listening."


@dataclass
class FeedSettings:
    """One podcast feed: what Apple requires plus how its episodes are read."""

    slug: str
    title: str = "Narrate"
    description: str = "Articles read aloud by a computer-generated voice."
    author: str = "Narrate"
    owner_name: str = ""
    owner_email: str = ""
    link: str = ""
    """The publisher's website; defaults to the feed's page."""
    language: str = "en"
    category: str = "News"
    """Apple Podcasts category, exactly as in Apple's list ("News", "Society & Culture", ...)."""
    subcategory: str = ""
    explicit: bool = False
    copyright: str = ""
    cover_image: str = ""
    """Path to a square PNG/JPEG of 1400-3000 px; empty: a generated cover."""
    intro_template: str = DEFAULT_INTRO
    outro_template: str = DEFAULT_OUTRO
    intro_audio: str = ""
    """Path to a jingle or music bed played before the spoken intro."""
    outro_audio: str = ""
    engine: str = ""
    """Empty: the global engine."""
    voice: str = ""
    """Empty: the engine's default voice."""
    podcast_guid: str = ""
    """podcast:guid, fixed when the feed is created so that it survives a change of base URL."""
    max_episodes: int = 0
    """0: every episode in the feed; N: only the newest N (the rest are kept)."""

    def to_toml(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("slug")
        return data


@dataclass
class Settings:
    """Everything configurable. Build with ``Settings.load()``; tests build it directly."""

    home: Path = Path("media")
    """NARRATE_HOME: data root. public/ under it is served as-is; everything else is private."""
    base_url: str = "http://localhost:8000"
    """NARRATE_BASE_URL: public/X is served at BASE_URL/X."""
    database_url: str = ""
    """NARRATE_DATABASE_URL: SQLAlchemy URL; empty: SQLite file under home."""
    broker_url: str = ""
    """NARRATE_BROKER_URL: Celery broker (redis://, amqp://); empty: the embedded in-process default."""
    queue: str = "narrate"
    """NARRATE_QUEUE: the Celery queue the CLI sends to and workers consume by default."""
    result_backend: str = ""
    """NARRATE_RESULT_BACKEND: empty: the Redis broker itself, or the database for other brokers."""
    engine: str = "piper"
    """NARRATE_ENGINE: piper, gtts or espeak (and "tone", a deterministic test engine)."""
    voice: str = ""
    """NARRATE_VOICE: engine voice; for piper a model path (empty: the bundled en_US joe voice)."""
    bitrate_kbps: int = 64
    loudness_lufs: float = -19.0
    true_peak_db: float = -1.0
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = 5
    fetch_allow: str = ""
    """NARRATE_FETCH_ALLOW: hosts or networks (comma-separated) the service may fetch although they are private."""
    max_body_bytes: int = 5 * 1024 * 1024
    """Largest HTTP request body the service accepts."""
    rate_limit_per_minute: int = 60
    """Staff API requests per token per minute."""
    login_attempts_per_minute: int = 10
    """NARRATE_LOGIN_ATTEMPTS_PER_MINUTE: staff sign-ins per client address per minute (brute-force guard)."""
    trusted_proxies: str = ""
    """NARRATE_TRUSTED_PROXIES: addresses or networks of the reverse proxies in front of the service (comma-separated,
    e.g. "127.0.0.1,10.0.0.0/8"), the only peers whose X-Forwarded-For and X-Forwarded-Proto are believed (for the
    sign-in limit and logs). Empty: none; every client is its connection's address."""
    header_timeout: float = 10.0
    """NARRATE_HEADER_TIMEOUT: seconds a client has to send a request's line and headers before the service closes
    the connection (408), so that slow clients cannot hold connections."""
    embed_ancestors: str = "*"
    """NARRATE_EMBED_ANCESTORS: CSP frame-ancestors of the embed player only, e.g. "https://news.example.org";
    "*" by default because publishers put the player on their own sites. Every other page may not be framed."""
    gtts_url: str = ""
    """NARRATE_GTTS_URL: base URL of the Google Translate TTS host; empty: Google's own."""
    gtts_lang: str = "en"
    engine_retries: int = 4
    engine_backoff: float = 1.0
    """Seconds before the first retry; doubles each time."""
    engine_timeout: float = 15.0
    engine_concurrency: str = ""
    """NARRATE_ENGINE_CONCURRENCY: most segments each engine speaks at once on one machine, across all worker
    processes ("gtts=2,piper=1"); an engine not named, or 0: no limit."""
    engine_slot_timeout: float = 600.0
    """Seconds a segment waits for a free engine slot (engine_concurrency) before it fails."""
    cache_max_bytes: int = 2 * 1024**3
    """NARRATE_CACHE_MAX_BYTES: the segment cache's bound; least recently used segments are evicted past it."""
    onnx_threads: int = 0
    """ONNX Runtime intra-op threads for Piper; 0: its default (all cores)."""
    fallback_voice: str = ""
    """NARRATE_FALLBACK_VOICE: voice for articles in a language with no voice of their own; "default" means the
    engine's default voice; empty: such an article is refused."""
    fallback_engine: str = ""
    """NARRATE_FALLBACK_ENGINE: engine that reads an episode whose own engine failed after its retries (e.g. piper
    behind gtts); recorded on the episode. Empty: such an episode fails with the engine's reason."""
    stale_after: float = 600.0
    """NARRATE_STALE_AFTER: seconds without progress after which the reaper sends a queued episode again (its
    message may be lost) or renders a rendering one again (its worker may have died)."""
    render_attempts: int = 3
    """NARRATE_RENDER_ATTEMPTS: renders of one submission that may stall before the reaper fails it instead."""
    reap_interval: float = 60.0
    """NARRATE_REAP_INTERVAL: seconds between the reaper's sweeps (each worker asks for one)."""
    visibility_timeout: float = 3600.0
    """NARRATE_VISIBILITY_TIMEOUT: Redis broker only: seconds before a task taken by a worker that died unacknowledged
    is given to another worker. Longer than any one task; the reaper covers the rest."""
    voices: dict[str, str] = field(default_factory=dict)
    """Voice per article language ([voices] table, or NARRATE_VOICES="de=/voices/de.onnx,fr=/voices/fr.onnx")."""
    feeds: dict[str, FeedSettings] = field(default_factory=dict)

    # -- derived paths -------------------------------------------------------------------------
    @property
    def public_dir(self) -> Path:
        return self.home / "public"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'narrate.db').resolve()}"

    @property
    def backend_url(self) -> str:
        if self.result_backend:
            return self.result_backend
        if self.broker_url.startswith(("redis://", "rediss://")):
            return self.broker_url
        return "db+" + self.db_url

    def public_url(self, relative: str) -> str:
        return f"{self.base_url.rstrip('/')}/{relative.lstrip('/')}"

    def feed(self, slug: str) -> FeedSettings:
        """The feed's settings; "main" exists even when no config file mentions it."""
        if slug in self.feeds:
            return self.feeds[slug]
        if slug == DEFAULT_FEED:
            return FeedSettings(slug=DEFAULT_FEED)
        raise ConfigError(f"unknown feed {slug!r}; create it with: narrate feed create {slug}")

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path(env.get("NARRATE_HOME") or "media")
        file_values = _read_config(home / CONFIG_NAME)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in ("home", "feeds", "voices"):
                continue
            key = f"NARRATE_{f.name.upper()}"
            if key in env and env[key] != "":
                values[f.name] = _coerce(f.name, env[key], _default_of(f))
            elif f.name in file_values:
                values[f.name] = _coerce(f.name, file_values[f.name], _default_of(f))
        feeds = {
            slug: _feed_from_toml(slug, data) for slug, data in dict(file_values.get("feeds", {})).items()
        }
        voices = {str(k).lower(): str(v) for k, v in dict(file_values.get("voices", {})).items()}
        for pair in filter(None, (p.strip() for p in env.get("NARRATE_VOICES", "").split(","))):
            language, _, voice = pair.partition("=")
            if not voice.strip():
                raise ConfigError(f"NARRATE_VOICES: expected language=voice, got {pair!r}")
            voices[language.strip().lower()] = voice.strip()
        return cls(home=home, feeds=feeds, voices=voices, **values)

    def save_feeds(self) -> None:
        """Write the feeds back to the config file, keeping its other keys."""
        import tomli_w

        data = _read_config(self.config_path)
        data["feeds"] = {slug: feed.to_toml() for slug, feed in sorted(self.feeds.items())}
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.config_path.with_suffix(".toml.tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        tmp.replace(self.config_path)


def _default_of(f: dataclasses.Field[Any]) -> Any:
    return f.default if f.default is not dataclasses.MISSING else None


def _coerce(name: str, raw: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        return str(raw)
    except ValueError:
        raise ConfigError(f"setting {name} must be a number, got {raw!r}") from None


def _read_config(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _feed_from_toml(slug: str, data: Mapping[str, Any]) -> FeedSettings:
    known = {f.name: f for f in dataclasses.fields(FeedSettings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"feed {slug!r}: unknown setting(s) {', '.join(unknown)}")
    values = {k: _coerce(k, v, _default_of(known[k])) for k, v in data.items()}
    return FeedSettings(slug=slug, **values)
