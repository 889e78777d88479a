"""Typed facts in a sentence: one set of rules for ranking, confidence and short answers."""

from __future__ import annotations

from datetime import date

import pytest

from service.qa.analysis import analyse
from service.qa.facts import Period, Unit, facts_of, find_facts, period_of
from service.qa.followup import resolve
from service.qa.kinds import fits_unit, kind_strength
from service.qa.periods import time_constraint

JANUARY_2018 = date(2018, 1, 19)


def kinds(sentence: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_facts(sentence)]


@pytest.mark.parametrize(
    ("text", "reference", "start", "end"),
    [
        ("November 2015", None, date(2015, 11, 1), date(2015, 11, 30)),
        ("2013", None, date(2013, 1, 1), date(2013, 12, 31)),
        ("28 February and 1 March 2017", None, date(2017, 2, 1), date(2017, 3, 31)),
        # A season is three months; winter runs into the next year.
        ("Autumn 2021", None, date(2021, 9, 1), date(2021, 11, 30)),
        ("winter 2021", None, date(2021, 12, 1), date(2022, 2, 28)),
        # Two named together: from the first to the last.
        ("spring and summer 2019", None, date(2019, 3, 1), date(2019, 8, 31)),
        ("October to December 2016", None, date(2016, 10, 1), date(2016, 12, 31)),
        # In the order written: a first month later in the calendar is the year before's.
        ("winter and spring 2022", None, date(2021, 12, 1), date(2022, 5, 31)),
        ("October to March 2018", None, date(2017, 10, 1), date(2018, 3, 31)),
        ("March–April 2019", None, date(2019, 3, 1), date(2019, 4, 30)),
        ("January and February", date(2017, 3, 10), date(2017, 1, 1), date(2017, 2, 28)),
        ("this winter", date(2018, 1, 15), date(2017, 12, 1), date(2018, 2, 28)),
        ("last winter", date(2018, 1, 15), date(2016, 12, 1), date(2017, 2, 28)),
        # Relative dates count from the document's date.
        ("last November", JANUARY_2018, date(2017, 11, 1), date(2017, 11, 30)),
        ("last year", JANUARY_2018, date(2017, 1, 1), date(2017, 12, 31)),
        ("July", date(2016, 11, 3), date(2016, 7, 1), date(2016, 7, 31)),
    ],
)
def test_dates_are_placed_in_time(
    text: str, reference: date | None, start: date, end: date
) -> None:
    assert period_of(text, reference) == Period(start, end)


def test_months_or_seasons_named_together_are_one_date() -> None:
    sentence = "Visits took place in spring and summer 2019 and in January and February 2017."
    assert [f.text for f in facts_of(sentence, "date")] == [
        "spring and summer 2019",
        "January and February 2017",
    ]


def test_a_school_term_is_dated_by_its_year() -> None:
    """ "the autumn term 2023" is one date, September to December 2023, and no "autumn"
    of its own placed from the report's date beside a year."""
    facts = facts_of("Attendance was 64% in the autumn term 2023.", "date", date(2025, 3, 28))
    assert [(f.text, f.period) for f in facts] == [
        ("autumn term 2023", Period(date(2023, 9, 1), date(2023, 12, 31)))
    ]
    assert period_of("spring term of 2024") == Period(date(2024, 1, 1), date(2024, 3, 31))
    assert period_of("summer 2023") == Period(date(2023, 6, 1), date(2023, 8, 31))


def test_a_relative_date_without_a_reference_is_not_placed() -> None:
    assert period_of("last November") is None
    assert period_of("July") is None


def test_numbers_keep_their_unit_and_what_they_count() -> None:
    sentence = (
        "Brackenridge secured £1.2 million; 76% of families stayed together and 39 children moved."
    )
    numbers = [f.text for f in facts_of(sentence, "number")]
    assert numbers == ["£1.2 million", "76%", "39 children"]
    assert [f.core for f in facts_of(sentence, "number")][-1] == "39"
    # Pence are money: "45p per mile".
    assert [f.text for f in facts_of("45p per mile for two journeys.", "number")][0] == "45p"
    assert kind_strength("It pays 45p per mile.", "number", "money") == 1.0
    # A modifier and its plural noun are counted together.
    households = "38 fostering households stopped, and 24 young people and 39 children left."
    assert [f.text for f in facts_of(households, "number")] == [
        "38 fostering households",
        "24 young people",
        "39 children",
    ]
    assert not fits_unit("count", "38 fostering households", "How many members does it have?")
    # A threshold counts what follows its "or more": placements, not children.
    moves = "9.1% of children had three or more placements in the year."
    assert [f.text for f in facts_of(moves, "number")] == ["9.1%", "three or more placements"]
    assert not fits_unit("count", "three or more placements", "How many children were adopted?")


def test_a_references_or_versions_figures_are_no_numbers() -> None:
    sentence = "Published on 14 March 2025 (reference EY-FUND-2025-26 v1.0), version 2.0."
    assert facts_of(sentence, "number") == []
    assert [f.text for f in facts_of("Rates rose 3.5% for 12 children.", "number")] == [
        "3.5%",
        "12 children",
    ]


def test_number_words_are_numbers_and_years_are_dates() -> None:
    sentence = "Eleven children had moves, down from 57 at January 2016."
    assert ("number", "Eleven children") in kinds(sentence)
    assert ("number", "57") in kinds(sentence)
    assert ("date", "January 2016") in kinds(sentence)
    assert not any(k == "number" and "2016" in t for k, t in kinds(sentence))


@pytest.mark.parametrize(
    ("sentence", "rating"),
    [
        ("The overall rating says the services 'require improvement'.", "require improvement"),
        ("Inspectors rated the leadership as 'requiring improvement'.", "requiring improvement"),
        ('The trust has been rated "good" following a re-inspection.', "good"),
        ("The service is now judged to be good across all areas.", "good"),
        ("The local authority was judged inadequate in November 2015.", "inadequate"),
        ("Harrowby Children's Trust rated outstanding by Ofsted.", "outstanding"),
        # An internal audit's opinion is a judgement on its own scale.
        ("2.1 Overall opinion: LIMITED ASSURANCE.", "LIMITED ASSURANCE"),
    ],
)
def test_ratings_on_the_inspection_scale(sentence: str, rating: str) -> None:
    assert [f.text for f in facts_of(sentence, "rating")] == [rating]


def test_good_as_the_value_of_a_judgement_line_is_a_rating() -> None:
    assert [f.text for f in facts_of("- Care leavers: good", "rating")] == ["good"]
    assert facts_of("Care leavers: good levels of contact", "rating") == []
    # Or of its column, after a label in lower case (a judgements table flattened).
    row = "The experiences and progress of children in care Good"
    assert [f.text for f in facts_of(row, "rating")] == ["Good"]
    assert facts_of("Feeling Good", "rating") == []  # a title's words


def test_the_year_of_a_laws_title_is_no_date() -> None:
    sentence = (
        "It must meet the Supported Accommodation (England) Regulations 2023 by 31 July 2025."
    )
    assert [f.text for f in facts_of(sentence, "date")] == ["31 July 2025"]
    assert "2023" not in [f.text for f in facts_of(sentence, "number")]
    assert [f.text for f in facts_of("under the Children Act 1989", "date")] == []


def test_good_in_ordinary_prose_is_not_a_rating() -> None:
    assert facts_of("They also highlighted good levels of morale.", "rating") == []


def test_people_and_organisations() -> None:
    sentence = (
        "Her Majesty's Inspectors, Graham Reiter and Rachel Holden, met Doncaster "
        "Children's Services Trust and the Local Government Association (LGA)."
    )
    assert [f.text for f in facts_of(sentence, "person")] == ["Graham Reiter", "Rachel Holden"]
    organisations = [f.text for f in facts_of(sentence, "organisation")]
    assert "Local Government Association (LGA)" in organisations


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("Unison, the union representing many social workers, said so.", "Unison"),
        (
            "It holds a contract with Meridian Workforce Solutions, and pays.",
            "Meridian Workforce Solutions",
        ),
        ("Halden Care Ltd runs two homes.", "Halden Care Ltd"),
        ("Brightpath, a charity working with care leavers, ran it.", "Brightpath"),
        ("She has left to join the charity Foundling Futures.", "Foundling Futures"),
        ("The work went to a consultancy called Brightwater Partners.", "Brightwater Partners"),
        ("In 2022 Child Q joined Harcourt Academy.", "Harcourt Academy"),
        (
            "Advocacy is provided by Brightlane Children's Advocacy.",
            "Brightlane Children's Advocacy",
        ),
        ("The parents' voice is Drovesend Parent Carer Forum.", "Drovesend Parent Carer Forum"),
        ("The charity Foundling Futures said it was concerned.", "Foundling Futures"),
        # Its kind in more than one word: "the voluntary adoption agency ...".
        ("It is bought from the voluntary adoption agency Kindred Paths.", "Kindred Paths"),
        (  # a tribunal, a court or a panel is a body, not a person
            "Appeals lodged with the First-tier Tribunal (SEND) rose.",
            "First-tier Tribunal (SEND)",
        ),
        ("The case went to the Family Court in May.", "Family Court"),
        (  # the kind of body, then its name after a comma
            "We work with our regional adoption agency, Adopt North Central.",
            "Adopt North Central",
        ),
    ],
)
def test_a_company_union_or_charity_is_an_organisation(sentence: str, body: str) -> None:
    assert [f.text for f in facts_of(sentence, "organisation")] == [body]
    assert facts_of(sentence, "person") == []  # and no person


def test_a_person_beside_a_body_is_no_body() -> None:
    assert facts_of("We asked the agency, Sarah Jones said.", "organisation") == []
    sentence = "The registered provider, Mrs Jane Smith, has two homes."
    assert facts_of(sentence, "organisation") == []
    assert [f.text for f in facts_of(sentence, "person")] == ["Mrs Jane Smith"]
    assert facts_of("They called a charity, March.", "organisation") == []


def test_a_room_named_after_a_body_is_a_place() -> None:
    heading = "MINUTES of the meeting held on 21 November 2023 in Committee Room 3, the Guildhall"
    assert facts_of(heading, "organisation") == []
    assert facts_of("The board met in the Council Chamber.", "organisation") == []
    committee = facts_of("The Corporate Parenting Committee met.", "organisation")
    assert [f.text for f in committee] == ["The Corporate Parenting Committee"]


def test_a_body_word_before_a_person_does_not_make_them_a_body() -> None:
    assert [
        f.text for f in facts_of("The council paid the agency Sarah Jones worked for.", "person")
    ] == ["Sarah Jones"]
    assert facts_of("Police Sergeant Jane Smith gave evidence.", "organisation") == []


def test_a_name_is_called_a_body_only_when_it_is_one() -> None:
    common = frozenset({"however", "in", "overall"})
    for sentence in (
        "However, the regulator said the service was improving.",
        "In March, the agency said it would recruit.",
        "Kate Hall, an agency social worker, left.",
        "Jane Smith, the union's regional officer, spoke.",
    ):
        assert facts_of(sentence, "organisation", common_words=common) == [], sentence


def test_a_word_of_a_heading_in_capitals_is_no_acronym() -> None:
    """A heading in capitals ("DECISION RECORD") names no body called RECORD; "SEND services"
    names SEND."""
    common = frozenset({"decision", "record", "county", "council", "send"})
    heading = "DECISION RECORD (extract from the Cabinet minutes of 17 September 2024)"
    assert facts_of(heading, "organisation", common_words=common) == []
    assert facts_of("STANNERBY COUNTY COUNCIL", "organisation", common_words=common) == []
    sentence = "The SEND services improved."
    assert [f.text for f in facts_of(sentence, "organisation", common_words=common)] == ["SEND"]


def test_a_body_written_short_with_a_capital_is_an_organisation() -> None:
    sentence = "The initiative is run by the Trust, and the Council agreed."
    assert [f.text for f in facts_of(sentence, "organisation")] == ["Trust", "Council"]
    assert facts_of("Only the trust knew.", "organisation") == []  # lower case: no name
    assert [f.text for f in facts_of("It met the Trust Board.", "organisation")] == ["Trust Board"]


