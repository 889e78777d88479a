"""Question analysis: the kind of answer asked for, the period, the names it gives."""

from __future__ import annotations

from datetime import date

import pytest

from corpus.models import Document
from service.qa.analysis import analyse
from service.qa.asked_kind import answer_kind
from service.qa.contract import Turn
from service.qa.document_questions import kind_matches
from service.qa.entities import EntityLexicon
from service.qa.facts import Period
from service.qa.followup import resolve
from service.qa.periods import moved_by_years, time_constraint, years_moved


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did the trust launch?", "date"),
        ("After the trust launched, in which month and year was it rated inadequate?", "date"),
        ("How many children had three or more placement moves?", "number"),
        ("What percentage of children were matched?", "number"),
        ("Who was Ofsted's chief inspector when the report was published?", "person"),
        ("When did the trust launch, and who led it?", "date"),
        # An opening question word of another kind wins over a later subordinate clause.
        ("How did the Government describe the services when they were taken away?", None),
        ("What happened to the council when the trust failed?", None),
        ("Which monitoring visit was it?", None),
        # Ratings, organisations and places.
        ("What was Doncaster rated in November 2015?", "rating"),
        ("What rating did Ofsted give after the November 2017 re-inspection?", "rating"),
        ("How was the leadership of the council judged in 2022?", "rating"),
        ("Doncaster rating 2015?", "rating"),
        ("When was Doncaster rated inadequate?", "date"),
        ("Why was Doncaster rated inadequate?", None),
        ("Who rated the trust good?", "person"),
        ("Which organisation carried out the peer review?", "organisation"),
        ("Which watchdog inspected the council?", "organisation"),
        ("Where is the trust based?", "place"),
        ("What is the postcode of the Civic Office?", "place"),
        ("How much did the council invest?", "number"),
        # The noun after "what / which" says what is asked for; a verb never does.
        ("What was the average caseload in the children in care teams?", "number"),
        ("What is the council's rate of matching children with visitors?", "number"),
        ("What conversion rate did the 2023-24 campaign achieve?", "number"),
        ("cressingford ombudsman compliance rate 2023-24", "number"),
        ("How did Ofsted rate the council in 2023?", "rating"),
        ("And what was the agency rate a year before that?", "number"),
        ("How would inspectors rate it before the visit?", "rating"),
        # Places in a home are a count, not a place.
        ("What is the forecast demand for children's home places in 2026-27?", None),
        ("Which place hosted the event?", "place"),
        ("What was the annual budget of the trust?", "number"),
        ("Which outside body reviewed the trust?", "organisation"),
        ("Which union criticised the council?", "organisation"),
        ("Through which partnership does the council commission placements?", "organisation"),
        ("Which company supplied the new recording system?", "organisation"),
        ("Which firms provide agency social workers?", "organisation"),
        ("Which firm carried out the independent investigation?", "organisation"),
        # The body that provides, supplies or funds a service, not a person.
        ("Who provides independent advocacy for the council's children?", "organisation"),
        ("Who funded the research on care leavers?", "organisation"),
        ("Who carried out the monitoring visit?", "person"),
        # "the agency social worker" is no agency.
        ("Which agency social worker was allocated to the family?", None),
        # An inspection's outcome is its judgement.
        ("What was the outcome of the November 2024 SEND area inspection?", "rating"),
        ("What was the inspection result?", "rating"),
        ("What was the outcome of the complaint?", None),
        # An amount of money asked with a verb.
        ("What did the council spend on agency social workers in 2022-23?", "number"),
        ("What will students pay towards council transport?", "number"),
        ("What did the council spend the grant on?", None),
        ("What is the mayor's first name?", "person"),
        ("Which two people were quoted?", "person"),
        ("Which of Her Majesty's Inspectors led the visit?", "person"),
        ("What did the director say about caseloads?", None),
        ("What impaired leaders' line of sight?", None),
        ("Which scheme cut the number of referrals?", None),
        ("What is the name of the minister who met the leader?", "person"),
        ("What is the name of the trust's whole-family programme?", None),
        ("What was Kestonbury Borough Council rated in 2016?", "rating"),
        ("How did Ofsted rate the council?", "rating"),
        ("What is the re-referral rate?", "number"),  # "rate" as a noun is a figure
        ("Which HMIs carried out the visit?", "person"),
        # A rating the question states is a condition, not what it asks for.
        ("Which services were included in the good rating?", None),
        ("In which years was the service rated inadequate?", "date"),
        ("At the time it was rated good, which care leavers had leisure passes?", None),
        # Typed as a search, the last noun of a kind says what is wanted.
        ("calderwick personal adviser caseload at the 2017 visit?", "number"),
        ("number of children in care brackenridge 2021", "number"),
        ("ferncastle focused visit date", "date"),
        ("doncaster caseload per day?", "number"),
        ("children in care brackenridge this year", None),
        ("doncaster leisure passes?", None),
        ("number of children in care in the year to March 2017", "number"),
        ("What is the most recent count of children in care in Orrinsby?", "number"),
        ("What does the council count as a placement move?", None),
        ("Tell me about the caseload", None),
        ("Did the number of children in care rise?", None),
        ("Has Doncaster met its target date?", None),
        # A clause opening with "when" says when; the question after the comma asks.
        ("When inspectors visited in 2024, how many children boarded?", "number"),
        ("When Ofsted visited in 2017, who led the inspection?", "person"),
        ("When did the council, which was rated inadequate, open its home?", "date"),
        # A question word after a noun opens a relative clause when another one asks.
        (
            "Of the families who gave feedback, what percentage said they were listened to?",
            "number",
        ),
        ("How many children who went missing had a return interview?", "number"),
        ("The director who received the letter, what is his name?", "person"),
        ("To whom did the council write, and when?", "person"),
        ("Which judge decided the care case?", "person"),
        ("Which MP asked the minister about the review?", "person"),
        ("deadline for submitting tenders?", "date"),
        # A financial year may sit between the question word and the noun.
        ("What was Abbotsgarth's 2024/25 forecast spend on placements?", "number"),
        # The most or fewest of something countable is a number; the most of a quality not.
        ("What is the most children an NQSW should be allocated?", "number"),
        ("What is the maximum caseload allowed?", "number"),
        ("What were the most serious issues found?", None),
        # An inspectorate judging is a rating; a judge is a person.
        ("What did Ofsted judge the pupil referral unit in February 2025?", "rating"),
        ("What did the judge say about the delay?", None),
        ("What did Ofsted judge to be the main weakness?", None),
        ("Which provider runs the advocacy service?", "organisation"),
        ("What RAG status did health attendance move to in Q3?", "rating"),
    ],
)
def test_answer_kind(question: str, expected: str | None) -> None:
    assert answer_kind(question) == expected


