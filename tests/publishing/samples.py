"""Episodes, scripts and cue times for the page tests, made without rendering any audio."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from narrate.article import Article, Block, article_to_dict
from narrate.script import Script, ScriptOptions, build_script
from narrate.store import Episode

HOSTILE_TITLE = 'Fees </title><script>alert("x")</script> & "quotes" ]]> rise'


def sample_article(title: str = "Council passes the water bill", language: str = "en") -> Article:
    return Article(
        title=title,
        author="Maria Lopez",
        published=dt.date(2024, 2, 6),
        site="Valley News",
        language=language,
        canonical_url="https://news.example.org/2024/water-bill",
        blocks=[
            Block("paragraph", "The council voted 7 to 2 on Tuesday. The bill caps use at 40% of the river."),
            Block("heading", "What changes for farms", 2),
            Block("paragraph", "Farms get three years to adapt."),
            Block("list_item", "Meters in every field."),
            Block("list_item", "A fund for drip irrigation."),
            Block("heading", "Who pays", 3),
            Block("quote", "We all pay for water we waste. That has to stop."),
            Block("paragraph", "Cities pay $2.3 million for meters."),
        ],
    )


@dataclass
class Rendered:
    """What the pipeline hands to write_episode_page, with made-up but ordered times."""

    episode: Episode
    script: Script
    cues: list[tuple[float, float]]
    chapters: list[tuple[float, str]]


def rendered(
    article: Article, episode_id: str = "ab12cd34ef56", duration: float = 185.0, max_chars: int = 400
) -> Rendered:
    script = build_script(article, ScriptOptions(language=article.language or "en", max_chars=max_chars))
    cues = [(round(2.5 * i, 2), round(2.5 * i + 2.0, 2)) for i in range(len(script.segments))]
    chapters = [(0.0 if n == 0 else cues[i][0], title) for n, (i, title) in enumerate(script.chapters())]
    episode = Episode(
        id=episode_id,
        guid=f"guid-{episode_id}",
        feed="main",
        source_key=article.canonical_url or "sha256:x",
        article_json=json.dumps(article_to_dict(article)),
        title=article.title,
        author=article.author,
        site=article.site,
        language=article.language or "en",
        link=article.canonical_url,
        published=article.published,
        description="The council voted on Tuesday.\n\nThis audio version is read by a computer-generated voice.",
        status="published",
        rev="r1",
        audio_path=f"audio/main/{episode_id}-r1.mp3",
        transcript_path=f"transcripts/main/{episode_id}-r1.vtt",
        chapters_path=f"chapters/main/{episode_id}-r1.json",
        bytes=1_480_000,
        duration=duration,
    )
    return Rendered(episode, script, cues, chapters)
