"""The rules that hold evidence to the question's names, period and kind of answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from corpus.models import Chunk, Document
from service.qa.analysis import QuestionAnalysis, analyse
from service.qa.constraints import SentenceEvidence, contradicted_as, sentence_evidence
from service.qa.contract import Turn
from service.qa.councils import council_places
from service.qa.dates import periods_named, report_year
from service.qa.document_questions import kind_matches
from service.qa.entities import EntityLexicon
from service.qa.followup import resolve
from service.qa.judgements import ratings_in
from service.qa.retrieve import Passage
from service.qa.roles import names_role_holder, role_holders, with_role_holder
from service.qa.scope import allowed_documents, time_covered, unmet_constraints
from service.qa.shortfalls import (
    about_another_council,
    best_falls_short,
    foreign_question,
    missing_kind,
    names_no_holder,
)


def _doc(doc_id: str, text: str, published: str | None) -> Document:
    return Document(doc_id, text, doc_id, published, "news article", "test", f"{doc_id}.txt")


DOCS = [
    _doc("don18", "Standards in Doncaster were rated good, said Paul Moffat.", "2018-01-19"),
    _doc(
        "don16", "Children's services in Doncaster were judged inadequate last year.", "2016-06-30"
    ),
    _doc("east", "Children's services in Eastmoor were judged inadequate in 2016.", "2017-06-14"),
    _doc("west", "Westfold was rated good.", "2015-01-01"),
    _doc("harrow", "Harrowby was rated outstanding.", "2021-10-01"),
]
LEXICON = EntityLexicon(DOCS)
PUBLISHED = {d.doc_id: date.fromisoformat(d.date) for d in DOCS if d.date}


def ask(question: str) -> QuestionAnalysis:
    return analyse(resolve(question, []), LEXICON)


def _evidence(analysis: QuestionAnalysis, sentence: str) -> SentenceEvidence:
    """The evidence of `sentence` alone (its own context and passage), undated."""
    return sentence_evidence(analysis, sentence, sentence, sentence, None)


def test_documents_that_never_mention_the_named_council_are_left_out() -> None:
    assert allowed_documents(ask("Average caseload in Doncaster?"), PUBLISHED) == {
        "don18",
        "don16",
    }
    # Two councils named together: documents mentioning either, when none has both.
    assert allowed_documents(ask("Compare Doncaster and Eastmoor"), PUBLISHED) == {
        "don18",
        "don16",
        "east",
    }
    # Named apart, not side by side: only a document naming both can answer.
    assert allowed_documents(ask("What did Paul Moffat say of Eastmoor?"), PUBLISHED) == set()
    assert allowed_documents(ask("What is inadequate?"), PUBLISHED) is None


def test_a_name_qualifying_the_thing_asked_for_need_not_be_repeated() -> None:
    # "Which NHS body ...?": the answer's document may call it by its own name only.
    docs = [
        _doc(
            "cab",
            "In Thornleigh a plan was agreed with Northvale Clinical Commissioning Group.",
            None,
        ),
        _doc("nat", "The NHS and councils met in Leeds.", None),
        _doc("oth", "The NHS published figures for Calderwick.", None),
        _doc("don", "Doncaster was rated good.", None),
    ]
    lexicon = EntityLexicon(docs)
    published = {d.doc_id: None for d in docs}
    body = analyse(resolve("Which NHS body was Thornleigh working with?", []), lexicon)
    assert allowed_documents(body, published) == {"cab"}
    # A place is no description: "Which Calderwick inspector visited Thornleigh?" asks
    # about both, and no document names both.
    place = analyse(resolve("Which Calderwick inspector visited Thornleigh?", []), lexicon)
    assert allowed_documents(place, published) == set()


def test_documents_published_before_the_asked_period_are_left_out() -> None:
    assert allowed_documents(ask("What was Doncaster rated in 2017?"), PUBLISHED) == {"don18"}
    assert allowed_documents(ask("What was Doncaster rated in 2019?"), PUBLISHED) == set()


def test_a_document_naming_the_asked_period_may_speak_of_it_before_it_begins() -> None:
    """Allowances set in February for the year from April: published before 2025-26, the
    page names it."""
    plan = _doc("plan", "Doncaster's weekly allowance for 2025-26 is £249.", "2025-02-11")
    news = _doc("news", "Doncaster's allowance was discussed.", "2025-02-11")
    lexicon = EntityLexicon([plan, news])
    question = analyse(resolve("How much is Doncaster's weekly allowance in 2025-26?", []), lexicon)
    published = {d.doc_id: date.fromisoformat(d.date) for d in (plan, news) if d.date}
    named = {d.doc_id: periods_named(d) for d in (plan, news)}
    assert allowed_documents(question, published, named) == {"plan"}
    assert allowed_documents(question, published) == set()  # by publication alone


def test_unmet_constraints_say_why_in_words() -> None:
    assert unmet_constraints(ask("What rating did Sheffield get?"), None, []) == (
        "No document mentions Sheffield",
    )
    in_2019 = ask("What was Doncaster rated in 2019?")
    assert unmet_constraints(in_2019, set(), []) == ("No document about Doncaster covers 2019",)
    # A period no considered passage mentions, nor was published in.
    passage = Passage(
        Chunk("c", "don18", 0, 0, len(DOCS[0].text), DOCS[0].text),
        DOCS[0],
        score=1.0,
        rank=1,
    )
    in_2010 = ask("What was Doncaster rated in 2010?")
    assert unmet_constraints(in_2010, {"don18"}, [passage]) == ("No passage found about 2010",)
    assert unmet_constraints(ask("What was Doncaster rated in 2018?"), {"don18"}, [passage]) == ()


def test_a_passage_cut_at_a_tables_top_is_dated_by_the_sentence_introducing_it() -> None:
    text = (
        "Ofsted inspected Doncaster in January 2016. The judgements were:\n\n"
        "Judgement area | Grade\nCare leavers | Inadequate\nAdoption | Good\n"
    )
    report = _doc("ilacs", text, "2018-01-19")
    table = text.index("Judgement area")
    passage = Passage(Chunk("t", "ilacs", 0, table, len(text), text[table:]), report, 1.0, 1)
    in_2016 = ask("How were Doncaster's care leavers services graded in 2016?")
    assert unmet_constraints(in_2016, {"ilacs"}, [passage]) == ()
    in_2012 = ask("How were Doncaster's care leavers services graded in 2012?")
    assert unmet_constraints(in_2012, {"ilacs"}, [passage]) == ("No passage found about 2012",)


def test_a_sentence_dated_outside_a_before_or_after_conflicts() -> None:
    analysis = ask("What rating did Ofsted give after the November 2017 re-inspection?")
    old = "Provision was rated inadequate in November 2015 after an inspection."
    new = 'A re-inspection, carried out last November, found the service to be "good".'
    reference = date(2018, 1, 19)
    conflicting = sentence_evidence(analysis, old, old, f"{old} {new}", reference)
    fitting = sentence_evidence(analysis, new, new, f"{old} {new}", reference)
    assert conflicting.time_conflict and conflicting.time_match == 0.5
    assert not fitting.time_conflict and fitting.time_match == 1.0
    assert fitting.kind == 1.0  # a rating question, and "good" is judged here


def test_a_figure_since_the_year_asked_is_no_figure_of_that_year() -> None:
    analysis = ask("What percentage of care leavers were in education in November 2017?")
    since = "It has created 58 apprenticeships since 2017, and 61% of care leavers are in work."
    later = sentence_evidence(analysis, since, since, since, date(2019, 5, 1))
    assert later.time_match == 0.0 and later.time_conflict
    then = "In November 2017, 52% of care leavers were in education."
    assert sentence_evidence(analysis, then, then, then, date(2017, 12, 12)).time_match == 1.0
    # Who became chief executive in 2018 is one "since 2018".
    became = ask("Who became the Trust's chief executive in 2018?")
    led = "Beatrice Holloway, who has led the Trust as chief executive since 2018, said so."
    tenure = sentence_evidence(became, led, led, led, date(2023, 7, 1))
    assert tenure.time_match == 1.0 and not tenure.time_conflict
    # "since" is a period's start: it still dates a sentence after it.
    after = ask("What percentage were in education after 2017?")
    assert sentence_evidence(after, since, since, since, date(2019, 5, 1)).time_match == 1.0


def test_a_bracketed_figure_of_another_year_does_not_date_the_sentence() -> None:
    analysis = ask("What percentage of families were satisfied in the Short Breaks Survey 2024?")
    sentence = "64% of families said they were satisfied (2023: 57%)."
    evidence = sentence_evidence(analysis, sentence, sentence, sentence, date(2025, 4, 14))
    assert not evidence.time_conflict
    dated = "In 2023, 57% of families said they were satisfied."
    assert sentence_evidence(analysis, dated, dated, dated, date(2025, 4, 14)).time_conflict


def test_a_sentence_stating_another_judgement_than_the_one_named_is_about_another() -> None:
    analysis = ask("When was Westfold rated inadequate?")
    assert analysis.rating_named == "inadequate"
    good = "Westfold's services were last rated 'good' in 2018."
    both = "Westfold, rated 'good' in 2018, was judged inadequate in July 2022."
    undated = "Inspectors returned in July 2022."
    for sentence, other in ((good, True), (both, False), (undated, False)):
        assert _evidence(analysis, sentence).other_rating == other
    # Spelt another way, the same judgement: "requiring improvement".
    asked = ask("When was the trust judged to require improvement?")
    said = "Inspectors rated the Trust as 'requiring improvement' in 2015."
    assert not _evidence(asked, said).other_rating
    # Asking for a judgement, or naming two, names none to hold to; nor asking whether
    # ("rated 'good' in 2018" answers "no"), nor a word that is no judgement there.
    assert ask("What rating did Westfold get after being inadequate?").rating_named is None
    assert ask("When did it go from inadequate to 'good'?").rating_named is None
    assert ask("Was Westfold rated inadequate in 2018?").rating_named is None
    assert ask("How many recommendations were still outstanding?").rating_named is None
    # "Requires improvement to be good" is one judgement, not also "good".
    assert ratings_in("rated 'requires improvement to be good'") == {"requires improvement"}
    assert ask("When was it judged requires improvement to be good?").rating_named == (
        "requires improvement"
    )
    # The ends of the scale named as such.
    assert ratings_in("It was given the lowest possible rating in 2016.") == {"inadequate"}
    assert ratings_in("It has the highest rating.") == {"outstanding"}
    assert ratings_in("Requires improvement is the second-lowest rating.") == {
        "requires improvement"
    }
    assert ratings_in("The council avoided the lowest rating.") == frozenset()
    # An area SEND inspection's outcome is a judgement on its own scale.
    assert ratings_in(
        "The local area partnership's arrangements lead to\ninconsistent experiences and "
        "outcomes for children and young people with SEND."
    ) == {"inconsistent experiences and outcomes"}
    # A RAG status is a judgement as a table's cell or when called one; the colour in a
    # sentence is none.
    assert ratings_in("Persistent absence | 24.1% | 25.2% | 20.0% | Red") == {"red"}
    assert ratings_in("The project was RAG rated amber in March.") == {"amber"}
    assert ratings_in("Measure | Spring | Target | RAG") == frozenset()
    assert ratings_in("The green space and the red door were new.") == frozenset()
    # A rating or status given as a colour, or a blend of two.
    confidence = "The overall delivery confidence rating for 2024-25 is Amber-Green."
    assert ratings_in(confidence) == {"amber-green"}
    assert ratings_in("Status: Red") == {"red"}
    assert ratings_in("The status of Green Lane is unclear.") == frozenset()
    assert ratings_in("Health attendance at ICPCs (A14) moved to green.") == {"green"}
    assert ratings_in("It fell from amber to red in Q2.") == {"red"}
    assert ratings_in("The team moved to Green Lane.") == frozenset()
    # A grade on a report's own scale, in capitals where it is given or after "graded".
    audit = "2.2 The overall audit judgement is ADEQUATE, on the four-point scale."
    assert ratings_in(audit) == {"adequate"}
    assert ratings_in("Grade: SECURE") == {"secure"}
    assert ratings_in("All four cases graded Unsafe related to bed and breakfast.") == {"unsafe"}
    assert ratings_in("The judgement was that the council had improved.") == frozenset()
    assert ratings_in("The rating is OK for now.") == frozenset()
    assert ratings_in("Inspectors graded Ferncastle's work.") == frozenset()


def test_the_date_of_a_judgement_is_written_with_it() -> None:
    """ "When was it rated inadequate?" is not answered by a date in a sentence that
    states no judgement, though the next one does; who gave it may be said around it."""
    analysis = ask("In which month was Doncaster rated inadequate by Ofsted?")
    launch = "The Trust officially launched in October 2014."
    rated = 'Provision went on to be rated "inadequate" in November 2015.'
    around = f"{launch} {rated}"
    assert not sentence_evidence(analysis, launch, around, around, None).states_rating
    assert sentence_evidence(analysis, rated, around, around, None).states_rating
    who = ask("Who led the inspection that rated Doncaster inadequate?")
    inspectors = "The lead inspector was Jane Smith."
    assert sentence_evidence(who, inspectors, f"{rated} {inspectors}", rated, None).states_rating


def test_a_report_from_the_asked_year_is_not_contradicted_by_the_dates_it_recalls() -> None:
    analysis = ask("What did the 2022 report say about leaders?")
    sentence = "Since July 2020, council leaders have been more robust."
    evidence = sentence_evidence(analysis, sentence, sentence, sentence, date(2022, 4, 1))
    assert not evidence.time_conflict


def test_a_report_written_just_after_the_asked_month_reports_on_it() -> None:
    analysis = ask("What share of care leavers were in education at the November 2017 visit?")
    sentence = "The share of care leavers in education rose from 38% in October 2015 to 52%."
    letter = sentence_evidence(analysis, sentence, sentence, sentence, date(2017, 12, 12))
    assert not letter.time_conflict  # the letter on the visit, dated a month later
    later = sentence_evidence(analysis, sentence, sentence, sentence, date(2019, 5, 17))
    assert later.time_conflict
    assert time_covered(analysis, [("No date here.", date(2017, 12, 12))])
    assert not time_covered(analysis, [("No date here.", date(2019, 5, 17))])
    # A date after the period still conflicts: the letter also looks ahead.
    ahead = "Ofsted will return in January 2018."
    assert sentence_evidence(analysis, ahead, ahead, ahead, date(2017, 12, 12)).time_conflict
    # Periods listed apart: a report from between them reports on neither.
    apart = ask("What was Doncaster rated in 2015 or 2017?")
    rated = "In June 2016 Ofsted rated Doncaster inadequate."
    assert sentence_evidence(apart, rated, rated, rated, date(2016, 7, 1)).time_conflict
    assert not time_covered(apart, [("No date here.", date(2016, 7, 1))])


def test_a_question_naming_a_day_is_not_answered_by_another_days_figure() -> None:
    """ "At 31 March 2025" asks for that day's figure: a report published just after it
    recalling the year before does not give it, though it may answer "in March 2025"."""
    sentence = "In the year ending 31 March 2024, 58 children ceased to be looked after."
    published = date(2025, 4, 2)
    on_day = ask("How many children were in care in Draycombe at 31 March 2025?")
    assert on_day.time is not None and on_day.time.on_day
    assert sentence_evidence(on_day, sentence, sentence, sentence, published).time_conflict
    in_month = ask("How many children were in care in Draycombe in March 2025?")
    assert in_month.time is not None and not in_month.time.on_day
    assert not sentence_evidence(in_month, sentence, sentence, sentence, published).time_conflict


def test_a_strict_kind_missing_from_the_chosen_sentence_is_a_reason_to_abstain() -> None:
    rating = ask("What was Doncaster rated in 2016?")
    lacking = sentence_evidence(rating, "Leaders met.", "Leaders met.", "Leaders met.", None)
    assert missing_kind(rating, lacking) == "The best passage gives no rating"
    money = ask("How much money did Doncaster invest?")
    figure = "Doncaster added five social workers."
    evidence = _evidence(money, figure)
    assert missing_kind(money, evidence) == "The best passage gives no amount of money"
    # A company is named as one: "a recruitment firm" names none.
    which = ask("Which company supplied the agency social workers?")
    supplied = "A recruitment firm supplied the agency social workers."
    unnamed = _evidence(which, supplied)
    assert missing_kind(which, unnamed) == "The best passage gives no organisation"
    # A council is named by its place alone ("Ferncastle was judged inadequate"): never
    # a reason to abstain, nor to rule a sentence out.
    council = ask("Which council was judged inadequate in March 2014?")
    place = "Ferncastle was judged 'inadequate' in March 2014."
    assert missing_kind(council, _evidence(council, place)) is None
    # An address is written as one; a place asked "where" may be "here".
    address = ask("What is the postcode of Peregrine House children's home?")
    home = "Peregrine House is a council-run children's home in the east of Tollerby."
    assert missing_kind(address, _evidence(address, home)) == "The best passage gives no place"
    assert missing_kind(address, _evidence(address, "It is at 3 Kiln Lane, QD8 1TN.")) is None
    where = ask("Where is Peregrine House?")
    assert missing_kind(where, _evidence(where, home)) is None
    # People can be named by role ("the chief executive"): never a reason to abstain.
    who = ask("Who said it?")
    assert missing_kind(who, sentence_evidence(who, "He did.", "He did.", "He did.", None)) is None


def test_a_documents_writer_and_addressees_come_from_its_metadata() -> None:
    letter = Document(
        "letter", "Mr Sam Field\nCity Hall\n\nDear Mr Field\n\nYours sincerely\nAna Cole",
        "Monitoring visit", "2017-03-22", "inspection letter", "Ofsted", "letter.txt",
        extra={
            "author": "Ana Cole, Her Majesty's Inspector",
            "signatories": ["Ana Cole, Her Majesty's Inspector"],
            "addressees": [{"name": "Mr Sam Field", "organisation": "City Hall"}],
        },
    )  # fmt: skip
    assert role_holders(letter, "writer") == ["Ana Cole"]
    assert role_holders(letter, "addressee") == ["Sam Field"]
    asked = ask("Who received the monitoring letter?")
    assert names_role_holder(asked, letter, "Mr Sam Field") is True
    assert names_role_holder(asked, letter, "Ana Cole") is False
    assert names_role_holder(ask("Who signed the letter?"), letter, "Ana Cole") is True
    assert names_role_holder(ask("Who carried out the visit?"), letter, "Ana Cole") is None
    assert role_holders(DOCS[0], "writer") == []  # no byline: nothing to match
    # The signature far down a long letter joins the passages the answerer reads.
    opening, signature = (
        Passage(Chunk(f"c{i}", "letter", i, 0, len(text), text), letter, 0.03, i + 1)
        for i, text in enumerate(["Mr Sam Field\nCity Hall", "Yours sincerely\nAna Cole"])
    )
    other = Passage(Chunk("d", "don18", 0, 0, 10, "Standards"), DOCS[0], 0.02, 2)
    signed = ask("Who signed Doncaster's March 2017 monitoring letter?")
    assert signed.asks_role == "writer"  # a possessive names the letter too

    def find(name: str, doc_id: str) -> Passage:
        assert (name, doc_id) == ("Ana Cole", "letter")
        return signature

    joined = with_role_holder([opening, other], signed, 2, find)
    assert [p.chunk.chunk_id for p in joined] == ["c0", "c1", "d"]
    assert [p.rank for p in joined] == [1, 2, 3]
    # Already read, or not asked about: the passages stay as retrieved.
    assert with_role_holder([signature, other], signed, 2, find) == [signature, other]
    assert with_role_holder([opening, other], ask("Who led the visit?"), 2, find) == [
        opening,
        other,
    ]


def test_a_publisher_the_question_names_is_a_known_name() -> None:
    """A question may name the publisher ("the CYP Now article"), which the text never does."""
    news = Document(
        "cyp", "Standards in Eastmoor were rated good.", "Eastmoor upgraded", "2018-05-11",
        "news article", "Children & Young People Now (CYP Now)", "cyp.txt",
    )  # fmt: skip
    analysis = analyse(resolve("Who wrote the CYP Now article?", []), EntityLexicon([*DOCS, news]))
    assert not analysis.unknown_entities
    assert analysis.entities
    assert all(set(m.documents) == {"cyp"} for m in analysis.entities)


def test_a_question_mostly_in_words_the_reports_never_use_is_foreign() -> None:
    assert foreign_question(0.85) == ("The reports do not use most of the question's words",)
    assert foreign_question(0.5) == ()


def test_the_document_a_question_dates_must_be_of_the_kind_it_names() -> None:
    assert kind_matches("article", "news article")
    assert kind_matches("report", "inspection letter")  # a monitoring letter reports a visit
    assert not kind_matches("report", "news article")  # "When was Ofsted's report published?"
    assert kind_matches(None, "news article") and kind_matches("article", "")


def test_a_sentence_about_a_council_neither_the_question_nor_the_reports_name() -> None:
    analysis = replace(
        ask("When was the service rated inadequate?"), home_names=frozenset({"doncaster"})
    )
    norfolk = 'Norfolk County Council was rated "inadequate" in October 2015.'
    assert _evidence(analysis, norfolk).other_council
    for sentence in (
        'Doncaster Council was rated "inadequate" in November 2015.',
        "The Children in Care Council met the inspectors.",  # a forum, not a council
    ):
        assert not _evidence(analysis, sentence).other_council


def test_a_sentence_about_another_council_than_the_one_named() -> None:
    doncaster = ask("What was Doncaster rated in 2016?")
    assert doncaster.entities
    norfolk = 'Norfolk County Council was rated "inadequate" in October 2015.'
    assert _evidence(doncaster, norfolk).other_council
    # Naming what the question names too, it is about that as well.
    both = "Doncaster and Norfolk County Council were both rated inadequate."
    assert not _evidence(doncaster, both).other_council
    # Even the best sentence about another council is no answer about Doncaster.
    evidence = _evidence(doncaster, norfolk)
    assert about_another_council(doncaster, evidence) == "No passage found says it of Doncaster"
    # The service and the answer-model fitter abstain on it alike.
    assert best_falls_short(doncaster, evidence) == "No passage found says it of Doncaster"
    assert about_another_council(doncaster, _evidence(doncaster, both)) is None


def test_asking_which_council_another_council_is_the_answer() -> None:
    """Naming a newspaper, the council it names is no other council than the one asked."""
    news = Document(
        "exam", "Eastmoor City Council was rated outstanding.", "Care costs", "2024-12-03",
        "news article", "Daily Examiner", "exam.txt",
    )  # fmt: skip
    lexicon = EntityLexicon([*DOCS, news])
    question = analyse(
        resolve("Which council does the Daily Examiner say was rated outstanding?", []), lexicon
    )
    sentence = "Harrowby City Council, rated outstanding in March 2023, runs its own homes."
    evidence = _evidence(question, sentence)
    assert question.kind == "organisation" and evidence.other_council
    assert about_another_council(question, evidence) is None
    # Naming a council, another council's body is no answer to "which trust".
    trust = analyse(resolve("Which trust runs Eastmoor's children's services?", []), lexicon)
    other = "Westfold Children's Trust runs services for Westfold County Council."
    assert about_another_council(trust, _evidence(trust, other))
    # Asking something else of the newspaper's council, another council's is no answer.
    figure = analyse(resolve("How much does the Daily Examiner say Eastmoor spent?", []), lexicon)
    assert about_another_council(figure, _evidence(figure, sentence))


def _about_another_council(question: str, sentence: str, *councils: str) -> bool:
    """`other_council` of `sentence` for `question`, over reports naming `councils`."""
    analysis = replace(ask(question), council_names=frozenset(councils))
    return _evidence(analysis, sentence).other_council


def test_a_national_figure_is_no_figure_of_the_council_named() -> None:
    question = "How many councils were judged inadequate in Doncaster's region?"
    national = "Nationally, Ofsted figures show that 11 councils were judged inadequate."
    assert _about_another_council(question, national, "doncaster", "eastmoor")
    counted = "Ofsted figures show 1,140 children were living in unregistered homes in England."
    assert _about_another_council(question, counted, "doncaster", "eastmoor")
    for own in (
        "Agency staff make up 31% of social workers, compared with 18% in England.",
        "The council has the highest rate of agency staff in England.",
        "In Doncaster, 11 councils' staff met; nationally the figure is higher.",
        "Nationally, Doncaster had the highest number of children in care.",
    ):
        assert not _about_another_council(question, own, "doncaster", "eastmoor")
    # A question naming a person, not a council, is not about one council's figures.
    assert not _about_another_council("What did Paul Moffat say?", national, "doncaster")


def test_a_body_named_after_another_councils_place_is_about_that_council() -> None:
    question = "Who chairs the Eastmoor safeguarding children partnership?"
    other = "The review was published by the Westfold Safeguarding Children Partnership."
    assert _about_another_council(question, other, "eastmoor", "westfold")
    own = "The Eastmoor Safeguarding Children Partnership is chaired by Ann Lee."
    assert not _about_another_council(question, own, "eastmoor", "westfold")
    # Naming no council (a person here), a question is about none in particular.
    assert ask("What did Paul Moffat publish?").entities
    assert not _about_another_council(
        "What did Paul Moffat publish?", other, "eastmoor", "westfold"
    )


def _orlingham_lexicon() -> EntityLexicon:
    """Two councils' reports; a home and a neighbouring council named only in Orlingham's."""
    home = (
        "The home, Larchfield House, is run by Orlingham City Council. Orlingham opened it in 2019."
    )
    review = (
        "Orlingham City Council asked Farrowdale County Council to support it. Orlingham "
        "had 612 children in care. It runs a Mockingbird hub."
    )
    wexcombe = (
        "Wexcombe Borough Council was rated good. Wexcombe has 300 children in care and "
        "two Mockingbird hubs."
    )
    return EntityLexicon(
        [
            _doc("home", home, "2023-12-12"),
            _doc("review", review, "2023-03-02"),
            _doc("wex", wexcombe, "2024-03-28"),
            _doc("wex2", "Wexcombe Borough Council met in 2024.", "2024-09-19"),
        ]
    )


def test_a_place_run_by_a_council_is_about_that_council() -> None:
    lexicon = _orlingham_lexicon()
    analysis = analyse(resolve("Who is the registered manager at Larchfield House?", []), lexicon)
    assert analysis.subjects_named == {"orlingham"}
    line = "Provider: Orlingham City Council\nRegistered manager: Joanne Petrakis"
    assert not _evidence(analysis, line).other_council
    assert _evidence(analysis, "Provider: Wexcombe Borough Council").other_council


def test_a_sentence_in_another_councils_report_naming_none_asked_is_about_that_one() -> None:
    lexicon = _orlingham_lexicon()
    question = "How many children are in the care of Farrowdale County Council?"
    analysis = analyse(resolve(question, []), lexicon)
    assert analysis.subjects_named == {"farrowdale"}  # named only in passing, still its own
    sentence = "612 children were in the care of the council."
    heading = "Orlingham City Council: commissioner's report\nDepartment for Education"

    def other(context: str, passage: str = "") -> bool:
        evidence = sentence_evidence(analysis, sentence, context, passage or context, None, heading)
        return evidence.other_council

    assert other(sentence)
    # A sentence beside one naming the council asked about may be about it.
    assert not other(f"Farrowdale County Council was rated outstanding. {sentence}")
    # Not one whose passage names it in passing, further on.
    passing = f"{sentence} Two more. Its pay cap is shared with councils such as Farrowdale."
    assert other(sentence, passing)
    # Asked about no council, a report's heading says nothing of the sentence.
    programme = analyse(resolve("How many hubs does the Mockingbird scheme have?", []), lexicon)
    assert programme.entities and not programme.subjects_named
    evidence = sentence_evidence(programme, sentence, sentence, sentence, None, heading)
    assert not evidence.other_council


def test_a_table_cell_opens_like_a_sentence_so_its_first_word_is_no_name() -> None:
    minutes = _doc("mins", "| No. | Action | Owner | Deadline |\n| 1 | Report | DCS | May |", None)
    lexicon = EntityLexicon([minutes, *DOCS])
    assert not lexicon.documents_of("deadline") and not lexicon.documents_of("owner")


def test_places_listed_before_councils_are_councils_named_in_passing() -> None:
    review = (
        "Brightwold Borough Council reviewed its IRO service with the IRO services of "
        "Hartlecombe and Rookhaven councils. The council had 447 children in care."
    )
    lexicon = EntityLexicon([_doc("iro", review, "2024-07-11"), *DOCS])
    assert {"brightwold", "hartlecombe", "rookhaven"} <= lexicon.council_names()
    assert council_places("Leeds, York, and Hull Councils") == ["Leeds", "York", "Hull"]
    assert council_places("Labour and Conservative councils") == ["Labour", "Conservative"]
    assert (
        not {"labour", "english"}
        & EntityLexicon(
            [_doc("parties", "Labour and Conservative councils, English and Welsh councils.", None)]
        ).council_names()
    )
    question = "Who wrote Hartlecombe's IRO annual report?"
    analysis = analyse(resolve(question, []), lexicon)
    assert analysis.subjects_named == {"hartlecombe"}
    # The question's "IRO" is every council's: Brightwold's report is still another's.
    sentence = "Author: Denise Kowalczyk, IRO Service Manager"
    heading = "Brightwold Borough Council IRO annual report\nBrightwold Borough Council"
    evidence = sentence_evidence(analysis, sentence, sentence, sentence, None, heading)
    assert evidence.other_council


def test_the_best_sentence_giving_its_person_another_post_is_no_answer() -> None:
    analysis = ask("Who is Doncaster's director of children's services?")
    assert analysis.office is not None and analysis.office.text == "director of children's services"
    other = "Riana Nelson, director of learning at Doncaster, said the plan was working."
    evidence = _evidence(analysis, other)
    assert evidence.other_office
    assert best_falls_short(analysis, evidence) == (
        "No passage found names the director of children's services"
    )
    holder = "Doncaster's director of children's services, Ann Lee, said the plan was working."
    assert best_falls_short(analysis, _evidence(analysis, holder)) is None
    # Only a question asking for a person asks for a post's holder.
    assert ask("When did Doncaster's director of children's services start?").office is None


def test_a_sentence_naming_no_person_is_no_answer_to_who_holds_a_post() -> None:
    analysis = ask("Who was Ofsted's chief inspector in 2022?")
    council = "Among the councils to improve is Westfold, which was judged inadequate in 2022."
    evidence = _evidence(analysis, council)
    assert best_falls_short(analysis, evidence) == "No passage found names the chief inspector"
    # A person given no post may hold it.
    lead = ask("Who was Eastmoor's lead member for children in 2017?")
    named = "Councillor David Pryce has a realistic understanding of services."
    assert best_falls_short(lead, _evidence(lead, named)) is None


def test_words_a_question_quotes_may_be_named_earlier_in_the_paragraph() -> None:
    """A wrapped paragraph is read line by line: the survey the question quotes is named
    two lines above the share it asks for, in the same paragraph, not in the next one."""
    analysis = ask('In the "Tell Us" survey, what percentage understood why?')
    passage = (
        '8.1 Feedback from the "Tell Us" survey of 118 parents\n'
        "whose children had plans. 64% said they understood\n"
        "why a social worker was involved.\n\n9.1 Other business: 70% agreed."
    )
    share = "64% said they understood"
    assert sentence_evidence(analysis, share, share, passage, None).quotes
    other = "9.1 Other business: 70% agreed."
    assert not sentence_evidence(analysis, other, other, passage, None).quotes


def test_a_wrapped_line_gives_its_people_the_posts_its_whole_sentence_gives() -> None:
    """A signature block wrapped at a fixed width cuts a post in two: the line naming the
    person gives another post, the whole sentence the one asked about."""
    analysis = ask("Who is the director of children's services at Doncaster?")
    line = "Report of: Ann Lee, Director of Law and Governance and"
    whole = f"{line}\nDirector of Children's Services"
    cut = _evidence(analysis, line)
    assert cut.other_office and not cut.holds_office
    read_whole = contradicted_as(cut, _evidence(analysis, whole))
    assert not read_whole.other_office and read_whole.holds_office
    # A line whose whole sentence gives only another post still gives another post.
    other = f"{line}\nHousing"
    assert contradicted_as(cut, _evidence(analysis, other)).other_office


def test_a_wrapped_line_of_what_an_earlier_report_recorded_answers_nothing_of_now() -> None:
    now = ask("How many children are currently placed in unregistered settings?")
    first = "2.1 Your report records the evidence of Mr C that, on 2 May 2025, 9"
    line = "children were placed in unregistered settings, of whom 3 had been so placed"
    assert _evidence(now, line).kind == 1.0
    assert contradicted_as(_evidence(now, line), _evidence(now, f"{first}\n{line}")).kind == 0.0


def test_what_a_correction_takes_back_is_no_answer_unless_the_error_is_asked() -> None:
    withdrawn = (
        "[Updated 28 March 2025: an earlier version of this statement gave the dates of the "
        "second focused visit as 17 and 18 September 2023."
    )
    asked = ask("On what dates was Ofsted's second focused visit?")
    assert _evidence(asked, withdrawn).taken_back
    assert not _evidence(asked, "The correct dates are 17 and 18 October 2023.").taken_back
    about_error = ask("What dates did the earlier version of the statement give?")
    assert not _evidence(about_error, withdrawn).taken_back
    # The right value in the same sentence keeps it an answer.
    put_right = "The total was wrongly given as £5,210,000; the correct figure is £5,120,000."
    assert not _evidence(ask("What was the total?"), put_right).taken_back
    # A wrapped line of the correction is taken back with its sentence.
    line = _evidence(asked, "second focused visit as 17 and 18 September 2023.")
    assert contradicted_as(line, _evidence(asked, withdrawn)).taken_back


def test_a_report_of_the_year_asked_does_not_date_the_event_asked_by_one_it_recalls() -> None:
    """A question's "its 2025 inspection" is dated in 2025: a report published then
    recalls the inspection before it ("November 2021"), which is not that one's date."""
    sentence = "The full inspection before this one took place in November 2021."
    published = date(2025, 3, 28)
    event = ask("When did Ofsted carry out its 2025 inspection?")
    assert sentence_evidence(event, sentence, sentence, sentence, published).time_conflict
    # A question dating its source, not the event, still takes the dates it recalls.
    source = ask("According to the 2025 statement, when was the full inspection before?")
    assert not sentence_evidence(source, sentence, sentence, sentence, published).time_conflict


