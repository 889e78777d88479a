from corpus.sentences import answer_spans, sentence_spans


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


def test_answer_spans_read_an_address_block_as_one() -> None:
    text = (
        "Mr Damien Allen\nDirector of People\nCivic Office\nDoncaster\nDN1 3BU\n\n"
        "Dear Mr Allen\n\nMonitoring visit of Doncaster. This letter summarises it."
    )
    spans = answer_spans(text, offset=10)
    pieces = [text[s - 10 : e - 10] for s, e in spans]
    assert pieces == [
        "Mr Damien Allen\nDirector of People\nCivic Office\nDoncaster\nDN1 3BU",
        "Dear Mr Allen",  # a blank line ends the block
        "Monitoring visit of Doncaster.",
        "This letter summarises it.",
    ]
    # Short lines that end a sentence are not an address.
    assert len(answer_spans("It rose.\nIt fell.")) == 2
