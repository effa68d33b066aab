"""`narrate add` of a file already published, with nothing changed, answered from a memo.

Adding an unchanged article again changes nothing: the render finds every segment in the cache and the published
files already its result (pipeline.finish's fingerprint). Getting there still loads extraction, the speech script
and SQLAlchemy, about a CPU-second, nearly all imports. So after an add that publishes, a memo is written:

- ``inputs``, a digest of everything the episode is made from: the source file's bytes, the command's arguments,
  every setting (``repr(settings)``, feeds and voices included), the files settings name (voices, covers, music;
  size and time), the feeds' lexicons, Narrate's own files and the folders of installed packages (size and time);
- the episode's row as the database held it when the add ended (every column; any later change moves updated_at);
- the size and time of its published files (MP3, transcript, chapters, page) and of its feed's RSS file;
- exactly what the add printed, as text and as JSON.

The next add of the same file in the same feed prints the memo's output only if all of it is still so; on any
difference or doubt (a URL or standard input, a database that is not SQLite, a broker, ``--queue``, a memo that
cannot be read) the full add runs, and writes a new memo. The memo is never needed: deleting it costs one full add.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import site
import sys
import sysconfig
from dataclasses import asdict
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from narrate.settings import Settings
from narrate.store import rows

MEMO_VERSION = 1
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # as extract/source.py: such a source is fetched


def source_file(args: argparse.Namespace, settings: Settings) -> Path | None:
    """The local file this add reads, when a memo may answer for it; None for URLs, standard input, --queue, a
    broker or a database other than SQLite."""
    source = str(args.source)
    if source == "-" or _URL_LIKE.match(source) or args.queue or settings.broker_url:
        return None
    if rows.sqlite_path(settings.db_url) is None:
        return None
    path = Path(source)
    return path if path.is_file() else None


def recall(args: argparse.Namespace, settings: Settings) -> str | None:
    """What the add would print, when its memo shows that nothing it depends on has changed; else None."""
    path = source_file(args, settings)
    if path is None:
        return None
    try:
        memo = json.loads(_memo_path(args, settings).read_text(encoding="utf-8"))
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict) or memo.get("inputs") != inputs(args, settings, data):
        return None
    row = rows.episode(settings.db_url, str(memo.get("episode")))
    if row is None or row.status != "published" or repr(row) != memo.get("row"):
        return None
    if _published_stamps(settings, row) != memo.get("files"):
        return None
    answer = memo.get("json" if args.json else "text")
    return answer if isinstance(answer, str) else None


def remember(args: argparse.Namespace, settings: Settings, digest: str, episode_id: str, report: Any) -> None:
    """After an add that published ``episode_id``: write the memo. ``digest``: ``inputs()`` of the bytes it read,
    taken before it rendered them (a file or setting changed meanwhile then shows as a difference next time).

    ``report(row, settings, as_json)`` gives what the add prints for the episode. Nothing is written when the episode is not
    published as it was asked (held, failed, or read by a fallback engine: the next add must try again)."""
    if source_file(args, settings) is None:
        return
    row = rows.episode(settings.db_url, episode_id)
    if row is None or row.status != "published" or row.notice:
        return
    memo = {
        "inputs": digest,
        "episode": row.id,
        "row": repr(row),
        "files": _published_stamps(settings, row),
        "text": report(row, settings, False),
        "json": report(row, settings, True),
    }
    path = _memo_path(args, settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(memo), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # no memo: the next add runs in full


def inputs(args: argparse.Namespace, settings: Settings, data: bytes) -> str:
    """The digest of everything an add of ``data`` with these arguments and settings is made from."""
    material = {
        "memo": MEMO_VERSION,
        "arguments": [args.source, args.feed, args.engine, args.voice, args.title, args.author, bool(args.force)],
        "source": hashlib.sha256(data).hexdigest(),
        "settings": repr(settings),
        "named files": {name: _stamp(Path(name)) for name in sorted(_named_files(asdict(settings)))},
        "lexicons": _tree_stamps(settings.home / "lexicons"),
        "code": {str(folder): _tree_stamps(folder) for folder in _code_folders()},
        # A package installed, upgraded or removed changes its folder's entries, and so the folder's time.
        "packages": {folder: _stamp(Path(folder)) for folder in _package_folders()},
        "python": sys.version,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _memo_path(args: argparse.Namespace, settings: Settings) -> Path:
    name = hashlib.sha256(f"{args.feed}\n{args.source}".encode()).hexdigest()[:32]
    return settings.cache_dir / "unchanged" / f"{name}.json"


def _named_files(value: object) -> set[str]:
    """Every setting's value that names a file (a voice and its .onnx.json, a cover, music), wherever it is."""
    if isinstance(value, dict):
        return set().union(*(_named_files(item) for item in value.values())) if value else set()
    if isinstance(value, str) and value and "\n" not in value and len(value) < 4096:
        path = Path(value).expanduser()
        try:
            if path.is_file():
                return {str(path), f"{path}.json"}
        except (OSError, ValueError):
            pass
    return set()


def _code_folders() -> list[Path]:
    """Narrate's own files and the feeds library's, wherever they are installed (found without importing them)."""
    folders = []
    for package in ("narrate", "feeds"):
        spec = find_spec(package)
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent)
    return folders


def _package_folders() -> list[str]:
    return sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), site.getusersitepackages()})


def _tree_stamps(folder: Path) -> list[tuple[str, int, int]]:
    found = []
    for top, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if d != "__pycache__")
        for name in sorted(files):
            path = Path(top, name)
            found.append((str(path.relative_to(folder)), *_stamp(path)))
    return found


def _published_stamps(settings: Settings, row: rows.EpisodeRow) -> dict[str, list[int]]:
    from narrate.publishing.paths import episode_page_path, feed_path

    relative = [row.audio_path, row.transcript_path, row.chapters_path, episode_page_path(row.id), feed_path(row.feed)]
    return {name: list(_stamp(settings.public_dir / name)) for name in relative if name}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
