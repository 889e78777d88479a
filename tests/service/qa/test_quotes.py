"""Phrases a question quotes: found in the question, held by the evidence, and the
passages holding them read first."""

from __future__ import annotations

from corpus.models import Chunk, Document
from service.qa.quotes import holds_quotes, quoted_first, quoted_phrases
from service.qa.retrieve import Passage


def test_the_phrases_a_question_quotes() -> None:
    assert quoted_phrases("Who said the trust was 'tremendously proud' of its staff?") == (
        "tremend proud",
    )
    assert quoted_phrases('Who called it "further validation"?') == ("further valid",)
    assert quoted_phrases("What was the ‘legacy of failure’ in 2013?") == ("legaci of failur",)
    # An apostrophe inside a word closes nothing; quotes pair with their own kind.
    assert quoted_phrases("Who said 'the children's lives' had improved?") == ("the children live",)
    assert quoted_phrases("Who said ‘too many children’s needs’ went unmet?") != ()
    assert quoted_phrases("Who said 'tremendously proud\" of staff?") == ()
    # One quoted word is a rating or a term, and an apostrophe opens no quote.
    assert quoted_phrases("When was Doncaster's service rated 'good'?") == ()
    assert quoted_phrases("What did the children's services' report say?") == ()


def test_evidence_holds_a_quoted_phrase_whatever_its_inflection() -> None:
    phrases = quoted_phrases("Who was 'tremendously proud'?")
    assert holds_quotes('"We are Tremendously  proud of our staff," he said.', phrases)
    assert not holds_quotes("This is an incredibly proud moment.", phrases)
    judged = quoted_phrases("When was the trust judged 'requires improvement'?")
    assert holds_quotes("It was judged to 'require improvement' in January 2016.", judged)
    assert holds_quotes("Anything at all.", ())


def _passage(doc_id: str, text: str, rank: int, score: float) -> Passage:
    document = Document(doc_id, text, doc_id, "2018-01-19", "news article", "test", "x.txt")
    return Passage(Chunk(f"{doc_id}-0", doc_id, 0, 0, len(text), text), document, score, rank)


def test_passages_holding_the_quoted_words_are_read_first() -> None:
    passages = [
        _passage("a", "An incredibly proud moment, said Claire Devlin.", 1, 1.0),
        _passage("b", "Staff were praised.", 2, 0.9),
        _passage("c", '"We are tremendously proud," said Paul Moffat.', 3, 0.8),
    ]
    ordered = quoted_first(passages, quoted_phrases("Who was 'tremendously proud'?"))
    assert [p.document.doc_id for p in ordered] == ["c", "a", "b"]
    # Each takes the place, rank and score, of the one it moves ahead of.
    assert [(p.rank, p.score) for p in ordered] == [(1, 1.0), (2, 0.9), (3, 0.8)]
    assert quoted_first(passages, ()) == passages
    assert quoted_first(passages, ("not there",)) == passages
