"""The per-feed lexicon, the pre-flight check and the voice per language, as staff meet them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from narrate import pipeline
from narrate.article import Article, Block
from narrate.errors import ConfigError
from narrate.script.check import preflight
from narrate.script.lexicon import feed_lexicon, lexicon_path, read_lexicon, write_lexicon
from narrate.settings import Settings

COPIED_NEWS = """\
Skip to main content

Senator Dick Durbin said on Tuesday that the United States would press North Korea to return to talks.

President Donald Trump met the envoy in the morning, and the two spoke for an hour about the border.

Durbin, who chairs the committee, asked for a hearing before the end of the month.
"""


def article(*paragraphs: str, language: str = "en") -> Article:
    return Article(
        title="A visit to the capital",
        author="Ada Moss",
        published=dt.date(2024, 5, 2),
        language=language,
        blocks=[Block("paragraph", p) for p in paragraphs],
    )


def body_texts(settings: Settings, art: Article) -> list[str]:
    return [s.text for s in pipeline.make_script(settings, art, "main").segments if s.kind == "body"]


def test_a_lexicon_entry_changes_the_script(settings: Settings) -> None:
    art = article("Chinua Okonkwo met FCNL staff in Pyongyang.")
    assert body_texts(settings, art) == ["Chinua Okonkwo met F C N L staff in Pyongyang."]
    write_lexicon(settings.home, "main", {"Okonkwo": "oh KONG kwoh", "Pyongyang": "pyong yang", "FCNL": "friends"})
    assert body_texts(settings, art) == ["Chinua oh KONG kwoh met friends staff in pyong yang."]
    assert body_texts(settings, article("A different okonkwo stays.")) == ["A different okonkwo stays."]  # case-aware


def test_the_lexicon_file_is_a_two_column_csv(settings: Settings) -> None:
    path = write_lexicon(settings.home, "main", {"St. Olaf": "Saint OH-laf", "Nguyen": "win"})
    assert path == lexicon_path(settings.home, "main")
    assert path.read_text().splitlines() == ["word,say", "Nguyen,win", "St. Olaf,Saint OH-laf"]
    assert read_lexicon(settings.home, "main") == {"Nguyen": "win", "St. Olaf": "Saint OH-laf"}
    assert feed_lexicon(settings.home, "main")["FCNL"] == "F C N L"  # built-in entries stay underneath
    path.write_text("word,say\nbroken\n")
    with pytest.raises(ConfigError, match="line 2: expected two columns"):
        read_lexicon(settings.home, "main")


def test_check_flags_unknown_acronyms_rare_names_and_mixed_scripts(settings: Settings) -> None:
    art = article(
        "The WRTC report named Chinua Okonkwo as its author.",
        "The FBI and the city council agreed.",
        "Officials in Pyongуang declined to comment.",  # a Cyrillic "у" inside a Latin word
    )
    script = pipeline.make_script(settings, art, "main")
    findings = {(f.kind, f.word) for f in preflight(script, feed_lexicon(settings.home, "main"))}
    assert findings == {
        ("acronym", "WRTC"), ("name", "Chinua"), ("name", "Okonkwo"), ("mixed-script", "Pyongуang")
    }
    [okonkwo] = [f for f in preflight(script, {}) if f.word == "Okonkwo"]
    segment, offset = okonkwo.places[0]
    assert script.segments[segment].caption[offset:].startswith("Okonkwo")
    write_lexicon(settings.home, "main", {"WRTC": "W R T C", "Okonkwo": "oh KONG kwoh", "Chinua": "CHIN wah"})
    after = {f.word for f in preflight(script, feed_lexicon(settings.home, "main"))}
    assert after == {"Pyongуang"}


def test_check_is_quiet_on_plain_text(settings: Settings) -> None:
    art = article("The river rose two feet overnight. Farmers moved their animals to higher ground.",
                  "By morning the water had started to fall, and the roads opened again.")
    assert preflight(pipeline.make_script(settings, art, "main"), feed_lexicon(settings.home, "main")) == []


def test_check_flags_the_rare_name_in_copied_news_text(settings: Settings, tmp_path: Path) -> None:
    from narrate.extract import extract, read_source

    pasted = tmp_path / "pasted.txt"
    pasted.write_text(COPIED_NEWS)
    script = pipeline.make_script(settings, extract(read_source(str(pasted), settings)), "main")
    words = {f.word for f in preflight(script, feed_lexicon(settings.home, "main"))}
    assert "Durbin" in words
    assert not words & {"Donald", "Trump", "Korea", "United", "States"}


def test_an_article_in_a_language_without_a_voice_is_refused(settings: Settings) -> None:
    german = article("Der Rat tagt am Montag.", language="de")
    feed = settings.feed("main")
    with pytest.raises(ConfigError, match="no piper voice for language 'de'.*NARRATE_FALLBACK_VOICE"):
        pipeline.engine_choice(settings, feed, "piper", "", "de")
    settings.voices["de"] = "/voices/de_DE-thorsten-medium.onnx"
    assert pipeline.engine_choice(settings, feed, "piper", "", "de") == ("piper", settings.voices["de"])
    settings.voices.clear()
    settings.fallback_voice = "default"
    assert pipeline.engine_choice(settings, feed, "piper", "", "de") == ("piper", "")
    assert pipeline.engine_choice(settings, feed, "piper", "", "en-US") == ("piper", "")
    assert pipeline.engine_choice(settings, feed, "gtts", "", "de") == ("gtts", "de")
    assert [s.text for s in pipeline.make_script(settings, german, "main").segments if s.kind == "body"] == [
        "Der Rat tagt am Montag."
    ]


def test_voices_come_from_the_config_file_and_the_environment(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "narrate.toml").write_text('[voices]\nde = "/v/de.onnx"\n')
    monkeypatch.setenv("NARRATE_VOICES", "fr=/v/fr.onnx, es=/v/es.onnx")
    assert Settings.load().voices == {"de": "/v/de.onnx", "fr": "/v/fr.onnx", "es": "/v/es.onnx"}
