"""The failure classes found on real pages (issue 13), each as a general rule, on small pages written here."""

from __future__ import annotations

import pytest

from narrate.errors import EmptyArticleError, SourceError
from narrate.extract import extract_html, extract_text

P1 = "Heat waves closed 120 schools across the region last year, most of them in buildings without air conditioning."
P2 = "District officials say retrofitting every building would cost $85 million over a decade, money it lacks."
P3 = "Parents have asked the board to publish a list of the hottest classrooms before the next school year."
P4 = "The board will vote on the list in August, after a summer of measurements in every building."


def page(body: str, title: str = "Schools Brace for Heat | The Gazette", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/local'>Local</a></nav>"
        f"<main><article><h1>Schools Brace for Heat</h1>{body}</article></main></body></html>"
    )


def blocks(html: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in extract_html(html).blocks]


# -- the body cut off by an end-of-article rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["<p><strong>Notes</strong>:</p>", "<h3>Notes</h3>", "<p>Sources</p>"],
    ids=["bold-paragraph", "heading", "plain"],
)
def test_a_notes_line_over_prose_is_the_articles_own_and_the_rest_is_read(header: str) -> None:
    body = (
        f"<p>{P1}</p>{header}<ul><li>Fans were bought for every classroom on the top floors;</li>"
        f"<li>The district kept the windows open at night.</li></ul><p>{P2}</p><p>{P3}</p>"
    )
    texts = [text for _, text in blocks(page(body))]
    assert texts[0] == P1
    assert "Fans were bought for every classroom on the top floors;" in texts
    assert texts[-2:] == [P2, P3]


def test_a_notes_section_of_citations_is_still_not_read() -> None:
    body = (
        f"<p>{P1}</p><p>{P2}</p><h2>Notes</h2><ol><li>Regional schools report, 2023.</li>"
        "<li>Doe, J. et al. Heat in classrooms. doi:10.1000/182</li></ol><h2>What parents want</h2>"
        f"<p>{P3}</p>"
    )
    assert blocks(page(body)) == [
        ("paragraph", P1),
        ("paragraph", P2),
        ("heading", "What parents want"),
        ("paragraph", P3),
    ]


# -- lines with bracketed content ---------------------------------------------------------------------------------

RECIPES = [
    "Asparagus and Eggs [1 cup asparagus, 2 eggs, a knob of butter]",
    "Pea Soup [2 cups peas, 1 onion, 3 cups stock]",
    "Radish Salad [a bunch of radishes, lemon, salt]",
]


@pytest.mark.parametrize("shape", ["paragraphs", "list", "bold-names"])
def test_lines_with_bracketed_content_are_read_whole(shape: str) -> None:
    if shape == "paragraphs":
        lines = "".join(f"<p>{line}</p>" for line in RECIPES)
    elif shape == "list":
        lines = "<ul>" + "".join(f"<li>{line}</li>" for line in RECIPES) + "</ul>"
    else:
        lines = "".join(f"<p><b>{line.split(' [')[0]}</b> [{line.split(' [')[1]}</p>" for line in RECIPES)
    texts = [text for _, text in blocks(page(f"<p>{P1}</p>{lines}<p>{P2}</p>"))]
    assert texts == [P1, *RECIPES, P2]


def test_footnote_brackets_and_wiki_edit_links_still_go() -> None:
    body = f"<p>{P1[:-1]} [3].</p><h2>What parents want [edit]</h2><p>{P2}</p>"
    assert blocks(page(body)) == [("paragraph", P1), ("heading", "What parents want"), ("paragraph", P2)]


# -- item headlines with their descriptions -----------------------------------------------------------------------


def test_a_deals_page_keeps_the_description_under_each_item_headline() -> None:
    items = [
        ("A quiet fan for small rooms", "It moves enough air for a bedroom and makes less noise than a fridge."),
        ("Blackout curtains", "They keep a south-facing room several degrees cooler on a sunny afternoon."),
        ("A window air conditioner", "The cheapest model cools one room and runs on an ordinary socket."),
    ]
    loose = "".join(f"<h3>{name}</h3>{description}" for name, description in items)  # no <p> around the text
    listed = "<ul>" + "".join(f"<li><h3>{name}</h3><p>{description}</p></li>" for name, description in items) + "</ul>"
    for body in (loose, listed):
        text = " ".join(t for _, t in blocks(page(f"<p>{P1}</p>{body}<p>{P2}</p>")))
        for name, description in items:
            assert name in text and description in text
            assert f"{name}{description[:2]}" not in text  # never glued into one word


