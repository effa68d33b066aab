"""Generated cover art for a feed that has none of its own."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from feeds.errors import FeedError
from feeds.text import one_line

# White on deep navy: contrast ratio about 16:1, legible as a thumbnail too.
BACKGROUND = (20, 33, 61)
FOREGROUND = (255, 255, 255)
ACCENT = (252, 163, 17)

# Apple Podcasts accepts square art of 1400 to 3000 pixels.
MIN_SIZE = 1400
MAX_SIZE = 3000

_MARGIN = 0.1
_LINE_SPACING = 1.15


def default_cover(title: str, size: int = MIN_SIZE) -> bytes:
    """A square RGB PNG showing ``title`` in large wrapped type; the same title gives the same bytes."""
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise FeedError(f"cover size must be {MIN_SIZE}-{MAX_SIZE} pixels, got {size}")
    text = one_line(title)
    if not text:
        raise FeedError("cover title is empty")

    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = round(size * _MARGIN)
    bar_bottom = margin + size // 60
    draw.rectangle((margin, margin, margin + size // 6, bar_bottom), fill=ACCENT)

    # The title is centred in the area below the accent bar.
    box_top = bar_bottom + margin // 2
    box_height = size - margin - box_top
    font, lines = _fit(text, size - 2 * margin, box_height)
    line_height = round(font.size * _LINE_SPACING)
    top = box_top + (box_height - line_height * len(lines)) // 2
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=font, fill=FOREGROUND)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _fit(text: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font, from a seventh of the box width down, whose wrapped lines fit the box."""
    font_size = width // 7
    # Below this size a long word is broken across lines rather than shrinking the whole title further.
    readable = width // 12
    smallest = width // 24
    words = text.split(" ")
    while True:
        font = ImageFont.load_default(size=font_size)
        if not isinstance(font, ImageFont.FreeTypeFont):
            raise RuntimeError("Pillow lacks FreeType support, so the cover title cannot be drawn")
        lines = _wrap(text, font, width)
        fits = round(font_size * _LINE_SPACING) * len(lines) <= height and (
            font_size <= readable or all(font.getlength(word) <= width for word in words)
        )
        if fits or font_size <= smallest:
            # A very long title at the smallest size is cut rather than overflowing the art.
            max_lines = height // round(font_size * _LINE_SPACING)
            if len(lines) > max_lines:
                lines = lines[:max_lines]
                last = lines[-1]
                while last and font.getlength(last.rstrip(" .,;:") + "\u2026") > width:
                    last = last[:-1]
                lines[-1] = last.rstrip(" .,;:") + "\u2026"
            return font, lines
        font_size = round(font_size * 0.9)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A word wider than the box (a long compound, a URL) is broken between characters.
        while font.getlength(word) > width:
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines
