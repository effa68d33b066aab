"""Text in a language the voice cannot speak is refused, before anything is recorded or synthesised.

The language comes from the text itself when the page declares none (or declares a Latin-script language over text
in another script). Every text here was written for these tests: a few sentences, no declared language.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from narrate import pipeline
from narrate.cli import main
from narrate.errors import ConfigError
from narrate.extract import extract_text
from narrate.extract.language import article_language, detect_language
from narrate.settings import Settings
from narrate.store import Store
from tests.hostile.checks import episode_rows, snapshot
from tests.web.conftest import Start

ROOT = Path(__file__).resolve().parents[2]
ADVICE = ("[voices] in narrate.toml", "NARRATE_FALLBACK_VOICE")

TEXTS = {
    "zh": "图书馆的新规定\n\n从下个月开始，市图书馆将在周日开放。馆长说，读者一直希望能有更长的开放时间。"
    "市政府为此新招聘了四名图书管理员，并延长了晚间的服务。",
    "ar": "ساعات جديدة للمكتبة\n\nابتداءً من الشهر المقبل ستفتح مكتبة المدينة أبوابها يوم الأحد. "
    "وقالت المديرة إن القراء طالبوا بساعات أطول منذ سنوات. وقد عينت البلدية أربعة أمناء مكتبات جدد لهذا الغرض.",
    "ru": "Библиотека будет работать дольше\n\nСо следующего месяца городская библиотека откроется "
    "и по воскресеньям. Директор сказала, что читатели давно просили продлить часы работы. "
    "Город нанял четырёх новых библиотекарей.",
    "el": "Η βιβλιοθήκη ανοίγει περισσότερες ώρες\n\nΑπό τον επόμενο μήνα η δημοτική βιβλιοθήκη θα ανοίγει και τις "
    "Κυριακές. Η διευθύντρια είπε ότι οι αναγνώστες ζητούσαν εδώ και καιρό μεγαλύτερο ωράριο. Ο δήμος προσέλαβε "
    "τέσσερις νέους βιβλιοθηκονόμους.",
    "hi": "पुस्तकालय के नए समय\n\nअगले महीने से शहर का पुस्तकालय रविवार को भी खुलेगा। "
    "निदेशक ने कहा कि पाठक लंबे समय से अधिक घंटों की मांग कर रहे थे। "
    "नगर निगम ने इसके लिए चार नए पुस्तकालयाध्यक्ष नियुक्त किए हैं।",
    "de": "Die Bibliothek öffnet länger\n\nAb dem nächsten Monat ist die Stadtbibliothek auch sonntags geöffnet. Die "
    "Leiterin sagte, die Leser hätten sich schon lange längere Öffnungszeiten gewünscht. Die Stadt hat dafür vier "
    "neue Bibliothekare eingestellt.",
    "fr": "La bibliothèque ouvre plus longtemps\n\nDès le mois prochain, la bibliothèque municipale ouvrira aussi le "
    "dimanche. La directrice a expliqué que les lecteurs réclamaient depuis longtemps des horaires plus larges. La "
    "ville a recruté quatre nouveaux bibliothécaires.",
    "es": "La biblioteca abre más horas\n\nA partir del próximo mes, la biblioteca municipal abrirá también los "
    "domingos. La directora explicó que los lectores pedían desde hace tiempo un horario más amplio. El "
    "ayuntamiento ha contratado a cuatro nuevos bibliotecarios.",
}
ENGLISH = (
    "Library hours grow\n\nFrom next month the city library will open on Sundays. The director said readers had "
    "asked for longer hours for years. The city hired four new librarians to make it possible.\n"
)


@pytest.fixture
def piper_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default engine and voice (Piper, English joe): the refusal comes before any voice is loaded."""
    monkeypatch.setenv("NARRATE_ENGINE", "piper")
    return home


