"""What each document is about, and answers that differ by council when the question
names none (hand-written documents; the end-to-end case is in test_distractors.py)."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.models import Chunk, Document
from service.qa.analysis import analyse
from service.qa.answer import Candidate
from service.qa.entities import EntityLexicon
from service.qa.followup import resolve
from service.qa.retrieve import Passage
from service.qa.subjects import about_named_subjects, other_subjects


def _doc(doc_id: str, title: str, text: str) -> Document:
    return Document(doc_id, text, title, "2017-06-01", "news article", "test", f"{doc_id}.txt")


DOCS = [
    _doc(
        "don",
        "Monitoring visit to Doncaster",
        "Inspectors visited Doncaster in 2017. Graham Reiter and Rachel Holden carried out "
        "the visit. Doncaster has improved. Staff in Doncaster praised the Trust.",
    ),
    _doc(
        "east",
        "Monitoring visit: children's services in Eastmoor",
        "Inspectors visited Eastmoor in 2017. Martin Ellery carried out the visit. "
        "Eastmoor has improved, said Janet Okafor.",
    ),
    # No name in the title: the name its text uses most, when it stands out.
    _doc(
        "west",
        "Council rated inadequate",
        "Services in Westfold were rated inadequate. Leaders in Westfold apologised. "
        "Staff in Westfold will improve them, Helen Carver said.",
    ),
    # A national report naming several councils once each is about none of them.
    _doc(
        "national",
        "Fewer councils rated inadequate",
        "Doncaster, Eastmoor and Westfold improved, Ofsted said in 2017.",
    ),
]
LEXICON = EntityLexicon(DOCS)
QUESTION = "Did Ofsted send Martin Ellery to Eastmoor?"


def test_a_document_is_about_the_name_its_title_gives_or_its_text_stresses() -> None:
    assert [LEXICON.subject_of(d.doc_id) for d in DOCS] == [
        "Doncaster",
        "Eastmoor",
        "Westfold",
        None,
    ]
    named = {m.key: LEXICON.names_a_subject(m) for m in LEXICON.mentions(QUESTION)}
    # Martin Ellery is named in Eastmoor's report only; Ofsted by the national one too.
    assert named == {"eastmoor": True, "ellery": True, "ofsted": False}


def test_a_corpus_about_one_council_has_no_subjects() -> None:
    """Its name is in every document, so it tells none apart."""
    lexicon = EntityLexicon(
        [
            _doc("a", "Doncaster rated good", "Doncaster was rated good."),
            _doc("b", "Doncaster letter", "Doncaster improved."),
        ]
    )
    assert lexicon.subject_of("a") is None and lexicon.subject_of("b") is None


def _candidate(doc_id: str, sentence: str, score: float) -> Candidate:
    document = next(d for d in DOCS if d.doc_id == doc_id)
    start = document.text.index(sentence)
    end = start + len(sentence)
    chunk = Chunk(f"{doc_id}-0", doc_id, 0, 0, len(document.text), document.text)
    return Candidate(Passage(chunk, document, score, 1), start, end, sentence, score, 0.5, 0.5)


RANKED = [
    _candidate("east", "Martin Ellery carried out the visit.", 3.0),
    _candidate("national", "Doncaster, Eastmoor and Westfold improved, Ofsted said in 2017.", 2.5),
    _candidate("don", "Graham Reiter and Rachel Holden carried out the visit.", 2.0),
    _candidate("don", "Staff in Doncaster praised the Trust.", 1.0),
]


def _others(question: str, answers: bool = True) -> tuple[str, ...]:
    analysis = analyse(resolve(question, []), LEXICON)
    seen: list[Sequence[Candidate]] = []

    def confident(ranking: Sequence[Candidate], passages: Sequence[Passage]) -> bool:
        seen.append(ranking)
        assert {p.document.doc_id for p in passages} <= {c.passage.document.doc_id for c in ranking}
        return answers

    passages = [c.passage for c in RANKED]
    found = other_subjects(analysis, RANKED, LEXICON, passages, confident)
    # Each other council is judged on its own reports' sentences only.
    for ranking in seen:
        assert len({c.passage.document.doc_id for c in ranking}) == 1
    return found


def test_other_councils_answering_differently_are_named_when_the_question_names_none() -> None:
    assert _others("Who carried out the 2017 monitoring visit?") == ("Doncaster",)
    # Not when their best sentence would not be answered on its own.
    assert _others("Who carried out the 2017 monitoring visit?", answers=False) == ()


def test_naming_a_council_settles_which_report_answers() -> None:
    assert _others("Who carried out the 2017 monitoring visit to Eastmoor?") == ()
    # A name the corpus does not cover is answered (or not) by other rules.
    assert _others("Who carried out the monitoring visit to Sheffield?") == ()


def test_the_same_answer_from_another_council_is_no_disagreement() -> None:
    same = [
        _candidate("east", "Inspectors visited Eastmoor in 2017.", 3.0),
        _candidate("don", "Inspectors visited Doncaster in 2017.", 2.0),
    ]
    analysis = analyse(resolve("When did inspectors visit?", []), LEXICON)
    passages = [c.passage for c in same]
    assert other_subjects(analysis, same, LEXICON, passages, lambda ranking, own: True) == ()


def test_a_subject_is_written_as_a_name_and_may_take_two_words() -> None:
    lexicon = EntityLexicon(
        [
            # A heading in capitals; the body writes the name as a name.
            _doc("caps", "EASTMOOR: MONITORING VISIT", "Staff in Eastmoor were praised."),
            _doc("two", "Ofsted visit to St Helens", "Children in St Helens waited less."),
            # An acronym stands for a name: it is no subject of its own.
            _doc("acr", "Letter to DMBC", "The council (DMBC) replied. DMBC agreed."),
            _doc("other", "Westfold news", "Westfold was rated good."),
            # A name opening a sentence loses its first word to the sentence's capital.
            _doc(
                "north",
                "Ofsted visit to North Yorkshire",
                "North Yorkshire has improved. Children in North Yorkshire wait less.",
            ),
            _doc(
                "west",
                "Ofsted visit to West Yorkshire",
                "West Yorkshire has improved. Families in West Yorkshire agree.",
            ),
            # A longer run naming the council once is no better name for it.
            _doc(
                "programme",
                "Harrowby rated outstanding",
                "Staff in Harrowby were praised. The Harrowby Open Doors scheme helped. "
                "Families in Harrowby agree.",
            ),
        ]
    )
    assert lexicon.subject_of("caps") == "Eastmoor"
    assert lexicon.subject_of("north") == "North Yorkshire"
    assert lexicon.subject_of("west") == "West Yorkshire"
    assert lexicon.subject_of("programme") == "Harrowby"
    assert lexicon.subject_of("two") == "St Helens"
    assert lexicon.subject_of("acr") is None


def test_a_report_is_about_the_council_it_names_before_other_names_of_its_title() -> None:
    """A title naming something else ("Freedom of Information Act") does not make that
    the subject of a council's report; a report naming two councils alike is about
    neither, whatever its title names; a council's programme is not its name."""
    lexicon = EntityLexicon(
        [
            _doc(
                "foi",
                "Freedom of Information Act 2000: request for information",
                "Under the Freedom of Information Act, Hollinsford Metropolitan Borough "
                "Council holds the information. In all, Hollinsford employs 14 officers.",
            ),
            _doc(
                "blog",
                "Out of the red: what it means for us",
                "The Hollinsford Homes Together scheme helped. Staff in Hollinsford are proud.",
            ),
            _doc(
                "two",
                "A tale of two councils either side of the Wenlow",
                "Wethercombe County Council and Lindenmere Borough Council border the "
                "Wenlow. Wethercombe improved; Lindenmere did not. Wenlow bridges close.",
            ),
            _doc(
                "national",
                "Ofsted: unacceptable variation across England",
                "Eastmoor improved. Eastmoor Council was praised. Kestonbury and Harrowby "
                "Borough Council did not.",
            ),
            _doc("other", "Westfold news", "Westfold County Council was rated good."),
            _doc("third", "Harrowby news", "Kestonbury Council was rated good."),
            # A name at a sentence's start counts; a title naming two councils is about
            # neither; a word before "Council" across a full stop names no council.
            _doc(
                "opening",
                "Monitoring visit",
                "Eastmoor was rated good. Eastmoor has improved. Eastmoor staff agree. "
                "Peer support came from Kestonbury Council.",
            ),
            _doc("pair", "Kestonbury and Eastmoor compared", "Kestonbury Council did well."),
            _doc(
                "person",
                "Westfold leaders",
                "Staff met Jane Hughes. Council leaders agreed. Staff thanked Jane Hughes.",
            ),
        ]
    )
    assert lexicon.subject_of("foi") == "Hollinsford"
    assert lexicon.subject_of("blog") == "Hollinsford"
    assert lexicon.subject_of("two") is None
    assert lexicon.subject_of("national") is None
    assert lexicon.subject_of("opening") == "Eastmoor"
    assert lexicon.subject_of("pair") is None
    assert lexicon.subject_of("person") != "Jane Hughes"


def test_a_question_naming_a_council_is_answered_from_passages_about_it() -> None:
    """A national report names Eastmoor in one passage; its other passages are not about
    Eastmoor, though the report is among those mentioning it."""
    national = _doc("n2", "Councils rated", "Nineteen councils are rated inadequate.")
    docs = [*DOCS, national]
    lexicon = EntityLexicon(docs)
    other_passage = Chunk("n2-1", "n2", 1, 0, len(national.text), national.text)
    ranked = [
        Candidate(
            Passage(other_passage, national, 3.0, 1),
            0,
            len(national.text),
            national.text,
            3.0,
            0.5,
            0.5,
        ),
        *RANKED,
    ]
    analysis = analyse(resolve("How was Eastmoor rated in 2017?", []), lexicon)
    kept = about_named_subjects(analysis, ranked, lexicon)
    # Eastmoor's report, and the national one's passage naming Eastmoor; not the other.
    assert [c.passage.document.doc_id for c in kept] == ["east", "national"]
    unnamed = analyse(resolve("How was the council rated in 2017?", []), lexicon)
    assert about_named_subjects(unnamed, ranked, lexicon) == ranked
