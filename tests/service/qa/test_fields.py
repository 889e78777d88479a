"""A form's field whose label the question names answers it, with the real model."""

from __future__ import annotations

from corpus.models import Chunk, Document
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from service.qa.analysis import analyse
from service.qa.answer import Answerer
from service.qa.followup import resolve
from service.qa.retrieve import Passage

_CONSULTATION = (
    "COUNCIL TAX DISCOUNT FOR CARE-EXPERIENCED YOUNG PEOPLE\n"
    "Public consultation on changes to the scheme from 1 April 2025\n\n"
    "Consultation reference: HMBC-REV-2024-07\n"
    "Consultation opens: 4 November 2024\n"
    "Consultation closes: 11.59pm on 5 January 2025\n"
    "Decision by: Cabinet, 12 February 2025\n"
)


def test_a_field_whose_label_the_question_names_is_the_answer(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    text = _CONSULTATION
    document = Document("c", text, "Consultation", "2024-11-04", "web page", "Council", "c.txt")
    passage = Passage(Chunk("k", "c", 0, 0, len(text), text), document, 1.0, 1)
    question = "When does the Hebblethorpe council tax discount consultation close?"
    ranked = Answerer(real_embedder).candidates(analyse(resolve(question, []), None), [passage])
    assert ranked[0].text == "Consultation closes: 11.59pm on 5 January 2025"
    assert ranked[0].features["field"] == 1.0
    # The heading holds more of the question's words, but names no field; another
    # field's label is not the question's.
    others = {c.text: c.features["field"] for c in ranked[1:]}
    assert others["Public consultation on changes to the scheme from 1 April 2025"] == 0.0
    assert others["Decision by: Cabinet, 12 February 2025"] == 0.0
