"""`narrate stats import LOGFILE` on real log files written here, and `narrate stats` reading the figures back."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from narrate.cli import main
from narrate.settings import Settings
from narrate.stats.accesslog import parse_line
from narrate.store import Episode, Status, Store
from narrate.store.models import Download, LogImport

APPLE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
SIZE = 960_000
AUDIO = "/narrate/audio/main/ep1-r1.mp3"  # NARRATE_BASE_URL is https://audio.example.org/narrate
LISTENER, OTHER = "198.51.100.23", "203.0.113.250"


def line(address: str, when: str, target: str, status: int, sent: int | str, agent: str | None,
         method: str = "GET") -> str:  # fmt: skip
    common = f'{address} - - [{when}] "{method} {target} HTTP/1.1" {status} {sent}'
    return common + ("\n" if agent is None else f' "https://example.org/" "{agent}"\n')


LOG = [
    line(LISTENER, "02/Mar/2026:09:30:00 +0000", AUDIO, 206, 2, APPLE),  # the probe
    line(LISTENER, "02/Mar/2026:09:30:02 +0000", AUDIO, 206, 499_998, APPLE),
    line(LISTENER, "02/Mar/2026:09:41:00 +0000", AUDIO, 206, 460_000, APPLE),
    line(LISTENER, "03/Mar/2026:00:30:00 +0100", AUDIO, 200, SIZE, APPLE),  # 23:30 UTC: still the same day
    line(LISTENER, "02/Mar/2026:10:00:00 +0000", AUDIO, 200, SIZE, BROWSER),  # another user agent
    line(LISTENER, "02/Mar/2026:10:05:00 +0000", AUDIO, 200, SIZE, BOT),
    line(LISTENER, "02/Mar/2026:10:06:00 +0000", AUDIO, 200, 0, BROWSER, method="HEAD"),
    line(LISTENER, "02/Mar/2026:10:07:00 +0000", AUDIO, 304, "-", BROWSER),
    line(LISTENER, "02/Mar/2026:10:08:00 +0000", "/narrate/audio/main/gone-r1.mp3", 404, 153, BROWSER),
    line(LISTENER, "02/Mar/2026:10:09:00 +0000", "/narrate/episodes/ep1/", 200, 5120, BROWSER),  # the page
    line(OTHER, "02/Mar/2026:11:00:00 +0000", "/audio/main/ep1-r1.mp3?src=rss", 200, SIZE, None),  # common format
    "this line is not a request\n",
    line(LISTENER, "03/Mar/2026:10:30:00 +0000", AUDIO, 200, SIZE, APPLE),  # 25 hours later
]


@pytest.fixture
def store(settings: Settings) -> Store:
    store = Store(settings.db_url, settings.public_dir)
    for id in ("ep1", "ep2"):
        store.save(
            Episode(
                id=id,
                guid=f"guid-{id}",
                feed="main",
                source_key=f"https://example.org/{id}",
                title=f"Episode {id}",
                status=Status.PUBLISHED.value,
                audio_path=f"audio/main/{id}-r1.mp3",
                bytes=SIZE,
                duration=120.0,
            )
        )
    return store


def narrate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def figures(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, object]]:
    code, out, _ = narrate(capsys, "stats", "--json", *args)
    assert code == 0
    return {episode["id"]: episode for episode in json.loads(out)}


def test_a_log_counts_listeners_once_a_day_and_leaves_bots_pages_and_failures_out(
    store: Store, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "access.log"
    log.write_text("".join(LOG))
    code, out, err = narrate(capsys, "stats", "import", str(log))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        (
            f"{log}: 13 lines read; 8 for episodes' audio, 1 of them from bots (left out); "
            "4 downloads counted (2026-03-02 to 2026-03-03)"
        ),
        f"{log}: 1 line(s) not in the common or combined log format were skipped",
    ]
    expected = {
        "id": "ep1", "title": "Episode ep1", "feed": "main", "downloads": 4,
        "per_day": [{"date": "2026-03-02", "downloads": 3}, {"date": "2026-03-03", "downloads": 1}],
    }  # fmt: skip
    assert figures(capsys)["ep1"] == expected
    assert figures(capsys)["ep2"]["downloads"] == 0
    with store.session() as session:  # each counted at the request that made it a minute of audio
        counted = session.scalars(select(Download.counted_at).where(Download.day == dt.date(2026, 3, 2))).all()
    assert sorted(when.strftime("%H:%M:%S") for when in counted) == ["09:30:02", "10:00:00", "11:00:00"]

    # The same log again, under another name and compressed: nothing counts twice.
    assert narrate(capsys, "stats", "import", str(log))[1] == f"{log}: already imported; nothing new\n"
    packed = tmp_path / "access.log.1.gz"
    packed.write_bytes(gzip.compress(log.read_bytes()))
    assert narrate(capsys, "stats", "import", str(packed))[1] == f"{packed}: already imported; nothing new\n"
    assert figures(capsys)["ep1"] == expected

    # The log grew: only its new lines count.
    with log.open("a") as more:
        more.write(line(OTHER, "04/Mar/2026:08:00:00 +0000", "/narrate/audio/main/ep2-r1.mp3", 200, SIZE, APPLE))
        more.write(line(LISTENER, "04/Mar/2026:08:00:00 +0000", AUDIO, 206, 100, APPLE))  # not yet a minute
        more.write(line(LISTENER, "04/Mar/2026:08:01:00 +0000", AUDIO, 206, 20, APPLE)[:-1])  # half-written
    code, out, _ = narrate(capsys, "stats", "import", str(log))
    assert out == (
        f"{log}: 2 lines read (the start was imported before); 2 for episodes' audio, 0 of them from bots "
        "(left out); 1 download counted (2026-03-04)\n"
    )
    assert figures(capsys)["ep2"]["per_day"] == [{"date": "2026-03-04", "downloads": 1}]
    assert figures(capsys)["ep1"] == expected

    code, out, _ = narrate(capsys, "stats")
    assert out.splitlines() == [
        "5 downloads in all", "        4  ep1  main       Episode ep1", "        1  ep2  main       Episode ep2",
        "per day:", "  2026-03-02        3", "  2026-03-03        1", "  2026-03-04        1",
    ]  # fmt: skip
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(LogImport)) == 2
    dump = "\n".join(sqlite3.connect(str(make_url(settings.db_url).database)).iterdump())
    assert LISTENER not in dump and OTHER not in dump and "198.51.100" not in dump


def test_a_file_that_is_no_access_log_is_refused_and_nothing_is_recorded(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Dear diary,\nno requests here.\n")
    assert narrate(capsys, "stats", "import", str(notes)) == (
        4, "", f"narrate: error: {notes}: no line is in the common or combined log format\n"
    )  # fmt: skip
    missing = tmp_path / "missing.log"
    assert narrate(capsys, "stats", "import", str(missing)) == (
        4, "", f"narrate: error: {missing}: No such file or directory\n"
    )  # fmt: skip
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(LogImport)) == 0
    # Then the real log is still imported whole.
    log = tmp_path / "access.log"
    log.write_text("".join(LOG))
    assert narrate(capsys, "stats", "import", str(log))[0] == 0
    assert figures(capsys)["ep1"]["downloads"] == 4


def test_stats_options_are_checked(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["stats", "--days", "0"])
    assert exit.value.code == 2 and "expected a number of days, 1 or more, got '0'" in capsys.readouterr().err
    code, out, err = narrate(capsys, "stats", "--feed", "nope")
    assert (code, out) == (3, "") and err.startswith("narrate: error: unknown feed 'nope'")
    code, out, _ = narrate(capsys, "stats", "--days", "7")
    assert code == 0 and out.startswith("0 downloads in the last 7 days (")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('::1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a%20b.mp3 HTTP/1.0" 200 2326',
         ("::1", "2000-10-10 20:55:36+00:00", "GET", "a b.mp3", "200", 2326, "")),
        (('10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /narrate/audio/x-1.mp3?a=1 HTTP/2.0" 206 - "-" '
          '"Agent \\"quoted\\" 1.0"'),
         ("10.0.0.1", "2026-01-01 00:00:00+00:00", "GET", "audio/x-1.mp3", "206", 0, 'Agent \\"quoted\\" 1.0')),
    ],
)  # fmt: skip
def test_common_and_combined_lines_are_parsed(text: str, expected: tuple[object, ...]) -> None:
    parsed = parse_line(text, "/narrate")
    assert parsed is not None
    found = (parsed.address, str(parsed.when), parsed.method, parsed.path, parsed.status, parsed.bytes,
             parsed.user_agent)  # fmt: skip
    assert found == expected
    assert parse_line('1.2.3.4 - - [99/Foo/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1') is None
