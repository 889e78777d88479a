"""Acronyms a question writes, and the reports that write them or spell them out."""

from __future__ import annotations

import re
from datetime import date

from corpus.models import Document
from service.qa.acronyms import Acronyms, acronym_key
from service.qa.analysis import analyse
from service.qa.entities import EntityLexicon
from service.qa.followup import resolve
from service.qa.scope import allowed_documents


def _doc(doc_id: str, title: str, text: str) -> Document:
    return Document(doc_id, text, title, None, "report", "test", f"{doc_id}.txt")


DOCUMENTS = [
    _doc(
        "d1",
        "Sorrelbury budget",
        "Sorrelbury Council expects the Dedicated Schools Grant "
        "deficit to reach £14.2 million. The Department for Education agreed a plan.",
    ),
    _doc(
        "d2",
        "Harrowby letter",
        "Harrowby Council wrote to the DfE about its DSG. Officers met on Monday.",
    ),
    _doc(
        "d3",
        "Stannerby scorecard",
        "Stannerby Council issued 61% of EHCPs within 20 weeks. "
        "Education, health and care plans are reviewed yearly.",
    ),
    _doc(
        "d4",
        "Ludmoor policy",
        "Ludmoor Council's policy was approved by Cabinet on 18 June "
        "2025. Ludmoor Council consulted parents.",
    ),
    _doc("d5", "Ludmoor minutes", "The Ludmoor Cabinet met in May. Ludmoor Council noted it."),
    _doc("d6", "Other", "Leaders acted. Inspectors visited. Children were seen."),
]
LEXICON = EntityLexicon(DOCUMENTS)


def _documents_of(question: str, name: str) -> set[str]:
    [mention] = [m for m in LEXICON.mentions(question) if m.key == name]
    return set(mention.documents)


def test_an_acronym_names_the_reports_that_write_it_out() -> None:
    assert _documents_of("What is the DSG deficit?", "dsg") == {"d1", "d2"}
    # A small letter stands for a small word: "Department for Education" is DfE.
    assert _documents_of("Who did the DfE appoint?", "dfe") == {"d1", "d2"}
    # Plurals and commas: "EHCPs", "Education, health and care plans".
    assert _documents_of("How many EHCP reviews were late?", "ehcp") == {"d3"}


def test_a_council_and_an_acronym_its_report_writes_out_allow_that_report() -> None:
    asked = analyse(resolve("What is Sorrelbury's forecast DSG deficit?", []), LEXICON)
    published = {d.doc_id: date(2025, 3, 1) for d in DOCUMENTS}
    assert allowed_documents(asked, published) == {"d1"}


def test_a_question_s_first_word_is_no_name_for_being_capitalised() -> None:
    lexicon = EntityLexicon(
        [
            _doc("d1", "Letter", "Harrowby was judged inadequate. (According to leaders, ...)"),
            _doc("d2", "Other", "Inspectors visited Harrowby. Children were seen."),
        ]
    )
    question = "According to the letter, when was Harrowby judged inadequate?"
    assert [m.key for m in lexicon.mentions(question)] == ["harrowby"]


def test_a_council_s_body_names_the_council_and_the_body() -> None:
    keys = [m.key for m in LEXICON.mentions("When did Ludmoor's Cabinet approve the policy?")]
    assert keys == ["ludmoor", "cabinet"]
    # Both reports name the council and its cabinet; neither is left out for writing
    # "Cabinet" without "Ludmoor's" before it.
    asked = analyse(resolve("When did Ludmoor's Cabinet approve the policy?", []), LEXICON)
    published = {d.doc_id: date(2025, 9, 1) for d in DOCUMENTS}
    assert allowed_documents(asked, published) == {"d4", "d5"}


def test_acronym_keys_and_spellings() -> None:
    assert [acronym_key(w) for w in ("EHCPs", "CAMHS", "DfE")] == ["ehcp", "camhs", "dfe"]
    acronyms = Acronyms()
    for document in DOCUMENTS:
        acronyms.add(document.doc_id, document.text, re.findall(r"[A-Za-z]+", document.text))
    assert acronyms.spelt_out("DSG") == {"d1"}
    assert acronyms.documents("DSG") == {"d1", "d2"}
    # Two letters spell out too much by chance; a word is no acronym.
    assert acronyms.spelt_out("LA") == frozenset() and acronyms.spelt_out("Leaders") == frozenset()


def test_words_a_question_spells_out_are_searched_by_their_acronym_too() -> None:
    """A report defining an acronym writes it from then on: "supporting 58 families with
    NRPF" answers a question about "no recourse to public funds"."""
    lexicon = EntityLexicon(
        [
            _doc("d1", "NRPF report", "Families with no recourse to public funds (NRPF) rose."),
            _doc("d2", "Update", "The council supported 58 families with NRPF in March."),
        ]
    )
    question = "How many families with no recourse to public funds were supported?"
    assert lexicon.acronyms_for(question) == ("NRPF",)
    asked = analyse(resolve(question, []), lexicon)
    assert asked.retrieval_query.endswith(" NRPF") and "nrpf" in asked.stems
    # Initials no report defines are no acronym: "How many children" is no "HMC".
    assert lexicon.acronyms_for("How many children were in care?") == ()
    # An acronym the question writes already is not added again; one written only inside
    # a word ("AP" in "apply") is.
    both = analyse(resolve(f"{question[:-1]} (NRPFs)?", []), lexicon)
    assert both.retrieval_query.count("NRPF") == 1
    provision = EntityLexicon([_doc("d1", "AP", "Alternative provision (AP) grew.")])
    asked = analyse(resolve("Who can apply for alternative provision?", []), provision)
    assert asked.retrieval_query.endswith(" AP")


def test_a_rating_scale_written_short_is_no_name() -> None:
    """ "RAG" names the scale a status is given on, not a thing a report must mention."""
    lexicon = EntityLexicon(
        [
            _doc("d1", "Scorecard", "Each measure has a RAG status. Harrowby moved to green."),
            _doc("d2", "Other", "Inspectors visited Harrowby. Children were seen."),
        ]
    )
    keys = [m.key for m in lexicon.mentions("What RAG status did Harrowby's measure move to?")]
    assert keys == ["harrowby"]
