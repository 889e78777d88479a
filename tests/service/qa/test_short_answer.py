"""The asked-for fact inside an answer sentence (service/short_answer.py)."""

from __future__ import annotations

from datetime import date

import pytest

from service.qa.analysis import analyse
from service.qa.asked_kind import answer_kind
from service.qa.facts import Period
from service.qa.followup import resolve
from service.qa.short_answer import short_answer

PLACEMENT_MOVES_CHANGE = (
    "The numbers of children experiencing three or more moves have reduced from 57 at "
    "January 2016 to 39 at January 2017."
)
CASES = [
    (
        "When did Doncaster Children's Services Trust officially launch?",
        "Doncaster Council was stripped of control amid concerns dating back to 2009, "
        "with Doncaster Children's Services Trust officially launching in October 2014.",
        "October 2014",
    ),
    (
        "Who was Ofsted's chief inspector when the report was published?",
        'Ofsted\'s chief inspector, Sir Michael Wilshaw said: "This report shows it."',
        "Sir Michael Wilshaw",
    ),
    (
        # The number the question repeats ("three") and the date it names are not answers.
        "How many children had three or more placement moves in January 2017?",
        "In January 2017, 39 children had three or more placement moves.",
        "39 children",
    ),
    (
        "Who is the chief executive of Doncaster Children's Services Trust?",
        'Chief Executive of Doncaster Children\'s Services Trust Paul Moffat said: "Thanks."',
        "Paul Moffat",
    ),
    (
        "When was the monitoring visit?",
        "This letter summarises the findings of the monitoring visit on 28 February and "
        "1 March 2017.",
        "28 February and 1 March 2017",
    ),
    (
        "How many pages long was the report?",
        "The 12-page report, published in April 2022, outlined failings.",
        "12",
    ),
    (
        "What proportion of authorities were judged inadequate?",
        "A quarter of the 87 authorities inspected were judged inadequate.",
        "A quarter",
    ),
    (
        # A change answers "how many" with the figure as it now stands...
        "How many children had three or more placement moves?",
        PLACEMENT_MOVES_CHANGE,
        "39",
    ),
    (
        # ...unless the question asks about the start's date.
        "How many children had three or more placement moves in January 2016?",
        PLACEMENT_MOVES_CHANGE,
        "57",
    ),
    (
        "How many referrals were there?",
        "Referrals rose from 120 to 150 in the year.",
        "150",
    ),
    (
        # Two figures that are not a change: the nearest to the question's words.
        "How many social workers joined?",
        "In 2017, 12 social workers joined and 30 agency staff left.",
        "12 social workers",
    ),
    (
        "Who was briefed on the inspection?",
        "It's understood the Mayor Jones and her cabinet were briefed on the inspection.",
        "Mayor Jones",
    ),
    (
        # A title in brackets belongs to the name before it, not the nearer one after.
        "Who chaired the committee's session?",
        "Members present: Elspeth Carrow MP (Chair), Conrad Yelland MP, Bethan Morrow MP",
        "Elspeth Carrow",
    ),
    (
        # The title holding more of the question's words, and fewer others, wins.
        "Who was the vice chair of the session?",
        "Members present: Elspeth Carrow MP (Chair), Conrad Yelland MP (Vice Chair)",
        "Conrad Yelland",
    ),
    (
        "Who chaired the session?",
        "Members present: Conrad Yelland MP (Vice Chair), Elspeth Carrow MP (Chair)",
        "Elspeth Carrow",
    ),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), CASES)
def test_short_answer_is_the_asked_for_fact(question: str, sentence: str, expected: str) -> None:
    span = short_answer(sentence, question, answer_kind(question))
    assert span is not None
    assert sentence[span.start : span.end] == expected


def test_how_long_is_answered_by_a_length_of_time() -> None:
    question = "How long after the inspection was the review published?"
    sentence = "The review of 2017, which cut referrals by 7%, came a week after the inspection."
    span = short_answer(
        sentence, question, "number", unit=analyse(resolve(question, []), None).unit
    )
    assert span is not None and sentence[span.start : span.end] == "a week"


def test_no_short_answer_without_a_fact_of_the_asked_kind() -> None:
    question = "When did the trust launch?"
    assert short_answer("The trust was welcomed by staff.", question, "date") is None


def test_no_short_answer_for_other_questions() -> None:
    question = "What did inspectors say?"
    sentence = "Inspectors said in 2017 that services were good."
    assert short_answer(sentence, question, answer_kind(question)) is None


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        (
            "How much did Brackenridge secure?",
            "Brackenridge secures £1.2 million to keep more children safely at home.",
            "£1.2 million",
        ),
        (
            "Who conducted the visit?",
            "Her Majesty's Inspectors, Graham Reiter and Rachel Holden, conducted the visit.",
            "Graham Reiter and Rachel Holden",
        ),
        (
            "What was Doncaster rated in November 2015?",
            'Provision went on to be rated "inadequate" in November 2015.',
            "inadequate",
        ),
        (
            "Which organisation carried out the review?",
            "The Trust invited the Local Government Association (LGA) in July to review it.",
            "Local Government Association (LGA)",
        ),
    ],
)
def test_short_answers_keep_units_lists_ratings_and_organisations(
    question: str, sentence: str, expected: str
) -> None:
    span = short_answer(sentence, question, answer_kind(question))
    assert span is not None
    assert sentence[span.start : span.end] == expected


