"""Public files written so that readers never see a half-written one, and that any web server may read."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

# Public files are served by any static web server, running as its own user: files must be readable by others and
# directories traversable, whatever the umask of the process that wrote them (mkstemp and a 077 umask give 0600/0700).
PUBLIC_FILE_MODE = 0o644
PUBLIC_DIR_MODE = 0o755


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: the old content or the new, never a mix.

    Creates missing parent directories (0755) and keeps an existing file's permissions, made readable by everyone
    (new files: 0644). On any error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    make_directories(path.parent)
    try:
        mode = stat.S_IMODE(path.stat().st_mode) | 0o444
    except FileNotFoundError:
        mode = PUBLIC_FILE_MODE
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


def make_directories(directory: Path) -> None:
    """Create ``directory`` and its missing parents, each 0755 whatever the umask; existing ones are left alone."""
    directory = Path(directory)
    missing = []
    while not directory.is_dir():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir()
            os.chmod(folder, PUBLIC_DIR_MODE)  # mkdir's mode is masked by the umask; chmod's is not


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable across a crash; not every platform allows it.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