def test_a_deadline_is_a_date() -> None:
    assert answer_kind("What is the deadline for the written statement of action?") == "date"


# --- the period a question names ------------------------------------------------


def test_casual_months_are_dates_not_names() -> None:
    doc = Document("d", "Doncaster was rated good.", "D", None, "news article", "x", "d.txt")
    lexicon = EntityLexicon([doc])
    analysis = analyse(resolve("Doncaster rating Feb 2022?", []), lexicon)
    assert not analysis.unknown_entities  # "Feb" is no name that no document mentions
    assert analysis.time is not None and analysis.time.period.start.month == 2


@pytest.mark.parametrize(
    ("question", "relation", "start", "end"),
    [
        ("What rating did Doncaster get in 2022?", "in", "2022-01-01", "2022-12-31"),
        (
            "What rating did Ofsted give after the November 2017 re-inspection?",
            "after",
            "2017-11-01",
            "2017-11-30",
        ),
        ("Who led the trust before 2014?", "before", "2014-01-01", "2014-12-31"),
        ("What happened between 2015 and 2017?", "between", "2015-01-01", "2017-12-31"),
        ("Who carried out the 2017 monitoring visit?", "in", "2017-01-01", "2017-12-31"),
        # Months typed casually are months all the same.
        ("Doncaster rating feb 2022??", "in", "2022-02-01", "2022-02-28"),
        ("what was it rated after november 2017", "after", "2017-11-01", "2017-11-30"),
        ("Who has led it since Sept. 2019?", "after", "2019-09-01", "2019-09-30"),
        ("Did it march on in 2019?", "in", "2019-01-01", "2019-12-31"),  # a verb, not March
        # Periods named together are one span, each part kept.
        ("What happened in spring and summer 2019?", "in", "2019-03-01", "2019-08-31"),
        ("Who visited in January and February 2017?", "in", "2017-01-01", "2017-02-28"),
        ("How was it rated in 2015 and 2016?", "in", "2015-01-01", "2016-12-31"),
        ("What happened in 2014, 2015 and 2016?", "in", "2014-01-01", "2016-12-31"),
        ("What changed after 2015 and 2016?", "after", "2015-01-01", "2016-12-31"),
        ("What happened from January to March 2017?", "between", "2017-01-01", "2017-03-31"),
        ("What happened from 2015 to 2016?", "between", "2015-01-01", "2016-12-31"),
        # A part of a year is a third of it; the relation word stands before it.
        ("How many had Ofsted inspected by mid-2016?", "before", "2016-05-01", "2016-08-31"),
        # "The year to March 2023" is the twelve months it ends.
        ("How many in the year to 31 March 2023?", "in", "2022-04-01", "2023-03-31"),
        ("Contacts in the twelve months ending June 2024?", "in", "2023-07-01", "2024-06-30"),
        ("What happened in early 2017?", "in", "2017-01-01", "2017-04-30"),
        ("What was it rated by the end of 2019?", "before", "2019-09-01", "2019-12-31"),
        ("What happened in mid-March 2017?", "in", "2017-03-01", "2017-03-31"),
    ],
)
def test_time_constraint(question: str, relation: str, start: str, end: str) -> None:
    time = time_constraint(question)
    assert time is not None
    assert (time.relation, time.period.start.isoformat(), time.period.end.isoformat()) == (
        relation,
        start,
        end,
    )


def _year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31))