# -- lists in the cells of a layout table -------------------------------------------------------------------------

REPLIES = ["Fans were bought for every classroom on the top floors.", "The district kept the windows open at night."]
ANSWERS = ["We measured every room in June; and", "we will publish the list in July."]


def layout_table_page(container: bool) -> str:
    """An old page: the article's start in a two-cell layout table, lists in both cells (one nested in another)."""
    table = (
        f"<table width='90%' cellpadding='20' bgcolor='#FEFFE6'><tr><td><p>{P1}</p><ul>"
        + "".join(f"<li>{reply}<p></p></li>" for reply in REPLIES)
        + f"</ul></td><td><p>{P2}</p><ul><ul type='A'>"
        + "".join(f"<li>{answer}</li>" for answer in ANSWERS)
        + f"</ul></ul><p>{P3}</p></td></tr></table><p>{P4}</p>"
    )
    if container:
        return page(table)
    return (
        "<!DOCTYPE html><html><head><title>heat</title></head><body>"
        f"<p align='center'><font size='+3'><b>Schools Brace for Heat</b></font></p>{table}</body></html>"
    )


@pytest.mark.parametrize("container", [False, True], ids=["loose-page", "in-article"])
def test_lists_in_a_layout_tables_cells_are_read(container: bool) -> None:
    texts = [text for _, text in blocks(layout_table_page(container))]
    for line in [P1, *REPLIES, P2, *ANSWERS, P3, P4]:
        assert line in texts
    assert texts.index(REPLIES[0]) < texts.index(P2) < texts.index(ANSWERS[1]) < texts.index(P3)


def test_a_list_in_a_layout_table_inside_an_article_stays_a_list() -> None:
    kinds = dict((text, kind) for kind, text in blocks(layout_table_page(container=True)))
    assert [kinds[reply] for reply in REPLIES] == ["list_item", "list_item"]


# -- lines of a template under item headlines ---------------------------------------------------------------------


def test_where_to_watch_lines_under_each_item_are_read_though_they_share_their_words() -> None:
    """A list of films, each with a short line of where to watch it: not pull quotes of one another."""
    films = [
        ("Harbor Lights", "A ferry captain retires after forty years and finds that the town has changed its mind."),
        ("The Long Field", "Two sisters inherit a farm in the middle of a drought and disagree about most of it."),
        ("Night Shift", "A nurse on the night shift keeps a ward running through a storm that cuts the power."),
    ]
    where = [
        "Harbor Lights is currently streaming on Hulu and available to digitally rent on Google Play and YouTube.",
        "The Long Field is currently streaming on Netflix and available to digitally rent on iTunes, Vudu, "
        "Amazon, YouTube, and Google Play.",
        "Night Shift is currently streaming on Hulu and available to digitally rent on YouTube and Google Play.",
    ]
    video = "<div><div style='position: relative'><iframe src='https://www.youtube.com/embed/x'></iframe></div></div>"
    items = "".join(
        f"<h3>{n}) {name}</h3>{video}<p>{description}</p><p>{line}</p>"
        for n, ((name, description), line) in enumerate(zip(films, where, strict=True), start=1)
    )
    texts = [text for _, text in blocks(page(f"<p>{P1}</p>{items}<p>{P2}</p>"))]
    for line in where:
        assert line in texts


# -- embedded posts a lead-in introduces --------------------------------------------------------------------------


