"""Abbreviations (narrate.script.normalize.abbreviations)."""

from __future__ import annotations

from narrate.script.normalize import expand_abbreviations


def test_expand_abbreviations() -> None:
    assert expand_abbreviations("Dr. Sen. No. 7 Oct. 2 e.g. U.S.A. Co. pp. 3 et al.") == (
        "Doctor Senator number 7 October 2 for example U.S.A Company pages 3 and others"
    )