def test_periods_listed_apart_leave_out_the_years_between() -> None:
    apart = time_constraint("What was it rated in 2015 or 2017?")
    assert apart is not None and apart.relation == "in"
    assert [apart.admits(_year(y)) for y in (2015, 2016, 2017)] == [True, False, True]
    span = time_constraint("What was it rated in 2015 to 2017?")
    assert span is not None and span.admits(_year(2016))
    # The preposition said again: still both, not the first alone.
    again = time_constraint("What was found in March 2017 and in September 2019?")
    assert again is not None and again.relation == "in" and len(again.parts) == 2
    assert again.admits(Period(date(2019, 9, 12), date(2019, 9, 12)))
    assert not again.admits(_year(2018))
    # Financial years listed apart are each a year, and one is no range of its own.
    years = time_constraint("What was spent in 2019-20 and 2021-22?")
    assert years is not None and len(years.parts) == 2
    assert not years.admits(Period(date(2020, 6, 1), date(2020, 6, 30)))  # 2020-21
    onwards = time_constraint("What happened from 2020-21 onwards?")
    assert onwards is not None and onwards.relation == "after"
    # Before one date and after a later one: no one period says it.
    assert time_constraint("How was it rated before 2014 and after 2016?") is None
    # After one date and before a later one: between them.
    for question in (
        "What changed after 2014 and before 2017?",
        "Who led it from 2015 until 2017?",
    ):
        bounded = time_constraint(question)
        assert bounded is not None and bounded.relation == "between", question
        assert (bounded.period.start, bounded.period.end) == (
            date(2014 if "2014" in question else 2015, 1, 1),
            date(2017, 12, 31),
        )
    # A clause about another date qualifies the one asked about.
    qualified = time_constraint("What was Doncaster rated in 2018, following the 2015 inspection?")
    assert qualified is not None and qualified.relation == "in" and qualified.admits(_year(2018))
    assert not qualified.admits(_year(2015))
    after = time_constraint("What changed after 2015 and 2016?")
    assert after is not None and after.admits(_year(2018)) and not after.admits(_year(2014))


@pytest.mark.parametrize(
    "question",
    [
        "Which judgement had Doncaster been on two years before it was upgraded in January 2018?",
        "When did the trust launch?",
        "What happened in July?",  # a month without a year is too vague to constrain
    ],
)
def test_no_time_constraint(question: str) -> None:
    assert time_constraint(question) is None


def test_a_date_of_its_own_clause_outlasts_an_offset_from_the_last_answer() -> None:
    # "a year before that" moves the last answer's period; the date after the comma is
    # the question's own.
    time = time_constraint(
        "And what was Orvingdale's agency rate a year before that, at the end of March 2024?"
    )
    assert time is not None and time.period == Period(date(2024, 3, 1), date(2024, 3, 31))


def test_before_and_after_take_in_the_named_period() -> None:
    after = time_constraint("What was it rated after the November 2017 re-inspection?")
    assert after is not None
    assert after.admits(Period(date(2017, 11, 1), date(2017, 11, 30)))
    assert not after.admits(Period(date(2015, 11, 1), date(2015, 11, 30)))
    before = time_constraint("What was it rated before 2014?")
    assert before is not None
    assert before.admits(Period(date(2013, 1, 1), date(2013, 12, 31)))
    assert not before.admits(Period(date(2016, 1, 1), date(2016, 12, 31)))
    # A report of 2016 cannot tell what happened in 2019.
    in_2019 = time_constraint("What was the rating in 2019?")
    assert in_2019 is not None and in_2019.predates(date(2016, 6, 30))
    assert not in_2019.predates(date(2020, 1, 1))
    # But a plan for a period may be set out before it: "the 2024-25 priorities".
    planned = time_constraint("What did the council ask for in the 2024-25 priorities?")
    assert planned is not None and planned.planned
    assert not planned.predates(date(2023, 11, 14))
    for question in ("What is the 2024-2027 strategy?", "What were the priorities for 2024-25?"):
        named = time_constraint(question)
        assert named is not None and named.planned, question
    # "The next meeting after the January 2025 one" is not that one, and is set before it.
    following = time_constraint("When is the next meeting of the board after the January 2025 one?")
    assert following is not None and following.relation == "after" and following.planned
    assert not following.admits(Period(date(2025, 1, 23), date(2025, 1, 23)))
    assert following.admits(Period(date(2025, 3, 20), date(2025, 3, 20)))
    assert not following.predates(date(2025, 1, 30))
    # A price is set before the day it takes effect; what was spent from a day is not.
    fees = time_constraint("What increase did it agree for agency fees from April 2025?")
    assert fees is not None and fees.planned and not fees.predates(date(2025, 2, 20))
    spent = time_constraint("What did it spend from April 2025?")
    assert spent is not None and not spent.planned


# --- names, from the corpus's own lexicon --------------------------------------


def _doc(doc_id: str, title: str, text: str) -> Document:
    return Document(doc_id, text, title, None, "news article", "test", f"{doc_id}.txt")


LEXICON = EntityLexicon(
    [
        _doc(
            "d1",
            "Doncaster upgraded",
            "Services in Doncaster were rated good by Ofsted, said Paul Moffat of Doncaster. "
            "The Local Government Association (LGA) reviewed the Growing Futures programme.",
        ),
        _doc("d2", "Eastmoor falls", "Inspectors from Ofsted found Eastmoor services inadequate."),
        _doc(
            "d3", "National report", "According to Ofsted, a growing number of councils improved."
        ),
    ]
)


