"""What a render will speak, decided before the episode is recorded (narrate add's segments spoken ahead), is what
the render then asks for: the same segments under the same cache keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrate import pipeline
from narrate.extract import extract, read_source
from narrate.settings import Settings
from narrate.store import Store
from narrate.voicing import engine_choice, segment_jobs

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "source",
    [
        ROOT / "examples" / "example-article.txt",
        *sorted((ROOT / "tests" / "corpus").glob("*.html"))[:4],
    ],
    ids=lambda path: path.name,
)
def test_the_segments_decided_ahead_are_the_ones_the_render_plans(source: Path, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, engine="piper", base_url="https://audio.example.org")
    settings.make_home()
    (tmp_path / "lexicons").mkdir(exist_ok=True)
    article = extract(read_source(str(source), settings))
    engine, voice = engine_choice(settings, settings.feed("main"), "", "", article.language or "")
    _, ahead = segment_jobs(settings, article, "main", engine, voice)

    store = Store(settings.db_url, settings.public_dir)
    episode = pipeline.submit(settings, store, article, feed="main", source=str(source))
    planned = pipeline.plan(settings, store, episode.id, episode.render_id)

    assert len(planned) >= 3
    assert [job.key for job in ahead] == [job.key for job in planned]
    assert [job.text for job in ahead] == [job.text for job in planned]
