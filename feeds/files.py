"""Public files written so that readers never see a half-written one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

# Public files are served by any static web server, so they must be world-readable.
_PUBLIC_MODE = 0o644


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: the old content or the new, never a mix.

    Creates missing parent directories and keeps an existing file's permissions. On any
    error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _PUBLIC_MODE
    # Same directory as the target: os.replace is only atomic within one file system.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable across a crash; not every platform allows it.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
