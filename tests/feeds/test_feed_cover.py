"""Generated cover art."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from feeds import default_cover
from feeds.cover import BACKGROUND, FOREGROUND
from feeds.errors import FeedError

TITLE = "Why the city's new bike lanes matter more than you think"


def glyph_box(png: bytes) -> tuple[int, int, int, int]:
    """Bounding box of the pure foreground pixels, i.e. of the title's letters."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    mask = Image.eval(image.convert("L"), lambda value: 255 if value == 255 else 0)
    box = mask.getbbox()
    assert box is not None, "no title text drawn"
    return box


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.fixture(scope="module")
def cover() -> bytes:
    return default_cover(TITLE)


def test_cover_is_a_square_rgb_png_for_apple(cover: bytes) -> None:
    assert cover.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(cover))
    assert image.format == "PNG"
    assert image.mode == "RGB"
    assert image.size == (1400, 1400)


def test_same_title_same_bytes_other_title_other_bytes(cover: bytes) -> None:
    assert default_cover(TITLE) == cover
    assert default_cover("Another article") != cover


def test_title_is_large_high_contrast_text(cover: bytes) -> None:
    image = Image.open(io.BytesIO(cover))
    assert image.getpixel((5, 5)) == BACKGROUND
    lighter, darker = relative_luminance(FOREGROUND), relative_luminance(BACKGROUND)
    assert (lighter + 0.05) / (darker + 0.05) >= 7  # WCAG AAA for text
    left, top, right, bottom = glyph_box(cover)
    # Four lines of big type filling most of the width, inside the margins.
    assert right - left > 0.6 * 1400
    assert bottom - top > 0.3 * 1400
    assert left >= 100 and right <= 1300 and bottom <= 1300
    text_pixels = image.convert("L").histogram()[255]  # the glyphs: white and near-white pixels
    assert text_pixels > 0.03 * 1400 * 1400


def test_short_title_is_set_in_very_large_type() -> None:
    left, top, right, bottom = glyph_box(default_cover("Hi"))
    assert bottom - top > 100  # cap height in pixels


def test_very_long_title_stays_inside_the_art() -> None:
    left, top, right, bottom = glyph_box(default_cover("narration " * 2000))
    assert left >= 100 and right <= 1300 and bottom <= 1300


def test_larger_sizes_are_allowed() -> None:
    assert Image.open(io.BytesIO(default_cover("Hi", 3000))).size == (3000, 3000)


@pytest.mark.parametrize(("title", "size", "message"), [(" \n", 1400, "empty"), ("Hi", 800, "1400-3000")])
def test_bad_cover_requests_are_refused(title: str, size: int, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        default_cover(title, size)
