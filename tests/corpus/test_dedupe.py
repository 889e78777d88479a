"""Deduplication on the bundled corpus and on hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import pytest

from corpus.clean import norm_key
from corpus.config import CorpusConfig
from corpus.dedupe import jaccard, shingles
from corpus.load import LoadResult, load_corpus
from corpus.models import Document
from corpus.sentences import sentence_spans
from tests.conftest import BUNDLED_DOCUMENTS
from tests.corpus.helpers import chunk_and_dedupe, lost_sentences

LETTER = "004_b15547c44d6205e5.txt"
REPEATS = "001_e65cb6ed69f34585.txt"


@pytest.fixture(scope="module")
def bundled() -> LoadResult:
    return load_corpus(BUNDLED_DOCUMENTS)


def _doc(result: LoadResult, path: str) -> Document:
    return next(d for d in result.documents if d.path == path)


def _addressees(doc: Document) -> list[dict[str, str]]:
    """A letter's addressees: the dict-valued metadata entry."""
    return cast("list[dict[str, str]]", doc.extra["addressees"])


def test_letter_held_twice_is_one_body_with_both_addressees(bundled: LoadResult) -> None:
    letter = _doc(bundled, LETTER)
    for paragraph in (
        "This letter summarises the findings of the monitoring visit",
        "Yours sincerely",
        "Overview",
        "The numbers of children experiencing three or more moves",
    ):
        assert letter.text.count(paragraph) == 1, paragraph
    assert "Dear Mr Moffat" not in letter.text  # the second copy's header left the body ...
    addressees = _addressees(letter)
    assert isinstance(addressees, list)
    # ... and both recipients, with their addresses, are in the metadata.
    assert [a["name"] for a in addressees] == ["Mr Damien Allen", "Mr Paul Moffat"]
    assert "DN1 3BU" in addressees[0]["address"]
    assert "The Blue Building" in addressees[1]["address"]
    assert {a["date"] for a in addressees} == {"2017-03-22"}
    assert letter.extra["signatories"] == ["Graham Reiter, Her Majesty's Inspector"]
    # Half the raw file was the second copy.
    raw = (BUNDLED_DOCUMENTS / LETTER).read_text(encoding="utf-8")
    assert len(letter.text) < 0.55 * len(raw)


def test_page_split_paragraphs_of_the_letter_are_rejoined(bundled: LoadResult) -> None:
    text = _doc(bundled, LETTER).text
    assert "refurbishment programme and co-hosted and contributed" in text
    assert "There is also effective work" in text


def test_repeated_sentences_are_collapsed_and_boilerplate_gone(bundled: LoadResult) -> None:
    text = _doc(bundled, REPEATS).text
    assert text.count("Riana Nelson from DMBC said that the issues identified") == 1
    assert text.count("is being brought back into council control") == 1
    assert "2021.Riana" not in text
    for junk in ("Hide Ad", "Shots!", "Freeview"):
        assert junk not in text
    every = " ".join(d.text for d in bundled.documents)
    for junk in ("Share this page", "newsletter", "From £15 / month", "Digital membership", "˜"):
        assert junk not in every
    assert "\u00a0" not in every


def test_no_sentence_occurs_twice_in_a_document(bundled: LoadResult) -> None:
    for doc in bundled.documents:
        keys = [norm_key(doc.text[s:e]) for s, e in sentence_spans(doc.text)]
        long_keys = [k for k in keys if len(k) >= CorpusConfig().min_repeat_chars]
        assert len(long_keys) == len(set(long_keys)), doc.path


def test_every_removal_has_a_rule_and_reason(bundled: LoadResult) -> None:
    report = bundled.report
    assert report.removals
    assert all(r.rule and r.reason and r.text for r in report.removals)
    assert report.chars_out == sum(len(d.text) for d in bundled.documents) < report.chars_in
    summary = "\n".join(report.summary_lines())
    assert "repeated-paragraph" in summary and "characters:" in summary


def test_nothing_is_lost_on_the_bundled_corpus(bundled: LoadResult) -> None:
    dedupe = chunk_and_dedupe(bundled)
    assert lost_sentences(bundled, dedupe) == []


def test_loading_is_idempotent(bundled: LoadResult) -> None:
    again = load_corpus(BUNDLED_DOCUMENTS)
    assert [(d.doc_id, d.text, d.extra) for d in again.documents] == [
        (d.doc_id, d.text, d.extra) for d in bundled.documents
    ]
    first, second = chunk_and_dedupe(bundled), chunk_and_dedupe(again)
    assert first.kept == second.kept


PARAGRAPH = (
    "The independent reviewing service provides effective challenge and oversight of plans "
    "for children looked after, and the current caseloads mean that there is capacity to "
    "deliver an effective service across the whole borough for every child in care."
)


OPENING_A = (
    "Adoption performance improved during the year, with more children placed with their "
    "adoptive families within the national timescales than in any previous year, and the "
    "adoption panel now meets every fortnight so that matches are approved without delay "
    "for the children who are waiting."
)
OPENING_B = (
    "The council's budget for children's social care rose by four million pounds, most of "
    "it spent on recruiting permanent social workers, which has reduced the reliance on "
    "agency staff and given families a consistent worker who knows their history and "
    "their plans well."
)


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_a_passage_reprinted_in_another_document_is_kept_once_with_also_in(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "a.txt", f"Report A\n\n{OPENING_A}\n\n{PARAGRAPH}")
    # Reprinted with different case and curly quotes after another story.
    reprint = PARAGRAPH.replace("The independent", "THE independent").replace("'", "\u2019")
    _write(tmp_path, "b.txt", f"Report B\n\n{OPENING_B}\n\n{reprint}")
    result = load_corpus(tmp_path)
    dedupe = chunk_and_dedupe(result)
    docs = {d.path: d for d in result.documents}
    assert len(dedupe.groups) == 1
    [dropped] = dedupe.dropped
    assert dropped.doc_id == docs["b.txt"].doc_id
    [canonical] = [c for c in dedupe.kept if c.also_in]
    assert canonical.doc_id == docs["a.txt"].doc_id
    [where] = canonical.also_in
    assert docs["b.txt"].text[where.start : where.end] == dropped.text
    assert lost_sentences(result, dedupe) == []


def test_a_variant_with_words_of_its_own_stays_searchable_unless_configured(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "a.txt", f"Report A\n\n{OPENING_A}\n\n{PARAGRAPH}")
    variant = PARAGRAPH.replace("whole borough", "whole county")
    _write(tmp_path, "b.txt", f"Report B\n\n{OPENING_B}\n\n{variant}")
    result = load_corpus(tmp_path)
    loose = CorpusConfig(near_duplicate_threshold=0.5)
    strict = chunk_and_dedupe(result, loose)
    assert strict.dropped == [] and strict.variants_kept == 1
    folded = chunk_and_dedupe(result, loose.model_copy(update={"near_duplicate_same_words": False}))
    assert len(folded.dropped) == 1
    # Even folded, the variant's words are listed in an also_in: nothing is lost.
    assert lost_sentences(result, strict) == lost_sentences(result, folded) == []


def test_similarity_threshold_is_on_word_shingles() -> None:
    a = shingles("one two three four five six seven eight nine ten", 5)
    b = shingles("one two three four five six seven eight nine eleven", 5)
    assert len(a) == 6
    assert jaccard(a, b) == pytest.approx(5 / 7)


def test_a_heading_that_recurs_between_unique_paragraphs_is_kept(tmp_path: Path) -> None:
    text = (
        "Annual report\n\nSummary\n\nFirst section text about fostering recruitment.\n\n"
        "Summary\n\nSecond section text about adoption timeliness."
    )
    _write(tmp_path, "r.txt", text)
    [doc] = load_corpus(tmp_path).documents
    assert doc.text.count("Summary") == 2


def test_a_speaker_named_over_each_of_several_records_keeps_every_attribution(
    tmp_path: Path,
) -> None:
    """A written question's asker and answerer recur over each record: both stay."""
    asker = "Sir Anthony Grisedale\nConservative\nHensmere West"
    minister = "Rhiannon Castell\nParliamentary Under-Secretary of State for Children"
    records = [
        f"[{n}]\nUIN 3051{n}, tabled on 1{n} February 2025\n\n{asker}\n\nQuestion\n{q}\n\n"
        f"Answer\n{minister}\n\n{a}"
        for n, q, a in (
            (1, "How many reviews were completed?", "Forty-one reviews were completed."),
            (2, "When will the panel report?", "The panel will report in June 2025."),
        )
    ]
    _write(tmp_path, "wq.txt", "\n\n".join(records))
    [doc] = load_corpus(tmp_path).documents
    assert doc.text.count(asker) == 2
    # The answerer is named each time; her long role line is a repeated sentence.
    assert doc.text.count("Rhiannon Castell") == 2


LETTER_BODY = (
    "Focused visit to Kappa children's services\n\nThis letter summarises the findings of the "
    "focused visit to Kappa children's services. Inspectors looked at the quality of care "
    "planning for children in need.\n\nPlans are clear and reviewed on time for most "
    "children.\n\nYours sincerely\n\nSam Patel\nHer Majesty's Inspector"
)


def test_one_letter_in_two_files_to_two_addressees_is_one_document(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "to-council.txt",
        f"3 April 2019\n\nMrs Ann Lee\nKappa Council\nCivic Centre\nKA1 2TA\n\n"
        f"Dear Mrs Lee\n\n{LETTER_BODY}",
    )
    _write(
        tmp_path,
        "to-trust.txt",
        f"4 April 2019\n\nMr Tom Hart\nKappa Trust\nMill Lane\nKA3 4TB\n\n"
        f"Dear Mr Hart\n\n{LETTER_BODY}",
    )
    result = load_corpus(tmp_path)
    [letter] = result.documents
    assert letter.path == "to-council.txt"
    addressees = _addressees(letter)
    assert [(a["name"], a["date"]) for a in addressees] == [
        ("Mrs Ann Lee", "2019-04-03"),
        ("Mr Tom Hart", "2019-04-04"),
    ]
    assert letter.extra["organisations"] == ["Kappa Council", "Kappa Trust"]
    [skipped] = result.report.skipped
    assert skipped.path == "to-trust.txt" and "same letter as to-council.txt" in skipped.reason
    assert result.merged_into == {"to-trust.txt": "to-council.txt"}
    assert letter.extra["copies"] == ["to-trust.txt"]
    assert lost_sentences(result, chunk_and_dedupe(result)) == []

    # Removed, the letter stays out whichever copy would be read first.
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "removed": {
                    letter.doc_id: {
                        "paths": ["to-council.txt", "to-trust.txt"],
                        "removed_at": "2026-12-02T00:00:00+00:00",
                    }
                }
            }
        )
    )
    removed = load_corpus(tmp_path, manifest)
    assert removed.documents == []
    assert all("removed" in s.reason for s in removed.report.skipped)


def test_a_letter_held_twice_with_different_dates_keeps_one_body(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "both.txt",
        f"3 April 2019\n\nMrs Ann Lee\nKappa Council\nCivic Centre\nKA1 2TA\n\n"
        f"Dear Mrs Lee\n\n{LETTER_BODY}\n\n4 April 2019\n\nMr Tom Hart\nKappa Trust\n"
        f"Mill Lane\nKA3 4TB\n\nDear Mr Hart\n\n{LETTER_BODY}",
    )
    result = load_corpus(tmp_path)
    [letter] = result.documents
    assert letter.text.count("Plans are clear") == 1
    assert "4 April 2019" not in letter.text and "Mr Tom Hart" not in letter.text
    assert [a["date"] for a in _addressees(letter)] == ["2019-04-03", "2019-04-04"]
    assert lost_sentences(result, chunk_and_dedupe(result)) == []