def test_today_in_a_dated_report_is_its_day() -> None:
    sentence = "Harrowby Children's Trust officially launched today."
    [today] = facts_of(sentence, "date", date(2015, 4, 1))
    assert today.text == "today" and today.period == Period(date(2015, 4, 1), date(2015, 4, 1))
    [yesterday] = facts_of("Figures published yesterday show it.", "date", date(2015, 4, 1))
    assert yesterday.period == Period(date(2015, 3, 31), date(2015, 3, 31))
    assert kind_strength(sentence, "date") == 1.0  # a date, placed when its report is dated
    assert facts_of(sentence, "date")[0].period is None
    # Only as the day something was done: "young people today" is no date.
    assert facts_of("Young people today describe the Trust.", "date", date(2015, 4, 1)) == []


def test_a_month_is_not_a_name_and_mayor_is_a_title() -> None:
    assert facts_of("It happened in May 2017.", "person") == []
    people = facts_of("It's understood the Mayor Jones was briefed.", "person")
    assert [f.text for f in people] == ["Mayor Jones"]
    # A name is capitalised inside too: "O'Brien", "McDonald".
    people = facts_of("The director is Siobhan O'Brien, said Sean McDonald.", "person")
    assert [f.text for f in people] == ["Siobhan O'Brien", "Sean McDonald"]


def test_the_number_of_an_item_the_question_names_is_no_figure_asked_for() -> None:
    question = "What total score did the winning bidder get for Lot 1?"
    assert kind_strength("Lot 1 - Independent Advocacy", "number", None, question) == 0.0
    # Nor is another lot's number a figure: it labels the lot.
    assert kind_strength("Lot 2 - Independent Visitors", "number", None, question) == 0.0
    assert (
        kind_strength("VoiceBridge Advocacy CIC | 51.0 | 85.4 | 1", "number", None, question) == 1.0
    )


def test_a_figure_the_question_writes_is_no_answer_to_it() -> None:
    question = "What is the planning application number for the home at 27 Hatherby Rise?"
    assert kind_strength("Site: 27 Hatherby Rise, Norrell Green", "number", None, question) == 0.0
    assert kind_strength("Application no.: 24/01873/COU", "number", None, question) == 1.0
    # Written inside a longer figure, it is not the question's.
    assert kind_strength("There were 127 objections.", "number", None, "Of the 27 homes?") == 1.0


def test_a_date_naming_the_thing_asked_about_does_not_say_when() -> None:
    question = "When did Ludmoor's Cabinet approve the 2025/26 SEND travel assistance policy?"
    budget = "The council's budget for SEND travel assistance in 2025/26 is £12.4 million."
    assert kind_strength(budget, "date", None, question) == 0.0
    approved = "It was approved by Cabinet on 18 June 2025 following a public consultation."
    assert kind_strength(approved, "date", None, question) == 1.0
    # A date the question asks within is no name: "in 2025" still dates the sentence.
    asked_in = "When in 2025 did Cabinet approve the policy?"
    assert kind_strength("Cabinet approved it in 2025.", "date", None, asked_in) == 1.0
    inspection = "When did Ofsted carry out its 2025 inspection of Saltinghey?"
    dated = "Ofsted carried out its 2025 inspection between 3 and 14 February 2025."
    assert kind_strength(dated, "date", None, inspection) == 1.0


def test_a_body_the_question_names_is_no_answer_whatever_its_possessive() -> None:
    question = "Which authority was she director at before joining the Trust?"
    sentence = "The Trust's chief executive joined from a neighbouring authority."
    assert kind_strength(sentence, "organisation", None, question) == 0.0
    assert kind_strength("She joined from Eastmoor Council.", "organisation", None, question) == 1.0
    # A council is named by its place: "Hallowfield's" gives "Hallowfield City Council".
    question = "Who was the lead peer for Hallowfield's peer challenge?"
    subject_line = "Hallowfield City Council: Children's Services Peer Challenge, November 2023"
    assert kind_strength(subject_line, "person", None, question) == 0.0
    assert kind_strength("Caroline Ashdown (lead peer)", "person", None, question) == 1.0
    # A company is named without its legal form: "Northgate Youth Homes" gives "... Ltd".
    question = "Who is the registered manager at Northgate Youth Homes?"
    assert kind_strength("Provider: Northgate Youth Homes Ltd", "person", None, question) == 0.0
    # Asking for a firm, a charity or an agency, a council is no answer.
    question = "Which voluntary adoption agency provides some of its adoption support?"
    hosted = "It is hosted by Stenhale County Council on behalf of three authorities."
    assert kind_strength(hosted, "organisation", None, question) == 0.0
    hosting = "Which council hosts the agency?"
    assert kind_strength(hosted, "organisation", None, hosting) == 1.0
    # A person the question names by title and surname is named in full too.
    question = "Who was lead member before Councillor Varma?"
    varma = "Councillor Ashok Varma, Cabinet Member for Children"
    assert kind_strength(varma, "person", None, question) == 0.0
    halloran = "Councillor Varma took over from Councillor June Halloran in May 2023."
    assert kind_strength(halloran, "person", None, question) == 1.0


def test_a_month_may_be_a_titled_persons_first_name() -> None:
    sentence = "Councillor Varma took over from Councillor June Halloran in May 2023."
    people = [f.text for f in facts_of(sentence, "person")]
    assert people == ["Councillor Varma", "Councillor June Halloran"]
    assert facts_of("Since June Paul Moffat has led it.", "person") == []


def test_kind_strength_asks_for_the_unit_too() -> None:
    assert kind_strength("The council spent £14.8 million.", "number", "money") == 1.0
    assert kind_strength("Five social workers left.", "number", "money") == 0.0
    assert kind_strength("Some 31% live far away.", "number", "share") == 1.0
    # A "who" question half-accepts an organisation.
    assert kind_strength("Ofsted carried out the visit.", "person") == 0.5
    # "How many children" is a count: money and shares do not answer it.
    assert kind_strength("The council was awarded £1.2 million.", "number", "count") == 0.0
    assert kind_strength("Care costs rose by 18%.", "number", "count") == 0.0
    assert kind_strength("The number in care rose to 612.", "number", "count") == 1.0
    # An average or a rate is no count of things in words ("ten statistical neighbours").
    average = "What is the statistical neighbour average for conferences held on time?"
    note = "The average is for our ten statistical neighbours (2023/24 data)."
    assert kind_strength(note, "number", None, average) == 0.0
    assert kind_strength("Their average is 79%.", "number", None, average) == 1.0


def test_a_count_is_no_share_or_duration_unless_it_asks_for_one() -> None:
    assert not fits_unit("count", "a third")
    assert not fits_unit("count", "five years", "How many children were in care?")
    assert fits_unit("count", "five years", "How many years did it take?")
    assert not fits_unit("count", "20 miles", "How many foster carers does it have?")
    assert fits_unit("count", "20 miles", "How many miles away do they live?")
    assert fits_unit("count", "612", "How many children were in care?")
    assert fits_unit("count", "48 days", "What was the average number of days they waited?")
    assert fits_unit("count", "12 half-day sessions")  # "half-day" holds no share
    # An agenda's item and an address's unit are labels, not counts.
    contact = "Item: 5. Contact: Caspian Mortlake, Lathersby YJS, Unit 4, Tannery Yard"
    assert facts_of(contact, "number") == []
    # A figure joined to a measure qualifies a noun: "the six-month review" counts nothing.
    fused = "No child is to be allocated to an NQSW before the six-month review."
    assert [f.text for f in facts_of(fused, "number")] == ["six-month"]
    assert kind_strength(fused, "number", "count", "How many children at most?") == 0.0
    assert fits_unit("count", "12-week", "How many weeks does the course last?")
    # "one working day" is a time, not a count of "working".
    screened = "92% of contacts were screened within one working day."
    assert [f.text for f in facts_of(screened, "number")] == ["92%", "one working day"]
    assert kind_strength(screened, "number", "count", "How many contacts came in?") == 0.0


_PLACED = "How many of the young people were placed there by the council?"
_RATE = "What is the rate of children in care per 10,000 children?"
_YEARLY = "How much will it cost to run the home each year?"
_WEEKLY = "What is the weekly allowance for a child aged 11 to 15?"
_COMPLAINTS = "How many stage 1 complaints did the council get?"


@pytest.mark.parametrize(
    ("question", "unit", "sentence", "strength"),
    [
        # A count of the group the sentence before names ("Of these").
        (_PLACED, "count", "Of these, 18 had been placed by the council and 4 elsewhere.", 1.0),
        (_PLACED, "count", "In all, 18 had been placed by the council and 4 elsewhere.", 0.0),
        # A rate per head is said with its population, or in its table's row.
        (_RATE, "rate", "Two years ago, 412 children were in care.", 0.0),
        (_RATE, "rate", "It looked after 412 children, a rate of 71 per 10,000 children.", 1.0),
        (_RATE, "rate", "| Rate per 10,000 children | 44.9 | 48.6 |", 1.0),
        # An amount paid by another period is no answer.
        (_YEARLY, "money", "Some placements cost more than £12,000 a week.", 0.0),
        (_YEARLY, "money", "Running it will cost £1.2 million a year.", 1.0),
        (_YEARLY, "money", "Running it will cost £1.2 million.", 1.0),
        (_WEEKLY, "money", "We set aside £1.8 million a year for it.", 0.0),
        # A count of another thing than asked for, which the question does not name.
        (_COMPLAINTS, "count", "The ombudsman made 11 decisions on complaints.", 0.0),
        (_COMPLAINTS, "count", "The council received 203 complaints at stage 1.", 1.0),
        (_COMPLAINTS, "count", "Of 203 cases, 14 complaints went to stage 2.", 1.0),
        (_PLACED, "count", "In 12 cases the council placed the young person.", 0.0),
    ],
)
def test_the_unit_asked_for_in_its_sentence(
    question: str, unit: Unit, sentence: str, strength: float
) -> None:
    assert kind_strength(sentence, "number", unit, question) == strength


def test_a_ratio_is_a_share_and_no_count() -> None:
    sentence = "The LGA said 7 in 10 councils expected to overspend in 2024."
    assert [f.text for f in facts_of(sentence, "number")] == ["7 in 10 councils"]
    assert not fits_unit("count", "7 in 10 councils", "How many staff does it employ?")
    assert fits_unit("share", "one in eight", "What proportion of councils were failing?")
    # A percentage asked for is written as one.
    assert not fits_unit("share", "one in eight", "What percentage of councils were failing?")
    assert fits_unit("share", "12%", "What percentage of councils were failing?")
    # "3 in 2023" is no ratio, nor a figure over a time or more than its whole.
    assert [f.text for f in facts_of("It opened 3 in 2023.", "number")] == ["3"]
    for sentence, first in [
        ("Referrals rose by 30 in 12 months.", "30"),
        ("Inspectors carried out 4 in one week.", "4"),
        ("The council placed 12 in 2 homes.", "12"),
    ]:
        assert facts_of(sentence, "number")[0].text == first, sentence
    assert facts_of("Seven in 10, the survey found, were happy.", "number")[0].text == "Seven in 10"


def test_a_number_in_words_is_read_whole() -> None:
    sentence = "Inspectors found twenty-three children living more than 20 miles away."
    assert [f.text for f in facts_of(sentence, "number")] == ["twenty-three children", "20 miles"]
    assert [f.text for f in facts_of("Seventeen households left.", "number")] == [
        "Seventeen households"
    ]


def test_a_judge_and_a_professor_are_people() -> None:
    assert [f.text for f in facts_of("The case was heard by HHJ Ashworth-Nunn.", "person")] == [
        "HHJ Ashworth-Nunn"
    ]
    assert facts_of("HHJ Ashworth-Nunn", "organisation") == []
    assert [f.text for f in facts_of("Professor Eileen Munro reviewed it.", "person")] == [
        "Professor Eileen Munro"
    ]


