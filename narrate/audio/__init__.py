"""Audio: stitch speech segments into one loudness-normalised, tagged MP3."""

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