def test_names_the_corpus_knows_in_any_case() -> None:
    mentions = LEXICON.mentions("what rating did doncaster get after Paul Moffat left?")
    assert [(m.key, sorted(m.documents)) for m in mentions] == [
        ("doncaster", ["d1"]),
        ("paul", ["d1"]),
        ("moffat", ["d1"]),
    ]
    assert [m.key for m in LEXICON.mentions("What did the LGA say of Growing Futures?")] == [
        "lga",
        "growing futures",
    ]


def test_a_post_written_short_is_no_name() -> None:
    # "MP" or "HMI" is a post: a debate naming "Gareth Pryce (Eastmoor North)" answers
    # "Who is the MP for Eastmoor?" without the letters "MP" in it.
    lexicon = EntityLexicon(
        [_doc("m", "Debate", "Jo Bell MP and the HMI spoke; Jo Bell MP spoke for Eastmoor.")]
    )
    assert [m.key for m in lexicon.mentions("Who is the MP for Eastmoor?")] == ["eastmoor"]


def test_sentence_initial_words_are_not_names() -> None:
    assert LEXICON.mentions("According to the report, what happened?") == []


def test_a_name_no_document_mentions_is_an_unknown_entity() -> None:
    for question in (
        "What rating did Sheffield get?",
        "sheffield children's services rating?",
        "what is the rating in sheffield",
    ):
        unknown = [m for m in LEXICON.mentions(question) if not m.documents]
        assert [m.key for m in unknown] == ["sheffield"], question
    # Ordinary words the corpus does not use are not names.
    assert LEXICON.mentions("how many youngsters were shunted between homes?") == []
    # Nor are months joined as a span the reports write apart.
    assert LEXICON.mentions("How many visits in the April-September 2024 half year?") == []


def test_analyse_separates_discriminating_known_and_unknown_names() -> None:
    analysis = analyse(resolve("What was Eastmoor rated by Ofsted, and Sheffield?", []), LEXICON)
    assert [m.key for m in analysis.entities] == ["eastmoor"]  # Ofsted is in most documents
    assert [m.key for m in analysis.unknown_entities] == ["sheffield"]
    assert analysis.kind == "rating"


@pytest.mark.parametrize(
    ("question", "money"),
    [
        ("What was the annual budget of the trust?", True),
        ("How much did the council invest in 2016?", True),
        ("What was the total cost of the refurbishment?", True),
        ("For how many more years has funding been secured?", False),
        ("How many children were in care?", False),
        ("What is the investment paying for?", False),
        ("What is the value of the fostering framework contract?", True),
        ("What value did inspectors place on the work?", False),
        # Typed as keywords, the question is all noun phrase.
        ("Orlingham children's services budget 2024-25?", True),
        ("Orlingham children in care 2024?", False),
        # What money does: it is contributed, recovered, overspent.
        ("How much will the Department for Education contribute to the new homes?", True),
        ("How much of the overpayment has been recovered?", True),
        ("How much did caseloads fall?", False),
        # Or by a verb of paying: "What did the council spend on ...?"
        ("What did the council spend on agency social workers?", True),
        ("What did the review cost?", True),
        # What is allocated or spent is money.
        ("What was the grant allocation for 2024-25?", True),
        ("What was the total spend on alternative provision in 2024/25?", True),
        # An overspend is money, however much it is asked "by"; a rise may be a share.
        ("By how much did children's services overspend in 2023/24?", True),
        ("By how much did allowances rise?", False),
        ("By how much was the project over budget?", True),
        ("How many projects were over budget?", False),
        # A deficit is money, as an overspend is.
        ("What was the council's deficit at 31 March 2024?", True),
    ],
)
def test_an_amount_of_money_is_asked_by_its_noun_too(question: str, money: bool) -> None:
    assert analyse(resolve(question, []), None).asks_money is money


def test_a_rate_per_head_is_its_own_unit() -> None:
    assert (
        analyse(resolve("What is the rate of children in care per 10,000?", []), None).unit
        == "rate"
    )
    assert analyse(resolve("How many children were in care?", []), None).unit == "count"
    # A rate paid per night or per child is no rate per head of population.
    paid = "What Home Office rate per night does Tollerby receive for a child under 18?"
    assert analyse(resolve(paid, []), None).unit != "rate"


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("How many children were in care in 2021?", "count"),
        ("How much did the council invest?", "money"),
        ("What percentage of care leavers were in work?", "share"),
        ("When was the trust set up?", None),
        ("What was the average caseload in 2017?", "count"),
        ("What was the number of children in care?", "count"),
        ("What is the latest count of children in care?", "count"),
        ("What percentage of the number of children were matched?", "share"),
        ("What % of care leavers were NEET?", "share"),
        ("How many children were affected by the 10% rise?", "count"),
        # A salary, fee or price is an amount of money.
        ("What salary is the director paid?", "money"),
        ("What is the salary of the director?", "money"),
        ("What fees did the agency charge?", "money"),
        # And so is an allowance, asked "how much" or "what".
        ("How much is the weekly fostering allowance for a child aged 11?", "money"),
        ("What weekly allowance does the council pay its foster carers?", "money"),
        ("How much did the council pay?", "money"),
        # "The most expensive" placement is its cost; the value of a contract is money.
        ("What was the most expensive single placement per week in 2023-24?", "money"),
        ("What was the value of the contract?", "money"),
        ("What are the salaries of social workers?", "money"),
        ("Which expensive placements were ended early?", None),
    ],
)
def test_the_unit_of_the_number_asked_for(question: str, unit: str | None) -> None:
    assert analyse(resolve(question, []), None).unit == unit