def _asked(sentence: str, question: str) -> str | None:
    """The short answer as the service asks for it, from the analysed question."""
    analysis = analyse(resolve(question, []), None)
    span = short_answer(sentence, question, analysis.kind, asks_council=analysis.asks_which_council)
    return sentence[span.start : span.end] if span else None


def test_a_council_asked_for_is_a_council_named() -> None:
    """The council's kind, in the question too, is no part of what it asks about; and a
    body that is no council (Ofsted) does not answer "which council"."""
    sentence = (
        "Among the councils to improve is Westfold County Council, judged inadequate in 2022."
    )
    assert (
        _asked(sentence, "Which council was judged inadequate in July 2022?")
        == "Westfold County Council"
    )
    sentence = "Children's services in Harrowby have been rated 'outstanding' by Ofsted."
    assert _asked(sentence, "Which councils were rated outstanding?") is None
    sentence = "The review was carried out by the Local Government Association."
    assert (
        _asked(sentence, "Which organisation carried out the review?")
        == "Local Government Association"
    )


def test_a_date_more_precise_than_the_one_asked_in_is_the_answer() -> None:
    question = "In which month was Ashcombe judged inadequate in 2013?"
    sentence = "Ashcombe was also judged inadequate, in September 2013, after inspectors visited."
    span = short_answer(sentence, question, answer_kind(question))
    assert span is not None and sentence[span.start : span.end] == "September 2013"


def _counted(row: str, question: str, header: str, period: Period | None = None) -> str | None:
    """The count `short_answer` gives from a table's `row` under `header`."""
    span = short_answer(row, question, "number", unit="count", header=header, period=period)
    return row[span.start : span.end] if span is not None else None


def test_a_table_row_answers_from_the_column_the_question_names() -> None:
    header = "Measure | Orlingham | Wexcombe | Adopt Northmarch"
    row = "Children placed for adoption | 44 | 27 | 71"
    for council, figure in (("Wexcombe", "27"), ("Orlingham", "44")):
        assert _counted(row, f"How many children did {council} place for adoption?", header) == (
            figure
        )
    # No column named: the nearest figure, as for any sentence.
    assert _counted(row, "How many were placed?", header) == "44"
    # The first column names the rows: another column named beside it is the one asked.
    question = "How many foster carers were recruited in 2023?"
    assert _counted("Recruited | 12 | 20", question, "Foster carers | 2022 | 2023") == "20"
    # A header leaving the corner above the rows' names blank still names the columns.
    question = "How many children were in care at 31 March 2025?"
    assert _counted("Children in care | 429 | 441 | 463", question, "2023 | 2024 | 2025") == "463"
    # The one column dated in the period asked about, though the words name another
    # ("How many the year before?" after a question about 2023-24).
    question = "How many notifications in 2023-24? How many the year before?"
    header = "Measure | 2021-22 | 2022-23 | 2023-24"
    year_before = Period(date(2022, 4, 1), date(2023, 3, 31))
    assert _counted("Notifications received | 22 | 19 | 27", question, header, year_before) == "19"


def test_what_the_sentence_puts_aside_is_not_its_answer() -> None:
    moved = (
        "Because our finance system is being upgraded in early September, the autumn term "
        "payment will be made on 19 September 2025 instead of 12 September 2025."
    )
    question = "When will the autumn term 2025 payment be made?"
    span = short_answer(moved, question, "date")
    # Nor is "early September" the answer, a date the reader would have to place.
    assert span is not None and moved[span.start : span.end] == "19 September 2025"
    corrected = "The corrected number of theatre licences for 2023/24 is 387, not 402."
    span = short_answer(corrected, "How many theatre licences were issued?", "number")
    assert span is not None and corrected[span.start : span.end] == "387"


def test_of_figures_each_followed_by_its_date_the_one_of_the_period_asked() -> None:
    sentence = (
        "There were 305 approved chaperones on our register at 31 March 2025, compared "
        "with 288 at 31 March 2024."
    )
    question = "How many approved chaperones were there?"
    for year, figure in ((2025, "305 approved chaperones"), (2024, "288")):
        asked = Period(date(year, 3, 31), date(year, 3, 31))
        span = short_answer(sentence, question, "number", unit="count", period=asked)
        assert span is not None and sentence[span.start : span.end] == figure
