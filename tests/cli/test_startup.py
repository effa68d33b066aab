"""Commands load only what they use: which modules a real `narrate` process has imported when it is done.

Timings belong in bench/ (they depend on the machine's load); what is imported does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "examples" / "example-article.txt"

# Runs `narrate ARGS...` as the console script does, then writes the names of the modules it imported.
RUNNER = """
import json, sys
from narrate.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""

HTTP_STACK = {"fastapi", "starlette", "uvicorn", "httpx", "h11", "multipart", "python_multipart"}
ENGINE = {"onnxruntime", "piper", "gtts"}
QUEUE = {"celery", "kombu", "redis", "amqp"}
HEAVY = HTTP_STACK | ENGINE | QUEUE | {"numpy", "jinja2", "trafilatura", "lxml", "PIL", "markdown_it", "py3langid"}


def imported(env: dict[str, str], tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages a `narrate` run imported; the run must succeed."""
    report = tmp_path / "modules.json"
    result = subprocess.run([sys.executable, "-c", RUNNER, str(report), *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text())
    assert data["code"] == 0, result.stderr
    return {name.split(".")[0] for name in data["modules"]}


def test_help_imports_no_database_no_http_no_engine(env: dict[str, str], tmp_path: Path) -> None:
    report = tmp_path / "modules.json"
    runner = RUNNER.replace(
        "code = main(sys.argv[2:])", "code = 0\ntry:\n    main(sys.argv[2:])\nexcept SystemExit:\n    pass"
    )
    for args in (["--help"], ["add", "--help"], ["feed", "create", "--help"]):
        result = subprocess.run([sys.executable, "-c", runner, str(report), *args], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        assert "usage: narrate" in result.stdout
        modules = {name.split(".")[0] for name in json.loads(report.read_text())["modules"]}
        assert modules & (HTTP_STACK | ENGINE | QUEUE | {"sqlalchemy", "numpy", "jinja2", "trafilatura"}) == set()


def test_episodes_imports_the_database_only(env: dict[str, str], tmp_path: Path) -> None:
    modules = imported(env, tmp_path, "episodes")
    assert "sqlalchemy" in modules  # a new library: the Store creates its database
    assert modules & (HTTP_STACK | ENGINE | QUEUE | {"numpy", "jinja2", "trafilatura", "feedgen", "PIL"}) == set()


def test_episodes_of_a_sqlite_library_imports_no_sqlalchemy(env: dict[str, str], tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Ferry returns\n\nThe island ferry runs again from Monday.\n")
    imported(env, tmp_path, "add", str(article))

    modules = imported(env, tmp_path, "episodes", "--json")

    assert modules & (HEAVY | {"sqlalchemy", "alembic"}) == set()  # store/rows.py reads it with sqlite3


@pytest.mark.parametrize("engine", ["tone", "piper"])
def test_script_imports_no_http_no_engine_no_queue(env: dict[str, str], tmp_path: Path, engine: str) -> None:
    env["NARRATE_ENGINE"] = engine
    modules = imported(env, tmp_path, "script", str(ARTICLE))
    assert modules & (HTTP_STACK | ENGINE | QUEUE) == set()


def test_an_unchanged_re_add_loads_no_voice_and_no_queue(env: dict[str, str], tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("# Ferry returns\n\nThe island ferry runs again from Monday.\n\n## Fares\n\nTickets cost $4.\n")
    first = imported(env, tmp_path, "add", str(article), "--json")
    assert first & (HTTP_STACK | QUEUE) == set()  # the embedded renderer needs no Celery
    public = Path(env["NARRATE_HOME"]) / "public"
    published = {path: path.stat().st_mtime_ns for path in public.rglob("*.mp3")}
    cache = Path(env["NARRATE_HOME"]) / "cache"
    segments = {path: path.stat().st_mtime_ns for path in cache.rglob("*.wav")}
    assert len(published) == 1 and segments

    again = imported(env, tmp_path, "add", str(article), "--json")

    # Answered from the memo the first add wrote (narrate/cli/unchanged.py): not even the database's library.
    assert again & (HEAVY | {"sqlalchemy", "alembic"}) == set()
    # Nothing spoken, nothing encoded: the same files, untouched, and no new segment.
    assert {path: path.stat().st_mtime_ns for path in public.rglob("*.mp3")} == published
    assert set(cache.rglob("*.wav")) == set(segments)
    listing = subprocess.run([sys.executable, "-m", "narrate.cli", "episodes", "--json"], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    (episode,) = json.loads(listing.stdout)
    assert episode["status"] == "published" and episode["progress"] == 100


def test_an_unchanged_piper_re_add_loads_no_voice(env: dict[str, str], tmp_path: Path) -> None:
    """With Piper: the cache keys come from the voice's files, not from a loaded model."""
    env.update(NARRATE_ENGINE="piper", NARRATE_SYNTHESIS_PROCESSES="2")
    short = tmp_path / "short.txt"
    short.write_text("Ferry returns\n\nThe island ferry runs again from Monday.\n")
    first = imported(env, tmp_path, "add", str(short))
    assert "onnxruntime" not in first  # the pool's processes load the voice; this one never does
    mp3 = next((Path(env["NARRATE_HOME"]) / "public").rglob("*.mp3"))
    stamp = mp3.stat().st_mtime_ns

    again = imported(env, tmp_path, "add", str(short))

    assert again & (HEAVY | {"sqlalchemy"}) == set()
    assert mp3.stat().st_mtime_ns == stamp
    for memo in (Path(env["NARRATE_HOME"]) / "cache" / "unchanged").glob("*.json"):
        memo.unlink()

    full = imported(env, tmp_path, "add", str(short))  # the full add of an unchanged article, without its memo

    assert "sqlalchemy" in full
    # A text file: no web-page or Markdown reader; the language remembered, every segment cached and the files
    # already published: no numpy, no page templates.
    assert full & (ENGINE | QUEUE | HTTP_STACK | {"trafilatura", "markdown_it", "numpy", "py3langid", "jinja2"}) == set()
    assert mp3.stat().st_mtime_ns == stamp


def test_the_command_leaves_its_heap_uncollected_at_exit_but_main_alone_does_not(
    env: dict[str, str], tmp_path: Path
) -> None:
    # run() is the console script (pyproject) and `python -m narrate.cli`; main() is what tests and embedders call.
    probe = (
        "import gc, sys\nfrom narrate import cli\n"
        "code = cli.{0}(*{1})\nprint(code, gc.get_freeze_count() > 0)\n"
    )
    for call, args, frozen in (("run", "()", "True"), ("main", "(['episodes'],)", "False")):
        result = subprocess.run([sys.executable, "-c", probe.format(call, args), "episodes"], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-2:] == ["0", frozen]
    entry = subprocess.run([sys.executable, "-m", "narrate.cli", "episodes", "--json"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert entry.returncode == 0 and json.loads(entry.stdout) == [], entry.stderr


def test_the_command_holds_openblas_to_one_thread_unless_told_otherwise(env: dict[str, str]) -> None:
    probe = "import os, sys\nfrom narrate import cli\ncli.run()\nprint(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    for own, expected in ((None, "1"), ("3", "3")):
        run_env = {k: v for k, v in env.items() if k != "OPENBLAS_NUM_THREADS"}
        if own is not None:
            run_env["OPENBLAS_NUM_THREADS"] = own
        result = subprocess.run([sys.executable, "-c", probe, "episodes"], env=run_env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == expected
