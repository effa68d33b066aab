"""Atomic writes of public files."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from feeds import write_atomic


def test_creates_a_world_readable_file_and_its_directory(tmp_path: Path) -> None:
    target = tmp_path / "public" / "feeds" / "main.xml"
    write_atomic(target, b"<rss/>")
    assert target.read_bytes() == b"<rss/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(target.parent) == ["main.xml"]


@pytest.mark.parametrize(("before", "after"), [(0o664, 0o664), (0o640, 0o644), (0o600, 0o644), (0o000, 0o444)])
def test_replaces_content_keeping_permissions_but_readable_by_all(tmp_path: Path, before: int, after: int) -> None:
    target = tmp_path / "main.xml"
    target.write_bytes(b"old")
    target.chmod(before)
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert stat.S_IMODE(target.stat().st_mode) == after
    assert os.listdir(tmp_path) == ["main.xml"]


@pytest.mark.parametrize("umask", [0o077, 0o027, 0o277])
def test_files_and_new_folders_are_world_readable_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    # The umask is per process: set in a child, so that no other test's files are affected.
    existing = tmp_path / "public"
    existing.mkdir(mode=0o750)
    existing.chmod(0o750)  # the operator's own choice for a folder that already exists: left alone
    target = existing / "episodes" / "abc" / "index.html"
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's outcome is its exit status
        try:
            os.umask(umask)
            write_atomic(target, b"<!doctype html>")
            os._exit(0)
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert target.read_bytes() == b"<!doctype html>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(target.parent.parent.stat().st_mode) == 0o755
    assert stat.S_IMODE(existing.stat().st_mode) == 0o750


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
