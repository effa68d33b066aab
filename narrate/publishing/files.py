"""An episode's files under public/: staged files put live together, and files no episode uses taken away."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from feeds.files import PUBLIC_FILE_MODE, make_directories
from narrate.errors import PublishError
from narrate.publishing import paths


def install(staged: dict[str, Path], public: dict[str, str], public_dir: Path) -> None:
    """Move staged files to their public names, readable by everyone; on failure remove what was moved."""
    moved: list[Path] = []
    try:
        for kind, source in staged.items():
            target = public_dir / public[kind]
            make_directories(target.parent)
            # Staged files come from mkstemp and ffmpeg (0600, or the umask's): a web server must read them. Set
            # before the move, so the file is never public with the wrong mode.
            os.chmod(source, PUBLIC_FILE_MODE)
            shutil.move(str(source), target)
            moved.append(target)
    except OSError as error:
        for path in moved:
            path.unlink(missing_ok=True)
        raise PublishError(f"cannot write public files: {error.strerror or error}") from None


def remove(public_dir: Path, relatives: list[str | None]) -> None:
    for relative in relatives:
        if relative:
            (public_dir / relative).unlink(missing_ok=True)


def remove_orphans(public_dir: Path, feed: str, episode_id: str, keep: set[str]) -> list[str]:
    """Delete the episode's public files other than ``keep``: older revisions, or files of a render killed between
    installing them and recording them. Returns what was deleted (relative paths)."""
    removed = []
    for folder in paths.episode_file_folders(feed):
        directory = public_dir / folder
        for path in directory.glob(f"{episode_id}-*") if directory.is_dir() else []:
            relative = path.relative_to(public_dir).as_posix()
            if relative not in keep:
                path.unlink(missing_ok=True)
                removed.append(relative)
    return removed