def test_what_is_still_to_come_is_not_dated_by_what_had_passed_when_written() -> None:
    asked = ask("When is the Harbour Service now due to launch?")
    written = date(2025, 11, 3)
    approved = "The Harbour Service was approved by Cabinet in July 2025."
    moved = "The launch has been postponed from 1 October 2025 to 5 January 2026."
    assert sentence_evidence(asked, approved, approved, approved, written).kind == 0.0
    assert sentence_evidence(asked, moved, moved, moved, written).kind == 1.0
    # A plan stands, though its day has passed: the sentence after it may revise it.
    plan = "The service was due to go live on 1 October 2025."
    assert sentence_evidence(asked, plan, plan, plan, written).kind == 1.0
    # Undated, or asked about the past, the date answers.
    assert sentence_evidence(asked, approved, approved, approved, None).kind == 1.0
    past = ask("When was the Harbour Service approved?")
    assert sentence_evidence(past, approved, approved, approved, written).kind == 1.0


def test_a_list_item_is_dated_by_the_line_introducing_its_list() -> None:
    question = ask("How many children were in care at 31 March 2025?")
    item = "- 497 children were in the council's care."

    def evidence(list_lead: str) -> SentenceEvidence:
        return sentence_evidence(question, item, item, item, None, list_lead=list_lead)

    assert evidence("At 30 November 2025:").time_conflict
    assert evidence("At 31 March 2025:").time_match == 1.0
    assert not evidence("").time_conflict  # undated, as before
    dated = "- 486 children were in care at 31 March 2025."
    assert (
        sentence_evidence(
            question, dated, dated, dated, None, list_lead="At 30 November 2025:"
        ).time_match
        == 1.0
    )