def tweet(author: str, text: str) -> str:
    return (
        f"<blockquote class='twitter-tweet'><p lang='en'>{text} <a href='https://t.co/x'>pic.twitter.com/x</a></p>"
        f"&mdash; {author} <a href='https://twitter.com/{author}/status/1'>June 3, 2024</a></blockquote>"
    )


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare", "each-in-a-wrapper"])
def test_every_post_of_a_run_after_see_tweets_is_read(wrapped: bool) -> None:
    posts = [tweet("ana", "Every classroom deserves a working fan."), tweet("ben", "Our school hit 31 degrees today.")]
    unrelated = tweet("cy", "Lunch was great today.")
    if wrapped:
        posts = [f"<div class='embed'>{post}</div>" for post in posts]
        unrelated = f"<div class='embed'>{unrelated}</div>"
    body = f"<p>{P1}</p><p>Parents answered at once. See tweets:</p>{''.join(posts)}<p>{P2}</p>{unrelated}<p>{P3}</p>"
    assert blocks(page(body)) == [
        ("paragraph", P1),
        ("paragraph", "Parents answered at once. See tweets:"),
        ("quote", "Every classroom deserves a working fan."),
        ("quote", "Our school hit 31 degrees today."),
        ("paragraph", P2),
        ("paragraph", P3),
    ]


# -- the standfirst -----------------------------------------------------------------------------------------------

DEK = "Districts are buying fans and shade sails before the first heat wave."


@pytest.mark.parametrize(
    "markup",
    [f"<p class='dek'>{DEK}</p>", f"<h2 class='article-subtitle'>{DEK}</h2>", f"<div class='standfirst'>{DEK}</div>"],
    ids=["p-dek", "h2-subtitle", "div-standfirst"],
)
def test_the_standfirst_is_read_right_after_the_title(markup: str) -> None:
    cookie = "<p>We and our partners use cookies to personalise content and to measure how the site is used.</p>"
    html = page(f"{markup}<p>{P1}</p><p>{P2}</p>").replace("<main>", f"<main>{cookie}")
    article = extract_html(html)
    assert article.title == "Schools Brace for Heat"
    assert [(block.kind, block.text) for block in article.blocks][:3] == [
        ("paragraph", DEK),
        ("paragraph", P1),
        ("paragraph", P2),
    ]


def test_copied_text_reads_its_standfirst_after_the_title() -> None:
    article = extract_text(f"Schools Brace for Heat\n\n{DEK}\n\nBy Jane Doe\n\n{P1}\n\n{P2}\n")
    assert (article.title, article.author) == ("Schools Brace for Heat", "Jane Doe")
    assert [block.text for block in article.blocks] == [DEK, P1, P2]


# -- inputs that are not articles ---------------------------------------------------------------------------------


def section_front(extra: str = "") -> str:
    headlines = [
        "Council approves library Sunday hours",
        "Bridge repairs to close Main Street in May",
        "School board names new superintendent",
        "Farmers market returns to the square",
    ]
    items = "".join(
        f"<li><a href='/n/{i}'>{text}</a> <span>May {i + 1}</span></li>" for i, text in enumerate(headlines)
    )
    return (
        "<html><head><title>Local | The Gazette</title></head><body><header><nav><a href='/'>Home</a> "
        f"<a href='/local'>Local</a></nav></header><main><h1>Local news</h1><ul>{items}</ul>{extra}</main>"
        "<footer><a href='/about'>About us</a> &copy; 2025 The Gazette</footer></body></html>"
    )


def test_a_page_of_only_links_is_refused_as_no_article() -> None:
    with pytest.raises(EmptyArticleError, match=r"^local\.html is not an article: it holds only links and labels"):
        extract_html(section_front(), source="local.html")
    assert issubclass(EmptyArticleError, SourceError) and EmptyArticleError.exit_code == 4
    assert EmptyArticleError.http_status == 422


def test_one_real_paragraph_makes_it_an_article() -> None:
    article = extract_html(section_front(f"<p>{P1}</p><p>{P2}</p>"), source="local.html")
    assert P1 in article.body_text and P2 in article.body_text


def test_a_short_article_in_chinese_is_no_navigation() -> None:
    text = "谷歌收购的人工智能公司开发出一款能够用自己的记忆学习新知识并利用这些知识来回答问题的计算机。这款产品具有极其重要的意义。"
    html = section_front(f"<p>{text}</p>").replace("<html>", "<html lang='zh'>")
    assert text in extract_html(html, source="zh.html").body_text
