"""US states, party tags and bill numbers (narrate.script.normalize.politics)."""

from __future__ import annotations

from narrate.script.normalize import expand_bill_numbers, expand_party_tags


def test_party_tags_know_every_state_by_each_of_its_spellings() -> None:
    written = "(D-Calif.) (R-CA) (D-California) (R-N.C.) (D-NC) (R-N. C.) (D-Tex.) (I-Maine) (R-P.R.)"
    assert expand_party_tags(written) == (
        ", Democrat of California, , Republican of California, , Democrat of California, "
        ", Republican of North Carolina, , Democrat of North Carolina, , Republican of North Carolina, "
        ", Democrat of Texas, , Independent of Maine, , Republican of Puerto Rico,"
    )


def test_party_tags_need_a_real_state() -> None:
    assert expand_party_tags("On D-Day (D-Atlantis), I-95 and R-rated films.") == (
        "On D-Day (D-Atlantis), I-95 and R-rated films."
    )


def test_bill_numbers_leave_initials_without_a_number() -> None:
    assert expand_bill_numbers("Harry S. Truman signed H.R. 2005 and HR 7.") == (
        "Harry S. Truman signed H R two thousand and five and H R seven."
    )
