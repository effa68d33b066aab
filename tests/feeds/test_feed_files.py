"""Atomic writes of public files."""

from __future__ import annotations

import os
import tempfile
import shutil
import stat
from pathlib import Path

import pytest

from feeds import write_atomic


def test_creates_a_world_readable_file_and_its_directory(tmp_path: Path) -> None:
    target = tmp_path / "public" / "feeds" / "main.xml"
    write_atomic(target, b"<rss/>")
    assert target.read_bytes() == b"<rss/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(target.parent) == ["main.xml"]


def test_replaces_content_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "main.xml"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["main.xml"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "main.xml"
    target.write_bytes(b"old feed")
    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"old feed"
    assert os.listdir(tmp_path) == ["main.xml"]


def test_failed_rename_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "main.xml"
    target.mkdir()
    (target / "keep").write_bytes(b"x")
    with pytest.raises(OSError):
        write_atomic(target, b"data")
    assert sorted(os.listdir(tmp_path)) == ["main.xml"]
    assert (target / "keep").read_bytes() == b"x"


def test_read_only_directory_leaves_old_file() -> None:
    # Root ignores directory permissions, so the write is tried by a child process that runs as nobody.
    folder = Path(tempfile.mkdtemp(prefix="narrate-readonly-"))
    target = folder / "main.xml"
    target.write_bytes(b"old feed")
    target.chmod(0o644)
    folder.chmod(0o555)
    try:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's outcome is its exit status
            refused = 1
            try:
                if os.geteuid() == 0:
                    os.setgid(65534)
                    os.setuid(65534)
                write_atomic(target, b"new feed")
            except PermissionError:
                refused = 0
            finally:
                os._exit(refused)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "writing into a read-only directory did not raise PermissionError"
        assert target.read_bytes() == b"old feed"
        assert os.listdir(folder) == ["main.xml"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
