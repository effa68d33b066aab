"""Benchmark: would an int8 decoder make the bundled voice cheaper without sounding worse? (issue #17)

    python bench/quantize.py [--limit N] [--calibrate N] [--listen] [VARIANT ...]   (default: every variant below)

The rewritten voice (engines.voice_model, its ``.onnx``) has its decoder quantised by ONNX Runtime's static
quantisation (QDQ format), one variant at a time (which operators, per-channel or per-tensor weights, the
calibration method, unsigned or signed activations, 7-bit weights); the text encoder, duration predictor and flow
stay in float. Calibration reads every other segment of the examples and tests/corpus, spoken by the float model
with Piper's noise on (as narrate speaks); the other segments are the test: each is said, noise off so that the
same text gives comparable samples, by the float rewritten ``.ort`` that narrate speaks today and by every variant in
turn, in one process with one ONNX thread each, the order rotating from segment to segment. Printed per variant:

- CPU: its CPU seconds (time.process_time around each synthesis) over the float model's (the bar: <= 0.75);
- dB: the difference from the float model's samples, its energy against theirs, overall and in the worst segment;
- PESQ: ITU-T P.862.2 wideband (the ``pesq`` package), the variant's reading scored against the float one after
  both are resampled to 16 kHz, mean and worst segment (the bar: mean >= 4.2, worst >= 3.8; 4.64 is identical).

Quantised models and calibration ranges are kept in ~/.cache/narrate/quant-bench (delete it after changing a
variant, or to calibrate again). Needs ``pip install pesq``. With --listen, Whisper tiny.en (narrate.listening, the
listen extra) then transcribes each model's readings of the test segments, and their word error rates against the
script are printed (the bar: no worse than the float model's).

Found (ONNX Runtime 1.32, 2-vCPU EPYC with AVX-512 VNNI, 36 test segments, 170 s of speech): no variant passes.
Quantising the whole decoder's convolutions saves the CPU asked for (0.72-0.80 of the float .ort; all its operators
0.69-0.73) but sounds plainly worse: PESQ 1.5-1.8 whatever the calibration, a hiss (+4.7 dB above 8 kHz, quiet
frames 2-4 dB louder). Eight-bit activations leave each convolution 20-40 dB from the float one, and the last stage
(64 channels at the sample rate, some 40% of the convolutions' work) is where it is heard. Its first stage alone is
faithful (PESQ 4.47, worst 4.31) but saves little (0.90-1.01); the first two, 0.82-0.93 at PESQ 3.5. Whisper
hears no difference in any of them (WER 4.0-5.1% against the float model's 4.9%): the word error rate cannot be
the only check of a faster voice. Signed activations are slower than float on this CPU (1.20-1.24); so are
float outputs (1.37-1.40), which keep ONNX Runtime from fusing the convolutions into QLinearConv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)
from bench.voice_model import bundled_voice, segment_texts  # noqa: E402 - after the path is set

WORK = Path.home() / ".cache" / "narrate" / "quant-bench"
CALIBRATED_OPS = ["Conv", "ConvTranspose", "Add", "LeakyRelu", "Mul"]
"""Every operator any variant quantises: the ranges are calibrated once per method, for all of them."""
PESQ_RATE = 16000


@dataclass(frozen=True)
class Variant:
    ops: tuple[str, ...] = ("Conv",)
    per_channel: bool = True
    method: str = "MinMax"
    signed_activations: bool = False
    reduce_range: bool = False
    added_convolutions: bool = True
    """Whether the depthwise 1x1 convolutions the rewrite adds (narrate_2d/scaled) are quantised too."""
    kept_float: tuple[str, ...] = ()
    """Nodes left in float, by name prefix (conv_post: its output, before the Tanh, is the audio itself)."""
    float_outputs: bool = False
    """Whether the quantised convolutions' outputs stay float (only their inputs and weights are int8)."""
    stages: int = 3
    """How many of the decoder's three upsampling stages are quantised, from the first (512 channels at the frame
    rate) on: the last (64 channels at the sample rate) makes the audio's highest octaves."""