@pytest.mark.parametrize(
    ("question", "publication"),
    [
        ("When was the article about Ofsted's annual report published?", True),
        ("On what date was the monitoring letter sent?", True),
        ("When did the inspection take place?", False),
        ("Who published the report?", False),  # a person, not the date
        ("When was the Westminster Hall debate on the councils held?", True),
        ("When did the cabinet meeting take place?", True),
        ("When will the next meeting of the panel take place?", False),
        ("When did the council agree the budget at the meeting held in May?", False),
    ],
)
def test_questions_about_a_documents_own_date(question: str, publication: bool) -> None:
    assert analyse(resolve(question, []), None).asks_publication is publication


def test_a_meeting_is_dated_by_its_record() -> None:
    analysis = analyse(resolve("When was the debate held?", []), None)
    assert analysis.published_kind == "debate"
    assert kind_matches("debate", "debate") and kind_matches("meeting", "minutes")
    assert not kind_matches("debate", "news article")


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who wrote the article about the re-inspection?", "writer"),
        ("Which inspector signed the monitoring letter?", "writer"),
        ("Who received the letter from Ofsted?", "addressee"),
        ("To whom was the monitoring letter addressed?", "addressee"),
        # The role asked first decides: the signatory, not the addressee.
        ("Who signed the letter sent to the director?", "writer"),
        ("Who carried out the monitoring visit?", None),  # a person, but no document role
        ("Who received extra funding from the DfE?", None),  # no document named
        ("Who is the author of the article?", "writer"),
        ("who wrote the tollerby member briefing on unaccompanied children", "writer"),
        # A document named, but not what was received: no role of it is asked for.
        ("Who received funding, according to the report?", None),
        ("Who wrote the improvement plan the report mentions?", None),
        ("When was the letter sent?", None),  # a date, not a person
    ],
)
def test_questions_about_who_wrote_or_received_a_document(question: str, role: str | None) -> None:
    assert analyse(resolve(question, []), None).asks_role == role


def test_in_a_conversation_about_a_document_it_is_that_document() -> None:
    letter = [Turn(role="user", content="When was the monitoring letter sent?")]
    plan = [Turn(role="user", content="When was the improvement plan published?")]
    assert analyse(resolve("Who signed it?", letter), None).asks_role == "writer"
    assert analyse(resolve("Who was it addressed to?", letter), None).asks_role == "addressee"
    assert analyse(resolve("Who led it?", letter), None).asks_role is None
    assert analyse(resolve("Who wrote it?", plan), None).asks_role is None  # no document
    assert analyse(resolve("Who wrote it?", []), None).asks_role is None


def test_names_with_an_apostrophe_or_inner_capital_are_whole_names() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Letter", "The visit was led by Siobhan O’Brien and Ewan McDonald."),
            _doc("d2", "Other", "Ofsted wrote to the council about its services."),
        ]
    )
    for question, keys in (
        ("What did Siobhan O'Brien find?", ["siobhan", "o'brien"]),
        ("What did O’Brien find?", ["o'brien"]),
        ("Who is Ewan McDonald?", ["ewan", "mcdonald"]),
    ):
        mentions = lexicon.mentions(question)
        assert [m.key for m in mentions] == keys, question
        assert all(m.documents == {"d1"} for m in mentions), question


def test_a_name_opening_a_sentence_counts_where_the_corpus_uses_it_as_one() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Letter", "Dear Ms Quayle. We met Deborah Quayle and the team."),
            _doc("d2", "News", "Deborah Quayle said she would retire. Services improved."),
            _doc("d3", "Other", "Since Doncaster's trust began, the Since Club met Doncaster."),
            _doc("d4", "More", "Doncaster improved since then."),
        ]
    )
    mentions = lexicon.mentions("When did Deborah Quayle retire?")
    assert [(m.key, sorted(m.documents)) for m in mentions] == [
        ("deborah", ["d1", "d2"]),
        ("quayle", ["d1", "d2"]),
    ]
    # "Since" is capitalised elsewhere ("the Since Club") but also written in lower case:
    # opening a sentence it is no name, nor part of one ("Since Doncaster's").
    [doncaster] = lexicon.mentions("Since Doncaster's trust began, what changed?")
    assert doncaster.key == "doncaster" and doncaster.documents == {"d3", "d4"}


def test_a_name_opening_its_lines_whole_more_than_once_is_a_name() -> None:
    """A school named only where it opens a heading and the report's first sentence."""
    lexicon = EntityLexicon(
        [
            _doc(
                "d1",
                "Inspection report",
                "Hartwell Lodge School\n\nHartwell Lodge School is a residential special school.",
            ),
            _doc("d2", "Other", "Millstream Lodge opened. Hartwell said nothing."),
        ]
    )
    mentions = lexicon.mentions("How many children boarded at Hartwell Lodge?")
    assert [m.key for m in mentions][:1] == ["hartwell"]
    # Once only, an opening word is no name: "Millstream" opens one sentence.
    assert not any(m.key == "millstream" for m in lexicon.mentions("Is Millstream open?"))


