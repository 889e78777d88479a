from corpus.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_splits_on_full_stops_and_line_breaks() -> None:
    text = 'Heading\n\nThe trust launched in 2014. It was rated "good". Dr. Who left!\n- a bullet'
    assert _sentences(text) == [
        "Heading",
        "The trust launched in 2014.",
        'It was rated "good".',
        "Dr. Who left!",
        "- a bullet",
    ]


def test_offsets_are_shifted() -> None:
    text = "One. Two."
    assert sentence_spans(text, offset=10) == [(10, 14), (15, 19)]
