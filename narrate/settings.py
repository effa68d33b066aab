"""The one settings object. Defaults < config file (NARRATE_HOME/narrate.toml) < NARRATE_* environment.

This module is the only reader of the environment.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from narrate.errors import ConfigError
from narrate.urls import BACKEND_SCHEMES, BROKER_SCHEMES, check_database_url, check_service_url, http_url

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
    canonical_hosts: str = ""
    """Hosts that are one publisher ("example.org, example-cdn.net"): a page from one of them may name its
    canonical URL on another. Empty: only on its own site (registrable domain)."""

    def to_toml(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("slug")
        return data

    def checked(self) -> "FeedSettings":
        """A copy with its URL and file paths normalised; ConfigError naming the field when one is unusable.

        Called before a feed is saved and whenever it is used; Apple's requirements, the cover and the music are
        checked by narrate.publishing.feed.check_feed on top of this.
        """
        feed = dataclasses.replace(self)
        where = f"feed {self.slug!r}"
        if feed.link:
            feed.link = http_url(feed.link, f"{where}: link", base=False)
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", feed.language.strip()):
            raise ConfigError(f"{where}: language must be a language code such as en or en-GB, got {feed.language!r}")
        if feed.owner_email and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", feed.owner_email):
            raise ConfigError(f"{where}: owner_email must be an e-mail address, got {feed.owner_email!r}")
        if feed.max_episodes < 0:
            raise ConfigError(f"{where}: max_episodes must be 0 (every episode) or more, got {feed.max_episodes}")
        for name in ("cover_image", "intro_audio", "outro_audio"):
            value = getattr(feed, name).strip()
            if value:
                # Absolute: workers and the service may run from another directory than the command that set it.
                setattr(feed, name, str(Path(value).expanduser().absolute()))
        return feed


def default_home() -> Path:
    """NARRATE_HOME when it is not set: one place whatever the working directory.

    Run from a checkout (a source tree, or installed from one with ``pip install .`` or ``-e .``), it is the
    checkout's media/ folder, as the README documents; otherwise the per-user data folder (on Linux
    $XDG_DATA_HOME/narrate, else ~/.local/share/narrate), since an installed package has no folder of its own to
    write in. Never a folder relative to wherever the command happens to run: that silently started empty libraries.
    """
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "media"
    import platformdirs  # reads XDG_DATA_HOME itself: the platform's convention, not a narrate setting

    return platformdirs.user_data_path("narrate", appauthor=False)


@functools.cache
def source_checkout() -> Path | None:
    """The source tree this narrate runs from, or was installed from; None for an install from elsewhere."""

    def is_checkout(folder: Path) -> bool:
        return (folder / "pyproject.toml").is_file() and (folder / "narrate" / "settings.py").is_file()

    here = Path(__file__).resolve()
    if is_checkout(here.parents[1]):  # the source tree itself, or an editable install
        return here.parents[1]
    # Installed by ``pip install .``: PEP 610's direct_url.json names the folder it was installed from. Trusted only
    # when that installation is this very code (not another copy on sys.path).
    from importlib import metadata

    try:
        distribution = metadata.distribution("narrate")
        origin = json.loads(distribution.read_text("direct_url.json") or "{}").get("url", "")
        installed = Path(str(distribution.locate_file("narrate/settings.py"))).resolve()
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None
    if installed != here or not origin.startswith("file://"):
        return None
    folder = Path(unquote(urlsplit(origin).path))
    return folder if is_checkout(folder) else None


@dataclass
class Settings:
    """Everything configurable. Build with ``Settings.load()``; tests build it directly."""

    home: Path = field(default_factory=default_home)
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
    """ONNX Runtime intra-op threads for Piper; 0: its default (all cores), or in the embedded renderer's
    pool, the cores shared out between its processes."""
    synthesis_processes: int = 0
    """NARRATE_SYNTHESIS_PROCESSES: processes the embedded renderer speaks Piper segments in (each holds the voice,
    about 0.6 GiB); 0: one per core; 1: in the rendering process itself, no pool."""
    fallback_voice: str = ""
    """NARRATE_FALLBACK_VOICE: voice for articles in a language with no voice of their own; "default" means the
    engine's default voice; empty: such an article is refused."""
    fallback_engine: str = ""
    """NARRATE_FALLBACK_ENGINE: engine that reads an episode whose own engine failed after its retries (e.g. piper
    behind gtts); recorded on the episode. Empty: such an episode fails with the engine's reason."""
    stale_after: float = 600.0
    """NARRATE_STALE_AFTER: seconds without progress after which the reaper sends a queued episode again (its
    message may be lost) or renders a rendering one again (its worker may have died)."""
    finish_after: float = 20.0
    """NARRATE_FINISH_AFTER: seconds a render may sit with every segment synthesised and no finishing step at work
    (its worker died while assembling) before the reaper queues the finishing step again."""
    render_attempts: int = 3
    """NARRATE_RENDER_ATTEMPTS: renders of one submission that may stall before the reaper fails it instead."""
    reap_interval: float = 60.0
    """NARRATE_REAP_INTERVAL: seconds between the reaper's sweeps (each worker asks for one)."""
    visibility_timeout: float = 3600.0
    """NARRATE_VISIBILITY_TIMEOUT: Redis broker only: seconds before a task taken by a worker that died unacknowledged
    is given to another worker. Longer than any one task; the reaper covers the rest."""
    max_article_chars: int = 100_000
    """NARRATE_MAX_ARTICLE_CHARS: longest article body accepted, in characters. The bundled voice reads about 880 a
    minute, so 100,000 is nearly two hours of audio (a long 100-minute article is about 88,000); longer is refused."""
    long_article_chars: int = 10_000
    """NARRATE_LONG_ARTICLE_CHARS: articles longer than this (about 11 minutes of audio) render in the long lane: the
    Celery queue "<NARRATE_QUEUE>.long", or the embedded service's child process; short ones never wait behind
    them."""
    source_poll_interval: float = 900.0
    """NARRATE_SOURCE_POLL_INTERVAL: seconds between polls of each followed source (feed or sitemap), by the workers
    or the embedded service; 0: only `narrate source poll` polls."""
    source_min_interval: float = 60.0
    """NARRATE_SOURCE_MIN_INTERVAL: fewest seconds between two requests for one source, even when asked to poll now."""
    source_backfill_per_poll: int = 2
    """NARRATE_SOURCE_BACKFILL_PER_POLL: archive entries back-filled per poll of a source, so new ones never wait."""
    voices: dict[str, str] = field(default_factory=dict)
    """Voice per article language ([voices] table, or NARRATE_VOICES="de=/voices/de.onnx,fr=/voices/fr.onnx")."""
    feeds: dict[str, FeedSettings] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict, repr=False)
    """Where each setting that is not a default came from: "NARRATE_BASE_URL", or the config file's path.
    Commands that choose a better default than the fixed one (``narrate serve``'s own address) ask ``origin()``."""

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
    def locks_dir(self) -> Path:
        return self.home / "locks"

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

    def origin(self, name: str) -> str | None:
        """Where setting ``name`` was set ("NARRATE_HOME", ".../narrate.toml"), or None when it is the default."""
        return self.origins.get(name)

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
        origins: dict[str, str] = {}
        if env.get("NARRATE_HOME"):
            home, origins["home"] = Path(env["NARRATE_HOME"]), "NARRATE_HOME"
        else:
            home = default_home()
        file_values = _read_config(home / CONFIG_NAME)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in ("home", "feeds", "voices", "origins"):
                continue
            key = f"NARRATE_{f.name.upper()}"
            if key in env and env[key] != "":
                values[f.name] = _coerce(f.name, env[key], _default_of(f))
                origins[f.name] = key
            elif f.name in file_values:
                values[f.name] = _coerce(f.name, file_values[f.name], _default_of(f))
                origins[f.name] = str(home / CONFIG_NAME)
        feeds = {
            slug: _feed_from_toml(slug, data) for slug, data in dict(file_values.get("feeds", {})).items()
        }
        voices = {str(k).lower(): str(v) for k, v in dict(file_values.get("voices", {})).items()}
        for pair in filter(None, (p.strip() for p in env.get("NARRATE_VOICES", "").split(","))):
            language, _, voice = pair.partition("=")
            if not voice.strip():
                raise ConfigError(f"NARRATE_VOICES: expected language=voice, got {pair!r}")
            voices[language.strip().lower()] = voice.strip()
        settings = cls(home=home, feeds=feeds, voices=voices, origins=origins, **values)
        # Checked at start, before any work: a bad value is refused with its name, not found half-way through a
        # render. Feeds are checked when used (check_feed), so that `narrate feed edit` can still repair one.
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a bad global setting, naming it; normalises the URLs (scheme and host in lower case)."""
        self.base_url = http_url(self.base_url, "NARRATE_BASE_URL", base=True)
        if self.gtts_url:
            self.gtts_url = http_url(self.gtts_url, "NARRATE_GTTS_URL", base=True)
        if self.database_url:
            check_database_url(self.database_url)
        if self.broker_url:
            check_service_url(self.broker_url, "NARRATE_BROKER_URL", BROKER_SCHEMES)
        if self.result_backend:
            check_service_url(self.result_backend, "NARRATE_RESULT_BACKEND", BACKEND_SCHEMES)
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,200}", self.queue):
            raise ConfigError(f"NARRATE_QUEUE must be letters, digits, '_', '.', ':' or '-', got {self.queue!r}")
        if self.bitrate_kbps not in MP3_BITRATES:
            choices = ", ".join(map(str, MP3_BITRATES))
            raise ConfigError(f"NARRATE_BITRATE_KBPS must be an MP3 bitrate ({choices}), got {self.bitrate_kbps}")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigError(f"NARRATE_{name.upper()} must be between {low:g} and {high:g}, got {value!r}")

    def make_home(self) -> bool:
        """Create NARRATE_HOME when missing or empty (a checkout's media/ holds only .gitkeep), whatever the umask:
        others may pass through it to public/ (which a web server running as its own user serves) but not list it,
        and its private folders (the segment cache, locks, work) are the owner's alone, as the database is
        (database.connect). True when it was created now (commands then say where the new library is)."""
        if self.home.is_dir() and not _holds_nothing(self.home):
            return False
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o711)
        for private in (self.cache_dir, self.locks_dir, self.work_dir):
            private.mkdir(exist_ok=True)
            private.chmod(0o700)
        return True

    def save_feeds(self) -> None:
        """Write the feeds back to the config file, keeping its other keys."""
        import tomli_w

        data = _read_config(self.config_path)
        data["feeds"] = {slug: feed.to_toml() for slug, feed in sorted(self.feeds.items())}
        self.make_home()
        tmp = self.config_path.with_suffix(".toml.tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        tmp.replace(self.config_path)


def _holds_nothing(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but hidden files (a .gitkeep); False when it cannot be listed."""
    try:
        return all(entry.name.startswith(".") for entry in folder.iterdir())
    except OSError:
        return False


MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""The constant bitrates of MPEG-1 layer III, the format of every episode (44.1 kHz)."""

_RANGES: dict[str, tuple[float, float]] = {
    "loudness_lufs": (-40, -5),
    "true_peak_db": (-9, 0),
    "fetch_timeout": (0.001, 3600),
    "fetch_max_bytes": (1, 2**40),
    "fetch_max_redirects": (0, 50),
    "max_body_bytes": (1, 2**40),
    "rate_limit_per_minute": (0, 10**9),  # 0: no limit
    "login_attempts_per_minute": (0, 10**9),
    "engine_retries": (0, 100),
    "engine_backoff": (0, 3600),
    "engine_timeout": (0.001, 3600),
    "engine_slot_timeout": (0.001, 86400),
    "cache_max_bytes": (0, 2**50),
    "onnx_threads": (0, 1024),
    "synthesis_processes": (0, 1024),
    "stale_after": (0.001, 10**7),
    "render_attempts": (1, 1000),
    "reap_interval": (0, 10**7),  # 0: this process never reaps
    "visibility_timeout": (1, 10**7),
    "max_article_chars": (1, 10**9),
    "long_article_chars": (0, 10**9),  # 0: every article in the long lane
    "source_poll_interval": (0, 10**7),  # 0: no automatic polls
    "source_min_interval": (0, 10**7),
    "source_backfill_per_poll": (0, 10**4),
}
"""Numbers that make sense, per setting: a negative timeout or a NaN is refused at start, not met mid-render."""

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