def test_a_year_inside_a_reference_is_no_date() -> None:
    assert facts_of("Internal reference: HCC-CFE-2025-041", "date") == []
    dates = "from 2019-2021, in 2024-25 and in 2023"
    assert [f.text for f in facts_of(dates, "date")] == ["2019", "2021", "2024-25", "2023"]


def test_a_name_with_initials_is_a_person() -> None:
    names = "Councillors P. Ashdown, L. Pritchard and Mr K. Obi attended."
    assert [f.text for f in facts_of(names, "person")] == [
        "Councillors P. Ashdown",
        "L. Pritchard",
        "Mr K. Obi",
    ]
    assert facts_of("The council adopted Plan B. Members agreed.", "person") == []
    # An initial is kept though the corpus writes the letter alone ("a", "s").
    minutes = "Presented by A. Latimer and S. Yardley."
    assert [f.text for f in facts_of(minutes, "person", common_words=frozenset("as"))] == [
        "A. Latimer",
        "S. Yardley",
    ]


def test_a_plan_or_fund_names_no_one() -> None:
    line = "Key decision: Yes (Forward Plan reference KD/2021/031)"
    assert facts_of(line, "person") == []
    grant = "It was funded by the Transformation Fund, said Jo Bell."
    assert [f.text for f in facts_of(grant, "person")] == ["Jo Bell"]


def test_a_building_or_street_of_an_address_is_no_person() -> None:
    line = "in Committee Room 2, Shire Hall, Market Parade, Stavelcombe, SV2 7LB"
    assert facts_of(line, "person") == []
    assert facts_of("Ofsted, Agora, 6 Cumberland Place, Nottingham NG1 6HJ", "person") == []
    letterhead = "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD"
    assert facts_of(letterhead, "person") == []
    # Without an address a surname spelt as a building is a name, and so it is with a
    # post between it and the address.
    assert [f.text for f in facts_of("Jenny Hall chaired the panel.", "person")] == ["Jenny Hall"]
    officer = "Contact: Jenny Hall, Head of Safeguarding, Shire Hall, Market Parade, EM1 2AB"
    assert [f.text for f in facts_of(officer, "person")] == ["Jenny Hall"]
    assert facts_of("Thistlecombe Borough Council, Civic Offices, Market Square,", "person") == []
    # A council's hall is a building wherever it is named, with no address after it.
    meeting = "Record of the meeting held at 6.00pm, Committee Room 2, Mardlebury Town Hall"
    assert facts_of(meeting, "person") == []
    assert [f.text for f in facts_of(meeting, "place")] == ["Mardlebury Town Hall"]


def test_a_bodys_possessive_ends_a_name_as_the_body_word_does() -> None:
    became = "Dr Woodhouse became Orlingham City Council's Director of Children's Services."
    assert [f.text for f in facts_of(became, "person")] == ["Dr Woodhouse"]


def test_no_persons_name_follows_the() -> None:
    line = "with coordinators across Crowlington, Farrowdene and the Saltinghey Coast."
    assert facts_of(line, "person") == []
    assert facts_of("now known as the Dunmarrow Front Door", "person") == []
    # A title may follow it: "the Reverend Ann Lyle".
    titled = "The service was opened by the Reverend Ann Lyle."
    assert [f.text for f in facts_of(titled, "person")] == ["Reverend Ann Lyle"]


def test_a_practitioner_post_or_our_is_no_part_of_a_name() -> None:
    line = "Our Kinship Champion is Lewin Adebanjo-Hart, Senior Practitioner in the"
    people = [f.text for f in facts_of(line, "person")]
    assert "Lewin Adebanjo-Hart" in people
    assert not any(p.startswith("Our") or "Practitioner" in p for p in people)


def test_a_date_relative_to_its_report_holds_a_date_less_well() -> None:
    relative = "Services were judged inadequate during an inspection last year."
    assert kind_strength(relative, "date") == 0.75
    assert kind_strength("Services were judged inadequate in November 2015.", "date") == 1.0
    assert kind_strength("It was judged inadequate last year and in November 2015.", "date") == 1


def test_how_long_asks_for_a_length_of_time() -> None:
    question = "How long after the inspection was the review published?"
    assert analyse(resolve(question, []), None).unit == "duration"
    for other in ("How long is the waiting list?", "How long was the report?"):
        assert analyse(resolve(other, []), None).unit is None  # a count, pages
    assert kind_strength("Inspectors visited a day centre.", "number", "duration") == 0
    assert kind_strength("Inspectors met staff twice a week.", "number", "duration") == 0
    # "a week" is a length of time though it holds no figure; "15" and "7%" are none.
    assert kind_strength("The review came a week after the inspection.", "number", "duration") == 1
    assert kind_strength("The Rule 15 decision cut referrals by 7%.", "number", "duration") == 0
    assert fits_unit("duration", "two weeks") and not fits_unit("duration", "39 children")


def test_a_number_labelling_an_item_or_an_age_is_no_amount() -> None:
    sentence = "He declared an interest in minute 28 under Rule 15; 18 flats were let."
    assert [f.text for f in facts_of(sentence, "number")] == ["18 flats"]
    leavers = "The council is responsible for 398 care leavers aged 18 to 25."
    assert [f.text for f in facts_of(leavers, "number")] == ["398 care leavers"]
    between = "Care leavers aged between 18 and 25 numbered 398."
    assert [f.text for f in facts_of(between, "number")] == ["398"]
    # "minutes" is time, not a minute of a meeting.
    assert [f.text for f in facts_of("Within minutes 12 children moved.", "number")] == [
        "12 children"
    ]
    caption = "Table 1: Private fostering activity by year"
    assert facts_of(caption, "number") == []
    # A subsection is part of its section's label: "6" in "section 38(6)".
    court = "It assesses families under section 38(6) of the Children Act 1989."
    assert facts_of(court, "number") == []
    assert [f.text for f in facts_of("In 38 (6%) cases.", "number")] == ["38", "6%"]
    # A quarter, a key stage, a lot are numbered, not counted.
    heading = "Harrowby Council - Quarter 2, 2025/26 (1 July to 30 September 2025)"
    assert facts_of(heading, "number") == []
    assert [f.text for f in facts_of("At Key Stage 4, 52 pupils sat exams.", "number")] == [
        "52 pupils"
    ]