def test_what_an_earlier_report_said_answers_no_question_about_the_present() -> None:
    now = ask("When is Kingfisher Vale Academy now expected to open?")
    recalled = (
        "Kingfisher Vale Academy: members will recall that we reported in December that the"
        " school would open in January 2026."
    )
    assert _evidence(now, recalled).kind == 0.0
    assert _evidence(now, "The trust now expects it to open in April 2026.").kind == 1.0
    records = "Your report records the evidence that, on 2 May 2025, 9 children were placed."
    assert _evidence(ask("How many children are currently placed?"), records).kind == 0.0
    # A question about the past may be answered by what the report recalls.
    assert _evidence(ask("When was the academy expected to open?"), recalled).kind == 1.0
    # Nor by whom an earlier proposal named: "currently" asks who holds the post now.
    named = "The published proposal named Mrs Harriet Penwarden as headteacher."
    assert _evidence(ask("Who is currently the headteacher?"), named).kind == 0.0
    # Nor by what an earlier plan set: the document goes on to revise it.
    required = "The specification required the online offer to launch by 1 October 2024."
    latest = ask("What is the latest deadline for the online offer?")
    assert _evidence(latest, required).kind == 0.0
    revised = "The date for the full offer is revised to 1 January 2026."
    assert _evidence(latest, revised).kind == 1.0


