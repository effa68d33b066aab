"""The pre-flight check on the corpus: it names the words a voice may get wrong, and nothing common."""

from __future__ import annotations

from narrate.script.check import preflight
from narrate.script.lexicon import DEFAULT_LEXICON
from tests.corpus.pages import build, page_names


def findings() -> dict[str, set[tuple[str, str]]]:
    return {name: {(f.kind, f.word) for f in preflight(build(name), DEFAULT_LEXICON)} for name in page_names()}


def test_check_flags_unknown_acronyms_and_rare_names_across_the_corpus() -> None:
    found = findings()
    assert ("acronym", "NCHJ") in found["news-court-backlog"]
    assert {("name", "Nwosu"), ("name", "Adaeze")} <= found["press-release-transit"]
    assert ("name", "Achterberg") in found["interview-public-defender"]
    assert ("name", "Calloway") in found["advocacy-tax-credit-vote"]
    words = {word for page in found.values() for _, word in page}
    # Common words that start sentences, and acronyms read as words, are never findings.
    assert not words & {"The", "Since", "Most", "County", "Council", "SNAP", "January"}
