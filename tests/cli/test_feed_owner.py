"""A feed's owner from the command line: `feed create` asks for it, and a notice says so while a feed lacks it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from narrate import cli

ROOT = Path(__file__).resolve().parents[2]
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
NOTICE = "Notice: feed 'main' has no owner name and owner e-mail, which podcast directories use to verify who owns it"
COMMON = ["--title", "Research", "--description", "Papers.", "--author", "Policy Centre", "--category", "Science"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The CLI's main() in this process: its exit code, standard output and standard error."""
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def owner(home: Path, slug: str) -> tuple[str | None, str | None]:
    rss = etree.parse(str(home / f"public/feeds/{slug}.xml")).getroot()
    found = rss.find(f"channel/{ITUNES}owner")
    return (None, None) if found is None else (found.findtext(f"{ITUNES}name"), found.findtext(f"{ITUNES}email"))


def test_narrate_add_tells_that_the_default_feed_lacks_an_owner(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org", NARRATE_ENGINE="tone")
    added = subprocess.run(
        [sys.executable, "-m", "narrate.cli", "add", "-"], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False, input="Ferry times change\n\nThe harbour ferry leaves every twenty minutes.\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Published: Ferry times change\n")
    assert NOTICE in added.stdout and "narrate feed edit main --owner-name" in added.stdout
    assert owner(tmp_path / "home", "main") == (None, None)


def test_the_notice_goes_once_the_owner_is_given(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "feed", "show", "main")
    assert code == 0 and NOTICE in out
    code, out, err = run(capsys, "feed", "edit", "main", "--owner-email", "audio@example.org")
    assert code == 0, err
    assert "Notice: feed 'main' has no owner name, which" in out and "--owner-email" not in out
    code, out, err = run(capsys, "feed", "edit", "main", "--owner-name", "Audio desk")
    assert code == 0 and "Notice" not in out, err
    assert owner(home, "main") == ("Audio desk", "audio@example.org")
    assert "Notice" not in run(capsys, "feed", "show", "main")[1]
    assert '"owner_name": "Audio desk"' in run(capsys, "feed", "show", "main", "--json")[1]  # the settings hold it


def test_feed_create_asks_for_the_owner_and_puts_it_in_the_feed(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "feed", "create", "research", *COMMON)
    assert code == 3 and out == ""
    assert err.startswith("narrate: error: feed 'research' needs --owner-name and --owner-email, e.g. ")
    assert not (home / "public/feeds/research.xml").exists()
    code, _, err = run(capsys, "feed", "create", "research", *COMMON, "--owner-name", "Desk", "--owner-email", "desk")
    assert code == 3 and "owner_email must be an e-mail address" in err

    code, out, err = run(capsys, "feed", "create", "research", *COMMON, "--owner-name", "Desk", "--owner-email", "d@x.org")
    assert code == 0, err
    assert "Notice" not in out
    assert owner(home, "research") == ("Desk", "d@x.org")