def test_a_name_written_mid_sentence_elsewhere_names_it_where_it_opens_lines() -> None:
    """ "Fostering" is a word, but "Fostering Carrowmere" is written as a name mid-sentence
    in one report: the inspection report whose lines it only opens is about it too."""
    lexicon = EntityLexicon(
        [
            _doc("d1", "Inspection", "Fostering Carrowmere is the fostering service here."),
            _doc("d2", "Blog", "She adds that Fostering Carrowmere now has 296 households."),
            _doc("d3", "Other", "Fostering is hard. Carrowmere has many carers."),
        ]
    )
    mentions = lexicon.mentions("Who led the inspection of Fostering Carrowmere?")
    assert [(m.key, set(m.documents)) for m in mentions] == [("fostering carrowmere", {"d1", "d2"})]


def test_abbreviations_are_no_names_where_they_read_as_words() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "SEND letter", "The SEND partnership met. SEND services improved."),
            _doc("d2", "Review", "Children on a CP plan rose. The JTAI found gaps."),
            _doc("d3", "Letter", "The plan must be sent to Ofsted by Corvingham."),
        ]
    )
    # "to send", in a question writing its names with capitals, is a verb.
    question = "When must Corvingham send its plan to Ofsted after the JTAI?"
    assert "send" not in [m.key for m in lexicon.mentions(question)]
    assert "send" in [m.key for m in lexicon.mentions("What did the SEND partnership do?")]
    # Nor where a report defines it and another writes "Send" on a button.
    defined = EntityLexicon(
        [
            _doc("d1", "SEND news", "Parents appealed to the Tribunal (SEND). The SEND "
                 "service and the JTAI were criticised."),
            _doc("d2", "Web page", "Was this page helpful? [Send feedback] We send replies."),
            _doc("d3", "Letter", "The plan must be sent to Ofsted by Corvingham."),
        ]
    )  # fmt: skip
    assert "send" not in [m.key for m in defined.mentions(question)]
    assert "send" in [m.key for m in defined.mentions("What did the SEND service do?")]
    # A name a letterhead writes in capitals is still one, typed in lower case.
    letterhead = EntityLexicon(
        [_doc("d1", "Letter", "KENT COUNTY COUNCIL\n\nThe JTAI of Kent met in Kent.")]
    )
    assert "kent" in [m.key for m in letterhead.mentions("When was the kent JTAI?")]
    # Two capitals abbreviate a phrase ("child protection"), naming nothing.
    assert [m.key for m in lexicon.mentions("How many were on a CP plan?")] == []


def test_a_place_opening_a_sentence_before_council_is_a_name() -> None:
    """Written only at the start of a sentence, a place still names its council there."""
    lexicon = EntityLexicon(
        [
            _doc(
                "d1", "News", "Ashcombe Metropolitan Borough Council, judged inadequate, improved."
            ),
            _doc("d2", "Other", "Westfold was rated good. Harriet Ogunleye said so."),
        ]
    )
    [ashcombe] = lexicon.mentions("Who was Ashcombe's director of children's services?")
    assert ashcombe.key == "ashcombe" and ashcombe.documents == {"d1"}
    # Not any word opening a sentence before a name: "Harriet" is only written there.
    assert [m.key for m in lexicon.mentions("What did Harriet Ogunleye say?")] == ["ogunleye"]


def test_a_follow_up_keeps_its_topics_period_unless_it_asks_when() -> None:
    report = [Turn(role="user", content="Who wrote the January 2025 scrutiny report?")]
    kept = analyse(resolve("Who signed it?", report), None).time
    assert kept is not None and kept.period.start == date(2025, 1, 1)
    assert analyse(resolve("When did she start in the job?", report), None).time is None
    # Who replaced the person the last answer named came after the topic's time.
    sponsor = [*report, Turn(role="assistant", content="Trevor Glanville, Head of Service.")]
    successor = analyse(resolve("Who replaced him?", sponsor), None)
    assert successor.predecessor == "Trevor Glanville" and successor.time is None
    published = analyse(resolve("When was it published?", report), None).time
    assert published is not None and published.period.start == date(2025, 1, 1)
    own = analyse(resolve("And what about in 2021?", report), None).time
    assert own is not None and own.period.start == date(2021, 1, 1)
    # "And the year before?" asks for the figure of the year before the topic's period
    # (a table's column), from sentences still dated by the topic's period.
    year = [Turn(role="user", content="How many notifications did Ingleston get in 2023-24?")]
    before = analyse(resolve("How many did they receive the year before?", year), None)
    assert before.time is not None and before.time.text == "2023-24"
    assert before.column_period == Period(date(2022, 4, 1), date(2023, 3, 31))
    later = analyse(resolve("And a year later?", year), None)
    assert later.column_period == Period(date(2024, 4, 1), date(2025, 3, 31))
    assert analyse(resolve("And in 2021?", year), None).column_period == Period(
        date(2021, 1, 1), date(2021, 12, 31)
    )
    # Moving the period asks nothing new: the topic's question, of the year moved to.
    for moved in ("And in the following year?", "What about the year after?", "And the next year?"):
        following = analyse(resolve(moved, year), None)
        assert following.kind == "number"
        assert following.column_period == Period(date(2024, 4, 1), date(2025, 3, 31))


