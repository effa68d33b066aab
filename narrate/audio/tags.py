"""ID3 tags: text frames, the front cover, and CHAP/CTOC chapters of the episode MP3."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, CTOCFlags, Encoding, PictureType

from narrate.errors import AudioError


@dataclass(frozen=True)
class Chapter:
    """One chapter of the episode."""

    title: str
    start: float
    """Seconds from the start of the MP3."""
    end: float
    """Seconds from the start of the MP3."""


@dataclass(frozen=True)
class Tags:
    """The ID3 tags of an episode."""

    title: str
    artist: str = ""
    album: str = ""
    """The feed's title."""
    date: str = ""
    """Publication date, YYYY-MM-DD; empty: no date."""
    language: str = ""
    """ISO 639 code ("en" or "eng"); two-letter codes are written as ID3's three-letter ones."""
    comment: str = ""
    cover: bytes | None = None
    """Image file contents for the front cover."""
    cover_mime: str = "image/jpeg"
    chapters: list[Chapter] = field(default_factory=list)


# ID3 wants ISO 639-2 language codes; articles carry ISO 639-1 ones.
_ISO_639_2 = {
    "ar": "ara", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan", "de": "deu", "el": "ell", "en": "eng",
    "es": "spa", "fa": "fas", "fi": "fin", "fr": "fra", "hu": "hun", "is": "isl", "it": "ita", "ka": "kat",
    "kk": "kaz", "nb": "nob", "ne": "nep", "nl": "nld", "no": "nor", "pl": "pol", "pt": "por", "ro": "ron",
    "ru": "rus", "sk": "slk", "sl": "slv", "sr": "srp", "sv": "swe", "sw": "swa", "tr": "tur", "uk": "ukr",
    "vi": "vie", "zh": "zho",
}


def write_tags(path: Path, tags: Tags) -> None:
    """Replace the ID3v2.3 tag of the MP3 at ``path``: text frames, front cover, and CHAP/CTOC chapters."""
    if not path.is_file():  # mutagen would create a file holding nothing but a tag
        raise AudioError(f"cannot write tags to {path}: no such file")
    id3 = ID3()
    text = Encoding.UTF16  # v2.3 has no UTF-8
    language = _id3_language(tags.language)
    id3.add(TIT2(encoding=text, text=[tags.title]))
    if tags.artist:
        id3.add(TPE1(encoding=text, text=[tags.artist]))
    if tags.album:
        id3.add(TALB(encoding=text, text=[tags.album]))
    if tags.date:
        try:
            dt.date.fromisoformat(tags.date)
        except ValueError:
            raise AudioError(f"tag date must be YYYY-MM-DD, got {tags.date!r}") from None
        id3.add(TDRC(encoding=text, text=[tags.date]))
    if tags.language:
        id3.add(TLAN(encoding=text, text=[language]))
    if tags.comment:
        id3.add(COMM(encoding=text, lang=language, desc="", text=[tags.comment]))
    if tags.cover:
        id3.add(APIC(encoding=text, mime=tags.cover_mime, type=PictureType.COVER_FRONT, desc="Cover", data=tags.cover))
    ids = []
    for number, chapter in enumerate(tags.chapters):
        if not 0 <= chapter.start <= chapter.end:
            raise AudioError(f"chapter {chapter.title!r} has bad times {chapter.start}..{chapter.end}")
        ids.append(f"chp{number}")
        id3.add(
            CHAP(
                element_id=ids[-1],
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                sub_frames=[TIT2(encoding=text, text=[chapter.title])],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=text, text=["Chapters"])],
            )
        )
    id3.update_to_v23()  # TDRC becomes TYER + TDAT, which v2.3 readers understand
    try:
        id3.save(path, v2_version=3)
    except (OSError, mutagen.MutagenError) as error:
        raise AudioError(f"cannot write tags to {path}: {error}") from None


def _id3_language(code: str) -> str:
    code = code.strip().lower().split("-")[0].split("_")[0]
    if len(code) == 3:
        return code
    return _ISO_639_2.get(code, "und")