def add_stdin(text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code = main(["add", "-", "--json"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_language_is_read_from_the_text(language: str) -> None:
    assert detect_language(TEXTS[language]) == language
    assert extract_text(TEXTS[language]).language == language


def test_english_and_texts_too_short_to_tell_are_not_given_another_language() -> None:
    assert extract_text(ENGLISH).language == "en"
    for unsure in ("Rain returns to the valley", "Senator Baker met with farmers in Ohio.", "12,400 - 2024", "NASA"):
        assert detect_language(unsure) in (None, "en"), unsure
    # One sentence in another script is never English, however unsure the identifier is between its neighbours.
    assert detect_language("Совет утвердил бюджет.") not in (None, "en")
    assert detect_language("议会批准了预算。") not in (None, "en")


def test_a_declaration_stands_unless_the_text_is_in_another_script() -> None:
    # Many site templates say lang="en" whatever the article is in: Cyrillic, Arabic or Han letters say otherwise.
    assert article_language("en", TEXTS["ru"]) == "ru"
    assert article_language("en", TEXTS["ar"]) == "ar"
    assert article_language("de", TEXTS["zh"]) == "zh"
    # Within one script the page's word stands (the identifier can confuse neighbours); so does a right declaration.
    assert article_language("en", TEXTS["fr"]) == "en"
    assert article_language("sr", TEXTS["ru"]) == "sr"
    assert article_language("uk", TEXTS["ru"]) == "uk"
    assert article_language("ru", TEXTS["ru"]) == "ru"
    # An English article quoting a line of Russian is still English.
    assert article_language("en", ENGLISH + "\nThe sign read: «Библиотека открыта».") == "en"


def test_a_page_that_declares_english_over_russian_text_is_refused(
    piper_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    title, body = TEXTS["ru"].split("\n\n")
    page = tmp_path / "page.html"
    page.write_text(f'<html lang="en-US"><head><title>{title}</title></head><body><article><h1>{title}</h1>'
                    f"<p>{body}</p></article></body></html>", encoding="utf-8")
    code = main(["add", str(page)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "no piper voice for language 'ru'" in err and all(advice in err for advice in ADVICE), err


@pytest.mark.parametrize("language", ["zh", "ar", "ru", "el", "hi", "de", "fr", "es"])
def test_without_a_voice_for_its_language_an_article_is_refused_and_nothing_is_kept(
    language: str, piper_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(Settings.load().db_url)
    code, out, err = add_stdin(TEXTS[language], monkeypatch, capsys)
    assert code == 3, err
    assert out == ""
    assert err.startswith(f"narrate: error: no piper voice for language '{language}': ") and err.count("\n") == 1, err
    assert all(advice in err for advice in ADVICE), err
    assert f'({language} = "/path/to/voice.onnx")' in err
    assert episode_rows(store) == []
    assert snapshot(piper_home / "public") == {} and snapshot(piper_home / "cache") == {}


def test_a_voice_configured_for_the_language_is_the_one_chosen(
    piper_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The configured voice is chosen: check_engine then looks for its file, which proves the choice.
    monkeypatch.setenv("NARRATE_VOICES", "ru=/voices/ru_RU-denis-medium.onnx,el=/voices/el_GR-rapunzelina.onnx")
    code, _, err = add_stdin(TEXTS["ru"], monkeypatch, capsys)
    assert code == 3 and "cannot read voice file /voices/ru_RU-denis-medium.onnx" in err, err
    code, _, err = add_stdin(TEXTS["el"], monkeypatch, capsys)
    assert code == 3 and "cannot read voice file /voices/el_GR-rapunzelina.onnx" in err, err
    # A language with none configured is still refused with the advice.
    code, _, err = add_stdin(TEXTS["hi"], monkeypatch, capsys)
    assert code == 3 and "no piper voice for language 'hi'" in err, err


def test_a_piper_voice_says_which_language_it_speaks(settings: Settings, tmp_path: Path) -> None:
    german = tmp_path / "de_DE-test.onnx"
    german.write_bytes(b"not read for the choice")
    Path(f"{german}.json").write_text(json.dumps({"language": {"code": "de_DE", "family": "de"}}), encoding="utf-8")
    settings.engine = "piper"
    feed = settings.feed("main")
    # The operator's own voice (NARRATE_VOICE) reads its language, and nothing else.
    settings.voice = str(german)
    assert pipeline.engine_choice(settings, feed, language="de") == ("piper", "")
    with pytest.raises(ConfigError, match="no piper voice for language 'fr'"):
        pipeline.engine_choice(settings, feed, language="fr")
    # A feed's voice reads its own language; an article in another goes to the voice configured for it.
    settings.voice = ""
    feed.voice = str(german)
    settings.voices["es"] = "/voices/es.onnx"
    assert pipeline.engine_choice(settings, feed, language="de") == ("piper", str(german))
    assert pipeline.engine_choice(settings, feed, language="es") == ("piper", "/voices/es.onnx")
    # English goes to the bundled voice (its .onnx.json says en); French has no voice at all.
    assert pipeline.engine_choice(settings, feed, language="en") == ("piper", "")
    with pytest.raises(ConfigError, match="no piper voice for language 'fr'"):
        pipeline.engine_choice(settings, feed, language="fr")
    # The fallback voice takes the rest; a voice whose config cannot be read is taken on trust.
    settings.fallback_voice = "default"
    assert pipeline.engine_choice(settings, feed, language="fr") == ("piper", "")
    feed.voice = "/voices/unknown.onnx"
    assert pipeline.engine_choice(settings, feed, language="zh") == ("piper", "/voices/unknown.onnx")


def test_over_http_an_article_without_a_voice_is_a_422_with_the_advice(start_service: Start) -> None:
    running = start_service(engine="piper")
    from narrate.web.tokens import create_token

    headers = {"Authorization": f"Bearer {create_token(running.store, 'desk')}"}
    with httpx.Client(base_url=running.url, timeout=30) as client:
        for language in ("zh", "ar", "de"):
            answer = client.post("/api/articles", json={"text": TEXTS[language]}, headers=headers)
            assert answer.status_code == 422, answer.text
            reason = json.dumps(answer.json())
            assert f"no piper voice for language '{language}'" in reason and all(a in reason for a in ADVICE), reason
        html = f'<html lang="en"><body><article><p>{TEXTS["ru"]}</p></article></body></html>'
        answer = client.post("/api/articles", json={"html": html}, headers=headers)
        assert answer.status_code == 422 and "language 'ru'" in answer.text, answer.text
    assert episode_rows(running.store) == []


@pytest.mark.slow
def test_english_is_still_read_by_the_bundled_voice(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(tmp_path / "home"), NARRATE_BASE_URL="https://audio.example.org")
    done = subprocess.run([sys.executable, "-m", "narrate.cli", "add", "-", "--json"], input=ENGLISH, env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    episode = json.loads(done.stdout)
    assert episode["status"] == "published" and episode["title"] == "Library hours grow"
    assert Path(episode["audio_path"]).read_bytes()[:3] == b"ID3"
    transcript = Path(episode["transcript_path"]).read_text(encoding="utf-8")
    assert "four new librarians" in transcript
    # A Russian text in the same home is refused with exit 3 and one clean line, and the English episode stays.
    done = subprocess.run([sys.executable, "-m", "narrate.cli", "add", "-"], input=TEXTS["ru"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "no piper voice for language 'ru'" in done.stderr
    feed = (tmp_path / "home" / "public" / "feeds" / "main.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 1 and "Library hours grow" in feed
