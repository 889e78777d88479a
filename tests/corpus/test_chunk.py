from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from corpus.chunk import Chunker
from corpus.load import load_documents
from corpus.models import Document
from index.embedders.base import bundled_model_path
from tests.conftest import BUNDLED_DOCUMENTS

MAX_SEQ_LENGTH = 256  # all-MiniLM-L6-v2's max_seq_length


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    tokenizer = AutoTokenizer.from_pretrained(str(bundled_model_path()))
    return Chunker.for_tokenizer(tokenizer, max_tokens=MAX_SEQ_LENGTH)


def test_every_chunk_of_the_corpus_is_an_exact_slice_within_the_token_limit(
    chunker: Chunker,
) -> None:
    documents = load_documents(BUNDLED_DOCUMENTS)
    total = 0
    for doc in documents:
        chunks = chunker.chunk(doc)
        assert chunks, doc.path
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunker.count_tokens(chunk.text) <= MAX_SEQ_LENGTH
            assert chunk.doc_id == doc.doc_id
        total += len(chunks)
        # Chunks together cover the document: no text is dropped between them.
        covered: set[int] = set()
        for chunk in chunks:
            covered.update(range(chunk.start, chunk.end))
        uncovered = [
            i for i in range(len(doc.text)) if i not in covered and not doc.text[i].isspace()
        ]
        assert not uncovered, f"{doc.path}: characters not in any chunk"
    assert total > 20


def test_a_single_overlong_sentence_is_still_cut_under_the_limit(chunker: Chunker) -> None:
    text = " ".join(["supercalifragilistic"] * 600)
    doc = Document("0" * 16, text, "t", None, "report", "s", "t.txt")
    chunks = chunker.chunk(doc)
    assert len(chunks) > 1
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunker.count_tokens(chunk.text) <= MAX_SEQ_LENGTH


def test_chunk_ids_are_stable(chunker: Chunker) -> None:
    doc = load_documents(BUNDLED_DOCUMENTS)[0]
    assert [c.chunk_id for c in chunker.chunk(doc)] == [c.chunk_id for c in chunker.chunk(doc)]


def test_ceiling_split_with_a_fake_counter() -> None:
    chunker = Chunker(lambda t: len(t.split()), max_tokens=5, target_tokens=4, overlap_tokens=1)
    text = "one two three four five six seven eight nine ten"
    doc = Document("1" * 16, text, "t", None, "report", "s", "t.txt")
    for chunk in chunker.chunk(doc):
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text.split()) <= 5


def test_repetitive_text_is_covered_to_the_end() -> None:
    # Found by the nothing-lost property test: in text that repeats its words, the next
    # piece's first match after the cursor lay inside the previous piece, so the end of
    # the document was never chunked.
    chunker = Chunker(lambda t: len(t.split()), max_tokens=80, target_tokens=50, overlap_tokens=8)
    sentence = " ".join(["children"] * 16) + "."
    text = "Children children children children. " + " ".join([sentence] * 3)
    doc = Document("2" * 16, text, "t", None, "report", "s", "t.txt")
    chunks = chunker.chunk(doc)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert max(c.end for c in chunks) == len(text)


def test_a_piece_that_is_only_the_overlap_is_dropped() -> None:
    # Found on a report whose table ended a paragraph: the paragraph break is a piece of
    # its own, and a tokenizer counts even whitespace (its special tokens), so the
    # splitter emitted the table's last row again, alone, as the overlap of a chunk that
    # added nothing. The build stopped with "chunk text not found".
    chunker = Chunker(
        lambda t: len(t.split()) + 2, max_tokens=60, target_tokens=16, overlap_tokens=3
    )
    text = (
        "w47 w77 w60\nw77 w1\nw33 w70 w29 w24 w91 w60 w69 w70\n"
        "w50 w81 w19 w29 w81 w19 w66 w49\nw85\n\nw97 w75 w5"
    )
    doc = Document("4" * 16, text, "t", None, "report", "s", "t.txt")
    chunks = chunker.chunk(doc)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert max(c.end for c in chunks) == len(text)
    # Each chunk adds text: none lies inside the one before it.
    assert all(b.end > a.end for a, b in zip(chunks, chunks[1:], strict=False))
    assert "w85" in {c.text.split()[-1] for c in chunks}
