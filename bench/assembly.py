"""Benchmark: assembly time and peak memory for 10, 40 and 120 minutes of audio, with a linear fit of each.

    python bench/assembly.py [MINUTES ...]

The parts are real Piper speech: the first 24 sentences of the example article, synthesised once and written
as WAV files the way the segment cache holds them, then used over and over (with the script's 300 ms and
700 ms pauses) until the episode is as long as asked. Synthesising two hours with Piper would take a quarter
of an hour here; assembly only reads the parts, so repeating them costs it exactly what new ones would.

Each assembly runs in a child process that does nothing else: its peak RSS is the assembly's own, and
ffmpeg's peak (a grandchild) is reported beside it. A worker also holds the Piper voice: the peak of this
process after synthesising (voice loaded, as in a worker) is printed too, to add up a worker's peak. Prints one row
per length, then time = a + b * minutes and memory = a + b * minutes with R^2, and the 120/10 ratios (a linear cost gives 12 for time).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)
SENTENCES = 24
LENGTHS = (10, 40, 120)


def main() -> int:
    if sys.argv[1:2] == ["--child"]:  # a child of run(): --child LISTING EPISODE
        return child(Path(sys.argv[2]), Path(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("minutes", type=float, nargs="*", metavar="MINUTES", help="episode lengths (default 10 40 120)")
    lengths = parser.parse_args().minutes or list(LENGTHS)
    with tempfile.TemporaryDirectory(prefix="narrate-bench-assembly-") as scratch:
        return run(lengths, Path(scratch))


def run(lengths: list[float], work: Path) -> int:
    sentences = synthesise(work)
    voice_mib = peak_kib("self") / 1024
    spoken = sum(seconds for _, seconds in sentences)
    print(f"parts:   {len(sentences)} Piper sentences of the example article ({spoken / 60:.1f} min), repeated")
    print(f"voice:   a process with the Piper voice loaded and used peaks at {voice_mib:.0f} MiB")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print()
    print("minutes  parts  assembly s  s per audio min  python peak MiB  ffmpeg peak MiB")
    rows = []
    for minutes in lengths:
        listing = work / f"parts-{minutes:g}.txt"
        count = write_listing(listing, sentences, minutes * 60)
        result = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--child", str(listing), str(work / "episode.mp3")],
                check=True, capture_output=True, text=True, cwd=ROOT,
            ).stdout
        )
        audio_minutes = result["duration"] / 60
        rows.append((audio_minutes, result["seconds"], result["python_kib"] / 1024, result["ffmpeg_kib"] / 1024))
        print(
            f"{audio_minutes:7.1f}  {count:5d}  {result['seconds']:10.2f}  {result['seconds'] / audio_minutes:15.3f}"
            f"  {rows[-1][2]:15.1f}  {rows[-1][3]:15.1f}"
        )
    print()
    minutes = [row[0] for row in rows]
    for name, column, unit in (("time", 1, "s"), ("python peak", 2, "MiB"), ("ffmpeg peak", 3, "MiB")):
        values = [row[column] for row in rows]
        intercept, slope, r2 = linear_fit(minutes, values)
        print(f"{name + ':':13s} {intercept:8.2f} {unit} + {slope:.4f} {unit}/min   R^2 = {r2:.4f}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"ratio {last[0]:.0f}/{first[0]:.0f} min: time {last[1] / first[1]:.2f} (length ratio {last[0] / first[0]:.2f}),"
              f" python peak {last[2] / first[2]:.3f}, ffmpeg peak {last[3] / first[3]:.3f}")
        worker = voice_mib + last[2] + last[3]
        print(f"worker peak for {last[0]:.0f} min, at most: voice {voice_mib:.0f} + assembly {last[2]:.0f}"
              f" + ffmpeg {last[3]:.0f} = {worker:.0f} MiB (limit 1024 MiB)")
    return 0


def synthesise(work: Path) -> list[tuple[Path, float]]:
    """The first sentences of the example article as Piper WAV files, with their lengths in seconds."""
    os.environ.update(NARRATE_HOME=str(work / "home"), NARRATE_ENGINE="piper")
    from narrate import pipeline
    from narrate.engines import get_engine
    from narrate.extract import extract, read_source
    from narrate.settings import Settings

    settings = Settings.load()
    article = extract(read_source(str(ROOT / "examples" / "example-article.txt"), settings))
    script = pipeline.make_script(settings, article, "main")
    engine = get_engine("piper", settings)
    sentences = []
    for segment in script.segments[:SENTENCES]:
        speech = engine.synthesize(segment.text)
        path = work / f"sentence-{segment.index:02d}.wav"
        with wave.open(str(path), "wb") as sink:
            sink.setnchannels(1)
            sink.setsampwidth(2)
            sink.setframerate(speech.sample_rate)
            sink.writeframes(speech.pcm)
        sentences.append((path, speech.duration))
    return sentences


def write_listing(listing: Path, sentences: list[tuple[Path, float]], seconds: float) -> int:
    """Parts (path and pause) until ``seconds`` of audio: every fourth sentence ends a paragraph."""
    lines, total = [], 0.0
    while total < seconds:
        path, length = sentences[len(lines) % len(sentences)]
        pause = 700 if len(lines) % 4 == 3 else 300
        lines.append(f"{pause} {path}")
        total += length + pause / 1000
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def child(listing: Path, out: Path) -> int:
    """Assemble the listed parts and print the time and the peak memory as JSON."""
    from narrate.audio import AudioOptions, Part, assemble
    from narrate.settings import Settings

    parts = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        pause, path = line.split(" ", 1)
        parts.append(Part(Path(path), int(pause)))
    settings = Settings()  # the default targets, whatever the environment says
    options = AudioOptions(
        bitrate_kbps=settings.bitrate_kbps,
        loudness_lufs=settings.loudness_lufs,
        true_peak_db=settings.true_peak_db,
    )
    watcher = ChildPeak()
    watcher.start()
    started = time.perf_counter()
    assembly = assemble(parts, out, options, work_dir=out.parent / "work")
    seconds = time.perf_counter() - started
    watcher.stop()
    print(json.dumps({
        "seconds": seconds,
        "duration": assembly.duration,
        "loudness": assembly.loudness.integrated,
        "python_kib": peak_kib("self"),
        "ffmpeg_kib": watcher.peak_kib,
    }))
    return 0


def peak_kib(pid: str) -> int:
    """VmHWM, the peak resident set of a process since it started (getrusage's ru_maxrss would also count
    what the parent held when it forked us)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class ChildPeak(threading.Thread):
    """Polls the peak RSS of this process's children (ffmpeg) until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            for children in Path("/proc/self/task").glob("*/children"):
                for pid in children.read_text().split():
                    try:
                        self.peak_kib = max(self.peak_kib, peak_kib(pid))
                    except OSError:  # it just ended
                        pass

    def stop(self) -> None:
        self._done.set()
        self.join()


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares intercept, slope and R^2 of ys against xs."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    return intercept, slope, 1 - residual / total if total else 1.0


if __name__ == "__main__":
    sys.exit(main())