def test_a_numbered_item_opening_a_line_is_no_amount() -> None:
    # A word and a number before a colon or a dash and a title number an item of a list.
    assert facts_of("Change 2: Antenatal contact target", "number") == []
    assert facts_of("Action 1 - Overdue reviews (partially implemented).", "number") == []
    row = "KPI 1 Antenatal contact from 28 weeks | 49.8% | 53.6%"
    assert [f.text for f in facts_of(row, "number")] == ["28 weeks", "49.8%", "53.6%"]
    # Without a title after it, the number may be an amount.
    assert [f.text for f in facts_of("Total 45: see below.", "number")] == ["45"]


def test_a_paragraph_number_opening_a_sentence_is_no_amount() -> None:
    assert facts_of("4.1 Private fostering sits within the Assessment Service.", "number") == []
    assert facts_of("(2) Reduce the reoffending rate to the average.", "number") == []
    assert facts_of('5.1 "Choose Orvingdale" recruitment campaign.', "number") == []
    opened = "1.1 This report sets out 12 findings."
    assert [f.text for f in facts_of(opened, "number")] == ["12 findings"]
    # An amount opening a sentence is still one: a scale, a unit in capitals, or no
    # capitalised word after it.
    assert [f.text for f in facts_of("4.5 million children live here.", "number")] == [
        "4.5 million"
    ]
    assert [f.text for f in facts_of("2.5 FTE posts were added.", "number")] == ["2.5"]


def test_a_count_of_another_group_is_no_answer_to_how_many() -> None:
    question = "How many children were in the care of the council?"
    assert not fits_unit("count", "398 care leavers", question)
    assert not fits_unit("count", "60 more foster carers", question)
    assert fits_unit("count", "612 children", question) and fits_unit("count", "612", question)
    assert fits_unit("count", "398 care leavers", "How many care leavers does it support?")
    assert fits_unit("count", "12 practitioners", "How many social workers left?")
    # Only when the question names one group: these name two, or the group comes later.
    assert fits_unit("count", "398 care leavers", "How many young people leaving care were seen?")
    assert fits_unit(
        "count", "120 foster carers", "How many local authority foster carers are there?"
    )
    question = "How many of the council's looked after children live in foster care?"
    assert kind_strength(
        "In March, 412 children lived in foster care.", "number", "count", question
    )
    # Jobs and places are counted apart from the people in them.
    question = "How many children was each reviewing officer responsible for?"
    assert not fits_unit("count", "three additional IRO posts", question)
    assert fits_unit("count", "68 children", question)
    assert not fits_unit("count", "eight places", "How many foster carers does the trust have?")
    assert fits_unit("count", "eight places", "How many places do the new homes provide?")
    assert not fits_unit("count", "four personal advisers", "How many new jobs did it fund?")
    # Whole words: children "placed" or "postholders" are not places or posts.
    assert fits_unit("count", "45 placed", "How many children were placed with carers?")
    assert fits_unit("count", "12 postholders", "How many postholders left?")
    # Any other thing counted, which the question does not name, is no answer either.
    assert not fits_unit("count", "12 postholders", "How many social workers left?")


def test_a_sentence_naming_none_of_the_group_counted_is_no_answer_to_how_many() -> None:
    question = "How many foster carers does the trust have?"
    moves = "In 2019, 41 children in care had three or more placement moves."
    assert kind_strength(moves, "number", "count", question) == 0
    carers = "The trust has 212 approved fostering households."
    assert kind_strength(carers, "number", "count", question) == 1
    # A figure with no noun counts the group its sentence names.
    question = "How many children were in care at 31 March 2024?"
    assert kind_strength("Average caseloads have fallen to 18.", "number", "count", question) == 0
    assert kind_strength("The number in care rose to 447 children.", "number", "count", question)
    # "UASC" are children; "children's homes" are homes, not children.
    question = "How many unaccompanied asylum-seeking children did it look after?"
    assert kind_strength("UASC at 31 March 2023: 54", "number", "count", question) == 1
    # A school's pupils are children.
    pupils = "There were 64 pupils on roll, of whom 28 used the residential provision."
    assert kind_strength(pupils, "number", "count", "How many children boarded?") == 1
    question = "How many children's homes does the council run now?"
    assert kind_strength("We now run six homes.", "number", "count", question) == 1
    assert not fits_unit("count", "six homes", "How many children live there?")
    curly = "The council runs six children’s homes."
    assert kind_strength(curly, "number", "count", "How many children are in care?") == 0
    # A question naming two groups is not held to either.
    two = "How many young people leaving care were seen?"
    assert kind_strength("Advisers saw 41 of them.", "number", "count", two) == 1
    # The group counted is the head noun: "child death notifications" are notifications.
    deaths = "How many child death notifications did the panel receive in 2023-24?"
    compared = "This compares with 36 notifications in 2023-24 and 29 in 2022-23."
    assert kind_strength(compared, "number", "count", deaths) == 1
    in_care = "How many children in care were placed out of area?"
    assert kind_strength("Average caseloads fell to 18.", "number", "count", in_care) == 0


def test_a_financial_year_is_a_date_not_a_number() -> None:
    sentence = "The council spent £14.8 million on placements in 2020-21."
    assert [f.text for f in facts_of(sentence, "number")] == ["£14.8 million"]
    (year,) = facts_of(sentence, "date")
    assert year.text == "2020-21"
    assert year.period == Period(date(2020, 4, 1), date(2021, 3, 31))
    # Years written short are the years they span, not a financial year.
    assert period_of("2017-19") == Period(date(2017, 1, 1), date(2019, 12, 31))
    assert period_of("1990-95") == Period(date(1990, 1, 1), date(1995, 12, 31))
    # A day written with slashes, the British way round, is that day.
    (day,) = facts_of("Inspected 14/03/2022 | Full", "date")
    assert day.period == Period(date(2022, 3, 14), date(2022, 3, 14))
    assert period_of("31/02/2022") == Period(date(2022, 1, 1), date(2022, 12, 31))  # its year
    # A date written the ISO way is no financial year.
    assert [f.text for f in facts_of("Signed 2021-03-15.", "date")] == ["2021"]