def test_an_annual_reports_undated_figure_is_of_the_year_it_reports_on() -> None:
    """The report for 2023/24, published in December 2024 (within 2024/25)."""
    year = report_year("Item 7: School Attendance Service - Annual Report for the year 2023/24")
    assert year is not None and year.start == date(2023, 4, 1)
    asked = ask("How many attendance cases were heard in the magistrates' courts in 2024/25?")
    sentence = "141 cases were heard in the magistrates' courts, compared with 118 in 2022/23."

    def evidence(question: QuestionAnalysis, text: str) -> SentenceEvidence:
        return sentence_evidence(question, text, text, text, date(2024, 12, 10), report_year=year)

    assert evidence(asked, sentence).time_conflict
    assert not evidence(ask("How many cases were heard in 2023/24?"), sentence).time_conflict
    # The year compared with is asked: the sentence names it.
    assert not evidence(ask("How many cases were heard in 2022/23?"), sentence).time_conflict
    # A table's row is dated by its columns; a post is held when the report is written.
    assert not evidence(asked, "| Cases heard | 118 | 141 | 163 |").time_conflict
    officer = ask("Who was the contact officer in 2024/25?")
    assert not evidence(officer, "Contact officer: Rhiannon Castellow-Pryce").time_conflict
    # Only an annual report names its year so; a calendar year may be the year it came out.
    assert report_year("Ombudsman Annual Review letter 2025 (year ending 31 March 2025)") is None
    assert report_year("Foster Carer Payments Schedule 2025-26") is None


