"""speak(): how the pipeline asks an engine for a segment's audio, so that no sentence is ever silently lost.

An engine can answer with audio that is no speech at all: a server's truncated or silent MP3, a model that
gave up after a syllable. Such a segment would become a silent gap in the episode where a sentence should be,
so it is an EngineError instead, like any other engine failure.

The floors are far below real speech. Measured on the 403 sentences of the test corpus (the scripts in
tests/corpus/*.script.txt) and on short words ("A", "Yes.", "Quote."): Piper's joe voice and espeak-ng never
gave less than 54 ms of audio per letter or digit, of which at least 44 ms were sound above -50 dBFS; the tone
test engine no less than 50 ms (33 ms of sound); the local gTTS stand-in speaks 65 ms per character, about
Google's pace. Only words of more than 28 letters bring the tone engine (0.5 s per word at most) below
MIN_MS_PER_CHARACTER.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from narrate.engines.base import Engine, Speech
from narrate.engines.limit import engine_slot
from narrate.errors import EngineError
from narrate.settings import Settings

MIN_MS_PER_CHARACTER = 20
"""Least audio per spoken character (letter or digit): about a third of the slowest real speech measured."""
MIN_SOUND_MS_PER_CHARACTER = 10
"""Least audio above SOUND_DBFS per spoken character: under a third of the least measured."""
SOUND_DBFS = -50.0
"""A 50 ms window whose RMS is above this is sound; speech sits at -30 to -20 dBFS, silence far below."""
WINDOW_SECONDS = 0.05


def speak(settings: Settings, tts: Engine, text: str, waiting: Callable[[], None] | None = None) -> Speech:
    """``tts``'s audio for ``text``, in one of the engine's slots (engine_concurrency), checked to be speech.

    ``waiting`` is called now and then while the segment waits for a slot (see engine_slot)."""
    with engine_slot(settings, tts.name, waiting):
        speech = tts.synthesize(text)
    check_speech(tts.name, text, speech)
    return speech


def check_speech(engine: str, text: str, speech: Speech) -> None:
    """EngineError when ``speech`` is too short or too silent to hold the words of ``text``."""
    problem = speech_problem(text, speech)
    if problem is not None:
        raise EngineError(f"{engine}: {problem}")


def speech_problem(text: str, speech: Speech) -> str | None:
    """What is wrong with ``speech`` as the audio of ``text``; None when nothing is.

    Text with nothing to say (no letter or digit) may be any audio, empty too.
    """
    characters = sum(character.isalnum() for character in text)
    if characters == 0:
        return None
    duration_ms = round(speech.duration * 1000)
    if duration_ms < MIN_MS_PER_CHARACTER * characters:
        return (
            f"returned {duration_ms} ms of audio for {characters} spoken characters"
            f" (at least {MIN_MS_PER_CHARACTER * characters} ms expected)"
        )
    sound_ms = sound_milliseconds(speech)
    if sound_ms == 0:
        return f"returned silence ({duration_ms} ms) for {characters} spoken characters"
    if sound_ms < MIN_SOUND_MS_PER_CHARACTER * characters:
        return (
            f"returned {duration_ms} ms of audio for {characters} spoken characters,"
            f" only {sound_ms} ms of it above {SOUND_DBFS:g} dBFS"
        )
    return None


def sound_milliseconds(speech: Speech) -> int:
    """How much of ``speech`` is sound: the length of its 50 ms windows whose RMS is above SOUND_DBFS."""
    import numpy as np  # here: a render that finds every segment cached speaks nothing and need not load numpy

    samples = np.frombuffer(speech.pcm[: len(speech.pcm) // 2 * 2], "<i2").astype(np.float64)
    if samples.size == 0:
        return 0
    window = max(1, round(WINDOW_SECONDS * speech.sample_rate))
    threshold = 32768 * 10 ** (SOUND_DBFS / 20)
    loud = 0
    for part in np.array_split(samples, math.ceil(samples.size / window)):
        if math.sqrt(float(np.mean(part**2))) > threshold:
            loud += part.size
    return round(loud * 1000 / speech.sample_rate)
