from service.qa.labels import names_other_label


def test_an_item_numbered_otherwise_than_asked_is_another_item() -> None:
    question = "What weekly skills fee does Pennwick pay a Level 3 foster carer?"
    assert names_other_label(question, "- Level 1 (newly approved carers): £80")
    assert not names_other_label(question, "- Level 3 (specialist carers): £275")
    # Asked in lower case, labelled in the report with a capital.
    assert names_other_label("what is the budget for action 2?", "Action 4: Revise the audits.")
    # Both numbers named: it may compare them.
    assert not names_other_label(question, "Carers move from Level 2 to Level 3 after a year.")


def test_figures_dates_and_unlabelled_sentences_are_no_other_label() -> None:
    question = "How many children had 3 or more moves by March 2017?"
    assert not names_other_label(question, "By March 14 some had 4 moves.")  # no label word
    assert not names_other_label("How many children were in care?", "Level 1: £80")
    assert not names_other_label("What was spent in Year 2?", "Spending rose by 2.5 in 2019.")
