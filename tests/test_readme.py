"""The README's commands are the ones CI runs and the ones the code has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = next(c for c in readme_commands() if c.endswith("-m pytest"))
    assert test_command in (ROOT / ".ci/run").read_text().splitlines()


def test_the_first_command_renders_the_bundled_example() -> None:
    first = readme_commands()[0]
    assert first.endswith("narrate add examples/example-article.txt")
    assert (ROOT / "examples/example-article.txt").exists()


def test_every_cli_command_in_the_readme_exists() -> None:
    from narrate.cli import build_parser

    parser = build_parser()
    for line in readme_commands():
        if not line.startswith("narrate "):
            continue
        words = line.split("#", 1)[0].split()
        command = words[1]
        assert command in parser._subparsers._group_actions[0].choices, line  # type: ignore[union-attr]


def test_the_layout_names_every_room_and_nothing_else() -> None:
    text = (ROOT / "README.md").read_text()
    layout = text.split("## Layout", 1)[1].split("```", 2)[1]
    # Rooms start at the second or fourth column; descriptions start further right.
    listed = {match[1] for line in layout.splitlines() if (match := re.match(r"^ {2}(?: {2})?(\S+)", line))}
    rooms = {p.name + "/" for p in (ROOT / "narrate").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    rooms |= {p.name for p in (ROOT / "narrate").glob("*.py") if p.name != "__init__.py"}
    rooms |= {"normalize/"}
    assert listed == rooms
    for folder in ("feeds/", "worker.py", "media/", "examples/", "bench/", "tests/"):
        assert any(line.startswith(folder) for line in layout.splitlines()), folder
