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