def test_a_date_of_the_precision_asked_must_fall_in_the_period_asked() -> None:
    """ "In which month ... in 2013?": "November 2023" is no month of 2013."""
    in_2013 = time_constraint("in 2013")
    assert in_2013 is not None
    sentence = "Judged inadequate in 2013, it was rated 'outstanding' in November 2023."
    assert kind_strength(sentence, "date", "month", admits=in_2013.admits) == 0.5
    assert kind_strength(sentence, "date", "month") == 1.0
    dated = "It was judged inadequate in September 2013."
    assert kind_strength(dated, "date", "month", admits=in_2013.admits) == 1.0


def test_a_question_asking_for_people_by_name_gives_a_body_no_half_credit() -> None:
    sentence = "This letter summarises the findings of the visit to Wethercombe County Council."
    assert kind_strength(sentence, "person") == 0.5  # "Who carried out ...?" may be a body
    assert kind_strength(sentence, "person", named=True) == 0.0  # "Which inspectors ...?"
    named = "Her Majesty's Inspectors for this visit were Greta Latchford and Callum Stobart."
    assert kind_strength(named, "person", named=True) == 1.0


def test_a_time_from_now_answers_when() -> None:
    assert kind_strength("Her report is due within three months.", "date") == 1.0
    assert kind_strength("Inspectors will return in six weeks.", "date") == 1.0
    assert kind_strength("Her report is due soon.", "date") == 0.0
    # A span of time measured from something else is no time from now.
    assert kind_strength("It was seen within 20 days of referral.", "date") == 0.0


@pytest.mark.parametrize(
    ("sentence", "question", "strength"),
    [
        ("The board is chaired by the lead member.", "Who chairs the board?", 0.5),
        ("Shortfalls are identified by independent reviewing officers.", "Who finds them?", 0.5),
        ("Since 2020, council leaders have been more robust.", "Who has been robust?", 0.5),
        # "leaders" is a word of its own, not the question's "leadership".
        ("Council leaders have challenged it.", "Who challenged the leadership?", 0.5),
        # A role the question itself names is no answer; a title before a name is the name's.
        ("The lead member chairs the board.", "Which lead member chairs the board?", 0.0),
        ('"We are proud," said chief executive Paul Moffat.', "Who replaced Paul Moffat?", 0.0),
        ("The visit took place in May 2017.", "Who carried out the visit?", 0.0),
        # The question's own role, singular or plural, is no answer either.
        ("Every social worker has a caseload.", "Who manages the social workers?", 0.0),
        ("The inspector visited in May.", "Who were the inspectors?", 0.0),
        # "He said": the person is named around the sentence.
        ('He said: "Residents will remember it."', "Who said residents will remember?", 0.5),
    ],
)
def test_a_who_question_half_accepts_a_role(sentence: str, question: str, strength: float) -> None:
    assert kind_strength(sentence, "person", question=question) == strength


def test_a_time_of_day_is_no_number() -> None:
    dateline = "Thursday, 23rd September 2021, 4:15 pm"
    assert [f.kind for f in find_facts(dateline)] == ["date"]
    assert facts_of("The panel met at 10am with 12 families.", "number")[0].text == "12 families"
    assert kind_strength(dateline, "number") == 0.0


def test_one_as_a_pronoun_is_no_number() -> None:
    quote = "We are proud of each and every one of our staff, and no one doubts it."
    assert facts_of(quote, "number") == []
    assert facts_of("No-one left; every single one stayed.", "number") == []
    assert [f.text for f in facts_of("The one children's home was rated good.", "number")] == [
        "one children"
    ]
    assert [f.text for f in facts_of("One child and only one of the councils.", "number")] == [
        "One child",
        "one",
    ]


def test_a_name_the_question_gives_is_no_answer_to_it() -> None:
    sentence = '"We are proud of our staff," said chief executive Paul Moffat.'
    assert kind_strength(sentence, "person") == 1.0
    assert kind_strength(sentence, "person", question="Who replaced Paul Moffat?") == 0.0
    assert kind_strength(sentence, "person", question="Who led the trust?") == 1.0
    letter = "The Local Government Association reviewed the work of Ofsted."
    asked = "Which organisation did the Local Government Association criticise?"
    assert kind_strength(letter, "organisation", question=asked) == 1.0  # Ofsted is new


def test_an_address_block_is_read_line_by_line() -> None:
    block = "Mr Damien Allen\nDirector of People\nCivic Office\nDoncaster\nDN1 3BU"
    facts = [(f.kind, f.text) for f in find_facts(block)]
    assert ("person", "Mr Damien Allen") in facts
    assert ("place", "DN1 3BU") in facts
    assert not [f for f in facts if f[0] == "number"]  # the 3 of DN1 3BU counts nothing
    assert all("\n" not in text for _, text in facts)  # no name runs across lines


# Words a corpus writes in lower case (`EntityLexicon.common_words`).
COMMON = frozenset(
    {"by", "dear", "social", "affairs", "correspondent", "civic", "centre", "education", "cabinet"}
    | {"member", "councillor", "information", "governance", "team", "lead", "foster"}
)


@pytest.mark.parametrize(
    ("sentence", "people"),
    [
        ("By Imran Siddique, Social Affairs Correspondent", ["Imran Siddique"]),
        ("Dear Mr Allen", ["Mr Allen"]),
        ("Information Governance Team", []),  # every word also written in lower case
        ("Lead member Sarah Foster said.", ["Sarah Foster"]),  # a surname that is a word
        ("Civic Centre, Tanner Row", []),  # an address: "centre", "row" end no name
        ("Councillor Declan Fearnley, Cabinet Member for Children", ["Councillor Declan Fearnley"]),
    ],
)
def test_a_name_does_not_begin_with_a_word_the_corpus_writes_in_lower_case(
    sentence: str, people: list[str]
) -> None:
    assert [f.text for f in facts_of(sentence, "person", common_words=COMMON)] == people
    # No person: at most half credit, for a body (a committee) or a role.
    assert (kind_strength(sentence, "person", common_words=COMMON) == 1.0) == bool(people)