def test_what_about_asks_the_topics_kind_of_fact_of_something_else() -> None:
    judgement = [Turn(role="user", content="What overall judgement did Ofsted give Eastmoor?")]
    part = analyse(resolve("And what about the impact of leaders there?", judgement), None)
    assert part.kind == "rating"
    assert not part.asks_whole_rating  # a part's judgement, though the topic asked the whole
    plain = analyse(resolve("What did inspectors say about leaders?", judgement), None)
    assert plain.kind is None
    concluded = "And what did the inspectors conclude about how well children are protected?"
    assert analyse(resolve(concluded, judgement), None).kind == "rating"


def test_a_follow_up_naming_its_own_council_asks_about_that_one() -> None:
    topic = [Turn(role="user", content="How was Eastmoor rated?")]
    instead = analyse(resolve("And what about Doncaster?", topic), LEXICON)
    assert [m.key for m in instead.entities] == ["doncaster"]
    both = analyse(resolve("And how does that compare with Doncaster?", topic), LEXICON)
    assert {m.key for m in both.entities} == {"eastmoor", "doncaster"}
    kept = analyse(resolve("And when was that?", topic), LEXICON)
    assert [m.key for m in kept.entities] == ["eastmoor"]
    # Pointing back ("it"), or naming a body rather than a council, keeps the topic's.
    back = analyse(resolve("And did the Local Government Association review it?", topic), LEXICON)
    assert "eastmoor" in {m.key for m in back.entities}
    # Its topic is compared and searched for as asked of Doncaster.
    assert "Eastmoor" not in instead.scoring_question
    assert "Eastmoor" not in instead.retrieval_query


def test_a_follow_up_asking_nothing_of_its_own_asks_its_topics_question() -> None:
    """ "And Harrowby?" after "When was Westfold rated inadequate?" asks for a date and
    names the judgement; "And why?" asks something else."""
    topic = [Turn(role="user", content="When was Westfold rated inadequate?")]
    same = analyse(resolve("And Harrowby?", topic), None)
    assert (same.kind, same.rating_named) == ("date", "inadequate")
    assert analyse(resolve("What about in 2017?", topic), None).kind == "date"
    assert analyse(resolve("And why?", topic), None).kind is None
    # A follow-up asking for something of its own is not the topic's question.
    for question in ("And its director?", "And the reasons?", "Is that right?", "Explain that"):
        assert analyse(resolve(question, topic), None).kind is None, question
    assert analyse(resolve("And what about Harrowby?", topic), None).kind == "date"
    post = [Turn(role="user", content="Who is Pendleford's director of children's services?")]
    office = analyse(resolve("And Eastmoor's?", post), None).office
    assert office is not None and office.text == "director of children's services"


def test_a_role_question_says_which_document_it_asks_about() -> None:
    asked = analyse(resolve("Who signed Hollinsford's February 2024 response?", []), None)
    assert asked.asks_role == "writer" and asked.role_document == "response"
    # "in response to" is no document: the phrase does not run across a preposition.
    plan = analyse(resolve("Who wrote the plan in response to the inspection?", []), None)
    assert plan.asks_role is None
    # A regulator's reprimand is a letter with a signatory, of a kind of its own.
    asked = analyse(resolve("Who signed the ICO reprimand to Kessingvale Council?", []), None)
    assert asked.asks_role == "writer" and asked.role_document == "reprimand"
    assert kind_matches("reprimand", "data protection regulator's reprimand letter")
    assert not kind_matches("reprimand", "seven-minute briefing")


def test_an_acronym_the_reports_only_spell_out_names_the_documents_that_do() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Letter", "The joint targeted area inspection found 214 children."),
            _doc("d2", "Report", "Inspection of local authority children's services in May."),
            _doc("d3", "News", "The Multi-Agency Safeguarding Hub opened. It is busy."),
            _doc("d4", "Other", "Leaders acted. Inspectors visited."),
        ]
    )
    for question, key, documents in (
        ("What did the JTAI find?", "jtai", {"d1"}),
        ("When was the ILACS inspection?", "ilacs", {"d2"}),
        ("Who runs the MASH?", "mash", {"d3"}),
        ("What did the XQZT say?", "xqzt", set()),  # spelt out nowhere: unknown
    ):
        [mention] = lexicon.mentions(question)
        assert (mention.key, set(mention.documents)) == (key, documents), question
    # Two letters spell out too much by chance ("Leaders acted"): still unknown.
    assert [m.documents for m in lexicon.mentions("What did the LA do?")] in ([], [frozenset()])


