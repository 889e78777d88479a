"""An answer sentence that announces a list, or is summed up by the next, runs on."""

from __future__ import annotations

import pytest

from corpus.models import Chunk, Document
from corpus.sentences import wrapped_sentence
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from service.qa.analysis import analyse
from service.qa.answer import Answerer, Candidate, whole_paragraphs
from service.qa.completion import completed
from service.qa.followup import resolve
from service.qa.retrieve import Passage
from service.qa.short_answer import fact_span

TEXT = (
    "The visit focused on the following areas:\n\n"
    "- Care planning for children looked after\n"
    "- Placement stability\n\n"
    "Inspectors met staff. Services were found to be good across all of its work. "
    "This includes child protection and adoption. Caseloads were high:\n\n"
    "Several teams held more than 30 cases. The rest is another paragraph."
)


def candidate(sentence: str, chunk_end: int = 60) -> Candidate:
    start = TEXT.index(sentence)
    document = Document("d", TEXT, "Visit", "2017-03-22", "inspection letter", "Ofsted", "d.txt")
    chunk = Chunk("c", "d", 0, 0, chunk_end, TEXT[:chunk_end])
    passage = Passage(chunk, document, score=1.0, rank=1)
    return Candidate(
        passage, start, start + len(sentence), sentence, score=1.0, semantic=0.5, overlap=0.5
    )


def test_a_colon_brings_the_whole_list_past_the_passage() -> None:
    answer = completed(candidate("The visit focused on the following areas:"))
    assert answer.text.endswith("- Placement stability")
    assert "Inspectors" not in answer.text
    assert TEXT[answer.start : answer.end] == answer.text
    # The passage is cited up to the answer's end, its text still the document's.
    chunk = answer.passage.chunk
    assert chunk.end == answer.end and TEXT[chunk.start : chunk.end] == chunk.text


def test_a_colon_before_a_paragraph_brings_its_first_sentence() -> None:
    answer = completed(candidate("Caseloads were high:", chunk_end=len(TEXT)))
    assert answer.text.endswith("Several teams held more than 30 cases.")
    assert answer.passage.chunk.end == len(TEXT)  # inside the passage: cited as it was


def test_a_sentence_summed_up_by_the_next_brings_it() -> None:
    answer = completed(candidate("Services were found to be good across all of its work."))
    assert answer.text.endswith("This includes child protection and adoption.")


def test_a_complete_sentence_is_left_as_it_is() -> None:
    best = candidate("Inspectors met staff.")
    assert completed(best) is best


def test_a_plan_the_next_sentence_revises_brings_the_revision() -> None:
    text = (
        "The new case record was due to go live on 3 November 2025. It has been delayed to "
        "2 March 2026 after a test failed. The budget is £2.35m."
    )
    answer = completed(
        candidate_in(text, "The new case record was due to go live on 3 November 2025.")
    )
    assert answer.text.endswith("It has been delayed to 2 March 2026 after a test failed.")
    # A plan the next sentence does not revise, or a sentence stating no plan, stays.
    kept = "The go-live was due on 3 November 2025. It went well. It has been delayed."
    plan = candidate_in(kept, "The go-live was due on 3 November 2025.")
    assert completed(plan) is plan
    met = "The go-live happened on 3 November 2025. It has been delayed since then."
    done = candidate_in(met, "The go-live happened on 3 November 2025.")
    assert completed(done) is done


def candidate_in(text: str, sentence: str) -> Candidate:
    start = text.index(sentence)
    document = Document("d", text, "Visit", None, "inspection letter", "Ofsted", "d.txt")
    chunk = Chunk("c", "d", 0, 0, len(text), text)
    passage = Passage(chunk, document, score=1.0, rank=1)
    return Candidate(passage, start, start + len(sentence), sentence, 1.0, 0.5, 0.5)


def test_numbered_items_and_items_of_several_sentences_are_whole() -> None:
    text = (
        "Inspectors recommended the following:\n"
        "1. Care planning is weak. Plans are late.\n"
        "2) Supervision should be regular.\n"
        "Staff were positive."
    )
    answer = completed(candidate_in(text, "Inspectors recommended the following:"))
    assert answer.text.endswith("2) Supervision should be regular.")
    assert "Plans are late." in answer.text and "Staff" not in answer.text


def test_a_colon_at_the_end_of_a_document_stays_as_it_is() -> None:
    best = candidate_in("The areas were:", "The areas were:")
    assert completed(best) is best


def test_a_long_list_stops_at_a_whole_item() -> None:
    items = "".join(f"- Item number {i} of a long list of areas to look at\n" for i in range(60))
    answer = completed(candidate_in(f"The areas were:\n{items}", "The areas were:"))
    assert answer.text.endswith("to look at")  # never cut inside an item
    assert 10 < answer.text.count("\n- ") < 60


LEANING = (
    "Care leavers were well supported.\n\n"
    "Only those who attended groups had leisure passes. Inspectors want to see these "
    "available to all those leaving care. They were also concerned about housing."
)


def test_a_sentence_leaning_on_the_one_before_starts_with_it() -> None:
    text = f"Title\n\n{LEANING}"
    chunk_start = text.index("Inspectors want")
    document = Document("d", text, "Visit", None, "inspection letter", "Ofsted", "d.txt")
    chunk = Chunk("c", "d", 0, chunk_start, len(text), text[chunk_start:])
    sentence = "Inspectors want to see these available to all those leaving care."
    start = text.index(sentence)
    best = Candidate(
        Passage(chunk, document, score=1.0, rank=1), start, start + len(sentence), sentence,
        1.0, 0.5, 0.5,
    )  # fmt: skip
    answer = completed(best)
    assert answer.text == f"Only those who attended groups had leisure passes. {sentence}"
    assert text[answer.start : answer.end] == answer.text
    # The passage is cited from the answer's start, its text still the document's.
    cited = answer.passage.chunk
    assert cited.start == answer.start and text[cited.start : cited.end] == cited.text
    # "They" opens its sentence; the one before it is in the same paragraph.
    they = completed(candidate_in(LEANING, "They were also concerned about housing."))
    assert they.text.startswith("Inspectors want to see these")


def test_a_sentence_opening_a_paragraph_or_naming_its_subject_stays_as_it_is() -> None:
    first = candidate_in(LEANING, "Only those who attended groups had leisure passes.")
    assert completed(first) is first
    text = "Care leavers were well supported.\n\nThey were also concerned about housing."
    opening = candidate_in(text, "They were also concerned about housing.")
    assert completed(opening) is opening
    named = candidate_in(LEANING, "Care leavers were well supported.")
    assert completed(named) is named
    # "them" within its own sentence points back to nothing before it.
    text = "Inspectors met staff. The team met care leavers and found them well supported."
    within = candidate_in(text, "The team met care leavers and found them well supported.")
    assert completed(within) is within
    # A sentence before longer than the reach is not cut into.
    long = "Intro. " + "It covered services" + ", services" * 70 + ". They were found good."
    after_long = candidate_in(long, "They were found good.")
    assert completed(after_long) is after_long


WRAPPED = (
    "5.2 In the year, 1,486 missing episodes were reported to the police for children\n"
    "living in Ingleston in 2023/24, involving 512 individual children. Most of them\n"
    "returned home within a day, and a return home interview was offered to each of\n"
    "them within 72 hours of their return, as the statutory guidance requires.\n"
)


def test_a_sentence_cut_by_a_wrapped_line_is_shown_whole_and_answered_from_its_piece() -> None:
    piece = "living in Ingleston in 2023/24, involving 512 individual children."
    answer = completed(candidate_in(WRAPPED, piece))
    assert answer.text.startswith("5.2 In the year, 1,486 missing episodes")
    assert answer.text.endswith(piece) and WRAPPED[answer.start : answer.end] == answer.text
    assert answer.scored == (WRAPPED.index(piece), WRAPPED.index(piece) + len(piece))
    # The short answer comes from the piece that was scored, not the figure before it.
    question = "How many individual children did the missing episodes involve?"
    analysis = analyse(resolve(question, []), None)
    span = fact_span(analysis, answer)
    assert span is not None and answer.text[span.start : span.end].startswith("512")


def test_a_passage_is_read_to_the_ends_of_the_paragraphs_it_cuts() -> None:
    """A chunk cut mid-paragraph leaves the rest of it, often the answer, to a neighbour
    that may not be retrieved: its candidates run on to the paragraph's ends."""
    document = Document("d", TEXT, "Visit", "2017-03-22", "inspection letter", "Ofsted", "d.txt")
    cut = TEXT.index("This includes")
    chunk = Chunk(
        "c", "d", 0, TEXT.index("Inspectors met"), cut, TEXT[TEXT.index("Inspectors met") : cut]
    )
    whole = whole_paragraphs(Passage(chunk, document, score=1.0, rank=1)).chunk
    assert whole.text == TEXT[whole.start : whole.end]
    assert whole.text.startswith("Inspectors met") and whole.text.endswith("Caseloads were high:")
    # A passage of whole paragraphs is left as it is.
    first = Chunk("f", "d", 0, 0, 41, TEXT[:41])
    assert whole_paragraphs(Passage(first, document, score=1.0, rank=1)).chunk == first


_BUDGET = (
    "1.1 This report sets out the forecast outturn for the Children and Families\n"
    "Directorate at the end of September 2025, the second quarter of the year.\n"
    "\n"
    "2.1 Cabinet is recommended to note the forecast revenue overspend of £9.3m for\n"
    "the Children and Families Directorate at Quarter 2 and to approve the virement.\n"
    "\n"
    "2.2 The overspend forecast at Quarter 1, reported to Cabinet in September, was\n"
    "£7.1m for the Children and Families Directorate, before the new placements.\n"
)


def test_a_wrapped_line_meets_the_questions_constraints_as_its_whole_sentence(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    """Lines of a wrapped paragraph are scored one by one, but the quarter, year or
    council a line's sentence names on the next line still counts against it."""
    document = Document("b", _BUDGET, "Budget", "2025-11-12", "report", "Council", "b.txt")
    passage = Passage(Chunk("c", "b", 0, 0, len(_BUDGET), _BUDGET), document, 1.0, 1)
    answerer = Answerer(real_embedder)
    analysis = analyse(resolve("What was the Q1 overspend forecast?", []), None)
    ranked = answerer.candidates(analysis, [passage])
    quarter_two = "2.1 Cabinet is recommended to note the forecast revenue overspend of £9.3m for"
    assert quarter_two not in [c.text for c in ranked]  # "at Quarter 2", on its next line
    assert "£7.1m" in completed(ranked[0]).text  # the Quarter 1 sentence, shown whole


_EXCLUSIONS = (
    "KEY POINTS\n"
    "\n"
    "  * In 2023/24 there were 63 permanent exclusions from Kirkhallow\n"
    "    schools, up from 51 in 2022/23 and 38 in 2021/22. This is the\n"
    "    highest number since records began in their current form.\n"
    "  * Persistent disruptive behaviour remains the main reason for both\n"
    "    suspensions and permanent exclusions, as it was the year before.\n"
)


def test_a_wrapped_line_is_as_near_the_question_as_its_whole_sentence(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    """A line cut from its sentence by a fixed-width wrap says too little to be compared
    with the question alone: it is compared as the nearer of itself and its sentence."""
    text = _EXCLUSIONS
    document = Document("x", text, "Exclusions", "2025-09-15", "briefing", "Council", "x.txt")
    passage = Passage(Chunk("c", "x", 0, 0, len(text), text), document, 1.0, 1)
    question = "What was the main reason for permanent exclusions in Kirkhallow in 2023/24?"
    analysis = analyse(resolve(question, []), None)
    ranked = Answerer(real_embedder).candidates(analysis, [passage])
    line = "* Persistent disruptive behaviour remains the main reason for both"
    reason = next(c for c in ranked if c.text == line)
    start, end = wrapped_sentence(text, text.index(line), text.index(line) + len(line))
    assert text[start:end].endswith("as it was the year before.")
    vectors = real_embedder.encode([analysis.scoring_question, line, text[start:end]])
    assert reason.semantic == pytest.approx(float(vectors[2] @ vectors[0]), abs=1e-4)
    assert reason.semantic > float(vectors[1] @ vectors[0])


def test_the_figure_ending_a_wrapped_sentence_is_read_with_the_line_it_ends(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    text = (
        "5.1 Newly qualified social workers. The Wardleton Social Work Academy\n"
        "took 28 newly qualified social workers on its Assessed and Supported\n"
        "Year in Employment (ASYE) programme in September 2024 (September 2023:\n"
        "21). Of the September 2023 cohort, 19 of 21 (90%) completed their ASYE\n"
        "and all of them are still working for the council in its locality teams.\n"
    )
    document = Document("w", text, "Staffing", "2025-06-10", "report", "Council", "w.txt")
    passage = Passage(Chunk("c", "w", 0, 0, len(text), text), document, 1.0, 1)
    question = "How many newly qualified social workers started the ASYE in September 2024?"
    ranked = Answerer(real_embedder).candidates(analyse(resolve(question, []), None), [passage])
    assert "21)." not in [c.text for c in ranked]
    assert "28 newly qualified" in ranked[0].text
