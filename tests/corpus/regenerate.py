"""Rewrite the golden scripts (NAME.script.txt) from the current code. Only on purpose, after review.

    python tests/corpus/regenerate.py            every page
    python tests/corpus/regenerate.py NAME ...   only these pages

Read the diff of the golden files before committing it: every change must be one you meant.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, when run as a script

from tests.corpus.pages import build, page_names, printed, reviewed  # noqa: E402


def main(names: list[str]) -> int:
    known = page_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown pages: {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    for name in names or known:
        path = reviewed(name, "script")
        before = path.read_text(encoding="utf-8") if path.exists() else None
        after = printed(build(name))
        path.write_text(after, encoding="utf-8")
        print(f"{'unchanged' if before == after else 'rewritten'}  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