def test_what_held_only_until_a_day_before_the_asked_period_does_not_answer_it() -> None:
    asked = ask("Under the 2025 code, how much is a first penalty notice?")
    until = "For comparison, until 18 August 2024 a first penalty notice was £60."
    published = date(2025, 8, 4)  # a report of the asked year, which recalls the old fee
    assert sentence_evidence(asked, until, until, until, published).time_conflict
    then = ask("How much was a first penalty notice in 2024?")
    assert not sentence_evidence(then, until, until, until, published).time_conflict


def test_what_an_earlier_document_said_is_taken_back_by_the_sentence_after_it() -> None:
    gave = "Children open to social care: the DPIA gave 3,068 children open at 28 February."
    put_right = "This was a transposition error; the correct figure was 3,086."
    asked = ask("What is the corrected number of children open to social care?")
    evidence = sentence_evidence(asked, gave, gave, gave, None, following=f" {put_right}")
    assert evidence.taken_back
    assert not sentence_evidence(asked, gave, gave, gave, None).taken_back
    about_error = ask("What number did the DPIA wrongly give?")
    assert not sentence_evidence(
        about_error, gave, gave, gave, None, following=put_right
    ).taken_back


def test_a_role_holds_the_post_its_verb_gives_it() -> None:
    chairs = ask("Who chairs Doncaster's corporate parenting board?")
    by_role = "The chairing of the corporate parenting board by the lead member continues."
    assert _evidence(chairs, by_role).role_holder
    assert not names_no_holder(_evidence(chairs, by_role))
    # Naming the asked post as a role names no holder of it, nor does the person the
    # question names.
    minister = ask("What is the name of the minister for children who met Cliff Jordan?")
    told = (
        '"I went to see the minister for children in November 2016 and he told me off,"'
        " council leader Cliff Jordan said."
    )
    assert not _evidence(minister, told).role_holder
    assert names_no_holder(_evidence(minister, told))


