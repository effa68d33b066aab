"""Normalisation as a whole: written sentences in, the exact speech text out; other languages get fewer steps."""

from __future__ import annotations

import pytest

from narrate.script.normalize import normalize

SENTENCES = [
    # typography
    ("\u201cWe will not give up,\u201d she said.", '"We will not give up," she said.'),
    (
        "It\u2019s the committee\u2019s decision, not the members\u2019.",
        "It's the committee's decision, not the members'.",
    ),
    ("The \u2018fragile\u2019 peace held.", "The 'fragile' peace held."),
    # dashes and ranges
    ("The summit failed\u2014regardless of who was to blame.", "The summit failed, regardless of who was to blame."),
    ("The plan \u2013 if it passes \u2013 will cost less.", "The plan, if it passes, will cost less."),
    ("He waited -- and waited.", "He waited, and waited."),
    ("The war lasted from 1939\u20131945.", "The war lasted from nineteen thirty-nine to nineteen forty-five."),
    ("Pages 10\u201320 explain the rules.", "Pages ten to twenty explain the rules."),
    ("The 2002\u20132003 session was long.", "The two thousand and two to two thousand and three session was long."),
    ("Tuition rose from $5,000\u2013$7,000.", "Tuition rose from five thousand dollars to seven thousand dollars."),
    ("The war \u2014 1939-1945 \u2014 ended.", "The war, nineteen thirty-nine to nineteen forty-five, ended."),
    # ellipses
    ("Well\u2026 I am not sure.", "Well, I am not sure."),
    ("She trailed off...", "She trailed off."),
    ("And then... nothing happened.", "And then, nothing happened."),
    ("Really...?", "Really?"),
    ("They waited\u2026 Nothing came.", "They waited. Nothing came."),
    # abbreviations
    ("The U.S. Senate voted today.", "The U S Senate voted today."),
    ("Troops left the U.K. and the U.N. stayed.", "Troops left the U K and the U N stayed."),
    ("Aid to the U.S.-Mexico border grew.", "Aid to the U S Mexico border grew."),
    ("They moved back to the U.S.", "They moved back to the U S."),
    ("Dr. Ruiz testified on Tuesday.", "Doctor Ruiz testified on Tuesday."),
    ("The clinic is on Elm Dr. near the park.", "The clinic is on Elm Drive near the park."),
    ("Mr. and Mrs. Lee met Ms. Park.", "Mister and Missus Lee met Miz Park."),
    (
        "Sen. Durbin and Rep. Omar wrote to Gov. Newsom.",
        "Senator Durbin and Representative Omar wrote to Governor Newsom.",
    ),
    ("St. Louis is far from Main St.", "Saint Louis is far from Main Street."),
    ("The vote is set for Jan. 15.", "The vote is set for January fifteenth."),
    (
        "It passed on Feb. 3, 2019 and Sept. 30, 2020.",
        "It passed on February third, twenty nineteen and September thirtieth, twenty twenty.",
    ),
    ("It was signed on March 5, 2024.", "It was signed on March fifth, twenty twenty-four."),
    ("Use local groups, e.g. churches and schools.", "Use local groups, for example churches and schools."),
    ("Some costs, i.e. travel, were covered.", "Some costs, that is travel, were covered."),
    ("Bring pens, paper, etc.", "Bring pens, paper, et cetera."),
    ("It was Smith vs. Jones.", "It was Smith versus Jones."),
    ("The case Roe v. Wade was overturned.", "The case Roe versus Wade was overturned."),
    ("Amendment No. 5 failed.", "Amendment number five failed."),
    ("J. R. R. Tolkien wrote it.", "J R R Tolkien wrote it."),
    ("Martin Luther King Jr. spoke in 1963.", "Martin Luther King Junior spoke in nineteen sixty-three."),
    ("The Ph.D. program grew.", "The P H D program grew."),
    ("Apple Inc. said no.", "Apple Incorporated said no."),
    ("The price is approx. $30.", "The price is approximately thirty dollars."),
    # cardinals, decimals, ordinals
    ("The bill has 12,500 supporters.", "The bill has twelve thousand five hundred supporters."),
    ("It weighs 2.5 tons.", "It weighs two point five tons."),
    ("Only 0.75 of a point.", "Only zero point seven five of a point."),
    ("About 1,000,000 people marched.", "About one million people marched."),
    ("She came 1st and he came 22nd.", "She came first and he came twenty-second."),
    ("The 3rd and 4th drafts differ.", "The third and fourth drafts differ."),
    ("It's 5,6 or 7.", "It's five, six or seven."),
    # years and decades
    ("In 1990 the wall fell.", "In nineteen ninety the wall fell."),
    ("By 2024 little had changed.", "By twenty twenty-four little had changed."),
    ("The law of 2005 still applies.", "The law of two thousand and five still applies."),
    ("In 2000 the century turned.", "In two thousand the century turned."),
    ("It began in 1905.", "It began in nineteen oh-five."),
    ("The 1990s were calm.", "The nineteen nineties were calm."),
    ("Music from the '90s and the 80s.", "Music from the nineties and the eighties."),
    ("Music from the \u201990s.", "Music from the nineties."),
    ("The 1800s saw war.", "The eighteen hundreds saw war."),
    # percentages and money
    ("Support is at 40%.", "Support is at forty percent."),
    ("Support is at 40 percent.", "Support is at forty percent."),
    ("Rates rose 2.5% this year.", "Rates rose two point five percent this year."),
    ("Congress set aside $2.3 million.", "Congress set aside two point three million dollars."),
    ("The deal is worth $2.3M.", "The deal is worth two point three million dollars."),
    (
        "Defense got $1.5 billion and $4bn more.",
        "Defense got one point five billion dollars and four billion dollars more.",
    ),
    ("It costs $500.", "It costs five hundred dollars."),
    ("They paid $1,250.50 in fees.", "They paid one thousand two hundred and fifty dollars and fifty cents in fees."),
    ("A ticket is $0.99.", "A ticket is ninety-nine cents."),
    ("That is $1.", "That is one dollar."),
    ("Entry costs \u20ac20 or \u00a35.", "Entry costs twenty euros or five pounds."),
    # symbols
    ("R&D spending grew.", "R and D spending grew."),
    ("Johnson & Johnson paid.", "Johnson and Johnson paid."),
    ("The group has 10+ members.", "The group has ten plus members."),
    ("Disney+ launched in 2019.", "Disney plus launched in twenty nineteen."),
    ("Temperatures hit -5 degrees.", "Temperatures hit minus five degrees."),
    ("It was 20\u00b0C at noon.", "It was twenty degrees Celsius at noon."),
    ("The 24/7 hotline works.", "The twenty-four seven hotline works."),
    ("A 3-2 vote decided it.", "A three-two vote decided it."),
    # addresses, handles, tags
    ("Contact us at info@fcnl.org today.", "Contact us at info at F C N L dot org today."),
    ("Follow @fcnl for updates.", "Follow at fcnl for updates."),
    ("Use #PeaceNow on social media.", "Use hashtag PeaceNow on social media."),
    ("It ranked #1 in the survey.", "It ranked number one in the survey."),
    ("Read more at https://www.fcnl.org/updates/2024/03/peace?ref=home.", "Read more at F C N L dot org."),
    ("Visit fcnl.org to learn more.", "Visit F C N L dot org to learn more."),
    ("Read more at nytimes.com/2024/politics today.", "Read more at nytimes dot com today."),
    # emoji
    ("We did it \U0001f389 together!", "We did it together!"),
    ("Thanks \u2764\ufe0f\U0001f44d\U0001f3fd", "Thanks"),
    # times and phone numbers
    ("The meeting starts at 3:30 p.m.", "The meeting starts at three thirty P M."),
    ("Doors open at 9am.", "Doors open at nine A.M."),
    ("It ends at 10:00.", "It ends at ten o'clock."),
    ("The flight is at 7:05.", "The flight is at seven oh five."),
    ("Call (202) 555-0100 now.", "Call two zero two, five five five, zero one zero zero now."),
    # acronyms said as words are written as words, so every engine says them as words
    ("COVID-19 changed everything.", "Covid-nineteen changed everything."),
    # left for the engine
    ("Version 3.11.2 supports MP3 files.", "Version 3.11.2 supports MP3 files."),
]


