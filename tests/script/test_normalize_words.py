"""Normalisation of words for the ear: abbreviations, party tags, bills, Roman numerals, acronyms, addresses."""

from __future__ import annotations

import pytest

from narrate.script.normalize import normalize

SENTENCES = [
    # abbreviations
    ("Sen. Elizabeth Warren spoke first.", "Senator Elizabeth Warren spoke first."),
    (
        "Rep. Jim McGovern and Gov. Maura Healey disagreed.",
        "Representative Jim McGovern and Governor Maura Healey disagreed.",
    ),
    ("Dr. Anthony Fauci testified in 2020.", "Doctor Anthony Fauci testified in twenty twenty."),
    ("Mr. Lee and Mrs. Lee met Ms. Park.", "Mister Lee and Missus Lee met Miz Park."),
    ("Prof. Ruth Chen teaches at Stanford.", "Professor Ruth Chen teaches at Stanford."),
    (
        "Gen. Mark Milley and Lt. Gen. Scott Berrier briefed the panel.",
        "General Mark Milley and Lieutenant General Scott Berrier briefed the panel.",
    ),
    ("Lt. Gov. Sara Rodriguez presided.", "Lieutenant Governor Sara Rodriguez presided."),
    ("Martin Luther King Jr. was born in Atlanta.", "Martin Luther King Junior was born in Atlanta."),
    ("Ken Griffey Sr. played in Seattle.", "Ken Griffey Senior played in Seattle."),
    ("St. Louis hosted the convention.", "Saint Louis hosted the convention."),
    (
        "The office moved to 120 Main St. last year.",
        "The office moved to one hundred and twenty Main Street last year.",
    ),
    ("The shelter is on Maple St. in Dayton.", "The shelter is on Maple Street in Dayton."),
    ("Bring water, snacks, etc. to the rally.", "Bring water, snacks, et cetera to the rally."),
    ("Some agencies, e.g. the EPA, resisted.", "Some agencies, for example the E.P.A, resisted."),
    (
        "The poorest states, i.e. Mississippi and West Virginia, lost most.",
        "The poorest states, that is Mississippi and West Virginia, lost most.",
    ),
    ("The case is Smith vs. Jones.", "The case is Smith versus Jones."),
    ("The hall seats approx. 500 people.", "The hall seats approximately five hundred people."),
    ("Proposition No. 5 failed.", "Proposition number five failed."),
    ("Apple Inc. and Ford Motor Co. lobbied hard.", "Apple Incorporated and Ford Motor Company lobbied hard."),
    ("Lockheed Martin Corp. won the contract.", "Lockheed Martin Corporation won the contract."),
    ("The study by Chen et al. was cited.", "The study by Chen and others was cited."),
    ("See pp. 10-12 for the details.", "See pages ten to twelve for the details."),
    # party tags and states
    (
        "Sen. Martin Heinrich (D-N.M.) introduced the bill.",
        "Senator Martin Heinrich, Democrat of New Mexico, introduced the bill.",
    ),
    ("Sen. Ted Cruz (R-Texas) objected.", "Senator Ted Cruz, Republican of Texas, objected."),
    ("Sen. Bernie Sanders (I-Vt.) voted no.", "Senator Bernie Sanders, Independent of Vermont, voted no."),
    ("Rep. Ilhan Omar (D-MN) spoke next.", "Representative Ilhan Omar, Democrat of Minnesota, spoke next."),
    ("Sen. Lisa Murkowski (R-Alaska) joined them.", "Senator Lisa Murkowski, Republican of Alaska, joined them."),
    (
        "Rep. Eleanor Holmes Norton (D-D.C.) cosponsored it.",
        "Representative Eleanor Holmes Norton, Democrat of the District of Columbia, cosponsored it.",
    ),
    (
        "Sen. Shelley Moore Capito (R-W.Va.) chairs the panel.",
        "Senator Shelley Moore Capito, Republican of West Virginia, chairs the panel.",
    ),
    (
        "Sen. Dick Durbin, D-Ill., said the vote would come soon.",
        "Senator Dick Durbin, Democrat of Illinois, said the vote would come soon.",
    ),
    ("The rally in Albuquerque, N.M., drew thousands.", "The rally in Albuquerque, New Mexico, drew thousands."),
    ("The factory in Flint, Mich. closed.", "The factory in Flint, Michigan closed."),
    # bill numbers
    ("The House passed H.R. 4471 in June.", "The House passed H R forty-four seventy-one in June."),
    ("The Senate took up S. 1234 on Monday.", "The Senate took up S twelve thirty-four on Monday."),
    ("H.Res. 12 condemns the attack.", "H Res twelve condemns the attack."),
    ("S.J.Res. 5 would end the emergency.", "S J Res five would end the emergency."),
    ("H.R. 1 is the For the People Act.", "H R one is the For the People Act."),
    ("The amendment to H.R. 815 failed.", "The amendment to H R eight fifteen failed."),
    # roman numerals
    ("Veterans of World War II gathered in Normandy.", "Veterans of World War two gathered in Normandy."),
    ("Henry VIII had six wives.", "Henry the eighth had six wives."),
    ("Title IX changed college sports.", "Title nine changed college sports."),
    ("Pope John Paul II visited Poland.", "Pope John Paul the second visited Poland."),
    ("Chapter IV explains the method.", "Chapter four explains the method."),
    ("The Super Bowl LVIII ad cost millions.", "The Super Bowl fifty-eight ad cost millions."),
    ("Queen Elizabeth II reigned for 70 years.", "Queen Elizabeth the second reigned for seventy years."),
    ("Louis XIV built Versailles.", "Louis the fourteenth built Versailles."),
    ("After World War I, the league was formed.", "After World War one, the league was formed."),
    ("Phase III trials begin next year.", "Phase three trials begin next year."),
    ("The nurse started an IV drip.", "The nurse started an I V drip."),
    ("I think the plan will work.", "I think the plan will work."),
    ("Malcolm X spoke in Detroit in 1963.", "Malcolm X spoke in Detroit in nineteen sixty-three."),
    ("King Henry V won at Agincourt.", "King Henry the fifth won at Agincourt."),
    ("Medicare Part D covers prescriptions.", "Medicare Part D covers prescriptions."),
    ("It is a Class C felony in Ohio.", "It is a Class C felony in Ohio."),
    ("The NCAA Division I schools objected.", "The N.C.A.A Division one schools objected."),
    ("THE CIVIL WAR ENDED IN 1865", "THE CIVIL WAR ENDED IN eighteen sixty-five"),
    # acronyms
    ("FCNL lobbies Congress on peace.", "F C N L lobbies Congress on peace."),
    ("The EPA issued new rules.", "The E.P.A issued new rules."),
    ("The EPA's budget was cut.", "The E.P.A's budget was cut."),
    ("Many NGOs work in the region.", "Many N G Os work in the region."),
    ("NATO leaders met in Vilnius.", "Nato leaders met in Vilnius."),
    ("NASA launched the probe.", "Nasa launched the probe."),
    ("FEMA sent trailers after the storm.", "Fema sent trailers after the storm."),
    ("The OPEC cartel cut output.", "The Opec cartel cut output."),
    ("UNICEF and UNESCO issued a joint report.", "Unicef and Unesco issued a joint report."),
    ("HUD manages public housing.", "Hud manages public housing."),
    ("The AIDS epidemic shaped a generation.", "The Aids epidemic shaped a generation."),
    ("COVID-19 closed schools.", "Covid-nineteen closed schools."),
    ("The U.S. and the U.K. signed the pact.", "The U S and the U K signed the pact."),
    ("The FBI and the CIA briefed senators.", "The F B I and the C.I.A briefed senators."),
    ("We will NOT give up.", "We will not give up."),
    ("The sign read STOP THE WAR NOW.", "The sign read STOP THE WAR NOW."),
    ("WHAT COMES NEXT", "WHAT COMES NEXT"),
    ("LGBTQ advocates applauded.", "L G B T Q advocates applauded."),
    ("The WHO declared a pandemic in 2020.", "The W H O declared a pandemic in twenty twenty."),
    ("The USDA and the ACLU disagreed.", "The U.S.D.A and the A.C.L.U disagreed."),
    ("The study maps PFAS in rural wells.", "The study maps P.F.A.S in rural wells."),
    ("We must ACT NOW on climate.", "We must act now on climate."),
    ("This is BIG NEWS for the town.", "This is big news for the town."),
    ("LOCAL", "local"),
    ("The CEOs met at the White House.", "The C E Os met at the White House."),
    # URLs and emails
    ("Learn more at fcnl.org.", "Learn more at F C N L dot org."),
    ("Read the report at https://www.fcnl.org/updates/2024/nuclear-report.", "Read the report at F C N L dot org."),
    ("Visit epa.gov for guidance.", "Visit E.P.A dot gov for guidance."),
    ("Email questions to info@fcnl.org.", "Email questions to info at F C N L dot org."),
    ("Write to jane.doe@example.org for tickets.", "Write to jane dot doe at example dot org for tickets."),
    ("The site www.nytimes.com/2024/01/01/us/politics.html published it.", "The site nytimes dot com published it."),
    ("The data is on data.census.gov today.", "The data is on data dot census dot gov today."),
    # symbols
    ("Johnson & Johnson settled the case.", "Johnson and Johnson settled the case."),
    ("AT&T raised prices.", "A.T and T raised prices."),
    ("Our #1 priority is peace.", "Our number one priority is peace."),
    ("Supporters used #NoWar online.", "Supporters used hashtag NoWar online."),
    ("Follow @FCNL for updates.", "Follow at F C N L for updates."),
    ("The survey found 2 + 2 = 4 was not obvious.", "The survey found two plus two equals four was not obvious."),
    ("Use a 2x4 frame.", "Use a two by four frame."),
    ("The room is 10 x 12 feet.", "The room is ten by twelve feet."),
    ("The new chip is 3x faster.", "The new chip is three times faster."),
    ("Disney+ gained subscribers.", "Disney plus gained subscribers."),
    ("Applicants 65+ qualify.", "Applicants sixty-five plus qualify."),
    # emoji and typography
    ("We did it! \U0001f389\U0001f389", "We did it!"),
    ("Thanks to everyone \U0001f64f who called.", "Thanks to everyone who called."),
    ("\u201cIt\u2019s over,\u201d she said.", '"It\'s over," she said.'),
    ("The result\u2026 was not what we hoped.", "The result, was not what we hoped."),
    ("He paused \u2014 then spoke.", "He paused, then spoke."),
    ("Peace\u2014not war\u2014is the goal.", "Peace, not war, is the goal."),
]


@pytest.mark.parametrize(("written", "spoken"), SENTENCES, ids=[w[:40] for w, _ in SENTENCES])
def test_words_are_read_as_a_narrator_reads_them(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_the_word_table_is_large() -> None:
    assert len(SENTENCES) >= 90
