"""The three examples, a page copied as plain text, and (when present) the shared seed sample."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from narrate.article import Article
from narrate.extract import extract, read_source
from narrate.settings import Settings

REPO = Path(__file__).resolve().parents[2]
HEADLESS = Path(__file__).parents[1] / "fixtures" / "articles" / "headless-article.txt"


def _article(path: Path) -> Article:
    return extract(read_source(str(path), Settings()))


def _sentences(text: str) -> list[str]:
    """Split on ". " before a capital; good enough for checking order, not for speech."""
    return [s for s in re.split(r"(?<=[.!?:;”])\s+(?=[A-Z“])", text) if s]


def assert_sentences_in_order(article: Article, paragraphs: list[str]) -> None:
    body = article.body_text
    position = 0
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            found = body.find(sentence, position)
            assert found >= 0, f"missing or out of order: {sentence!r}"
            position = found + len(sentence)


def assert_no_junk(article: Article, junk: list[str]) -> None:
    """No block is a junk line, and no block contains one (single words only as whole blocks)."""
    for line in junk:
        for block in article.blocks:
            assert line != block.text, f"junk block kept: {line!r}"
            if len(line.split()) > 1:
                assert line not in block.text, f"junk kept inside {block.text[:60]!r}: {line!r}"


TXT_BLOCKS = [
    (
        "paragraph",
        "Riverton’s city council will vote this month on a bill that would make water service a "
        "right rather than a privilege for the city’s 310,000 residents."
    ),
    (
        "paragraph",
        "The Water Security Ordinance, introduced in January by Councilmember Janet Obi, would "
        "end shutoffs for families who cannot pay, cap water bills at 2.5% of household income, "
        "and require the city to replace every remaining lead service line by 2032."
    ),
    (
        "paragraph",
        "Supporters say the proposal is overdue. Opponents warn that it could strain a utility "
        "that is already borrowing to repair pipes laid in the 1920s."
    ),
    ("heading", "Why shutoffs became a crisis"),
    (
        "paragraph",
        "Riverton stopped investing in its water system in the 1990s, when federal grants dried "
        "up and the council chose to hold rates flat. Deferred repairs piled up for two decades."
    ),
    (
        "paragraph",
        "Since 2015, average residential bills have risen by 40%, while the median household "
        "income on the city’s east side has barely moved. Last year the utility sent shutoff "
        "notices to more than 11,000 households — roughly one in nine accounts."
    ),
    (
        "paragraph",
        "“I paid what I could every single month, and they still turned off the tap while my "
        "granddaughter was staying with me,” said Loretta Haynes, a retired bus driver who lives "
        "near Fulton Park."
    ),
    (
        "paragraph",
        "Public health researchers have long linked shutoffs to poor hygiene, missed school days "
        "and higher rates of stomach illness. During the pandemic, Riverton paused disconnections"
        " for 18 months; the pause ended in 2022."
    ),
    ("heading", "What the ordinance would do"),
    ("paragraph", "The bill has three main parts:"),
    (
        "list_item",
        "an income-based rate program for households earning less than 200% of the federal "
        "poverty line;"
    ),
    (
        "list_item",
        "a ban on shutoffs for households with young children, older adults or residents with "
        "serious illnesses;"
    ),
    ("list_item", "a public schedule for replacing the city’s 9,400 remaining lead service lines."),
    (
        "paragraph",
        "The city’s budget office estimates that the affordability program would cost $2.3 "
        "million a year. That is less than the $3.1 million the utility now writes off in unpaid "
        "bills and collection costs."
    ),
    (
        "quote",
        "“This is not charity. It is the cheapest way to keep people connected and keep the "
        "system solvent,” Obi told the council’s finance committee."
    ),
    ("heading", "Who pays, and who benefits"),
    (
        "paragraph",
        "Critics, including the Riverton Chamber of Commerce, argue that commercial customers "
        "will end up covering the cost through higher rates. The chamber’s president, Martin "
        "Quill, called the plan “well-meaning but open-ended.”"
    ),
    (
        "paragraph",
        "Advocates point to Philadelphia, which launched an income-based water program in 2017, "
        "as evidence that such programs can pay for themselves. Similar bills are moving in at "
        "least six other U.S. cities, from Baltimore to Tucson."
    ),
    (
        "paragraph",
        "The coalition’s own analysis suggests that keeping a family connected costs the city far"
        " less than a shutoff — which means a field visit, a reconnection fee that often goes "
        "unpaid, and in some cases a report to child welfare authorities."
    ),
    ("heading", "What comes next"),
    (
        "paragraph",
        "The finance committee will hold a public hearing on March 19 at 6 p.m. at City Hall. "
        "Residents who cannot attend can submit written comments through March 26."
    ),
    (
        "paragraph",
        "If the ordinance passes, the income-based rates would take effect in July, and the first"
        " lead line replacements would begin before the end of the year."
    ),
]

HTML_BLOCKS = [
    (
        "paragraph",
        "Every week, hundreds of Fairhaven families walk into housing court without a lawyer, "
        "while nearly every landlord walks in with one."
    ),
    (
        "paragraph",
        "Senate Bill 412 would change that by guaranteeing legal representation to any tenant "
        "whose household earns less than twice the federal poverty line."
    ),
    (
        "paragraph",
        "Critics call the program too expensive, but the state’s own data tell a different story."
    ),
    ("heading", "What happens in court today"),
    (
        "paragraph",
        "In 2023, landlords filed 18,400 eviction cases across the state, and only 3% of tenants "
        "had an attorney."
    ),
    (
        "paragraph",
        "When tenants did have a lawyer, two out of three kept their homes or negotiated time to "
        "move on their own terms."
    ),
    (
        "quote",
        "“I had ten days to find a new place for my kids, and nobody in that courtroom explained "
        "my rights,” said Denise Carter, a home health aide from the east side."
    ),
    ("heading", "Why the numbers add up"),
    (
        "paragraph",
        "An independent study commissioned by the legislature estimated that the program would "
        "cost about $14 million a year."
    ),
    (
        "paragraph",
        "The same study found that the state already spends far more on the consequences of "
        "eviction:"
    ),
    ("list_item", "emergency shelter stays that average $4,200 per family;"),
    ("list_item", "extra school transportation for children who lose their homes mid-year;"),
    ("list_item", "and hospital visits that rise sharply in the months after an eviction."),
    (
        "paragraph",
        "Counting those costs, every dollar spent on counsel would save roughly $2.40 in public "
        "money."
    ),
    ("heading", "What you can do"),
    ("paragraph", "The Senate Judiciary Committee will vote on the bill in June."),
    (
        "paragraph",
        "Call your senator and ask them to support a right to counsel for every tenant who cannot"
        " afford a lawyer."
    ),
]

MD_BLOCKS = [
    (
        "paragraph",
        "Public comment is one of the few moments when an ordinary resident can speak directly to"
        " every member of a city council. Most people who try it for the first time say it was "
        "far less intimidating than they expected."
    ),
    ("heading", "Before the hearing"),
    (
        "paragraph",
        "Check the council’s agenda page at least 72 hours ahead. Agendas list each item by "
        "number, and you will usually sign up to speak on a specific item."
    ),
    ("list_item", "Find the item you care about and note its number."),
    ("list_item", "Register to speak online or on a paper card at the door."),
    (
        "list_item",
        "Write out your remarks and time them: most councils allow two minutes per speaker."
    ),
    ("heading", "What to say"),
    (
        "paragraph",
        "Start with your name and the neighborhood you live in. Then say plainly whether you "
        "support or oppose the item, and why it matters to you."
    ),
    (
        "quote",
        "Council members remember stories far longer than statistics. One family’s water bill is "
        "more persuasive than a spreadsheet."
    ),
    (
        "paragraph",
        "A personal example, a single number and a clear request are usually enough. If you "
        "represent a group, say so — but speak in your own words."
    ),
    ("table", "Meeting\tDay\tTime\nFinance committee\tTuesday\t6 p.m.\nFull council\tThursday\t7 p.m."),
    ("heading", "After you speak"),
    (
        "paragraph",
        "Email a written copy of your remarks to the city clerk so that it becomes part of the "
        "public record. Then follow the vote and thank the members who listened."
    ),
]

COPIED_BLOCKS = [
    (
        "paragraph",
        "State lawmakers agreed on Thursday to restore $48 million in need-based grants that had "
        "been cut from the higher education budget last spring."
    ),
    (
        "paragraph",
        "The restored money will reach about 21,000 students at community colleges and public "
        "universities. Most of them work at least 20 hours a week while enrolled."
    ),
    (
        "paragraph",
        "Tuition at the state’s public universities has climbed 63% since 2008, according to the "
        "legislature’s budget office. Grants have not kept pace, and the share of students who "
        "borrow has grown every year."
    ),
    (
        "paragraph",
        "Student leaders spent months meeting with legislators. “We told them what it means to "
        "choose between rent and a textbook,” said Daniel Osei, a nursing student at Harbor "
        "Community College."
    ),
    (
        "paragraph",
        "The grants still fall short of the need. Advocates say the next step is to tie grant "
        "levels to the real cost of attendance — not just tuition."
    ),
]


def test_text_example() -> None:
    article = _article(REPO / "examples" / "example-article.txt")
    assert article.title == "Riverton Council Weighs a Right to Water for Every Household"
    assert article.author == "Rosa Delgado"
    assert article.published == dt.date(2024, 3, 3)
    assert article.language == "en"
    assert_sentences_in_order(article, [text for _, text in TXT_BLOCKS])
    assert [(block.kind, block.text) for block in article.blocks] == TXT_BLOCKS
    assert_no_junk(
        article,
        [
            "Skip to main content", "Clearwater Justice Coalition", "Menu", "Home", "About Us", "Our Work",
            "News", "Take Action", "Donate", "Search", "By Rosa Delgado | March 3, 2024",
            "Share: Facebook X LinkedIn Email Copy link", "Share this article", "Facebook", "X", "Email",
            "Print", "Rosa Delgado", "Senior Policy Advocate, Water Justice Program",
            "Rosa leads the coalition’s work", "tenant organizer", "Related content",
            "Lead pipes in Riverton: what every renter should know", "How Philadelphia made water bills affordable",
            "Five questions to ask your councilmember", "Sign up for our newsletter",
            "Get the latest news on water justice", "All rights reserved",
        ],
    )  # fmt: skip


def test_html_example() -> None:
    article = _article(REPO / "examples" / "example-article.html")
    assert article.title == "Lawyers for Tenants Facing Eviction Would Pay for Themselves"
    assert article.author == "Priya Natarajan"
    assert article.published == dt.date(2024, 5, 14)
    assert article.site == "Fairhaven Housing Network"
    assert article.language == "en"
    assert article.canonical_url == "https://housing.example.org/news/right-to-counsel-pays-for-itself"
    assert article.summary is not None and article.summary.startswith("A proposed right-to-counsel law")
    assert_sentences_in_order(article, [text for _, text in HTML_BLOCKS])
    assert [(block.kind, block.text) for block in article.blocks] == HTML_BLOCKS
    assert [block.level for block in article.blocks if block.kind == "heading"] == [2, 2, 2]
    assert_no_junk(
        article,
        [
            "Skip to main content", "We use cookies", "Accept all", "Manage preferences", "Home", "About Us",
            "Donate", "Eviction Defense", "Share:", "Facebook", "Copy link", "Share on X", "Print",
            "Read more: How New York City cut evictions with a right to counsel", "Fairhaven Judicial Council",
            "Tenant representation figures", "Priya Natarajan", "Policy Director, Eviction Defense",
            "Priya leads the network’s work", "Related posts", "Rent stabilization, explained in five charts",
            "Sign up for our newsletter", "nonprofit, nonpartisan coalition", "All rights reserved",
        ],
    )  # fmt: skip
    # Footnote markers, as <sup> and as a bare link, are gone from the sentence ends.
    assert "story.1" not in article.body_text and "attorney.2" not in article.body_text


def test_markdown_example() -> None:
    article = _article(REPO / "examples" / "example-article.md")
    assert article.title == "How to Speak Up at a City Council Hearing"
    assert article.author == "Marcus Bell"
    assert article.published == dt.date(2024, 4, 8)
    assert article.summary == "A short guide to public comment for first-time speakers."
    assert_sentences_in_order(article, [text for _, text in MD_BLOCKS])
    assert [(block.kind, block.text) for block in article.blocks] == MD_BLOCKS
    assert_no_junk(
        article,
        [
            "By Marcus Bell", "editor: add the hearing calendar link", "Residents lining up to speak",
            "hearing-line.jpg", "https://council.example.gov/agendas",
            "Many clerks also accept comments",
        ],
    )  # fmt: skip
    assert not re.search(r"[*_`#\[\]|]", article.body_text), "Markdown syntax leaked into the text"


def test_copied_page_without_title_line() -> None:
    article = _article(REPO / "tests" / "fixtures" / "articles" / "copied-article.txt")
    # No heading line: the title is the first sentence, cut at a word boundary without a dangling word.
    assert article.title == "State lawmakers agreed on Thursday to restore $48 million in need-based grants"
    assert article.author == "Laila Haddad"
    assert article.published is None
    assert_sentences_in_order(article, [text for _, text in COPIED_BLOCKS])
    assert [(block.kind, block.text) for block in article.blocks] == COPIED_BLOCKS
    assert_no_junk(
        article,
        [
            "We use cookies to give you the best experience on our website. Accept all", "Jump to navigation",
            "Skip to content", "Read more: What the 2023 budget cuts meant for students", "Laila Haddad",
            "Higher Education Policy Associate", "Laila tracks state budgets", "financial aid office",
            "You might also like", "Why community college students go hungry", "The hidden cost of textbooks",
            "Subscribe to our newsletter",
        ],
    )  # fmt: skip
    assert "universities.1" not in article.body_text


def test_text_without_a_headline() -> None:
    """The shape of text copied from a page whose headline was not selected: a skip link, the body, then the
    author's name twice, their job title and bio."""
    raw = HEADLESS.read_text(encoding="utf-8")
    article = _article(HEADLESS)
    paragraphs = [p.strip() for p in raw.split("\n\n") if p.strip()]
    body = paragraphs[paragraphs.index("Skip to main content") + 1 : paragraphs.index("Marisol Ferreira-Quint")]
    assert len(body) >= 8
    assert_sentences_in_order(article, body)
    assert article.author == "Marisol Ferreira-Quint"
    first_sentence = body[0].split(". ")[0]
    assert first_sentence.startswith(article.title) and len(article.title.split()) >= 6
    text = article.body_text
    assert "Skip to main content" not in text
    assert "Marisol Ferreira-Quint" not in text
    assert "Senior Policy Analyst" not in text
    assert "Marisol leads" not in text
    assert len(article.blocks) == len(body)