@pytest.mark.parametrize(("written", "spoken"), SENTENCES, ids=[w[:40] for w, _ in SENTENCES])
def test_sentence_is_spoken_as_a_reader_would(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_the_table_is_large_enough_to_mean_something() -> None:
    assert len(SENTENCES) >= 60


def test_normalize_is_deterministic_and_idempotent_on_plain_words() -> None:
    text = "Peace is possible when people keep talking."
    assert normalize(text) == normalize(text) == text


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("de", "Es kostet 25 Euro \u2014 wirklich\u2026", "Es kostet f\u00fcnfundzwanzig Euro, wirklich."),
        ("fr-FR", "Il y a 3 chats.", "Il y a trois chats."),
        ("fr", "De 1990\u20132000.", "De mille neuf cent quatre-vingt-dix \u2013 deux mille."),
        # Unknown to num2words: digits stay for the engine, English words never appear.
        ("xx", "Room 12 \u2014 U.S.", "Room 12, U.S."),
    ],
)
def test_other_languages_get_only_language_neutral_steps(language: str, written: str, spoken: str) -> None:
    assert normalize(written, language) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("The A.A.E.G. report.", "A.A.E.G"),  # an initialism that ends in E.G. is spelled, not "A.A. for example"
        ("Fruit, e.g. apples, i.e. pears.", "Fruit, for example apples, that is pears."),
        ("A.A.HTTP://0", "A.A zero"),  # a URL glued to a word stays a word of its own
    ],
)
def test_latin_abbreviations_and_urls_inside_other_words_keep_to_their_own_letters(text: str, spoken: str) -> None:
    assert spoken in normalize(text)
