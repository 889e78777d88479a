"""A judgement of the whole service, or of one of its parts."""

from __future__ import annotations

from datetime import date

from service.qa.analysis import analyse
from service.qa.constraints import sentence_evidence
from service.qa.followup import resolve
from service.qa.rating_areas import (
    asks_whole,
    parts_asked,
    parts_named,
    rates_a_part,
    rates_no_part_asked,
    recalls_earlier_judgement,
)


def test_a_rating_question_naming_no_part_asks_for_the_whole() -> None:
    assert asks_whole("What was Doncaster rated in February 2022?")
    assert asks_whole("What is the overall rating for Calderwick?")
    assert not asks_whole("How was the leadership of the trust judged?")
    assert not asks_whole("What were Norfolk's adoption services rated?")
    # A RAG status is a measure's: the words of its measure name no part of the service.
    rag = "What RAG status did health attendance at child protection conferences move to?"
    assert not asks_whole(rag) and parts_asked(rag) == frozenset()


def test_a_sentence_rating_only_a_part() -> None:
    assert rates_a_part("Inspectors rated the Trust's leadership as 'requiring improvement'.")
    # The whole is rated too, or the part is said of every aspect.
    assert not rates_a_part(
        "The trust has been rated 'good', with services for care leavers judged 'outstanding'."
    )
    assert not rates_a_part("The service is 'good' across all aspects, including adoption.")
    assert not rates_a_part("The overall rating says the services 'require improvement'.")
    assert not rates_a_part("Children's services were rated 'inadequate'.")


def test_a_question_for_the_whole_rules_out_a_part_one_for_that_part_does_not() -> None:
    part = "It labelled the leadership of the council as 'inadequate'."
    whole = analyse(resolve("What was Doncaster rated in 2022?", []), None)
    assert sentence_evidence(whole, part, part, part, None).rates_a_part
    leaders = analyse(resolve("How was Doncaster's leadership rated in 2022?", []), None)
    assert not sentence_evidence(leaders, part, part, part, None).rates_a_part


def test_a_judgement_recalled_from_the_inspection_before() -> None:
    assert recalls_earlier_judgement("Overall judgement at last inspection: good")
    assert recalls_earlier_judgement(
        "Since the last inspection, when services were judged to be inadequate, leaders "
        "have made significant improvements."
    )
    # One it is compared with, or the latest inspection, is the report's own.
    assert not recalls_earlier_judgement(
        "Overall effectiveness was judged to be good, up from requires improvement at the "
        "previous inspection."
    )
    assert not recalls_earlier_judgement(
        "Ofsted last inspected the trust in November 2022 and judged it to be good."
    )
    assert not recalls_earlier_judgement("Overall judgement: requires improvement to be good")
    assert recalls_earlier_judgement(
        "This is a deterioration from the previous audit of this area, in November 2022, "
        "which gave an opinion of reasonable assurance."
    )


def test_only_a_question_of_the_earlier_inspection_takes_its_judgement() -> None:
    earlier = "Overall judgement at last inspection: good"
    own = analyse(
        resolve("What judgement did the home get at its November 2023 inspection?", []), None
    )
    published = date(2023, 12, 1)
    assert sentence_evidence(own, earlier, earlier, earlier, published).time_conflict
    plain = analyse(resolve("What was the home rated?", []), None)
    assert sentence_evidence(plain, earlier, earlier, earlier, published).time_conflict
    before = analyse(resolve("What was the home rated at its last inspection?", []), None)
    assert not sentence_evidence(before, earlier, earlier, earlier, published).time_conflict
    # A question about the earlier inspection's own time may be answered by it.
    then = analyse(resolve("What was the home rated in March 2022?", []), None)
    assert not sentence_evidence(then, earlier, earlier, earlier, published).time_conflict


def test_a_part_asked_about_is_not_rated_by_a_sentence_rating_another() -> None:
    assert parts_named("What rating did Norfolk's child protection services get?") == {"protection"}
    assert parts_named("How were its leaders and children in care judged?") == {
        "leadership",
        "in care",
    }
    overall = 'The report rated overall provision as "requires improvement".'
    adoption = 'Inspectors deemed the council\'s adoption services to be "outstanding".'
    assert rates_no_part_asked(frozenset({"adoption"}), overall)
    assert not rates_no_part_asked(frozenset({"adoption"}), adoption)
    assert not rates_no_part_asked(frozenset(), overall)  # the whole asked: another rule
    assert not rates_no_part_asked(frozenset({"adoption"}), "Adoption is run regionally.")
    # Asked for the overall rating, no part is asked for.
    assert parts_asked("and the overall rating of its services for care leavers?") == set()