VARIANTS = {
    "conv": Variant(),
    "conv-per-tensor": Variant(per_channel=False),
    "conv-s8": Variant(signed_activations=True),
    "conv-reduce-range": Variant(reduce_range=True),
    "conv-entropy": Variant(method="Entropy"),
    "conv-percentile": Variant(method="Percentile"),
    "conv-own-only": Variant(added_convolutions=False),
    "conv-but-post": Variant(kept_float=("/dec/conv_post",)),
    "conv-float-outputs": Variant(float_outputs=True),
    "conv-convtranspose": Variant(ops=("Conv", "ConvTranspose")),
    "whole-decoder": Variant(ops=("Conv", "ConvTranspose", "Add", "LeakyRelu", "Mul")),
    "percentile-stage-1": Variant(method="Percentile", stages=1),
    "percentile-stages-1-2": Variant(method="Percentile", stages=2),
    "percentile-stages-1-2-all-ops": Variant(
        ops=("Conv", "ConvTranspose", "Add", "LeakyRelu", "Mul"), method="Percentile", stages=2
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="*", metavar="VARIANT", help=f"default: all ({', '.join(VARIANTS)})")
    parser.add_argument("--limit", type=int, default=40, metavar="N", help="test segments, at most (default 40)")
    parser.add_argument(
        "--calibrate", type=int, default=16, metavar="N", help="calibration segments, at most (default 16)"
    )
    parser.add_argument("--listen", action="store_true", help="also score each model's readings with Whisper")
    options = parser.parse_intermixed_args()
    unknown = [name for name in options.variants if name not in VARIANTS]
    if unknown:  # not choices=: argparse checks an empty nargs="*" list against them too
        parser.error(f"argument VARIANT: invalid choice: {unknown[0]!r} (choose from {', '.join(VARIANTS)})")
    limit, listen, calibrate = options.limit, options.listen, options.calibrate
    chosen = options.variants or list(VARIANTS)
    settings, _model, config, fast = bundled_voice()

    import numpy as np
    from pesq import pesq
    from piper import SynthesisConfig

    from narrate.engines.piper import _load_voice

    rewritten = fast.with_name(fast.name.split("-ort")[0] + ".onnx")
    if fast.suffix != ".ort" or not rewritten.is_file():
        print("bench/quantize.py: the voice's rewritten .onnx and .ort are not in the cache", file=sys.stderr)
        return 1

    texts = segment_texts(settings)
    tested, calibration = texts[0::2][:limit], texts[1::2][:calibrate]

    float_voice = _load_voice(fast, config, 1)
    WORK.mkdir(parents=True, exist_ok=True)
    voices = {"float (.ort)": float_voice}
    for name in chosen:
        quantised = WORK / f"{rewritten.stem}-{name}.onnx"
        if not quantised.is_file():
            started = time.process_time()
            quantise(rewritten, quantised, VARIANTS[name], _feeds(float_voice, calibration))
            print(f"{name}: quantised in {time.process_time() - started:.0f} CPU s", flush=True)
        voices[name] = _load_voice(quantised, config, 1)
    print(f"{len(tested)} test segments, {len(calibration)} calibration segments; load {os.getloadavg()[0]:.1f}")

    quiet = SynthesisConfig(normalize_audio=False, noise_scale=0.0, noise_w_scale=0.0)
    names = list(voices)
    cpu = dict.fromkeys(names, 0.0)
    energy = dict.fromkeys(names, 0.0)
    worst_db = dict.fromkeys(names, -200.0)
    scores: dict[str, list[float]] = {name: [] for name in names}
    readings: dict[str, list[Any]] = {name: [] for name in names}
    seconds = total_signal = 0.0
    for number, text in enumerate(tested):
        audio: dict[str, Any] = {}
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:  # each model goes first as often as the others
            started = time.process_time()
            pcm = b"".join(chunk.audio_int16_bytes for chunk in voices[name].synthesize(text, quiet))
            cpu[name] += time.process_time() - started
            audio[name] = np.frombuffer(pcm, "<i2").astype(np.float64) / 32768
        reference = audio[names[0]]
        if listen:
            for name in names:
                readings[name].append(_resampled(audio[name], float_voice.config.sample_rate))
        seconds += reference.size / float_voice.config.sample_rate
        heard_reference = _resampled(reference, float_voice.config.sample_rate)
        signal = max(float(np.sum(reference**2)), 1e-12)
        for name in names[1:]:
            other = audio[name]
            if other.shape != reference.shape:  # the encoder is float: the lengths must be the same
                print(f"{name}: segment {number} lengths differ ({reference.size} vs {other.size})")
                return 1
            difference = float(np.sum((reference - other) ** 2))
            energy[name] += difference
            worst_db[name] = max(worst_db[name], _db(difference / signal))
            heard = _resampled(other, float_voice.config.sample_rate)
            scores[name].append(float(pesq(PESQ_RATE, heard_reference, heard, "wb")))
        total_signal += signal
        if (number + 1) % 10 == 0:
            print(f"  {number + 1} segments, {seconds:.0f} s of speech", flush=True)

    print(f"speech: {seconds:.1f} s in {len(tested)} segments; load {os.getloadavg()[0]:.1f}")
    print(f"float (.ort): {cpu[names[0]]:.2f} CPU s")
    print(f"{'variant':22} {'CPU s':>7} {'ratio':>6} {'dB all':>7} {'dB worst':>8} {'PESQ mean':>9} {'worst':>6}")
    for name in names[1:]:
        print(
            f"{name:22} {cpu[name]:7.2f} {cpu[name] / cpu[names[0]]:6.3f} {_db(energy[name] / total_signal):7.1f}"
            f" {worst_db[name]:8.1f} {statistics.mean(scores[name]):9.3f} {min(scores[name]):6.3f}"
        )
    if listen:
        print_word_error_rates(readings, tested)
    return 0


def print_word_error_rates(readings: dict[str, list[Any]], texts: list[str]) -> None:
    """What Whisper tiny.en (narrate.listening) hears in each model's reading of ``texts``, as a word error rate
    against the script: the segments read six at a time with a pause between, as bench/listen.py hears them."""
    import numpy as np

    from narrate import listening

    ear = listening.ear(threads=1)
    pause = np.zeros(int(PESQ_RATE * 0.4), dtype=np.float32)
    reference = [listening.comparable(" ".join(texts[start : start + 6])) for start in range(0, len(texts), 6)]
    words = sum(len(part) for part in reference)
    for name, segments in readings.items():
        errors = 0.0
        for number, start in enumerate(range(0, len(texts), 6)):
            samples = np.concatenate([part for segment in segments[start : start + 6] for part in (segment, pause)])
            heard = listening.comparable(ear.hear_samples(samples))
            errors += listening.word_error_rate(reference[number], heard) * len(reference[number])
        print(f"WER {name}: {errors / words:.4f} ({errors:.0f} errors in {words} words)", flush=True)


def quantise(source: Path, target: Path, variant: Variant, feeds: list[dict[str, Any]]) -> None:
    """``source`` with its decoder's chosen operators quantised as ``variant`` says, written to ``target``."""
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Reader(CalibrationDataReader):
        """The calibration feeds, read a range at a time (quantize_static's stride), so that the histogram methods
        keep one sentence's intermediate tensors in memory, not every sentence's (over a GB each)."""

        def __init__(self) -> None:
            self.remaining = iter(feeds)

        def get_next(self) -> dict[str, Any] | None:
            return next(self.remaining, None)

        def __len__(self) -> int:
            return len(feeds)

        def set_range(self, start_index: int, end_index: int) -> None:
            self.remaining = iter(feeds[start_index:end_index])

    nodes = list(onnx.load(source, load_external_data=False).graph.node)
    # The decoder is the graph's last part, from its first convolution on (Piper exports it as /dec/).
    start = next(index for index, node in enumerate(nodes) if node.name.startswith("/dec/"))
    end = next((i for i, node in enumerate(nodes) if node.name == f"/dec/ups.{variant.stages}/ConvTranspose"), None)
    decoder = [
        node.name
        for node in nodes[start:end]
        if node.op_type in variant.ops
        and (variant.added_convolutions or not node.name.startswith("narrate_2d/"))
        and not node.name.startswith(variant.kept_float or ("\0",))
    ]
    activations = QuantType.QInt8 if variant.signed_activations else QuantType.QUInt8
    quantize_static(
        source,
        target,
        Reader(),
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=CALIBRATED_OPS,
        nodes_to_quantize=decoder,
        per_channel=variant.per_channel,
        reduce_range=variant.reduce_range,
        activation_type=activations,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod[variant.method],
        # The ranges do not depend on the variant's other choices: calibrated once per method.
        calibration_cache_path=WORK / f"{source.stem}-{variant.method}.json",
        extra_options={
            "CalibStridedMinMax": 1,  # one feed at a time, whatever the method (see Reader)
            **({"OpTypesToExcludeOutputQuantization": list(variant.ops)} if variant.float_outputs else {}),
        },
    )


def _feeds(voice: Any, texts: list[str]) -> list[dict[str, Any]]:
    """The model's inputs for every sentence of ``texts``, with the voice's own noise scales, as narrate speaks."""
    import numpy as np

    feeds = []
    for text in texts:
        for phonemes in voice.phonemize(text):
            ids = voice.phonemes_to_ids(phonemes)
            feeds.append(
                {
                    "input": np.array([ids], dtype=np.int64),
                    "input_lengths": np.array([len(ids)], dtype=np.int64),
                    "scales": np.array(
                        [voice.config.noise_scale, voice.config.length_scale, voice.config.noise_w_scale],
                        dtype=np.float32,
                    ),
                }
            )
    return feeds


def _resampled(samples: Any, rate: int) -> Any:
    """``samples`` at PESQ's 16 kHz, band-limited in the frequency domain (no aliasing for PESQ to hear)."""
    import numpy as np

    count = round(samples.size * PESQ_RATE / rate)
    spectrum = np.fft.rfft(samples)[: count // 2 + 1]
    return (np.fft.irfft(spectrum, count) * count / samples.size).astype(np.float32)


def _db(ratio: float) -> float:
    import math

    return 10 * math.log10(max(ratio, 1e-20))


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"{time.perf_counter() - started:.0f} s")
    sys.exit(code)
