"""Audio: stitch speech segments into one loudness-normalised, tagged MP3."""

from narrate.audio.assemble import (
    Assembly,
    AudioInfo,
    AudioOptions,
    Chapter,
    Loudness,
    LoudnessMeter,
    Part,
    Tags,
    assemble,
    measure_loudness,
    probe,
    write_tags,
)

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
