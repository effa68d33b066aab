"""assemble() with parts that arrive while it stitches (an Arrival): the MP3 is encoded as they come, with the gain
the first half tells, and is the episode the same parts make when all are there at once; a gain that the whole
episode does not confirm is encoded again; a part that never comes stops everything, leaving nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from narrate.audio import Part, assemble, measure_loudness
from narrate.audio import assembly as assembly_module
from narrate.errors import EngineError
from tests.audio.inputs import RATE, decode, options, speechlike, write_wav

OPTIONS = options()
PART_SECONDS = 4.0
PARTS = 16  # 64 s: past the half minute an early encoding needs before it starts


class JustBehind:
    """Parts that are never there when first looked for: each is written when the assembly waits for it, as a
    synthesis just behind the stitching would deliver it. ``fail_at``: that part never comes."""

    def __init__(self, make: list[tuple[Path, np.ndarray]], fail_at: int | None = None) -> None:
        self.make, self.fail_at = make, fail_at
        self.written: set[int] = set()
        self.waited: list[int] = []

    def ready(self, index: int) -> bool:
        return index in self.written

    def wait(self, index: int) -> None:
        self.waited.append(index)
        if index == self.fail_at:
            raise EngineError("piper: cannot speak segment 12: the voice crashed")
        path, samples = self.make[index]
        write_wav(path, samples)
        self.written.add(index)


def speech_parts(tmp_path: Path, levels: list[float]) -> list[tuple[Path, np.ndarray]]:
    return [
        (tmp_path / f"part-{i}.wav", speechlike(PART_SECONDS, level, seed=i)) for i, level in enumerate(levels)
    ]


@pytest.fixture
def encodes(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The gain of every encoding from the stitched file (the early encoding is not one of them)."""
    gains: list[float] = []
    encode = assembly_module._encode

    def counted(source: Path, target: Path, options: object, gain_db: float, *rest: object) -> object:
        gains.append(gain_db)
        return encode(source, target, options, gain_db, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(assembly_module, "_encode", counted)
    return gains


def ffmpeg_children() -> list[int]:
    """This process's child processes that are ffmpeg."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, _, rest = stat.partition(") ")
        if int(rest.split()[1]) == os.getpid() and "ffmpeg" in name:
            found.append(int(entry.name))
    return found


def test_parts_taken_as_they_come_make_the_episode_all_parts_at_once_make(tmp_path: Path, encodes: list[float]) -> None:
    levels = [-18.0 + 2.0 * (i % 2) for i in range(PARTS)]  # sentences differ in level; halves alike
    made = speech_parts(tmp_path, levels)
    arrival = JustBehind(made)
    parts = [Part(path, 250) for path, _ in made]

    streamed = assemble(parts, tmp_path / "streamed.mp3", OPTIONS, work_dir=tmp_path / "work", arrival=arrival)

    # Encoded while the parts came, and that encoding stood as the first attempt (the whole episode confirmed the
    # first half's gain): one encoding fewer than the same parts all at once take (a correction, if one is needed
    # for the true peak, is made either way).
    streamed_encodes = list(encodes)
    assert arrival.waited == list(range(PARTS))
    encodes.clear()
    at_once = assemble(parts, tmp_path / "at-once.mp3", OPTIONS)
    assert len(encodes) == len(streamed_encodes) + 1
    assert streamed.cues == at_once.cues and streamed.duration == at_once.duration
    assert streamed.loudness == measure_loudness(tmp_path / "streamed.mp3")
    assert abs(streamed.loudness.integrated - at_once.loudness.integrated) <= 0.25
    assert -19.5 <= streamed.loudness.integrated <= -18.5 and streamed.loudness.true_peak <= -1.0
    first, second = decode(tmp_path / "streamed.mp3"), decode(tmp_path / "at-once.mp3")
    assert first.size == second.size
    # The same audio at gains within 0.2 dB: the difference is the encoder's noise and that gain step, far below it.
    difference = 10 * np.log10(np.mean((first - second) ** 2) / np.mean(second**2))
    assert difference < -15.0
    assert list((tmp_path / "work").iterdir()) == []
    assert sorted(p.name for p in tmp_path.glob("*.part")) == []


def test_an_episode_whose_second_half_is_louder_is_encoded_again_with_the_whole_gain(
    tmp_path: Path, encodes: list[float]
) -> None:
    levels = [-32.0] * (PARTS // 2) + [-16.0] * (PARTS // 2)
    made = speech_parts(tmp_path, levels)

    streamed = assemble([Part(p, 250) for p, _ in made], tmp_path / "e.mp3", OPTIONS, arrival=JustBehind(made))

    # The first half asked for about 12 dB more than the whole episode does: that encoding was not kept.
    assert len(encodes) >= 1
    assert -19.5 <= streamed.loudness.integrated <= -18.5 and streamed.loudness.true_peak <= -1.0
    assert measure_loudness(tmp_path / "e.mp3") == streamed.loudness


def test_a_part_that_never_comes_stops_the_encoding_and_leaves_nothing(tmp_path: Path, encodes: list[float]) -> None:
    made = speech_parts(tmp_path, [-20.0] * PARTS)
    out = tmp_path / "out" / "episode.mp3"
    out.parent.mkdir()
    out.write_bytes(b"the episode published before")
    arrival = JustBehind(made, fail_at=12)  # after the early encoding started, at part 8

    with pytest.raises(EngineError, match="cannot speak segment 12"):
        assemble([Part(p, 250) for p, _ in made], out, OPTIONS, work_dir=tmp_path / "work", arrival=arrival)

    assert arrival.waited == list(range(13))
    assert out.read_bytes() == b"the episode published before"
    assert list(out.parent.iterdir()) == [out]  # no partial MP3 left beside it
    assert list((tmp_path / "work").iterdir()) == []
    assert ffmpeg_children() == []  # the encoder was stopped, not left running
    assert encodes == []


def test_a_short_episode_waits_for_every_part_and_encodes_once_at_the_end(
    tmp_path: Path, encodes: list[float]
) -> None:
    made = speech_parts(tmp_path, [-20.0] * 4)  # 16 s: too little to tell the gain early
    arrival = JustBehind(made)

    short = assemble([Part(p, 250) for p, _ in made], tmp_path / "short.mp3", OPTIONS, arrival=arrival)

    assert arrival.waited == [0, 1, 2, 3] and len(encodes) == 1
    assert short.duration == pytest.approx(4 * (PART_SECONDS + 0.25), abs=4 / RATE)
    assert -19.5 <= short.loudness.integrated <= -18.5
