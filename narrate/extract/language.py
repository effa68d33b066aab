"""The article's language: what the page declares, else what its text is written in.

The text is identified by py3langid (the maintained fork of langid.py, 97 languages, its model inside the wheel;
trafilatura uses it too). The model takes about a second to unpack, so it is loaded once, and only when a text needs it, and kept
unpacked in the user's cache folder for the next run.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import unicodedata
from array import array
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")
MIN_CONFIDENCE = 0.9
"""Below this probability the text is not said to be in any language (the feed's language applies). Measured on the
test corpus: English headlines and name lines of under 25 letters score at most 0.42 for another language, while a
single sentence in German, French or Spanish scores 0.88-1.0 and a paragraph 0.99 or more."""
_SAMPLE_CHARS = 20_000
"""The identifier reads at most this much (evenly from the whole text): more changes nothing but the time."""


def language_code(tag: str | None) -> str | None:
    """The primary subtag of a language tag ("en-US" gives "en"); None if it is not one."""
    match = _TAG.match(tag.strip()) if tag else None
    return match.group(1).lower() if match else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language the text is written in, when the identifier is confident; else None.

    Text mostly in a script other than Latin gets the identifier's best guess whatever its confidence: one short
    sentence of Chinese or Arabic may leave it unsure between neighbours, but never makes it English.
    """
    sample = _sample(text)
    if not any(ch.isalpha() for ch in sample):
        return None
    known = _remembered()
    key = hashlib.sha256(f"{_identity()}\n{sample}".encode("utf-8", "surrogatepass")).hexdigest()
    if key in known:
        return known[key] or None
    language, probability = _identifier().classify(sample)
    found = str(language) if probability >= MIN_CONFIDENCE or _mostly_non_latin(sample) else None
    _remember(known, key, found)
    return found


_REMEMBERED = 512
"""Texts whose language is kept (the newest), so that adding an article again need not load the identifier (numpy
and its model: 0.2-0.3 CPU-seconds, a quarter of an unchanged re-add's imports at the time)."""


def _remembered() -> dict[str, str]:
    try:
        known = json.loads(_memo_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _remember(known: dict[str, str], key: str, language: str | None) -> None:
    known = {**known, key: language or ""}
    newest = dict(list(known.items())[-_REMEMBERED:])
    path = _memo_file()
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(newest), encoding="utf-8")
        os.replace(partial, path)  # whole or not at all; a concurrent writer's entries may be lost, which is fine
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only cache folder only costs identifying the text next time


@functools.cache
def _identity() -> str:
    """What a detection depends on besides the text: this module's rules and py3langid's code and model, by size and
    time (found without importing py3langid, which imports numpy)."""
    spec = importlib.util.find_spec("py3langid")
    package = Path(spec.origin).parent if spec and spec.origin else Path("py3langid")
    stamps = []
    for path in (Path(__file__), package / "langid.py", package / "data" / "model.npz.xz"):
        try:
            stat = path.stat()
            stamps.append(f"{stat.st_size}-{stat.st_mtime_ns}")
        except OSError:
            stamps.append("missing")
    return " ".join(stamps)


def _memo_file() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("narrate", appauthor=False) / "languages.json"


def article_language(declared: str | None, text: str) -> str | None:
    """The language to read the article in: the declared one, unless the text contradicts it, else the detected one.

    A declaration is overruled only by text in another script: a page that says lang="en" (many site templates say
    so whatever the article is in) but is written in Cyrillic, Arabic, Han... is in the language of its letters.
    Between languages of one script (Serbian and Croatian, Norwegian and Danish) the identifier can err on short
    texts, so there the page's word stands.
    """
    if not declared:
        return detect_language(text)
    if _latin_script(declared) and _mostly_non_latin(text):
        detected = detect_language(text)
        if detected and not _latin_script(detected):
            return detected
    return declared


_MODEL_PARTS = ("ptc", "pc", "classes", "nextmove", "row", "output")


@functools.cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    unpacked = _unpacked_model_dir()
    try:
        import numpy as np

        # Memory-mapped: only the pages a text touches are read.
        ptc, pc, classes, nextmove, row, output = (
            np.load(unpacked / f"{part}.npy", mmap_mode="r", allow_pickle=False) for part in _MODEL_PARTS
        )
        return LanguageIdentifier(
            ptc, np.asarray(pc), classes.tolist(), array("I", nextmove.tobytes()), output.tolist(),
            norm_probs=True, tk_row=array("H", row.tobytes()),
        )  # fmt: skip
    except (OSError, ValueError):
        pass
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    _save_unpacked(identifier, unpacked)
    return identifier


def _unpacked_model_dir() -> Path:
    """Where the model, unpacked, is kept between runs: py3langid ships it xz-compressed, and unpacking it costs
    0.7 CPU-seconds, more than a whole re-add of an unchanged article should take; mapping it unpacked, 0.05 s.
    Named after the packed file's size and time, so another py3langid's model is unpacked afresh."""
    import platformdirs  # the platform's cache folder ($XDG_CACHE_HOME), as settings.default_home uses its data one
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    packed = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    try:
        stat = packed.stat()
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}"
    except OSError:
        stamp = "unknown"
    return platformdirs.user_cache_path("narrate", appauthor=False) / f"py3langid-model-{stamp}"


def _save_unpacked(identifier: LanguageIdentifier, folder: Path) -> None:
    import numpy as np

    parts = {
        "ptc": np.asarray(identifier.nb_ptc), "pc": np.asarray(identifier.nb_pc),
        "classes": np.array(identifier.nb_classes), "nextmove": np.frombuffer(identifier.tk_nextmove, np.uint32),
        "row": np.frombuffer(identifier.tk_row, np.uint16), "output": np.array(identifier.tk_output),
    }  # fmt: skip
    partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    try:
        partial.mkdir(parents=True, exist_ok=True)
        for name, values in parts.items():
            np.save(partial / f"{name}.npy", values, allow_pickle=False)
        os.replace(partial, folder)  # whole or not at all; another process may have won the race, which is fine
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # a read-only cache folder only costs the unpacking next time


def _sample(text: str) -> str:
    if len(text) <= _SAMPLE_CHARS:
        return text
    # Ten slices from across the text: a long article's English preface does not decide for its whole body.
    step, size = len(text) // 10, _SAMPLE_CHARS // 10
    return "\n".join(text[i : i + size] for i in range(0, step * 10, step))


def _latin_script(code: str) -> bool:
    import langcodes

    try:
        return langcodes.Language.get(code).maximize().script == "Latn"
    except (ValueError, LookupError):
        return True  # not a tag langcodes knows: take it for the common case


def _mostly_non_latin(text: str) -> bool:
    letters = [ch for ch in _sample(text) if ch.isalpha()]
    other = sum(not unicodedata.name(ch, "LATIN").startswith("LATIN") for ch in letters)
    return other * 2 > len(letters)