def test_an_acronym_defined_in_one_report_names_every_report_writing_it() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Hubs", "Related links: Quarndale Local Offer (SEND). Hubs open at 9."),
            _doc("d2", "Letter", "Children with SEND in Aldermoss wait too long."),
            _doc("d3", "Other", "Leaders acted. Inspectors visited."),
        ]
    )
    [mention] = lexicon.mentions("Who led SEND services in Aldermoss?")[:1]
    assert mention.key == "send" and set(mention.documents) == {"d1", "d2"}


def test_a_name_typed_in_lower_case_is_one_where_the_question_uses_it_as_a_place() -> None:
    """Named once in the reports, "pellbridge" is still the place of "... in pellbridge?"."""
    lexicon = EntityLexicon(
        [
            _doc("d1", "News", "Pellbridge City Council runs its own homes. Total costs rose."),
            _doc("d2", "Other", "Ofsted visited the council. Members of Parliament spoke."),
        ]
    )
    for question in ("what's the average caseload in pellbridge?", "pellbridge council rating"):
        assert [m.key for m in lexicon.mentions(question)] == ["pellbridge"], question
    assert lexicon.mentions("what were the total costs?") == []  # a heading's word
    # Only a place whose council the reports name: "in parliament" names no place.
    assert lexicon.mentions("what did the minister say in parliament?") == []


def test_a_participle_joined_to_a_name_leaves_the_name() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Letter", "Eastmoor Council appointed Jo Bell. The DfE agreed."),
            _doc("d2", "Other", "Ofsted visited the council."),
        ]
    )
    for question in ("Who chairs the Eastmoor-led board?", "Who runs the Eastmoor-funded homes?"):
        assert [(m.text, set(m.documents)) for m in lexicon.mentions(question)] == [
            ("Eastmoor", {"d1"})
        ], question
    # Not an unknown name ("No document mentions DfE-appointed").
    assert not [
        m for m in lexicon.mentions("Who is the DfE-appointed commissioner?") if not m.documents
    ]


def test_web_and_mail_addresses_do_not_write_a_name_in_lower_case() -> None:
    lexicon = EntityLexicon(
        [
            _doc(
                "d1",
                "Reply",
                "In Hollinsford the Hollinsford team wrote from foi@hollinsford.gov.uk; "
                "see hollinsford.example/contracts.",
            ),
            _doc("d2", "Other", "Ofsted visited the council."),
        ]
    )
    assert [(m.key, set(m.documents)) for m in lexicon.mentions("hollinsford rating?")] == [
        ("hollinsford", {"d1"})
    ]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Which inspectors carried out the 2022 focused visit?", True),
        ("Which of Her Majesty's Inspectors led the visit?", True),
        ("Which Ombudsman investigator handled the complaint?", True),
        ("Who carried out the visit?", False),
        ("When did the inspectors visit?", False),
        ("What is the first name of Mayor Jones?", True),
        ("What was the inspector's surname?", True),
        ("What is the trust's full name?", False),  # a body's full name too
        ("What is the name of the programme?", False),
    ],
)
def test_asking_for_people_by_name(question: str, named: bool) -> None:
    assert analyse(resolve(question, []), None).asks_named is named


def test_a_follow_up_keeps_no_quote_of_its_topic() -> None:
    """The quoted words were asked of the first question, not of "And who chairs ...?"."""
    first = "Who said they were 'tremendously proud' of the staff?"
    history = [
        Turn(role="user", content=first),
        Turn(role="assistant", content="Paul Moffat said it."),
    ]
    assert analyse(resolve(first, []), None).quoted == ("tremend proud",)
    assert analyse(resolve("And who chairs the trust's board?", history), None).quoted == ()


def test_an_adjective_is_no_organisation_asked_for() -> None:
    assert answer_kind("What firm action did Ofsted take?") is None
    assert answer_kind("Which company supplied the system?") == "organisation"


def test_the_lexicon_knows_the_words_the_corpus_writes_in_lower_case() -> None:
    assert {"services", "growing", "councils"} <= LEXICON.common_words
    assert not {"doncaster", "eastmoor", "paul", "moffat"} & LEXICON.common_words
    analysis = analyse(resolve("Who said it?", []), LEXICON)
    assert analysis.common_words is LEXICON.common_words


@pytest.mark.parametrize(
    ("question", "precision"),
    [
        ("In which month was Ashcombe judged inadequate in 2013?", "month"),
        ("In what month and year did the trust start operating?", "month"),
        ("On what date was the report published?", "day"),
        ("On which dates did the challenge panels sit?", "day"),
        ("When was the report published?", None),
    ],
)
def test_the_precision_of_the_date_asked(question: str, precision: str | None) -> None:
    analysis = analyse(resolve(question, []), None)
    assert analysis.kind == "date" and analysis.unit == precision


def test_a_follow_up_moves_its_topics_period_by_whole_years() -> None:
    assert years_moved("How many did they receive the year before?") == -1
    assert years_moved("What was it two years before that?") == -2
    assert years_moved("And a year later?") == 1
    assert years_moved("And what was it twelve months before that?") == -1
    assert years_moved("And 12 months later?") == 1
    assert years_moved("How long before the report was it?") == 0
    day = time_constraint("What was it at 31 March 2025?")
    assert day is not None and moved_by_years(day, -2).text == "31 March 2023"
    year = time_constraint("How many in 2023-24?")
    assert year is not None and moved_by_years(year, -1).text == "2022-23"
