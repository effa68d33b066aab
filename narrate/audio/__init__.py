"""Audio: stitch speech segments into one loudness-normalised, tagged MP3.

The names below are loaded when first asked for: assembly and loudness bring numpy, which commands that only probe a
file with ffmpeg (``from narrate.audio import ffmpeg``) or never touch audio (an unchanged re-add) need not load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from narrate.lazy import exports

if TYPE_CHECKING:
    from narrate.audio.assembly import Assembly, AudioOptions, Part, assemble
    from narrate.audio.ffmpeg import AudioInfo, probe
    from narrate.audio.loudness import Loudness, LoudnessMeter, measure_loudness
    from narrate.audio.tags import Chapter, Tags, write_tags

__all__ = [
    "Assembly",
    "AudioInfo",
    "AudioOptions",
    "Chapter",
    "Loudness",
    "LoudnessMeter",
    "Part",
    "Tags",
    "assemble",
    "measure_loudness",
    "probe",
    "write_tags",
]

_HOMES = {
    "Assembly": "assembly", "AudioOptions": "assembly", "Part": "assembly", "assemble": "assembly",
    "AudioInfo": "ffmpeg", "probe": "ffmpeg",
    "Loudness": "loudness", "LoudnessMeter": "loudness", "measure_loudness": "loudness",
    "Chapter": "tags", "Tags": "tags", "write_tags": "tags",
}  # fmt: skip


__getattr__ = exports(__name__, _HOMES)
