"""public/ served by a real static web server running as its own unprivileged user, as in production.

Episodes are rendered by the real CLI under a restrictive umask (077: what mkstemp, ffmpeg and mkdir would make
private), then `python -m http.server` runs as nobody over public/ and every URL the feeds and pages name must
answer 200 with the very bytes on disk: enclosures, transcripts, chapters, covers, pages, their scripts and styles.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
from lxml import etree, html

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534

TONE_TEXT = (
    "Harbour ferry returns\n\nBy Ana Ruiz\n\n"
    "The harbour ferry will run again from Monday after a year of repairs.\n\n"
    "Tickets cost the same as before, and the first boat leaves at seven.\n"
)
TONE_MARKDOWN = (
    "---\ntitle: Library hours grow\nauthor: Dana Kim\n---\n\n"
    "The central library will open on Sundays from May.\n\n"
    "## Why\n\nReaders asked for longer hours in a survey last year.\n\n"
    "## What next\n\nThe city hired four new librarians.\n"
)
PIPER_TEXT = "Bridge reopens\n\nThe old bridge opens again today.\n"


def private_umask() -> None:  # runs in the child, before exec: the CLI writes under umask 077
    os.umask(0o077)


@pytest.fixture(scope="module")
def published() -> Iterator[tuple[Path, str]]:
    """(public dir, base URL) after renders under umask 077: two feeds, a re-render, and one real Piper episode."""
    top = Path(tempfile.mkdtemp(prefix="narrate-modes-"))  # mkdtemp makes it 0700: nobody could not reach public/
    top.chmod(0o755)
    home = top / "home"  # made by narrate itself, under that umask: others may pass through it to public/
    base = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATE_")}
    env.update(NARRATE_HOME=str(home), NARRATE_BASE_URL=base, NARRATE_ENGINE="tone")
    sources = {"ferry.txt": TONE_TEXT, "library.md": TONE_MARKDOWN, "bridge.txt": PIPER_TEXT}
    for name, text in sources.items():
        (top / name).write_text(text, encoding="utf-8")

    def narrate(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "narrate.cli", *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300, preexec_fn=private_umask)
        assert done.returncode == 0, (args, done.stderr)

    narrate("feed", "create", "research", "--title", "Research, read aloud", "--description", "Papers as audio.",
            "--author", "Policy Centre", "--owner-name", "Audio desk", "--owner-email", "audio@example.org",
            "--category", "News")
    narrate("add", str(top / "ferry.txt"))
    narrate("add", str(top / "ferry.txt"))  # re-rendered in place: files replaced, not only created
    narrate("add", str(top / "library.md"), "--feed", "research")
    narrate("add", str(top / "bridge.txt"), "--engine", "piper")
    yield home / "public", base
    shutil.rmtree(top)


@pytest.fixture(scope="module")
def static_server(published: tuple[Path, str]) -> Iterator[str]:
    """The stdlib's static server over public/, as user and group nobody with no supplementary groups."""
    public, base = published
    port = urlsplit(base).port
    command = ["/usr/bin/python3", "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(public)]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "http.server did not start"
            time.sleep(0.05)
    yield base
    server.terminate()
    server.wait(10)


def feed_urls(xml: bytes) -> set[str]:
    """Every URL a podcast app fetches from a feed: enclosures, transcripts, chapters, images, links."""
    tree = etree.fromstring(xml)
    found = set(tree.xpath("//enclosure/@url | //*[local-name()='transcript']/@url | //*[local-name()='chapters']/@url"
                           " | //*[local-name()='image']/@href | //image/url/text() | //link/text()"))
    return {str(url) for url in found}


def page_urls(page_url: str, content: bytes) -> set[str]:
    """Every URL a browser loads or follows from a page: links, scripts, styles, audio, images, frames."""
    tree = html.document_fromstring(content)
    found = tree.xpath("//@href | //@src | //@poster | //@data-src")
    return {urldefrag(urljoin(page_url, str(url)))[0] for url in found}


def test_every_published_url_is_served_to_a_web_server_running_as_nobody(
    published: tuple[Path, str], static_server: str
) -> None:
    public, base = published
    feeds = [f"{base}/feeds/main.xml", f"{base}/feeds/research.xml"]
    to_visit, visited, checked = list(feeds), set(), {}
    with httpx.Client(timeout=10, follow_redirects=True) as client:  # a feed's <link> names a folder: 301 to "/"
        while to_visit:
            url = to_visit.pop()
            if url in visited or not url.startswith(base + "/"):
                continue  # other sites (the article's own page) are not ours to serve
            visited.add(url)
            answer = client.get(url)
            path = urlsplit(str(answer.url)).path.lstrip("/")
            on_disk = public / (path + "index.html" if path.endswith("/") or not path else path)
            assert answer.status_code == 200, (url, answer.status_code, oct(on_disk.stat().st_mode))
            assert answer.content == on_disk.read_bytes(), url
            checked[path] = answer.content
            if path.endswith(".xml"):
                to_visit += feed_urls(answer.content)
            elif path.endswith(".html") or path.endswith("/") or not path:
                to_visit += page_urls(url, answer.content)
                if re.fullmatch(r"episodes/[^/]+/", path):  # offered to publishers as a snippet, not a link
                    to_visit.append(f"{base}/{path}embed.html")
    kinds = {re.sub(r"/.*", "", path) for path in checked}
    assert {"feeds", "audio", "transcripts", "chapters", "episodes", "assets"} <= kinds, kinds
    assert len([p for p in checked if p.endswith(".mp3")]) == 3  # the re-render replaced its audio: one each
    assert sum(p.startswith("episodes/") and p.endswith("/") for p in checked) == 3
    assert sum(p.startswith("episodes/") and p.endswith("/embed.html") for p in checked) == 3
    assert {"feeds/main/", "feeds/research/", "feeds/main.xml", "feeds/research.xml"} <= set(checked)
    assert any(p.endswith(".png") for p in checked) and any(p.endswith(".css") for p in checked)
    assert all(data[:3] == b"ID3" for p, data in checked.items() if p.endswith(".mp3"))


def test_every_public_file_is_0644_and_every_folder_0755(published: tuple[Path, str]) -> None:
    public, _ = published
    modes = {}
    for folder, folders, files in os.walk(public):
        for name in folders + files:
            path = Path(folder, name)
            modes[path.relative_to(public).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    wrong = {p: oct(m) for p, m in modes.items() if m != (0o755 if (public / p).is_dir() else 0o644)}
    assert wrong == {}
    assert stat.S_IMODE(public.stat().st_mode) == 0o755
    assert stat.S_IMODE(public.parent.stat().st_mode) == 0o711  # NARRATE_HOME: passable, not listable
    assert not [p for p in modes if Path(p).name.startswith(".")]  # no temporary file left behind
    assert len([p for p in modes if p.endswith(".mp3")]) == 3
