"""A judgement of the whole service, or of one of its parts."""

from __future__ import annotations

from service.qa.analysis import analyse
from service.qa.constraints import sentence_evidence
from service.qa.followup import resolve
from service.qa.rating_areas import asks_whole, rates_a_part


def test_a_rating_question_naming_no_part_asks_for_the_whole() -> None:
    assert asks_whole("What was Doncaster rated in February 2022?")
    assert asks_whole("What is the overall rating for Calderwick?")
    assert not asks_whole("How was the leadership of the trust judged?")
    assert not asks_whole("What were Norfolk's adoption services rated?")


def test_a_sentence_rating_only_a_part() -> None:
    assert rates_a_part("Inspectors rated the Trust's leadership as 'requiring improvement'.")
    # The whole is rated too, or the part is said of every aspect.
    assert not rates_a_part(
        "The trust has been rated 'good', with services for care leavers judged 'outstanding'."
    )
    assert not rates_a_part("The service is 'good' across all aspects, including adoption.")
    assert not rates_a_part("The overall rating says the services 'require improvement'.")
    assert not rates_a_part("Children's services were rated 'inadequate'.")


def test_only_a_question_for_the_whole_rules_out_a_part() -> None:
    part = "It labelled the leadership of the council as 'inadequate'."
    whole = analyse(resolve("What was Doncaster rated in 2022?", []), None)
    assert sentence_evidence(whole, part, part, part, None).rates_a_part
    leaders = analyse(resolve("How was Doncaster's leadership rated in 2022?", []), None)
    assert not sentence_evidence(leaders, part, part, part, None).rates_a_part
