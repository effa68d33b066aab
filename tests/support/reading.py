"""Reading the generated HTML the way the tests need: parsed with lxml, text and accessible names."""

from __future__ import annotations

from pathlib import Path

from lxml import html


def parse(path: Path) -> html.HtmlElement:
    return html.document_fromstring(path.read_bytes())


def text_of(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def accessible_name(root: html.HtmlElement, element: html.HtmlElement) -> str:
    """Enough of the accessible name computation for these pages: aria-label, aria-labelledby, label, content."""
    if element.get("aria-label"):
        return element.get("aria-label")
    if element.get("aria-labelledby"):
        return " ".join(text_of(root.get_element_by_id(i)) for i in element.get("aria-labelledby").split())
    if element.get("id"):
        labels = root.xpath("//label[@for=$id]", id=element.get("id"))
        if labels:
            return text_of(labels[0])
    return " ".join("".join(element.xpath(".//text()[not(ancestor::*[@aria-hidden='true'])]")).split())
