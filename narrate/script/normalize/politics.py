"""US state names, party tags ("D-N.M.") and bill numbers ("H.R. 4471", "Senate Bill 412"), in English."""

from __future__ import annotations

import re

from narrate.script.normalize.letters import spelled
from narrate.script.normalize.number_words import _words, _year

# (spoken name, AP style abbreviation, postal code); AP spells eight states out in full.
_STATES = (
    ("Alabama", "Ala.", "AL"), ("Alaska", "Alaska", "AK"), ("Arizona", "Ariz.", "AZ"),
    ("Arkansas", "Ark.", "AR"), ("California", "Calif.", "CA"), ("Colorado", "Colo.", "CO"),
    ("Connecticut", "Conn.", "CT"), ("Delaware", "Del.", "DE"), ("Florida", "Fla.", "FL"),
    ("Georgia", "Ga.", "GA"), ("Hawaii", "Hawaii", "HI"), ("Idaho", "Idaho", "ID"),
    ("Illinois", "Ill.", "IL"), ("Indiana", "Ind.", "IN"), ("Iowa", "Iowa", "IA"),
    ("Kansas", "Kan.", "KS"), ("Kentucky", "Ky.", "KY"), ("Louisiana", "La.", "LA"),
    ("Maine", "Maine", "ME"), ("Maryland", "Md.", "MD"), ("Massachusetts", "Mass.", "MA"),
    ("Michigan", "Mich.", "MI"), ("Minnesota", "Minn.", "MN"), ("Mississippi", "Miss.", "MS"),
    ("Missouri", "Mo.", "MO"), ("Montana", "Mont.", "MT"), ("Nebraska", "Neb.", "NE"),
    ("Nevada", "Nev.", "NV"), ("New Hampshire", "N.H.", "NH"), ("New Jersey", "N.J.", "NJ"),
    ("New Mexico", "N.M.", "NM"), ("New York", "N.Y.", "NY"), ("North Carolina", "N.C.", "NC"),
    ("North Dakota", "N.D.", "ND"), ("Ohio", "Ohio", "OH"), ("Oklahoma", "Okla.", "OK"),
    ("Oregon", "Ore.", "OR"), ("Pennsylvania", "Pa.", "PA"), ("Rhode Island", "R.I.", "RI"),
    ("South Carolina", "S.C.", "SC"), ("South Dakota", "S.D.", "SD"), ("Tennessee", "Tenn.", "TN"),
    ("Texas", "Texas", "TX"), ("Utah", "Utah", "UT"), ("Vermont", "Vt.", "VT"),
    ("Virginia", "Va.", "VA"), ("Washington", "Wash.", "WA"), ("West Virginia", "W.Va.", "WV"),
    ("Wisconsin", "Wis.", "WI"), ("Wyoming", "Wyo.", "WY"),
    ("the District of Columbia", "D.C.", "DC"), ("Puerto Rico", "P.R.", "PR"), ("Guam", "Guam", "GU"),
    ("the U.S. Virgin Islands", "V.I.", "VI"), ("American Samoa", "A.S.", "AS"),
    ("the Northern Mariana Islands", "N.M.I.", "MP"),
)
# Older abbreviations still common in print.
_STATE_VARIANTS = {"Tex": "Texas", "Penn": "Pennsylvania", "Wisc": "Wisconsin", "Oreg": "Oregon", "Nebr": "Nebraska"}


def _compact(form: str) -> str:
    return form.replace(".", "").replace(" ", "")


_STATE_FORMS: dict[str, str] = _STATE_VARIANTS | {
    _compact(form): name
    for name, ap, postal in _STATES
    for form in (ap, postal, name.removeprefix("the "))
}
"""Every way a state is written (dots and spaces removed) -> its spoken name."""


def _state_pattern(form: str) -> str:
    # "NM" also matches "N.M." and "N. M."; "WVa" matches "W.Va." and "W. Va."; "Calif" matches "Calif.".
    if " " in form:
        return re.escape(form)
    return r"\.?\s?".join(re.findall(r"[A-Z][a-z]*", form)) + r"\.?"


_WRITTEN_STATES = {_compact(ap) for _, ap, _ in _STATES} | {postal for *_, postal in _STATES} | set(_STATE_VARIANTS)
_WRITTEN_STATES |= {name.removeprefix("the ") for name, *_ in _STATES}
_STATE = "(?:" + "|".join(_state_pattern(form) for form in sorted(_WRITTEN_STATES, key=len, reverse=True)) + ")"
_PARTIES = {"D": "Democrat", "R": "Republican", "I": "Independent"}
_PARTY_TAG = re.compile(rf"(\()?\b([DRI])-({_STATE})(?(1)\)|(?=[,;)\s]|$))")
_CITY_STATE = re.compile(
    r"\b([A-Z][a-z]+), ("
    + "|".join(re.escape(ap) for _, ap, _ in _STATES if ap.endswith(".") and ap != "D.C.")
    + r")(?=[\s,;:)]|$)"
)


def _state_name(written: str) -> str:
    return _STATE_FORMS[_compact(written)]


def _party_tag(match: re.Match[str]) -> str:
    tag = f"{_PARTIES[match.group(2)]} of {_state_name(match.group(3))}"
    return f", {tag}," if match.group(1) else tag


def expand_party_tags(text: str) -> str:
    """ "Heinrich (D-N.M.)" -> "Heinrich, Democrat of New Mexico,"; a dateline's "Flint, Mich." -> "Flint, Michigan"."""
    text = _PARTY_TAG.sub(_party_tag, text)
    return _CITY_STATE.sub(lambda m: f"{m.group(1)}, {_state_name(m.group(2))}", text)


_BILL = re.compile(
    r"(?<![\w.])((?:[HS]\.\s?(?:J\.\s?|Con\.\s?)?Res\.)|H\.\s?R\.|HR|S\.|H\.\s?Amdt\.|S\.\s?Amdt\.)\s?(\d{1,5})\b"
)


def _bill(match: re.Match[str]) -> str:
    # Bill numbers are said in pairs, like years: "H.R. 4471" is "H R forty-four seventy-one".
    prefix = " ".join(re.findall(r"[A-Z][a-z]*", match.group(1)))
    number = int(match.group(2))
    return f"{prefix} {_year(number) if number < 10000 else _words(number)}"


# State bills: "Senate Bill 412", "Assembly Bill 5", "House File 2", "SB 412", "H.B. 1234", "LB 574" (Nebraska).
_STATE_BILL = re.compile(
    r"\b((?:Senate|House|Assembly) (?:Bill|File|Joint Resolution|Concurrent Resolution|Resolution)s?"
    r"|(?:[SHAL]\.?\s?[BF]\.?))\s?(\d{1,5})\b(?![.,]\d)"
)


def _state_bill(match: re.Match[str]) -> str:
    designation, number = match.group(1), int(match.group(2))
    if " " not in designation:
        designation = spelled(designation.replace(".", "").replace(" ", ""))
    return f"{designation} {_year(number) if number < 10000 else _words(number)}"


def expand_bill_numbers(text: str) -> str:
    """Bill numbers said in pairs, as people say them: "H.R. 4471" -> "H R forty-four seventy-one",
    "S.J.Res. 5" -> "S J Res five", "Senate Bill 412" -> "Senate Bill four twelve", "SB 412" -> "S B four twelve"."""
    text = _BILL.sub(_bill, text)
    return _STATE_BILL.sub(_state_bill, text)
