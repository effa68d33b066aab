"""Normalisation of numbers for the ear: each case a sentence as an article prints it, and its exact speech text."""

from __future__ import annotations

import pytest

from narrate.script.normalize import expand_numbers, normalize, read_fractions

SENTENCES = [
    # cardinals, ordinals, decimals
    (
        "The county has 3,412 registered voters.",
        "The county has three thousand four hundred and twelve registered voters.",
    ),
    (
        "Turnout reached 1,250,000 ballots, a record.",
        "Turnout reached one million two hundred and fifty thousand ballots, a record.",
    ),
    ("The bill is 1,100 pages long.", "The bill is one thousand one hundred pages long."),
    ("Only 7 of the 100 senators objected.", "Only seven of the one hundred senators objected."),
    (
        "She finished 3rd in the primary and 101st overall.",
        "She finished third in the primary and one hundred and first overall.",
    ),
    ("It was the 21st meeting of the year.", "It was the twenty-first meeting of the year."),
    ("The committee met for the 2nd time on Tuesday.", "The committee met for the second time on Tuesday."),
    ("The rate fell to 0.5 points.", "The rate fell to zero point five points."),
    ("Her 2 children and 3 grandchildren attended.", "Her two children and three grandchildren attended."),
    # years and decades
    ("The treaty was signed in 1987.", "The treaty was signed in nineteen eighty-seven."),
    ("By 2030 the target must be met.", "By twenty thirty the target must be met."),
    (
        "The program began in 2009 and ended in 2010.",
        "The program began in two thousand and nine and ended in twenty ten.",
    ),
    ("Congress last acted in 1906.", "Congress last acted in nineteen oh-six."),
    ("The farm crisis of the 1980s returned.", "The farm crisis of the nineteen eighties returned."),
    ("Activists of the '60s remember it.", "Activists of the sixties remember it."),
    ("The building dates from the 1700s.", "The building dates from the seventeen hundreds."),
    ("She graduated with the class of '09.", "She graduated with the class of oh-nine."),
    ("In the 2020s, costs climbed.", "In the twenty twenties, costs climbed."),
    # ranges
    ("Lawmakers served from 2002\u20132003.", "Lawmakers served from two thousand and two to two thousand and three."),
    ("The 2019-20 session was the longest.", "The twenty nineteen to twenty session was the longest."),
    (
        "Casualties in 1939\u201345 were immense.",
        "Casualties in nineteen thirty-nine to forty-five were immense.",
    ),
    ("See pages 10-12 of the report.", "See pages ten to twelve of the report."),
    ("The program serves children ages 5-17.", "The program serves children ages five to seventeen."),
    ("The fund will need $5\u201310 million.", "The fund will need five to ten million dollars."),
    ("The project could cost $5-10 million more.", "The project could cost five to ten million dollars more."),
    ("Temperatures will reach 90\u201395 degrees.", "Temperatures will reach ninety to ninety-five degrees."),
    ("The court ruled 5-4 in the case.", "The court ruled five-four in the case."),
    ("Officials expect 10-15 percent growth.", "Officials expect ten to fifteen percent growth."),
    ("Office hours are 9:00-11:30 on weekdays.", "Office hours are nine o'clock to eleven thirty on weekdays."),
    # money
    (
        "The agency requested $2.3M for the program.",
        "The agency requested two point three million dollars for the program.",
    ),
    (
        "Lawmakers approved $2.3 billion for water projects.",
        "Lawmakers approved two point three billion dollars for water projects.",
    ),
    ("Farmers pay $500 per acre-foot of water.", "Farmers pay five hundred dollars per acre-foot of water."),
    ("Water costs $500/acre-foot in the valley.", "Water costs five hundred dollars per acre-foot in the valley."),
    (
        "The fine was $1,250.50 per violation.",
        "The fine was one thousand two hundred and fifty dollars and fifty cents per violation.",
    ),
    ("The museum charges \u20ac20 for entry.", "The museum charges twenty euros for entry."),
    ("A pint costs \u00a35 in London.", "A pint costs five pounds in London."),
    ("The app costs $0.99 a month.", "The app costs ninety-nine cents a month."),
    ("Each share is worth $1.", "Each share is worth one dollar."),
    ("The cut saves $1.5 trillion over 10 years.", "The cut saves one point five trillion dollars over ten years."),
    ("The grant was worth $40K.", "The grant was worth forty thousand dollars."),
    ("The budget rose by \u00a33bn.", "The budget rose by three billion pounds."),
    ("Rent runs about $1,200.", "Rent runs about one thousand two hundred dollars."),
    # percentages
    ("About 40% of voters stayed home.", "About forty percent of voters stayed home."),
    ("The economy grew 4.5 percent last year.", "The economy grew four point five percent last year."),
    ("Prices fell -3% in March.", "Prices fell minus three percent in March."),
    ("Support dropped from 60% to 45%.", "Support dropped from sixty percent to forty-five percent."),
    ("Only 0.5% of the funds were spent.", "Only zero point five percent of the funds were spent."),
    # dates
    ("The vote is scheduled for Feb. 6, 2024.", "The vote is scheduled for February sixth, twenty twenty-four."),
    ("Comments are due February 6.", "Comments are due February sixth."),
    ("The hearing was held on 6 February 2024.", "The hearing was held on the sixth of February twenty twenty-four."),
    ("The deadline is 2/6/2024 at midnight.", "The deadline is February sixth, twenty twenty-four at midnight."),
    ("The rule took effect on 2024-02-06.", "The rule took effect on February sixth, twenty twenty-four."),
    ("The meeting runs Aug. 12-14 in Denver.", "The meeting runs August twelfth to fourteenth in Denver."),
    ("On Tuesday, Sept. 3, the Senate returns.", "On Tuesday, September third, the Senate returns."),
    ("She was born on July 4th, 1976.", "She was born on July fourth, nineteen seventy-six."),
    ("The law passed on the 1st of May.", "The law passed on the first of May."),
    (
        "The date 13/2/2024 appears in the British filing.",
        "The date February thirteenth, twenty twenty-four appears in the British filing.",
    ),
    # times
    ("The hearing starts at 3:30 p.m. Eastern.", "The hearing starts at three thirty P M Eastern."),
    ("Doors open at 9am sharp.", "Doors open at nine A.M sharp."),
    ("Lunch is served at 12 noon.", "Lunch is served at noon."),
    ("The train leaves at 14:00 from Paris.", "The train leaves at fourteen hundred from Paris."),
    ("The vigil begins at 7 p.m. on Friday.", "The vigil begins at seven P M on Friday."),
    ("Polls are open 7 a.m.-8 p.m. statewide.", "Polls are open seven A.M to eight P M statewide."),
    ("The shift ends at 06:45 each morning.", "The shift ends at six forty-five each morning."),
    ("The call is at 10:05 a.m.", "The call is at ten oh five A.M."),
    # phones
    (
        "Call the Capitol switchboard at (202) 224-3121.",
        "Call the Capitol switchboard at two zero two, two two four, three one two one.",
    ),
    (
        "Reach our office at +1 202 555 0143 for details.",
        "Reach our office at plus one, two zero two, five five five, zero one four three for details.",
    ),
    ("The hotline is 1-800-273-8255.", "The hotline is one, eight zero zero, two seven three, eight two five five."),
    ("Call the clinic at 555-0188 today.", "Call the clinic at five five five, zero one eight eight today."),
    ("Call 202-555-0143 to register.", "Call two zero two, five five five, zero one four three to register."),
    (
        "The London office is at +44 20 7946 0958.",
        "The London office is at plus four four, two zero, seven nine four six, zero nine five eight.",
    ),
    # fractions
    ("About 1/2 of the members voted.", "About one half of the members voted."),
    ("Nearly 3/4 of the budget goes to defense.", "Nearly three quarters of the budget goes to defense."),
    ("The hike takes 2 1/2 hours.", "The hike takes two and a half hours."),
    ("Add 1/3 cup of sugar.", "Add one third cup of sugar."),
    ("Only 2/3 of the states ratified it.", "Only two thirds of the states ratified it."),
    ("The bolt is 5/8 inch wide.", "The bolt is five eighths inch wide."),
    ("The line is staffed 24/7.", "The line is staffed twenty-four seven."),
    ("The memorial honors the victims of 9/11.", "The memorial honors the victims of nine eleven."),
    ("Mix \u00bd cup of flour.", "Mix one half cup of flour."),
    # units
    ("The trail is 10 km long.", "The trail is ten kilometers long."),
    ("Each bag holds 5 kg of rice.", "Each bag holds five kilograms of rice."),
    ("It was 72\u00b0F on Monday.", "It was seventy-two degrees Fahrenheit on Monday."),
    ("The wall is 3 ft tall.", "The wall is three feet tall."),
    ("The speed limit is 20 mph near schools.", "The speed limit is twenty miles per hour near schools."),
    ("The plant produces 1.5 GW of power.", "The plant produces one point five gigawatts of power."),
    ("The reservoir holds 2 million acre-feet.", "The reservoir holds two million acre-feet."),
    ("The river delivers 1.5 MAF a year.", "The river delivers one point five million acre-feet a year."),
    ("She ran a 10-km race.", "She ran a ten-kilometer race."),
    ("The village is 1 mi from the border.", "The village is one mile from the border."),
    ("The farm spans 200 ha of land.", "The farm spans two hundred hectares of land."),
    ("The town used 450 MWh last month.", "The town used four hundred and fifty megawatt hours last month."),
    ("The storm dropped 5 mm of rain.", "The storm dropped five millimeters of rain."),
    ("Emissions reached 420 ppm.", "Emissions reached four hundred and twenty parts per million."),
]


@pytest.mark.parametrize(("written", "spoken"), SENTENCES, ids=[w[:40] for w, _ in SENTENCES])
def test_numbers_are_read_as_a_narrator_reads_them(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_the_number_table_is_large() -> None:
    assert len(SENTENCES) >= 90


# -- the steps on their own: each leaves what is not its business alone ------------------------------


def test_read_fractions_skips_scores_and_dates() -> None:
    assert read_fractions("She scored 35/40 and ate 1/4 of a pie on 3/4/2024.") == (
        "She scored 35/40 and ate one quarter of a pie on 3/4/2024."
    )


def test_expand_numbers() -> None:
    assert expand_numbers("$3 on the 2nd, 1,234 in 1984 at 7.25%, 5 km at 9am on 6 May, \u00bd") == (
        "three dollars on the second, one thousand two hundred and thirty-four in nineteen eighty-four "
        "at seven point two five percent, five kilometers at nine A.M on the sixth of May, one half"
    )