def test_without_the_corpus_every_capitalised_pair_may_be_a_name() -> None:
    assert [f.text for f in facts_of("Growing Futures", "person")] == ["Growing Futures"]


def test_a_date_of_the_precision_asked() -> None:
    # "In which month ...?" is not answered by a year, "On what date ...?" not by a month.
    assert kind_strength("It was judged inadequate in 2013.", "date", "month") == 0.5
    assert kind_strength("It was judged inadequate in September 2013.", "date", "month") == 1.0
    assert kind_strength("The report was published last month.", "date", "day") == 0.5
    assert kind_strength("The report was published on 16 January.", "date", "day") == 1.0
    assert kind_strength("No date here.", "date", "day") == 0.0


def test_a_street_address_is_a_place_and_its_house_number_no_figure() -> None:
    row = "Quarndale Central | 14 Market Cross, | Mon-Fri 8.30am-5pm"
    assert [f.text for f in facts_of(row, "place")] == ["14 Market Cross"]
    assert facts_of(row, "number") == []
    assert [f.text for f in facts_of("Brambling House, 41 Fallow Lane, Middenham", "place")] == [
        "41 Fallow Lane"
    ]
    # A figure before a capitalised word that ends no street is still a figure.
    assert [f.text for f in facts_of("There were 14 Children in Care Councils.", "number")] == [
        "14"
    ]


def test_a_named_building_is_a_place_and_no_person() -> None:
    def places(text: str) -> list[str]:
        return [f.text for f in facts_of(text, "place")]

    assert places("4pm to 6pm, The Junction Youth Hub, Hollin Street.") == [
        "The Junction Youth Hub"
    ]
    assert places("Stakeholder panels: Tarrowfield Guildhall") == ["Tarrowfield Guildhall"]
    held = "Meetings were held in person at Riverside House, Cressingford."
    assert places(held) == ["Riverside House"]
    assert facts_of(held, "person") == []
    # A house or hall may be a surname: only one met "at" or led by "the" is a place.
    said = "Paul Hall, the director, said the plan was working."
    assert places(said) == [] and [f.text for f in facts_of(said, "person")] == ["Paul Hall"]
    assert places("The House of Commons debated the review.") == []


def test_by_when_asks_for_the_date_set_as_a_deadline() -> None:
    question = "By when do families need to book the October half term HAF programme?"
    deadline = "Book through the HAF booking site by Friday 17 October."
    event = "Holiday Activities and Food (HAF) programme, October half term, 27-31 Oct 2025."
    assert kind_strength(deadline, "date", None, question) == 1.0
    assert kind_strength(event, "date", None, question) == 0.5
    assert kind_strength(event, "date", None, "When is the HAF programme?") == 1.0


def test_a_question_about_the_past_is_not_answered_by_a_date_still_to_come() -> None:
    question = "When did the inspection that found a significant deterioration take place?"
    ahead = "The next monitoring visit is expected to take place in spring 2023."
    assert kind_strength(ahead, "date", None, question) == 0.0
    assert kind_strength("The inspection took place in May 2022.", "date", None, question) == 1.0
    # Asking after the plan itself, it is the answer.
    assert kind_strength(ahead, "date", None, "When was the next monitoring visit due?") == 1.0
    # A date set as a deadline is not when it happened, however precise the date asked.
    went_live = "On what date did online booking actually go live?"
    required = "The specification required the online offer to launch by 1 October 2024."
    assert kind_strength(required, "date", "day", went_live) == 0.0
    live = "Online booking went live on 4 November 2024."
    assert kind_strength(live, "date", "day", went_live) == 1.0
    assert kind_strength(required, "date", "day", "By what date was it meant to launch?") == 1.0


def test_a_short_month_is_a_date_beside_a_day_or_a_year() -> None:
    for text, first, last in (
        ("1 Sep 2024", date(2024, 9, 1), date(2024, 9, 30)),
        ("Jan 2025", date(2025, 1, 1), date(2025, 1, 31)),
        ("1 Mar-31 Aug 2024", date(2024, 3, 1), date(2024, 8, 31)),
        ("27-31 Oct 2025", date(2025, 10, 1), date(2025, 10, 31)),
    ):
        [found] = facts_of(text, "date")
        assert (found.text, found.period) == (text, Period(first, last))
    assert facts_of("Jan Smith chaired the panel.", "date") == []  # a name, not a month


def test_a_documents_reference_holds_no_date_figure_or_body() -> None:
    sentence = "Reference: DPIA/CS/2025/007, approved 24 March 2025 for 12 teams."
    assert [(f.kind, f.text) for f in find_facts(sentence)] == [
        ("date", "24 March 2025"),
        ("number", "12 teams"),
    ]
    assert time_constraint("Which firm carried out investigation WB/2025/04?") is None
    # Figures written with a slash are still figures: "£250/week", "2023/24", "14/03/2022".
    kinds_found = [(f.kind, f.text) for f in find_facts("£250/week in 2023/24, from 14/03/2022.")]
    assert kinds_found == [("number", "£250"), ("date", "2023/24"), ("date", "14/03/2022")]
    # Nor is a version's number a figure.
    version = "Version 2.1 - agreed 14 July 2025"
    assert [f.kind for f in find_facts(version)] == ["date"]


def test_a_company_suffix_in_capitals_ends_its_name() -> None:
    sentence = "Investigating body: Calloway Ferris Assurance LLP (lead: Naomi Steadwell)."
    assert [(f.kind, f.text) for f in find_facts(sentence)] == [
        ("organisation", "Calloway Ferris Assurance LLP"),
        ("person", "Naomi Steadwell"),
    ]
