"""Where the library is when NARRATE_HOME is not set: one place whatever the working directory, and said when made.

Each test runs a copy of the code (narrate/, feeds/, worker.py) as a real process from two unrelated directories,
so that the checkout's own media/ is never touched.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "Harbour ferry returns\n\nThe night ferry runs again from Monday. Tickets cost the same as last year.\n"
DEFAULT_NOTE = "(the default; set NARRATE_HOME to keep it elsewhere)"


def copy_code(target: Path, *, checkout: bool) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("narrate", "feeds"):
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    shutil.copy(ROOT / "worker.py", target)
    if checkout:
        shutil.copy(ROOT / "pyproject.toml", target)
    return target


def narrate(code: Path, cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narrate.cli", *args], cwd=cwd, env={**env, "PYTHONPATH": str(code)},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NARRATE_", "XDG_"))}
    env.update(NARRATE_ENGINE="tone", NARRATE_BASE_URL="https://audio.example.org",
               XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "user"))  # fmt: skip
    return env


def test_a_checkout_keeps_one_library_whatever_the_working_directory(tmp_path: Path) -> None:
    code = copy_code(tmp_path / "checkout", checkout=True)
    first, second = tmp_path / "somewhere", tmp_path / "elsewhere" / "deeper"
    first.mkdir()
    second.mkdir(parents=True)
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE)
    env = base_env(tmp_path)

    added = narrate(code, first, env, "add", str(article))
    assert added.returncode == 0, added.stderr
    library = code / "media"
    assert added.stderr == f"narrate: created a new, empty library in {library} {DEFAULT_NOTE}\n"
    assert str(library / "public" / "audio" / "main") in added.stdout

    listed = narrate(code, second, env, "episodes")
    assert listed.returncode == 0 and listed.stderr == ""  # the same library: nothing new to announce
    assert "published 100%" in listed.stdout and "Harbour ferry returns" in listed.stdout
    assert sorted(p.name for p in first.iterdir()) == [] and sorted(p.name for p in second.iterdir()) == []
    assert not (tmp_path / "xdg").exists()


def test_an_install_outside_a_checkout_keeps_its_library_in_the_user_data_folder(tmp_path: Path) -> None:
    code = copy_code(tmp_path / "site-packages", checkout=False)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    env = base_env(tmp_path)
    library = tmp_path / "xdg" / "narrate"

    made = narrate(code, first, env, "token", "create", "desk")
    assert made.returncode == 0, made.stderr
    assert made.stderr == f"narrate: created a new, empty library in {library} {DEFAULT_NOTE}\n"
    listed = narrate(code, second, env, "token", "list")
    assert listed.returncode == 0 and listed.stderr == ""
    assert listed.stdout.startswith("desk ") and "active" in listed.stdout
    assert (library / "narrate.db").is_file()
    assert list(first.iterdir()) == [] and list(second.iterdir()) == [] and not (code / "media").exists()

    # Without XDG_DATA_HOME: the convention's own default under the user's home.
    env.pop("XDG_DATA_HOME")
    fallback = narrate(code, first, env, "token", "list")
    assert fallback.returncode == 0
    assert fallback.stderr == (f"narrate: created a new, empty library in {tmp_path / 'user/.local/share/narrate'} "
                               f"{DEFAULT_NOTE}\n")  # fmt: skip


def test_installed_by_pip_from_a_checkout_the_checkout_keeps_the_library(tmp_path: Path) -> None:
    # What `pip install .` leaves: the code in site-packages and PEP 610's direct_url.json naming the checkout.
    checkout = tmp_path / "clone"
    checkout.mkdir()
    shutil.copy(ROOT / "pyproject.toml", checkout)
    (checkout / "narrate").mkdir()
    (checkout / "narrate" / "settings.py").write_text("# the source the wheel was built from\n")
    site = copy_code(tmp_path / "site-packages", checkout=False)
    info = site / "narrate-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: narrate\nVersion: 0.1.0\n")
    (info / "direct_url.json").write_text(f'{{"dir_info": {{}}, "url": "{checkout.as_uri()}"}}')
    cwd = tmp_path / "work"
    cwd.mkdir()

    shown = narrate(site, cwd, base_env(tmp_path), "feed", "show", "main", "--json")
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr == f"narrate: created a new, empty library in {checkout / 'media'} {DEFAULT_NOTE}\n"
    assert f'"feed_path": "{checkout / "media/public/feeds/main.xml"}"' in shown.stdout


def test_a_relative_narrate_home_is_announced_with_where_it_landed(tmp_path: Path) -> None:
    code = copy_code(tmp_path / "checkout", checkout=True)
    env = {**base_env(tmp_path), "NARRATE_HOME": "library"}
    first = narrate(code, tmp_path, env, "episodes")
    assert (first.returncode, first.stdout) == (0, "no episodes\n")
    assert first.stderr == (f"narrate: created a new, empty library in {tmp_path / 'library'} "
                            "(NARRATE_HOME=library is relative to the working directory)\n")  # fmt: skip
    again = narrate(code, tmp_path, env, "episodes")
    assert (again.returncode, again.stderr) == (0, "")
    # An absolute NARRATE_HOME is where it says: made quietly (scripts and services create theirs).
    quiet = narrate(code, tmp_path, {**env, "NARRATE_HOME": str(tmp_path / "named")}, "episodes")
    assert (quiet.returncode, quiet.stderr) == (0, "") and (tmp_path / "named" / "narrate.db").is_file()


def test_a_clones_media_folder_holding_only_gitkeep_is_made_a_private_library(tmp_path: Path) -> None:
    code = copy_code(tmp_path / "checkout", checkout=True)
    media = code / "media"
    media.mkdir(mode=0o755)
    (media / ".gitkeep").write_text("")  # as git checks it out
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE)

    added = narrate(code, tmp_path, base_env(tmp_path), "add", str(article))
    assert added.returncode == 0, added.stderr
    assert added.stderr == f"narrate: created a new, empty library in {media} {DEFAULT_NOTE}\n"
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in media.iterdir()}
    # Others pass through to public/ (a web server running as its own user), and read nothing else by its name.
    assert stat.S_IMODE(media.stat().st_mode) == 0o711 and modes["public"] == 0o755
    assert {name: oct(modes[name]) for name in ("cache", "locks", "work")} == dict.fromkeys(
        ("cache", "locks", "work"), "0o700"
    )
    assert modes["narrate.db"] == 0o600 and all(mode == 0o600 for name, mode in modes.items() if ".db-" in name)


def test_a_folder_already_holding_files_is_used_as_it_is(tmp_path: Path) -> None:
    code = copy_code(tmp_path / "checkout", checkout=True)
    library = tmp_path / "kept"
    library.mkdir(mode=0o755)
    (library / "notes.txt").write_text("the operator's\n")
    library.chmod(0o755)

    listed = narrate(code, tmp_path, {**base_env(tmp_path), "NARRATE_HOME": "kept"}, "episodes")
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, "no episodes\n", "")
    assert stat.S_IMODE(library.stat().st_mode) == 0o755  # not ours to change
    assert (library / "notes.txt").read_text() == "the operator's\n"
