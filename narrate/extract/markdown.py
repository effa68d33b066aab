"""Markdown to an Article: headings, paragraphs, quotes, list items and tables, as plain words.

Links become their text; images and their captions (an emphasised line under the image), code,
HTML comments, footnote references and definitions go. A leading "# Title" is the title, and
YAML-style front matter may give the title, author and date.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from narrate.article import Article, Block, BlockKind
from narrate.extract.assemble import build_article
from narrate.extract.byline import join_names, parse_date
from narrate.extract.canonical import absolute_url, canonical_address
from narrate.extract.language import language_code
from narrate.extract.table import table_block

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_TASK = re.compile(r"^\[[ xX]\]\s+")
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])\s*$")
_EMPHASISED_LINE = re.compile(r"^\s*([*_])(?!\1)\S.*\S\1\s*$")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
# Raw HTML whose content is never text: dropped from its opening tag to its closing tag.
_HIDDEN_HTML = re.compile(r"<(script|style|template|noscript|textarea)\b[^<>]*>", re.IGNORECASE)
_BASE_KEYS = ("base_url", "baseurl", "site_url", "siteurl", "base")
"""Front matter keys for the site's own URL (keys are read in lower case: Hugo's baseURL is baseurl)."""
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BACKTICKS = re.compile(r"`+")
_IMAGE = re.compile(r"!\[[^\[\]]*\](?:\([^()]*\)|\[[^\[\]]*\])")
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]]+\]")
_LINK = re.compile(r"\[([^\[\]]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_NOTE_TAG = re.compile(r"<sup>\s*\[?\d{1,3}\]?\s*</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_STRUCK = re.compile(r"~~(?=\S)((?:(?!~~).)+?)(?<=\S)~~")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,;:!?])(?=\s|$)")


@dataclass
class _Builder:
    """Collects blocks line by line; one block is open at a time."""

    blocks: list[Block] = field(default_factory=list)
    kind: BlockKind | None = None
    lines: list[str] = field(default_factory=list)
    level: int = 0
    list_indents: list[int] = field(default_factory=list)

    def open(self, kind: BlockKind, line: str, level: int = 0) -> None:
        self.close()
        self.kind, self.lines, self.level = kind, [line], level

    def add(self, line: str) -> None:
        self.lines.append(line)

    def discard(self) -> None:
        self.kind, self.lines, self.level = None, [], 0

    def close(self) -> None:
        if self.kind is not None:
            text = _inline(" ".join(self.lines))
            if text:
                self.blocks.append(Block(self.kind, text, level=self.level))
        self.discard()

    def list_level(self, indent: int) -> int:
        while self.list_indents and self.list_indents[-1] > indent:
            self.list_indents.pop()
        if not self.list_indents or indent > self.list_indents[-1]:
            self.list_indents.append(indent)
        return len(self.list_indents)


def extract_markdown(text: str, *, source: str | None = None, url: str | None = None) -> Article:
    """Read an article written in Markdown; ``url`` is where it was fetched from, if it was."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    meta, text = _front_matter(text)
    blocks = _blocks(_without_image_captions(_without_hidden_html(_without_comments(text))))
    title = meta.get("title")
    if not title and blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title, blocks = blocks[0].text, blocks[1:]
    canonical, claimed = canonical_address(_declared_url(meta), url)
    return build_article(
        title,
        blocks,
        source=source or "the Markdown text",
        author=meta.get("author"),
        published=parse_date(meta.get("date", "")),
        site=meta.get("site"),
        language=language_code(meta.get("lang") or meta.get("language")),
        canonical_url=canonical,
        claimed_url=claimed,
        summary=meta.get("description") or meta.get("summary"),
    )


def _declared_url(meta: dict[str, str]) -> str | None:
    """The front matter's canonical address, absolute. Jekyll and Hugo write ``url: /2024/01/post/``, relative to
    a site URL that lives in the site's configuration, not in the post: it is resolved against a site URL the
    front matter gives (``base_url``, ``site_url``, ...), and otherwise dropped, since a relative address names
    no site, cannot be an episode's link, and the text itself then identifies the episode."""
    declared = meta.get("canonical_url") or meta.get("canonical") or meta.get("url")
    base = next((meta[key] for key in _BASE_KEYS if absolute_url(meta.get(key))), None)
    return absolute_url(declared, base)


