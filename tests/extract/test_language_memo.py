"""A text's detected language is remembered (extract/language.py): the same text again is answered without loading
the identifier (numpy and its model), with the same answer; another text, or a damaged memo, is identified afresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DETECT = """
import json, sys
from narrate.extract.language import detect_language
print(json.dumps([detect_language(sys.argv[1]), "numpy" in sys.modules]))
"""

GERMAN = "Die Fähre fährt ab Montag wieder zur Insel, nach einem Winter voller Reparaturen am Anleger."
ENGLISH = "The island ferry runs again from Monday, after a winter of repairs to the pier."


def detect(cache: Path, text: str) -> tuple[str | None, bool]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    result = subprocess.run([sys.executable, "-c", DETECT, text], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=True)  # fmt: skip
    language, loaded = json.loads(result.stdout)
    return language, loaded


def test_the_same_text_is_answered_from_memory(tmp_path: Path) -> None:
    assert detect(tmp_path, GERMAN) == ("de", True)
    assert detect(tmp_path, GERMAN) == ("de", False)  # no identifier loaded
    assert detect(tmp_path, ENGLISH) == ("en", True)  # another text: identified
    assert detect(tmp_path, "NCAT 2024") == (None, True)  # not confident: the feed's language applies
    assert detect(tmp_path, "NCAT 2024") == (None, False)  # ... and that is remembered too


def test_a_damaged_memo_is_identified_afresh(tmp_path: Path) -> None:
    detect(tmp_path, GERMAN)
    (memo,) = tmp_path.rglob("languages.json")
    memo.write_text("{not json")
    assert detect(tmp_path, GERMAN) == ("de", True)
    assert detect(tmp_path, GERMAN) == ("de", False)
