"""The pre-flight check (narrate.script.check): what it finds, in the byline too, and double names as one."""

from __future__ import annotations

from narrate.article import Article, Block
from narrate.script import ScriptOptions, build_script
from narrate.script.check import preflight
from narrate.script.lexicon import DEFAULT_LEXICON


def findings(article: Article, lexicon: dict[str, str] | None = None) -> set[tuple[str, str]]:
    script = build_script(article, ScriptOptions(feed_title="Weekly"))
    return {(f.kind, f.word) for f in preflight(script, {**DEFAULT_LEXICON, **(lexicon or {})})}


def test_names_in_the_byline_are_checked() -> None:
    article = Article("Budget talks", [Block("paragraph", "The council met on Monday.")], author="Priya Natarajan")
    assert findings(article) == {("name", "Priya"), ("name", "Natarajan")}


def test_a_double_name_is_one_finding_when_one_of_its_names_is_rare() -> None:
    body = "Ada Okonkwo-Reyes spoke, then Winston-Salem and a Covid-era rule, and U.S.-North Korea talks."
    found = findings(Article("Talks", [Block("paragraph", body)]))
    assert ("name", "Okonkwo-Reyes") in found
    words = {word for _, word in found}
    assert not words & {"Okonkwo", "Reyes", "Winston-Salem", "Covid", "North", "Korea"}


def test_the_lexicon_covers_a_double_name_and_a_byline() -> None:
    article = Article("Talks", [Block("paragraph", "Okonkwo-Reyes spoke.")], author="Natarajan")
    assert findings(article, {"Okonkwo-Reyes": "oh KONG kwoh RAY ess", "Natarajan": "Natta Rajan"}) == set()