def _without_comments(text: str) -> str:
    """``text`` without HTML comments; an unclosed one stays (a regex would rescan the rest for every "<!--")."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts.append(text[position:start])
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _without_hidden_html(text: str) -> str:
    """``text`` without raw <script>, <style> (and the like) elements: their content is code, not words.

    An element that is never closed loses only its tag; each tag name is looked up once past the last closing.
    """
    lowered = text.lower()
    unclosed: set[str] = set()
    parts: list[str] = []
    position = 0
    for opening in _HIDDEN_HTML.finditer(text):
        name = opening.group(1).lower()
        if opening.start() < position or name in unclosed:
            continue
        close = lowered.find(f"</{name}", opening.end())
        if close < 0:
            unclosed.add(name)
            continue
        end = lowered.find(">", close)
        parts.append(text[position : opening.start()])
        position = len(text) if end < 0 else end + 1
    parts.append(text[position:])
    return "".join(parts)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple "key: value" front matter, lists of names included; not a full YAML reader."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    key = ""
    for line in match.group(1).split("\n"):
        item = re.match(r"^\s+-\s+(.*)$", line)
        if item and key:
            meta[key] = join_names([meta.get(key, ""), _scalar(item.group(1))])
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if pair:
            key = pair.group(1).lower()
            value = pair.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                meta[key] = join_names([_scalar(v) for v in value[1:-1].split(",")])
            elif value:
                meta[key] = _scalar(value)
    return {k: v for k, v in meta.items() if v}, text[match.end() :]


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _without_image_captions(text: str) -> str:
    """Drop the emphasised line that captions an image, right under it or after one blank line."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not _IMAGE_LINE.match(line):
            continue
        following = next((i for i in range(index + 1, min(index + 3, len(lines))) if lines[i].strip()), None)
        if following is not None and _EMPHASISED_LINE.match(lines[following]):
            lines[following] = ""
    return "\n".join(lines)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [_inline(cell.replace("\\|", "|")) for cell in _CELL_SEPARATOR.split(line)]


def _blocks(text: str) -> list[Block]:
    builder = _Builder()
    fence: str | None = None
    table: list[list[str]] | None = None
    piped_row: str | None = None  # the last line, when it was a row of pipes: maybe a table's header
    blank_before = True

    def end_table() -> None:
        nonlocal table
        block = table_block(table, header=True) if table else None
        if block is not None:
            builder.blocks.append(block)
        table = None

    for line in text.split("\n"):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if table is not None:
            if line.strip() and "|" in line:
                table.append(_cells(line))
                continue
            end_table()
        opening = _FENCE.match(line)
        if opening:
            builder.close()
            fence = opening.group(1)[:3]
            continue
        if not line.strip():
            builder.close()
            blank_before = True
            piped_row = None
            continue
        was_blank, blank_before = blank_before, False
        if _DEFINITION.match(line):
            continue
        if _TABLE_RULE.match(line) and "|" in line and (piped_row is not None or builder.kind == "paragraph"):
            if piped_row is not None:
                header = piped_row
            else:
                header = builder.lines.pop()  # the open paragraph's last line was the table's header row
                if builder.lines:
                    builder.close()
                else:
                    builder.discard()
            table = [_cells(header)]
            piped_row = None
            continue
        piped_row = line if line.lstrip().startswith("|") else None
        setext = _SETEXT.match(line)
        if setext and builder.kind == "paragraph":
            builder.kind, builder.level = "heading", 1 if setext.group(1)[0] == "=" else 2
            builder.close()
            continue
        if _RULE.match(line):
            builder.close()
            continue
        heading = _ATX.match(line)
        quote = _QUOTE.match(line)
        item = _LIST_ITEM.match(line)
        if heading:
            builder.open("heading", heading.group(2) or "", level=len(heading.group(1)))
            builder.close()
            builder.list_indents.clear()
        elif quote:
            content = quote.group(1).lstrip("> ")
            if builder.kind == "quote" and content:
                builder.add(content)
            elif content:
                builder.open("quote", content)
            else:
                builder.close()
        elif item:
            indent = len(item.group(1).expandtabs(4))
            builder.open("list_item", _TASK.sub("", item.group(2)), level=builder.list_level(indent))
        elif line.lstrip().startswith("|"):
            builder.close()  # a row of pipes without the rule under its header is not a table
        elif was_blank and line.startswith("    ") and not builder.list_indents:
            continue  # an indented code block
        elif builder.kind is not None and not was_blank:
            builder.add(line.strip())  # a wrapped line, lazily continuing the open block
        else:
            if not line.startswith(" "):
                builder.list_indents.clear()
            builder.open("paragraph", line.strip())
    end_table()
    builder.close()
    return builder.blocks


def _code_spans(text: str) -> str:
    """`code` to its words: a run of backticks opens a span that the next run of the same length closes.

    Runs are paired in one pass, without a regex, whose backtracking over a long run of backticks takes minutes.
    """
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    closing: list[int | None] = [None] * len(runs)
    next_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        closing[index] = next_of_length.get(length)
        next_of_length[length] = index
    parts: list[str] = []
    position = index = 0
    while index < len(runs):
        close = closing[index]
        if close is None:
            index += 1
            continue
        (start, content_start), (content_end, end) = runs[index], runs[close]
        parts.append(text[position:start])
        parts.append(text[content_start:content_end].strip())
        position, index = end, close + 1
    parts.append(text[position:])
    return "".join(parts)


def _inline(text: str) -> str:
    """Markdown inline syntax to plain words."""
    escaped: list[str] = []

    def protect(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\ue000{len(escaped) - 1}\ue001"

    text = _ESCAPED.sub(protect, text)
    text = _code_spans(text)
    text = _IMAGE.sub("", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _NOTE_TAG.sub("", text)
    text = _TAG.sub("", text)
    text = _STRUCK.sub("", text)  # struck-out words were deleted by the author
    for pattern in (_STRONG, _STAR, _UNDERSCORE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = _SPACE_BEFORE_STOP.sub(r"\1", text)  # "a chart ![img](x)." must not leave "chart ."
    text = re.sub("\ue000(\\d+)\ue001", lambda m: escaped[int(m.group(1))], text)
    return " ".join(html.unescape(text).split())
