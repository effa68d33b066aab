"""The whole render graph in-process (the embedded default), with the fast deterministic tone engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import time
import types
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree

import worker
from narrate import pipeline
from narrate.article import Article, Block
from narrate.audio import measure_loudness, probe
from narrate.errors import EngineError
from narrate.settings import Settings
from narrate.store import Status, Store

NS = {"podcast": "https://podcastindex.org/namespace/1.0", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}


def article(url: str | None = "https://news.example.org/2024/water-bill", extra: str = "") -> Article:
    return Article(
        title="Council passes the water bill",
        author="Maria Lopez",
        published=dt.date(2024, 2, 6),
        site="Valley News",
        language="en",
        canonical_url=url,
        blocks=[
            Block("paragraph", "The council voted 7 to 2 on Tuesday. The bill caps use at 40% of the river."),
            Block("heading", "What changes for farms", 2),
            Block("paragraph", "Farms get three years to adapt. Cities pay $2.3 million for meters." + extra),
        ],
    )


def render(settings: Settings, art: Article, **kwargs: str) -> str:
    store = Store(settings.db_url)
    episode = pipeline.submit(settings, store, art, feed="main", source="test", **kwargs)
    try:
        worker.render.delay(episode.id, episode.render_id)
    except Exception:
        pass  # the failure is recorded on the episode; tests assert on it
    return episode.id


def parse_feed(path: Path) -> tuple[dict, feedparser.FeedParserDict, etree._Element]:
    data = path.read_bytes()
    return (
        podcastparser.parse("https://audio.example.org/narrate/feeds/main.xml", io.BytesIO(data)),
        feedparser.parse(data),
        etree.fromstring(data),
    )


def test_render_publishes_mp3_transcript_chapters_and_a_feed_apps_accept(settings: Settings) -> None:
    episode_id = render(settings, article())
    episode = Store(settings.db_url).get(episode_id)
    assert episode.status == Status.PUBLISHED.value, episode.reason
    assert episode.progress == 100

    mp3 = settings.public_dir / episode.audio_path
    info = probe(mp3)
    assert (info.channels, info.sample_rate) == (1, 44100)
    assert abs(info.duration - episode.duration) < 1.0
    loudness = measure_loudness(mp3)
    assert abs(loudness.integrated - -19.0) <= 1.0 and loudness.true_peak <= -1.0

    gpodder, fp, root = parse_feed(settings.public_dir / "feeds/main.xml")
    [entry] = gpodder["episodes"]
    [enclosure] = entry["enclosures"]
    assert enclosure["url"] == f"https://audio.example.org/narrate/{episode.audio_path}"
    assert enclosure["file_size"] == mp3.stat().st_size
    assert enclosure["mime_type"] == "audio/mpeg"
    assert abs(entry["total_time"] - info.duration) <= 1.0
    assert entry["guid"] == episode.guid
    assert entry["title"] == "Council passes the water bill"
    assert entry["published"] == int(dt.datetime(2024, 2, 6, 12, tzinfo=dt.timezone.utc).timestamp())
    assert "https://news.example.org/2024/water-bill" in entry["description"]
    assert "computer-generated voice" in entry["description"]

    [fp_entry] = fp.entries
    assert fp_entry.id == episode.guid
    assert int(fp_entry.enclosures[0].length) == mp3.stat().st_size
    assert abs(int(fp_entry.itunes_duration) - info.duration) <= 1.0

    transcript_url = root.xpath("//item/podcast:transcript/@url", namespaces=NS)[0]
    vtt = (settings.public_dir / transcript_url.removeprefix("https://audio.example.org/narrate/")).read_text()
    assert vtt.startswith("WEBVTT")
    assert "The bill caps use at 40% of the river." in vtt  # captions keep the written form
    chapters_url = root.xpath("//item/podcast:chapters/@url", namespaces=NS)[0]
    chapters = json.loads((settings.public_dir / chapters_url.split("/narrate/", 1)[1]).read_text())
    titles = [c["title"] for c in chapters["chapters"]]
    assert titles == ["Council passes the water bill", "What changes for farms"]
    assert chapters["chapters"][0]["startTime"] == 0
    assert 0 < chapters["chapters"][1]["startTime"] < info.duration
    assert root.xpath("//item/podcast:txt[@purpose='ai-content']/text()", namespaces=NS) == ["true"]


def test_re_adding_an_article_keeps_its_guid_and_one_episode(settings: Settings) -> None:
    first_id = render(settings, article())
    first = Store(settings.db_url).get(first_id)
    edited = article(extra=" Meters arrive in 2025.")
    edited.title = "Council passes the water bill, 7 to 2"
    second_id = render(settings, edited)
    second = Store(settings.db_url).get(second_id)
    assert second.title == edited.title
    assert "Meters arrive in 2025." in (settings.public_dir / second.transcript_path).read_text()
    assert second_id == first_id and second.guid == first.guid
    assert second.status == Status.PUBLISHED.value
    assert second.audio_path != first.audio_path  # new audio under a new name
    assert not (settings.public_dir / first.audio_path).exists()  # the old file is withdrawn
    gpodder, _, _ = parse_feed(settings.public_dir / "feeds/main.xml")
    assert [(e["guid"], e["title"]) for e in gpodder["episodes"]] == [(first.guid, edited.title)]
    assert gpodder["episodes"][0]["enclosures"][0]["file_size"] == second.bytes


def test_sourceless_text_is_identified_by_its_content(settings: Settings) -> None:
    a = render(settings, article(url=None))
    b = render(settings, article(url=None))
    c = render(settings, article(url=None, extra=" A new sentence."))
    assert a == b != c
    assert len(Store(settings.db_url).episodes(feed="main")) == 2


def test_failed_re_render_leaves_the_published_episode_untouched(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode_id = render(settings, article())
    before = Store(settings.db_url).get(episode_id)
    feed_bytes = (settings.public_dir / "feeds/main.xml").read_bytes()

    from narrate.engines.tone import ToneEngine

    def broken(self: object, text: str) -> None:
        raise EngineError("tone: the engine broke")

    monkeypatch.setattr(ToneEngine, "synthesize", broken)
    render(settings, article(extra=" This sentence is new."))
    after = Store(settings.db_url).get(episode_id)
    assert after.status == Status.FAILED.value
    assert after.reason == "tone: the engine broke"
    assert after.audio_path == before.audio_path
    assert after.description == before.description  # listeners still see the notes of the audio they hear
    assert (settings.public_dir / before.audio_path).stat().st_size == before.bytes
    assert (settings.public_dir / "feeds/main.xml").read_bytes() == feed_bytes


def test_mp3_carries_tags_cover_and_chapters(settings: Settings) -> None:
    from mutagen.id3 import ID3

    episode = Store(settings.db_url).get(render(settings, article()))
    tags = ID3(settings.public_dir / episode.audio_path)
    assert str(tags["TIT2"]) == "Council passes the water bill"
    assert str(tags["TPE1"]) == "Maria Lopez"
    assert str(tags["TALB"]) == "Narrate"  # the feed's title
    [cover] = tags.getall("APIC")
    assert cover.type == 3 and cover.data.startswith(b"\x89PNG")
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == ["Council passes the water bill", "What changes for farms"]
    published = json.loads((settings.public_dir / episode.chapters_path).read_text())["chapters"]
    assert chapters[1].start_time == round(published[1]["startTime"] * 1000)
    assert chapters[-1].end_time == pytest.approx(episode.duration * 1000, abs=2)


def test_feed_intro_and_outro_music_play_around_the_speech(settings: Settings, tmp_path: Path) -> None:
    import subprocess

    import imageio_ffmpeg

    jingle = tmp_path / "jingle.wav"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=frequency=660:duration=3",
         "-ac", "1", str(jingle)],
        check=True,
    )
    plain = Store(settings.db_url).get(render(settings, article(url="https://news.example.org/plain")))

    settings.feeds["main"] = dataclasses.replace(settings.feed("main"), intro_audio=str(jingle), outro_audio=str(jingle))
    settings.save_feeds()
    with_music = Store(settings.db_url).get(render(Settings.load(), article(url="https://news.example.org/music")))
    assert with_music.status == Status.PUBLISHED.value, with_music.reason
    assert with_music.duration - plain.duration == pytest.approx(6.0, abs=1.5)  # two 3 s jingles plus short gaps
    first_cue = (settings.public_dir / with_music.transcript_path).read_text().split("\n\n")[1]
    assert first_cue.startswith("00:00:03.")  # speech starts after the jingle


def test_rerender_keeps_the_guid_and_unpublish_removes_everything(settings: Settings) -> None:
    store = Store(settings.db_url)
    episode = store.get(render(settings, article()))
    again = pipeline.rerender(settings, store, episode.id)
    assert (again.id, again.guid, again.status) == (episode.id, episode.guid, Status.QUEUED.value)
    assert again.render_id != episode.render_id
    worker.render.delay(again.id, again.render_id)
    assert store.get(episode.id).status == Status.PUBLISHED.value

    published = store.get(episode.id)
    files = [settings.public_dir / p for p in (published.audio_path, published.transcript_path, published.chapters_path)]
    assert all(f.exists() for f in files)
    pipeline.unpublish(settings, store, episode.id)
    assert not any(f.exists() for f in files)
    assert store.episodes(feed="main") == []
    gpodder, _, _ = parse_feed(settings.public_dir / "feeds/main.xml")
    assert gpodder["episodes"] == []


def test_a_feed_can_list_only_its_newest_episodes_and_keep_the_rest(settings: Settings) -> None:
    settings.feeds["main"] = dataclasses.replace(settings.feed("main"), max_episodes=1)
    settings.save_feeds()
    old = article(url="https://news.example.org/older")
    old.published = dt.date(2023, 1, 1)
    render(Settings.load(), old)
    newest = Store(settings.db_url).get(render(Settings.load(), article()))
    gpodder, _, _ = parse_feed(settings.public_dir / "feeds/main.xml")
    assert [e["guid"] for e in gpodder["episodes"]] == [newest.guid]
    assert len(Store(settings.db_url).episodes(feed="main", status=Status.PUBLISHED)) == 2  # the older one is kept


def test_assembly_progress_is_written_as_it_moves_not_for_every_report(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each stitched part and each of ffmpeg's progress lines reports: an UPDATE for each would be 40-odd for an
    # article, all but a few of them writing the value already there.
    written: list[object] = []
    change = Store.change

    def recording(self: Store, episode_id: str, render_id: str | None = None, /, **values: object) -> bool:
        if set(values) == {"phase_progress"}:
            written.append(values["phase_progress"])
        return change(self, episode_id, render_id, **values)

    monkeypatch.setattr(Store, "change", recording)
    long = dataclasses.replace(article(), blocks=[Block("paragraph", f"Paragraph {n} of the report.") for n in range(30)])
    episode = Store(settings.db_url).get(render(settings, long))
    assert episode.status == Status.PUBLISHED.value and episode.segments_total >= 30
    assert written == sorted(set(written)) and written[-1] == 9  # each value once, in order, up to the end


def test_assembly_progress_that_stands_still_is_written_again_before_the_reaper_would_call_it_stalled() -> None:
    from narrate.finishing import RenderContext

    class Recorder:
        def __init__(self) -> None:
            self.values: list[object] = []

        def change(self, episode_id: str, render_id: str, /, **values: object) -> bool:
            self.values.append(values["phase_progress"])
            return True

    store = Recorder()
    fields = {f.name: None for f in dataclasses.fields(RenderContext)}
    episode = types.SimpleNamespace(id="e")
    context = RenderContext(**{**fields, "settings": Settings(stale_after=0.2), "store": store, "episode": episode})
    report = context.progress()
    report(0.5)
    report(0.52)  # the same ninth, at once: not written
    assert store.values == [4]
    time.sleep(0.06)  # past a quarter of the stall limit
    report(0.53)
    assert store.values == [4, 4]
