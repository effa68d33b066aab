"""write_tags(): ID3v2.3 frames and chapters read back with mutagen from a real assembled MP3."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from mutagen.id3 import ID3, CTOCFlags, PictureType
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image

from narrate.audio import Chapter, Part, Tags, assemble, probe, write_tags
from narrate.errors import AudioError
from tests.audio.inputs import options, speechlike, write_wav


@pytest.fixture
def mp3(tmp_path: Path) -> Path:
    parts = [Part(write_wav(tmp_path / f"{i}.wav", speechlike(1.0, -20.0, seed=i)), 250) for i in range(3)]
    out = tmp_path / "episode.mp3"
    assemble(parts, out, options())
    return out


def _cover() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


CHAPTERS = [Chapter("Introduction", 0.0, 1.25), Chapter("Budget – the détails", 1.25, 2.5), Chapter("Outro", 2.5, 3.75)]


def test_tags_and_chapters_read_back(mp3: Path) -> None:
    cover = _cover()
    before = probe(mp3)
    untagged_size = mp3.stat().st_size
    write_tags(
        mp3,
        Tags(
            title="Council reads the budget",
            artist="Ada Reporter",
            album="City News Audio",
            date="2026-03-05",
            language="en",
            comment="An audio version of the article.",
            cover=cover,
            cover_mime="image/png",
            chapters=CHAPTERS,
        ),
    )

    tags = ID3(mp3)
    assert tags.version == (2, 3, 0)
    assert tags["TIT2"].text == ["Council reads the budget"]
    assert tags["TPE1"].text == ["Ada Reporter"]
    assert tags["TALB"].text == ["City News Audio"]
    assert str(tags["TDRC"].text[0]) == "2026-03-05"
    raw_tag = mp3.read_bytes()[: 10 + tags.size]
    assert b"TYER" in raw_tag and b"TDAT" in raw_tag and b"TDRC" not in raw_tag  # the v2.3 spelling of a date
    assert tags["TLAN"].text == ["eng"]
    [comment] = tags.getall("COMM")
    assert (comment.lang, comment.text) == ("eng", ["An audio version of the article."])
    [picture] = tags.getall("APIC")
    assert (picture.type, picture.mime, picture.data) == (PictureType.COVER_FRONT, "image/png", cover)

    chapters = sorted(tags.getall("CHAP"), key=lambda frame: frame.start_time)
    assert [(c.element_id, c.start_time, c.end_time) for c in chapters] == [
        ("chp0", 0, 1250),
        ("chp1", 1250, 2500),
        ("chp2", 2500, 3750),
    ]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == ["Introduction", "Budget – the détails", "Outro"]
    [toc] = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == ["chp0", "chp1", "chp2"]

    # Still the same audio, now a little bigger, and still CBR to a second reader.
    assert mp3.stat().st_size > untagged_size + len(cover)
    assert probe(mp3).duration == pytest.approx(before.duration, abs=1e-6)
    info = MP3(mp3).info
    assert (info.bitrate, info.sample_rate, info.channels, info.bitrate_mode) == (64000, 44100, 1, BitrateMode.CBR)


def test_writing_again_replaces_every_frame(mp3: Path) -> None:
    write_tags(mp3, Tags(title="First", cover=_cover(), chapters=CHAPTERS))
    write_tags(mp3, Tags(title="Second", language="fra", chapters=CHAPTERS[:1]))

    tags = ID3(mp3)
    assert tags["TIT2"].text == ["Second"]
    assert tags["TLAN"].text == ["fra"]
    assert tags.getall("APIC") == []
    assert [c.element_id for c in tags.getall("CHAP")] == ["chp0"]
    assert tags.getall("CTOC")[0].child_element_ids == ["chp0"]


def test_no_chapters_means_no_table_of_contents(mp3: Path) -> None:
    write_tags(mp3, Tags(title="Short"))
    tags = ID3(mp3)
    assert tags.getall("CHAP") == [] and tags.getall("CTOC") == []
    assert "TDRC" not in tags and "TLAN" not in tags


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (Tags(title="x", date="05/03/2026"), "YYYY-MM-DD"),
        (Tags(title="x", chapters=[Chapter("Backwards", 2.0, 1.0)]), "Backwards"),
    ],
)
def test_bad_tags_are_audio_errors(mp3: Path, tags: Tags, message: str) -> None:
    with pytest.raises(AudioError, match=message):
        write_tags(mp3, tags)


def test_unwritable_target_is_an_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="cannot write tags"):
        write_tags(tmp_path / "missing.mp3", Tags(title="x"))
