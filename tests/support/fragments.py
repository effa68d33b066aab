"""Web pages of our own whose first reading is a fragment: narrate's rules stop after the first paragraph.

Each page is an ordinary news article (a headline, a lead paragraph and the rest of the story); what differs is the
markup or the text that ends narrate's reading early, and what a second reading of the page finds besides.
"""

from __future__ import annotations

from html import escape

LEAD = (
    "The county council voted on Tuesday to restore the night bus routes that were cut two years ago, after a "
    "petition signed by more than four thousand riders."
)
REST = [
    (
        "Buses will run every thirty minutes between midnight and five in the morning on the three busiest lines, "
        "starting in the first week of March."
    ),
    (
        "Riders who work late shifts in the hospital district said the cuts had forced them to pay for taxis or to "
        "walk home along poorly lit roads."
    ),
    (
        "The transport director told the council that the service would cost about two million a year, paid for by "
        "a small rise in parking fees downtown."
    ),
    (
        "Two members voted against the plan, saying that the money should go to repairing the roads before any new "
        "service was added to the network."
    ),
    (
        "A survey of drivers found that most of them were willing to work the night shifts if the pay reflected the "
        "unsocial hours they would keep."
    ),
    (
        "The council will review the ridership figures after six months and decide then whether the routes should "
        "become a permanent part of the timetable."
    ),
]
"""The rest of the story: what a fragment loses."""
TITLE = "Night buses return to the county"


def _page(body: str, title: str = TITLE) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | County Courier</title>'
        '</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<footer><p>Copyright County Courier</p></footer></body></html>"
    )


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def captioned_body_page() -> str:
    """The rest of the story sits in elements a theme named like captions: narrate's markup rules leave them out,
    trafilatura reads them, and they are plain prose (a clean fuller reading)."""
    rest = "".join(f'<div class="text-caption">{paragraphs([text])}</div>' for text in REST)
    return _page(paragraphs([LEAD]) + rest)


def captioned_body_with_share_bar_page() -> str:
    """As captioned_body_page, with a share bar and a newsletter box between the paragraphs: the fuller reading
    has lines narrate would strip as furniture, so neither reading is clean."""
    rest = "".join(f'<div class="text-caption">{paragraphs([text])}</div>' for text in REST[:3])
    rest += "<p>Share this article</p><p>Sign up for our newsletter to get the latest news in your inbox.</p>"
    rest += "".join(f'<div class="text-caption">{paragraphs([text])}</div>' for text in REST[3:])
    return _page(paragraphs([LEAD]) + rest)


def author_box_first_page() -> str:
    """An "About the author" box right under the lead: narrate's reading ends there; the second reading goes on
    past the box (its heading is one narrate takes for the end of an article), so the episode waits for review."""
    box = "<h2>About the author</h2><p>Dana Whitfield covers transport for the County Courier.</p>"
    return _page(paragraphs([LEAD]) + box + paragraphs(REST))


def whole_page() -> str:
    """The same story with nothing unusual: narrate reads it all."""
    return _page(paragraphs([LEAD, *REST]))
