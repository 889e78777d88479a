from service.qa.labels import (
    names_another_item,
    names_field_asked,
    names_other_age,
    names_other_body,
    names_other_label,
    names_other_list_item,
)
from service.qa.text import content_stems


def test_an_item_numbered_otherwise_than_asked_is_another_item() -> None:
    question = "What weekly skills fee does Pennwick pay a Level 3 foster carer?"
    assert names_other_label(question, "- Level 1 (newly approved carers): £80")
    assert not names_other_label(question, "- Level 3 (specialist carers): £275")
    # Asked in lower case, numbered in the report with a capital.
    assert names_other_label("what is the budget for action 2?", "Action 4: Revise the audits.")
    # The asked number written too: it may be that item ("Year 10 and 11 pupils").
    assert not names_other_label(question, "Carers move from Level 2 to Level 3 after a year.")
    assert not names_other_label("How many Year 11 pupils?", "Year 10 and 11 pupils sat it.")
    # "Q1" is quarter 1.
    assert names_other_label("What was the Q1 overspend?", "The overspend at Quarter 2 is £9m.")
    assert not names_other_label("What was the Q1 overspend?", "Quarter 1: an overspend of £7m")


def test_amounts_and_unlabelled_sentences_are_no_other_item() -> None:
    # "over 18", "within 45 days" are amounts, not numbered items.
    question = "How many children waited over 18 months for a home?"
    assert not names_other_label(question, "Over 20 children waited more than 18 months.")
    question = "What share of assessments were completed within 45 days?"
    assert not names_other_label(question, "Within 10 days, 80% were seen.")
    assert not names_other_label("How many children were in care?", "Level 1: £80")


def test_an_item_a_figure_is_compared_with_is_not_the_item_it_is_about() -> None:
    question = "In Q2 2025/26, what share of families were offered a conference?"
    sentence = (
        "The share of families offered a conference has risen to 72%, from 59% in Q3 last year."
    )
    assert not names_other_label(question, sentence)
    # The item it is about still counts: level 1's fee, compared with level 2's.
    level = "Level 1 carers get £80, up from £70 at Level 2."
    assert names_other_label("What fee is paid at Level 3?", level)


def test_a_committee_named_otherwise_is_another_committee() -> None:
    question = (
        "Who chaired the Education Committee's oral evidence session on the children's "
        "social care workforce in November 2023?"
    )
    assert names_other_body(question, "Cllr Darren Hoskins Chair, Children's Scrutiny Committee")
    # No committee named, the committee asked, or it beside another: no contradiction.
    assert not names_other_body(question, "Members present: Elspeth Carrow MP (Chair)")
    assert not names_other_body(question, "The Education Select Committee heard evidence.")
    assert not names_other_body(question, "The Education Committee and the Scrutiny Committee")
    # A board is no committee; a question naming none constrains nothing.
    assert not names_other_body(question, "Councillor Ames chairs the Improvement Board.")
    assert not names_other_body("Who chaired the session?", "Chair, Scrutiny Committee")


def test_a_sentence_naming_only_other_ages_is_about_another_band() -> None:
    question = "How much is the weekly fostering allowance for a child aged 11 to 15?"
    assert names_other_age(question, "16 to 17 | £264 | £275")
    assert names_other_age(question, "Supported accommodation (16-17) costs £1,880 a week.")
    assert not names_other_age(question, "11 to 15 | £249")
    assert not names_other_age(question, "The fee for children aged 11 to 17 is £249.")  # overlaps
    assert not names_other_age(question, "The allowance rose by 3% in April.")  # names none
    # Durations and years are no ages.
    assert not names_other_age(question, "Placements lasted 2 to 3 years in 2023-24.")
    assert names_other_age("What is paid for a parent under 18?", "care leavers aged 18 and over")
    assert not names_other_age("How many 16-17 year olds were NEET?", "16-17 year olds NEET 3.9%")


def test_a_reference_of_the_kind_asked_names_another_item_unless_it_is_the_one() -> None:
    question = "On what date did Wardleton notify serious incident SIN/24/11?"
    assert names_another_item(question, "* Includes SIN/24/13, notified in September 2024")
    assert not names_another_item(question, "SIN/24/11 | 24/07/2024 | 01/08/2024 | 6")
    assert not names_another_item(question, "SIN/24/11 and SIN/24/13 were both reviewed.")
    # Another kind of reference, or none, says nothing about the incident asked.
    assert not names_another_item(question, "Approved under KD/2024/031 in July 2024.")
    assert not names_another_item(question, "Notifications rose to 9 in the six months.")
    assert not names_another_item("When was it notified?", "SIN/24/13 was notified late.")


def test_a_forms_field_is_asked_for_when_the_question_names_its_label() -> None:
    closes = content_stems("When does the Hebblethorpe council tax consultation close?")
    assert names_field_asked("Consultation closes: 11.59pm on 5 January 2025", closes)
    assert not names_field_asked("Decision by: Cabinet, 12 February 2025", closes)
    chair = content_stems("Who chairs the Ardingworth Virtual School Governing Board?")
    assert names_field_asked("Chair of Board: Dr Edmund Quarrie, Headteacher", chair)
    assert not names_field_asked("Presented by: Marguerite Dunstan, Virtual School Head", chair)
    # "No." closing a label is its number: "Application no.:" for the application number.
    number = content_stems("What is the planning application number for 27 Hatherby Rise?")
    assert names_field_asked("Application no.:    24/01873/COU", number)
    # A sentence with a colon is no field, nor is a long label.
    assert not names_field_asked("The board said: the chair will stay.", chair)
    assert not names_field_asked(
        "The chair of the board of the virtual school governors: Dr Quarrie", chair
    )


def test_an_item_of_a_labelled_list_is_another_item_when_the_question_names_another() -> None:
    text = (
        "5.1 Health visiting teams will be based in four localities:\n"
        "- North: Tranby Family Hub, 14 Cobbold Lane, Tranby TB4 6RW\n"
        "- East: Coldmere Family Hub, Mill Road, Coldmere CM7 3JQ\n"
        "\n"
        "5.2 The provider's head office is Ridgeholt House.\n"
    )
    east = content_stems("Which family hub is the base for the team covering the east?")
    assert names_other_list_item(text, text.index("- North"), east)
    assert not names_other_list_item(text, text.index("- East"), east)
    assert not names_other_list_item(text, text.index("5.2"), east)  # no item of it
    # A question naming no item's label leaves every item standing.
    hubs = content_stems("Where is the family hub in Coldmere?")
    assert not names_other_list_item(text, text.index("- North"), hubs)
