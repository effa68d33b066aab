"""The episode page and its embed page, parsed with lxml."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest
from lxml import html

from narrate.article import Block
from narrate.errors import NotFoundError, PublishError
from narrate.publishing import formats, pages
from narrate.settings import Settings
from tests.conftest import BASE_URL
from tests.publishing.samples import HOSTILE_TITLE, Rendered, rendered, sample_article
from tests.support.reading import accessible_name, parse, text_of

PAGE_URL = f"{BASE_URL}/episodes/ab12cd34ef56/"


def write(settings: Settings, sample: Rendered) -> html.HtmlElement:
    written = pages.write_episode_page(
        settings, sample.episode, sample.script, sample.cues, sample.chapters, settings.feed("main")
    )
    assert written == [f"episodes/{sample.episode.id}/index.html", f"episodes/{sample.episode.id}/embed.html"]
    return parse(settings.public_dir / written[0])


def test_page_says_what_it_is_in_the_article_language(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    assert page.get("lang") == "en"
    [h1] = page.xpath("//h1")
    assert text_of(h1) == "Council passes the water bill"
    [about] = page.xpath("//p[@class='about']")
    assert text_of(about) == (
        "Audio version of Council passes the water bill, read by a computer-generated voice, 3 minutes."
    )
    [original] = about.xpath(".//a")
    assert original.get("href") == "https://news.example.org/2024/water-bill"
    assert page.xpath("//a[normalize-space()='Read the original article']/@href") == [original.get("href")]
    assert [len(page.xpath(f"//{tag}")) for tag in ("header", "main", "footer")] == [1, 1, 1]
    skip = page.xpath("//body/a[1]")[0]
    assert skip.get("href") == "#main" and page.get_element_by_id("main").tag == "main"


def test_player_is_labelled_never_autoplays_and_offers_a_download(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    [audio] = page.xpath("//audio")
    assert audio.get("controls") is not None and audio.get("preload") == "metadata"
    assert page.xpath("//*[@autoplay]") == []
    assert accessible_name(page, audio) == "Audio version: Council passes the water bill"
    assert urljoin(PAGE_URL, audio.get("src")) == f"{BASE_URL}/audio/main/ab12cd34ef56-r1.mp3"
    [fallback] = audio.xpath("a")
    assert fallback.get("href") == audio.get("src") and "Download" in text_of(fallback)
    visible = page.xpath("//a[not(ancestor::audio)][@href=$src]", src=audio.get("src"))
    assert [text_of(a) for a in visible] == ["Download the audio (MP3, 1.5 MB)"]


def test_speed_buttons_are_named_toggle_buttons(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    [group] = page.xpath("//*[@role='group'][@data-speeds]")
    assert accessible_name(page, group) == "Playback speed"
    buttons = group.xpath(".//button")
    assert [accessible_name(page, b) for b in buttons] == [
        "Speed 0.75 times", "Speed 1 times", "Speed 1.25 times", "Speed 1.5 times", "Speed 2 times"
    ]
    assert [b.get("type") for b in buttons] == ["button"] * 5
    assert [b.get("aria-pressed") for b in buttons] == ["false", "true", "false", "false", "false"]
    # Without JavaScript they would do nothing, so they are shown only by the script.
    assert group.get("hidden") is not None


def test_chapters_are_links_that_seek(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    [nav] = page.xpath("//nav")
    assert accessible_name(page, nav) == "Chapters"
    links = nav.xpath(".//ol/li/a")
    assert [text_of(a) for a in links] == ["Council passes the water bill", "What changes for farms", "Who pays"]
    starts = [start for start, _ in sample.chapters]
    assert [a.get("href") for a in links] == [f"#t={formats.time_fragment(s)[2:]}" for s in starts]
    assert [float(a.get("data-start")) for a in links] == starts
    assert starts[1] > 0 and [text_of(s) for s in nav.xpath(".//span[@class='time']")][1] == (
        f"({formats.clock(starts[1])})"
    )


def test_transcript_has_every_sentence_in_order_and_its_time(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    [transcript] = page.xpath("//section[@class='transcript']")
    links = transcript.xpath(".//*[@class='sentence']")
    assert [text_of(a) for a in links] == [s.caption for s in sample.script.segments]
    assert [float(a.get("data-start")) for a in links] == [start for start, _ in sample.cues]
    # Plain text until player.js makes the sentences links (an <a> without href is no link): without JavaScript
    # they could not seek, and would only be hundreds of Tab stops.
    assert transcript.xpath(".//a[@href]") == transcript.xpath(".//p[@class='original']/a")
    body = [(s, cue) for s, cue in zip(sample.script.segments, sample.cues) if s.kind != "heading"]
    seeking = transcript.xpath(".//a[@class='sentence']")
    assert [text_of(a) for a in seeking] == [s.caption for s, _ in body]
    assert [a.get("data-fragment") for a in seeking] == [formats.time_fragment(start) for _, (start, _) in body]
    # A heading's text never becomes a link: it stays a heading ("heading level 3, What changes for farms").
    assert [text_of(s) for s in transcript.xpath(".//h3/span[@class='sentence'] | .//h4/span[@class='sentence']")] == [
        "What changes for farms", "Who pays"]
    # The spoken intro and outro are text too.
    assert text_of(links[0]) == "Council passes the water bill."
    assert "This is an audio version of the article" in text_of(links[2])
    assert text_of(links[-1]) == "Thank you for listening."
    # Screen readers would talk over the audio.
    assert transcript.xpath(".//*[@aria-live or @role='status' or @role='alert' or @role='log']") == []
    assert transcript.xpath(".//*[@aria-current]") == []


def test_transcript_keeps_the_articles_headings_paragraphs_lists_and_quotes(
    settings: Settings, sample: Rendered
) -> None:
    page = write(settings, sample)
    [transcript] = page.xpath("//section[@class='transcript']")
    headings = [(h.tag, text_of(h)) for h in transcript.xpath(".//h2|.//h3|.//h4|.//h5|.//h6")]
    assert headings == [("h2", "Transcript"), ("h3", "What changes for farms"), ("h4", "Who pays")]
    items = [text_of(li) for li in transcript.xpath(".//ul/li")]
    assert items == ["Meters in every field.", "A fund for drip irrigation."]
    quotes = [text_of(q) for q in transcript.xpath(".//blockquote")]
    # The transcript says what the audio says: the spoken quote markers are part of it.
    assert quotes == ["Quote. We all pay for water we waste. That has to stop. End quote."]
    paragraphs = [text_of(p) for p in transcript.xpath("./p[not(@class)]")]
    assert paragraphs[1] == "The council voted 7 to 2 on Tuesday. The bill caps use at 40% of the river."
    assert paragraphs[2] == "Farms get three years to adapt."
    assert len(page.xpath("//h1")) == 1


def test_heading_levels_never_skip(settings: Settings) -> None:
    article = sample_article()
    article.blocks[5] = Block("heading", "Who pays", 5)
    article.blocks.insert(0, Block("heading", "Deep first", 4))
    page = write(settings, rendered(article))
    levels = [h.tag for h in page.xpath("//section[@class='transcript']//*[self::h3 or self::h4 or self::h5]")]
    # Article levels 4, 2, 5 -> ranks 1, 0, 2; never deeper than one below the heading before.
    assert levels == ["h3", "h3", "h4"]


def test_every_internal_link_is_relative_and_resolves_under_the_base_url(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    external = {"https://news.example.org/2024/water-bill"}
    for element, attribute in [(a, "href") for a in page.xpath("//a[@href]|//link[@rel='stylesheet']")] + [
        (e, "src") for e in page.xpath("//script[@src]|//audio")
    ]:
        value = element.get(attribute)
        if value in external or value.startswith("#"):
            continue
        assert not re.match(r"^[a-z]+:|^/", value), value
        assert urljoin(PAGE_URL, value).startswith(BASE_URL + "/"), value
    feed_links = {urljoin(PAGE_URL, a.get("href")) for a in page.xpath("//main//a[contains(., 'RSS')]")}
    assert feed_links == {f"{BASE_URL}/feeds/main.xml"}
    assert page.xpath("//input[@id='rss-url']/@value") == [f"{BASE_URL}/feeds/main.xml"]
    assert page.xpath("//link[@rel='canonical']/@href") == [PAGE_URL]


def test_no_inline_script_style_or_event_handlers(settings: Settings, sample: Rendered) -> None:
    write(settings, sample)
    for name in ("index.html", "embed.html"):
        page = parse(settings.public_dir / "episodes" / sample.episode.id / name)
        # The JSON-LD is a data block: never run, so no script-src has to allow it.
        code = page.xpath("//script[not(@type='application/ld+json')]")
        assert all(script.get("src") and not (script.text or "").strip() for script in code)
        assert page.xpath("//style|//*[@style]") == []
        assert [a for e in page.iter() for a in e.attrib if a.startswith("on")] == []
        assert page.xpath("//*[@autoplay]") == []


def test_hostile_title_is_escaped_everywhere(settings: Settings) -> None:
    sample = rendered(sample_article(title=HOSTILE_TITLE))
    write(settings, sample)
    raw = (settings.public_dir / "episodes" / sample.episode.id / "index.html").read_text()
    assert "<script>alert" not in raw and '"quotes"' not in raw and "]]>" not in raw
    page = parse(settings.public_dir / "episodes" / sample.episode.id / "index.html")
    assert text_of(page.xpath("//h1")[0]) == HOSTILE_TITLE
    assert page.xpath("//title")[0].text.startswith(HOSTILE_TITLE)
    code = page.xpath("//script[not(@type='application/ld+json')]")
    assert len(code) == 2 and all(s.get("src") for s in code)
    [data] = page.xpath("//script[@type='application/ld+json']")
    assert json.loads(data.text)["name"] == HOSTILE_TITLE
    assert page.xpath("//audio/@aria-label") == [f"Audio version: {HOSTILE_TITLE}"]
    # The iframe snippet is HTML inside HTML: once parsed it is itself well-formed, with the title intact.
    snippet = html.fragment_fromstring(page.get_element_by_id("embed-iframe").text)
    assert snippet.tag == "iframe" and snippet.get("title").startswith(f"Listen to this article: {HOSTILE_TITLE} (")
    embed = parse(settings.public_dir / "episodes" / sample.episode.id / "embed.html")
    assert text_of(embed.xpath("//h1")[0]) == HOSTILE_TITLE and embed.xpath("//script") == []


def test_embed_snippet_offers_a_labelled_link_and_a_titled_iframe(settings: Settings, sample: Rendered) -> None:
    page = write(settings, sample)
    [details] = page.xpath("//details")
    assert "site editors" in text_of(details.xpath("summary")[0])
    link_field, iframe_field = details.xpath(".//textarea")
    assert link_field.get("readonly") is not None and iframe_field.get("readonly") is not None
    assert accessible_name(page, link_field) == "A link to this page"
    assert accessible_name(page, iframe_field) == "A compact player (iframe)"
    link = html.fragment_fromstring(link_field.text)
    assert (link.tag, link.get("href"), link.text) == (
        "a", PAGE_URL, "Listen to this article (3 min, computer-generated voice)"
    )
    iframe = html.fragment_fromstring(iframe_field.text)
    assert iframe.get("src") == PAGE_URL + "embed.html"
    assert iframe.get("title") == (
        "Listen to this article: Council passes the water bill (3 min, computer-generated voice)"
    )
    assert iframe.get("width") == "100%" and int(iframe.get("height")) >= 150


def test_embed_page_is_a_compact_labelled_player(settings: Settings, sample: Rendered) -> None:
    write(settings, sample)
    embed = parse(settings.public_dir / "episodes" / sample.episode.id / "embed.html")
    embed_url = PAGE_URL + "embed.html"
    assert embed.get("lang") == "en"
    assert text_of(embed.xpath("//main/h1")[0]) == "Council passes the water bill"
    [audio] = embed.xpath("//main/audio")
    assert audio.get("preload") == "metadata" and audio.get("autoplay") is None and audio.get("controls") is not None
    assert accessible_name(embed, audio) == "Audio version: Council passes the water bill"
    assert urljoin(embed_url, audio.get("src")) == f"{BASE_URL}/audio/main/ab12cd34ef56-r1.mp3"
    assert "3 minutes, computer-generated voice." in text_of(embed.xpath("//main")[0])
    [link] = embed.xpath("//main//a[@target]")
    assert urljoin(embed_url, link.get("href")) == PAGE_URL
    assert link.get("target") == "_blank" and "noopener" in link.get("rel").split()
    assert text_of(link).endswith("(opens in new tab)")


def test_other_language_marks_the_pages_own_words_as_english(settings: Settings) -> None:
    article = sample_article(title="Der Rat beschliesst das Wassergesetz", language="de")
    page = write(settings, rendered(article))
    assert page.get("lang") == "de"
    assert page.xpath("//h1[@lang]") == [] and page.xpath("//section[@class='transcript']/@lang") == []
    assert page.xpath("//h2[@id='transcript-heading']/@lang") == ["en"]
    assert page.xpath("//section[@class='player']/@lang") == ["en"]
    assert page.xpath("//p[@class='about']/@lang") == ["en"]
    assert page.xpath("//p[@class='about']/a/@lang") == ["de"]


@pytest.mark.parametrize("language", ["", "not a language", 'en"><script>'])
def test_unusable_language_falls_back_to_english(settings: Settings, sample: Rendered, language: str) -> None:
    sample.episode.language = language
    assert write(settings, sample).get("lang") == "en"


def test_a_script_link_as_canonical_url_is_not_linked(settings: Settings, sample: Rendered) -> None:
    sample.episode.link = "javascript:alert(1)"
    page = write(settings, sample)
    assert not [a for a in page.xpath("//a/@href") if "javascript" in a]
    assert "Read the original article" not in text_of(page)


def test_sentences_that_match_no_block_are_kept_in_order(settings: Settings, sample: Rendered) -> None:
    sample.episode.article_json = ""  # no article: headings default to h3, sentences still all there
    page = write(settings, sample)
    links = page.xpath("//section[@class='transcript']//*[@class='sentence']")
    assert [text_of(a) for a in links] == [s.caption for s in sample.script.segments]
    headings = [text_of(h) for h in page.xpath("//section[@class='transcript']//h3")]
    assert headings == ["What changes for farms", "Who pays"]


def test_sentences_split_for_the_engine_stay_in_their_paragraph_and_heading(settings: Settings) -> None:
    article = sample_article()
    article.blocks[1] = Block("heading", "What changes for the farms along the river, and when", 2)
    sample = rendered(article, max_chars=30)
    assert len(sample.script.segments) > 20  # many sentences and the heading were cut in parts
    page = write(settings, sample)
    [transcript] = page.xpath("//section[@class='transcript']")
    links = transcript.xpath(".//*[@class='sentence']")
    assert [text_of(a) for a in links] == [s.caption for s in sample.script.segments]
    [heading] = transcript.xpath(".//h3")
    assert text_of(heading) == "What changes for the farms along the river, and when"
    assert len(heading.xpath("span")) > 1 and heading.xpath("a") == []
    paragraphs = [text_of(p) for p in transcript.xpath("./p[not(@class)]")]
    assert paragraphs[1] == "The council voted 7 to 2 on Tuesday. The bill caps use at 40% of the river."


def test_refuses_mismatched_cues_and_unsafe_ids(settings: Settings, sample: Rendered) -> None:
    with pytest.raises(PublishError, match="cue times"):
        pages.write_episode_page(settings, sample.episode, sample.script, sample.cues[:-1], [], settings.feed("main"))
    sample.episode.id = "../../etc"
    with pytest.raises(NotFoundError):
        pages.write_episode_page(settings, sample.episode, sample.script, sample.cues, [], settings.feed("main"))
    with pytest.raises(NotFoundError):
        pages.remove_episode_page(settings, "../feeds")


def test_rewrite_replaces_and_remove_deletes_the_pages(settings: Settings, sample: Rendered) -> None:
    write(settings, sample)
    sample.episode.title = "A corrected title"
    page = write(settings, sample)
    assert text_of(page.xpath("//h1")[0]) == "A corrected title"
    folder = settings.public_dir / "episodes" / sample.episode.id
    assert sorted(p.name for p in folder.iterdir()) == ["embed.html", "index.html"]  # no temporary files left
    pages.remove_episode_page(settings, sample.episode.id)
    assert not folder.exists()
    pages.remove_episode_page(settings, sample.episode.id)  # already gone: nothing to do