def test_a_figure_given_in_another_whole_year_answers_no_other_year() -> None:
    """A report written within 2024/25 about 2023/24 still gives its 2023/24 figures."""
    asked = ask("How many inspections did the service carry out in 2024/25?")
    sentence = "6.3 The service carried out 63 unannounced inspections in 2023/24."
    evidence = sentence_evidence(asked, sentence, sentence, sentence, date(2024, 11, 19))
    assert evidence.time_conflict
    # A year it compares with does not date its figure, however written.
    for compared in (
        "92% of visits were on time, an improvement from 81% in the same period in 2023.",
        "* 3 and 4-year-olds: £5.38 an hour (£5.01 in 2023-24)",
    ):
        this_year = ask("What share of visits were on time in 2024/25?")
        recalled = sentence_evidence(this_year, compared, compared, compared, date(2024, 11, 1))
        assert not recalled.time_conflict


def test_a_reference_in_an_annual_reports_title_names_no_year() -> None:
    title = "Licensing Annual Report 2023/24, 19 November 2024 (CYPSC/2024/041)"
    year = report_year(title)
    assert year is not None and year.start == date(2023, 4, 1)


def test_a_date_may_be_set_before_the_period_it_falls_in() -> None:
    """The autumn term's payment date, set in a July letter."""
    letter = _doc(
        "letter", "The autumn term payment will be made on 19 September 2025.", "2025-07-18"
    )
    news = _doc("news", "Morlanby's providers were paid.", "2025-07-18")
    lexicon = EntityLexicon([letter, news])
    docs = (letter, news)
    published = {d.doc_id: date.fromisoformat(d.date) for d in docs if d.date}
    named = {d.doc_id: periods_named(d) for d in docs}
    question = "When will the autumn term 2025 payment be made?"
    assert allowed_documents(analyse(resolve(question, []), lexicon), published, named) == {
        "letter"
    }
    # A count waits for its period.
    count = analyse(resolve("How many providers were paid in autumn term 2025?", []), lexicon)
    assert allowed_documents(count, published, named) == set()


def test_a_follow_up_moving_the_period_asks_another_figure_than_the_one_given() -> None:
    history = [
        Turn(
            role="user", content="How many approved chaperones did Doncaster have at 31 March 2024?"
        ),
        Turn(role="assistant", content="There were 288 approved chaperones at 31 March 2024."),
    ]
    later = analyse(resolve("And how many were there a year later?", history), LEXICON)
    assert later.figures_given == {"288"}
    given = "There were 288 approved chaperones on the register at 31 March 2024."
    both = "There were 305 chaperones at 31 March 2025, compared with 288 at 31 March 2024."
    assert _evidence(later, given).repeats_given
    assert not _evidence(later, both).repeats_given
    # A follow-up keeping the period may be answered by the figure given.
    again = analyse(resolve("And how many of them were new?", history), LEXICON)
    assert not again.figures_given and not _evidence(again, given).repeats_given
