"""An article longer than NARRATE_MAX_ARTICLE_CHARS is refused with its length, the cap and how to raise it, before
anything is recorded: one huge text must not hold the renderer for minutes while short articles wait."""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import httpx
import pytest

from narrate.cli import main
from narrate.settings import Settings
from narrate.store import Store
from narrate.web.tokens import create_token
from tests.hostile.checks import episode_rows, snapshot
from tests.web.conftest import Start

WORDS = "council budget roads members asked about river bridge school library park water housing transit city".split()


def article(paragraphs: int, seed: int = 1) -> str:
    """A title and ``paragraphs`` different paragraphs of about 420 characters (repeated ones would be dropped)."""
    chooser = random.Random(seed)
    body = (" ".join(chooser.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(paragraphs))
    return "The long report\n\n" + "\n\n".join(body) + "\n"


def add_stdin(text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code = main(["add", "-", "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def test_over_the_cap_is_refused_with_the_length_and_nothing_changes(
    seeded_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NARRATE_MAX_ARTICLE_CHARS", "2000")
    store = Store(Settings.load().db_url)
    public, rows = snapshot(seeded_home / "public"), episode_rows(store)
    for paragraphs in (6, 40):
        code, out, err = add_stdin(article(paragraphs), monkeypatch, capsys)
        assert code == 4 and out == "", err
        assert err.startswith("narrate: error: article too long: ") and err.count("\n") == 1, err
        length = int(err.split("article too long: ")[1].split(" characters")[0].replace(",", ""))
        assert length > 2000 and length >= paragraphs * 400
        assert "more than the limit of 2,000; split it, or raise NARRATE_MAX_ARTICLE_CHARS" in err
        assert f"about {length // 880:,} minutes of audio" in err
    assert snapshot(seeded_home / "public") == public
    assert episode_rows(store) == rows
    assert snapshot(seeded_home / "work") == {}


def test_up_to_the_cap_is_published(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = article(4)
    from narrate.extract import extract_text

    length = len(extract_text(text).body_text)
    monkeypatch.setenv("NARRATE_MAX_ARTICLE_CHARS", str(length))
    code, out, err = add_stdin(text, monkeypatch, capsys)
    assert code == 0, err
    assert json.loads(out)["status"] == "published"
    monkeypatch.setenv("NARRATE_MAX_ARTICLE_CHARS", str(length - 1))
    code, _, err = add_stdin(text, monkeypatch, capsys)  # one character over: refused, the episode stays published
    assert code == 4 and f"article too long: {length:,} characters" in err and f"limit of {length - 1:,}" in err, err
    assert [row[1] for row in episode_rows(Store(Settings.load().db_url))] == ["published"]


def test_the_default_cap_refuses_a_text_of_megabytes_and_takes_a_long_article(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert Settings.load().max_article_chars == 100_000  # nearly two hours of the bundled voice
    huge = article(11_000)  # 4.6 MB, the size the issue reported, all different paragraphs
    code, _, err = add_stdin(huge, monkeypatch, capsys)
    assert code == 4, err
    assert "more than the limit of 100,000" in err and "about 5," in err  # over five thousand minutes
    assert episode_rows(Store(Settings.load().db_url)) == []


def test_a_cap_that_is_not_a_number_is_a_configuration_error(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NARRATE_MAX_ARTICLE_CHARS", "lots")
    code, _, err = add_stdin(article(2), monkeypatch, capsys)
    assert code == 3 and "max_article_chars must be a number, got 'lots'" in err, err


def test_over_http_a_long_article_is_a_422_with_the_reason(start_service: Start) -> None:
    running = start_service(max_article_chars="3000")
    headers = {"Authorization": f"Bearer {create_token(running.store, 'desk')}"}
    markdown = "# The long report\n\n" + article(12).split("\n\n", 1)[1]
    html = "<html><body><article><h1>The long report</h1>" + "".join(
        f"<p>{p}</p>" for p in article(12, seed=3).split("\n\n")[1:]
    ) + "</article></body></html>"
    with httpx.Client(base_url=running.url, timeout=30) as client:
        for body in ({"text": article(12)}, {"markdown": markdown}, {"html": html}):
            answer = client.post("/api/articles", json=body, headers=headers)
            assert answer.status_code == 422, answer.text
            reason = json.dumps(answer.json())
            assert "article too long: " in reason and "limit of 3,000" in reason, reason
            assert "NARRATE_MAX_ARTICLE_CHARS" in reason
        short = client.post("/api/articles", json={"text": article(3)}, headers=headers)
        assert short.status_code == 202, short.text
    assert [row[0] for row in episode_rows(running.store)] == [short.json()["id"]]
