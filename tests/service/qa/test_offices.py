"""The post a "who" question asks the holder of, and sentences naming someone else's."""

from __future__ import annotations

import pytest

from service.qa.offices import (
    Office,
    gives_other_office,
    held_by_only,
    names_holder,
    names_successor,
    office_asked,
    office_evidence,
    predecessor_asked,
    states_succession,
    successor_asked,
)


@pytest.mark.parametrize(
    ("question", "office"),
    [
        ("Who is Pendleford's director of children's services?", "director of children's services"),
        (
            "who is ferncastle's director of children's services now",
            "director of children's services",
        ),
        ("Who was Ofsted's chief inspector in 2022?", "chief inspector"),
        ("Who is the independent chair of the safeguarding board?", "chair"),  # not the post
        (
            "Who is the Chief Operating Officer of Doncaster Children's Services Trust?",
            "chief operating officer",
        ),
        ("Who is the Calderwick trust's director of practice?", "director of practice"),
        ("Who replaced Paul Moffat as chief executive of the trust?", "chief executive"),
        ("Which Ofsted chief inspector said deprivation was no excuse?", "chief inspector"),
        (
            "What is the name of the minister for children who met Cliff Jordan?",
            "minister for children",
        ),
        ("Who was appointed commissioner for Saltmere's children's services?", "commissioner"),
        # The inspector who led an inspection is its lead inspector.
        ("Which Ofsted inspector led the 2024 inspection?", "lead inspector"),
        ("Who led Ofsted's inspection of Fostering Carrowmere?", "lead inspector"),
        ("Who led the monitoring visit in 2017?", "lead inspector"),
        ("Who is the registered manager at Northgate Youth Homes?", "registered manager"),
        # A post's own name before its head: "Monitoring Officer", "decision maker".
        ("Who is the Monitoring Officer at Cressingford City Council?", "monitoring officer"),
        ("Who is the Family Hubs Service Manager in Quarndale?", "family hubs service manager"),
        ("Who is the agency decision maker for the fostering panel?", "agency decision maker"),
    ],
)
def test_the_post_asked_about(question: str, office: str) -> None:
    asked = office_asked(question, ["Doncaster Children's Services Trust", "Saltmere"])
    assert asked is not None and asked.text == office


def test_a_body_after_the_post_is_not_part_of_it() -> None:
    # The trust is a name the question gives; "children's services" is the director's field.
    assert office_asked(
        "Who is the director of children's services at Leeds City Council?", ["Leeds City Council"]
    ) == Office("director", "children's services")
    assert office_asked(
        "Who is the chief executive of Doncaster Children's Services Trust?"
    ) == Office("chief executive")


@pytest.mark.parametrize(
    "question",
    [
        "Who signed the correspondence sent to the borough's director?",
        "Who went to Westminster to see the minister for children?",
        "Which two people from the trust's senior leadership are quoted?",
        "Who is the directorate lead?",
    ],
)
def test_questions_asking_no_post(question: str) -> None:
    assert office_asked(question) is None


DCS = Office("director", "children's services")
CHIEF_INSPECTOR = Office("chief inspector")


@pytest.mark.parametrize(
    ("office", "sentence", "other"),
    [
        # A post after the name, or before it with the body's name between.
        (
            DCS,
            "Riana Nelson, director of learning, opportunities and skills at DMBC, said: "
            '"Doncaster Council and Doncaster Children\'s Services Trust have improved."',
            True,
        ),
        (
            CHIEF_INSPECTOR,
            'Mark Douglas, Chief Operating Officer of the Trust, said: "Good."',
            True,
        ),
        (
            CHIEF_INSPECTOR,
            "Chief Executive of Doncaster Children's Services Trust Paul Moffat "
            'said: "We are thrilled."',
            True,
        ),
        (CHIEF_INSPECTOR, 'Lead inspector Farida Hussey wrote: "Leaders have built."', True),
        # A title written with its field first, after the name.
        (DCS, "Jonathan Vessey, Children's Services Commissioner", True),
        (DCS, "Jane Smith, Children's Services Director", False),
        (DCS, "Helen Marchbank, Interim Director, said it was good.", False),
        (DCS, "Kwame Asante, Dunmarrow's Director", False),
        # The post asked, however written.
        (DCS, "Pendleford's director of children's services, Owen Gartside, said: \"Yes.\"", False),
        (DCS, "Children's services director Jane Smith said the plan was working.", False),
        (
            CHIEF_INSPECTOR,
            'Ofsted\'s chief inspector, Sir Michael Wilshaw said: "No excuse."',
            False,
        ),
        # A head of service holds a post; so does one of two posts after a name.
        (DCS, "Agent: Saskia Penwarden, Head of Placements and Sufficiency", True),
        (
            Office("monitoring officer"),
            "Contact: Hester Quinlan, Fostering Team Manager and Panel Adviser",
            True,
        ),
        # A person with no post, or a post titling no one.
        (CHIEF_INSPECTOR, "Paul Moffat told reporters the news.", False),
        (CHIEF_INSPECTOR, "The inspectors met Paul Moffat and the chief executive.", False),
    ],
)
def test_a_sentence_giving_its_person_another_post(
    office: Office, sentence: str, other: bool
) -> None:
    assert gives_other_office(office, sentence) is other


@pytest.mark.parametrize(
    ("office", "sentence"),
    [
        (Office("lead inspector"), "Her Majesty's Inspector Jane Doe visited in May."),
        (Office("chief executive officer"), "Chief executive Paul Moffat said it was good."),
        (DCS, "Jane Smith, corporate director of children, young people and families, said no."),
    ],
)
def test_the_same_post_written_another_way_is_no_other(office: Office, sentence: str) -> None:
    assert not gives_other_office(office, sentence)


def test_posts_written_short_or_after_the_name() -> None:
    # A councillor is titled "Cllr", whatever other post the sentence gives them.
    councillor = Office("councillor")
    moves = "Labour's children's spokesperson, Cllr Torquil Banham, moves the amendment."
    assert names_holder(councillor, moves)
    assert not gives_other_office(councillor, moves)
    # An inspection letter marks its lead inspector "(lead)" after the post.
    lead = Office("lead inspector")
    letter = "Inspectors: Morag Pettigrew, Social Care Regulatory Inspector (lead)"
    assert names_holder(lead, letter)
    assert not names_holder(lead, "Cedric Gullivant, Social Care Regulatory Inspector")
    assert office_asked("Who led the council's response?") is None


def test_a_sentence_naming_the_holder_of_the_post() -> None:
    assert names_holder(
        DCS, "Report of: Sunita Bhardwaj, Executive Director of Children's Services"
    )
    assert not names_holder(DCS, "The director of children's services was not available.")
    assert not names_holder(DCS, "Riana Nelson, director of learning, said the plan worked.")
    # A line's label may be the post without its head: "Contact:" names the contact officer.
    contact = Office("contact officer")
    assert names_holder(contact, "Contact: Moira Stallard, Head of Commissioning")
    assert not gives_other_office(contact, "Contact: Moira Stallard, Head of Commissioning")
    # So may the heading it sits under.
    under = "Moira Stallard, Director of Children's Services, Civic Centre."
    assert office_evidence(contact, under, lead="8. CONTACT OFFICER") == (False, True, False)
    assert office_evidence(contact, under)[0]


def test_a_post_stated_by_its_verb_is_the_post() -> None:
    chair = office_asked("Who is the chair of Eastmoor's improvement board?")
    assert chair == Office("chair")
    # Asked by its verb too: "Who chairs the subgroup?" asks for its chair.
    assert office_asked("Who chairs the Quality Assurance and Performance Subgroup?") == chair
    author = "Author: Dr Imogen Kettleborough, Quality Assurance Lead, Thurlebeck Partnership"
    assert not names_holder(chair, author)
    assert names_holder(chair, "Subgroup chair: Marcus Oyelaran-Finch, Head of Public Protection")
    sentence = "The council set up an improvement board chaired by an adviser, Mr Colin Rayfield."
    assert not gives_other_office(chair, sentence)


def test_a_person_given_no_post_may_hold_the_one_asked() -> None:
    sentence = (
        "Councillor Jane Smith, cabinet member for children, said Keith Marlowe had done "
        "well as director."
    )
    assert not gives_other_office(DCS, sentence)


def test_a_former_holder_does_not_hold_the_post_now() -> None:
    assert not names_holder(
        DCS, "The review was led by Karen Loxley, a former director of children's services."
    )
    assert not names_holder(
        DCS, "Claire Devlin joined from an authority where she was director of children's services."
    )


@pytest.mark.parametrize(
    ("post", "other", "fits"),
    [
        ("chief executive", "executive director", False),  # a director, not an executive
        ("chief executive officer", "chief executive", True),
        ("lead member", "Cabinet Member", True),
    ],
)
def test_posts_of_one_kind(post: str, other: str, fits: bool) -> None:
    assert Office(post).fits(other, "") is fits


def test_long_questions_are_read_in_linear_time() -> None:
    question = "Who is the director of " + " and ".join(["x"] * 2000) + " 1"
    assert office_asked(question) == Office("director")


def test_who_replaced_someone_is_not_answered_by_them_holding_the_post() -> None:
    question = "Who replaced Caroline Whitmarsh as Marlbury's director of children's services?"
    assert predecessor_asked(question) == "Caroline Whitmarsh"
    assert predecessor_asked("Who is the director?") is None
    about_her = (
        "The director of children's services, Caroline Whitmarsh, and the lead member, "
        "Councillor Harriet Ogunleye, have a clear understanding of the service."
    )
    assert held_by_only(DCS, "Caroline Whitmarsh", about_her)
    successor = "The director of children's services, Tobias Greenhalgh, took up the post."
    assert not held_by_only(DCS, "Caroline Whitmarsh", successor)
    # Naming her beside the one who replaced her is the answer, not her post.
    replaced = "Tobias Greenhalgh replaced Caroline Whitmarsh as director of children's services."
    assert not held_by_only(DCS, "Caroline Whitmarsh", replaced)


def test_a_follow_up_asks_who_replaced_the_person_its_last_answer_named() -> None:
    last = "Trevor Glanville, Head of Disabled Children's Service."
    assert predecessor_asked("Who replaced him?", last) == "Trevor Glanville"
    assert predecessor_asked("Who replaced him?") is None  # no one to mean
    # With no post asked, a sentence naming only him says nothing of who came after him.
    about_him = "Trevor Glanville, Head of Disabled Children's Service (audit sponsor)"
    assert office_evidence(None, about_him, "Trevor Glanville") == (False, False, True)
    after_him = "Maryam Osei-Whitlock was appointed Head of Disabled Children's Service."
    assert office_evidence(None, after_him, "Trevor Glanville") == (False, False, False)
    # Who came after someone is said as an appointment or a taking over.
    assert states_succession(after_him)
    assert states_succession("The provider's authorised signatory is now Kerry-Ann Fairbrass.")
    assert not states_succession("Head of Internal Audit: Lewis Carraway")


def test_who_came_before_someone_is_not_who_replaced_them() -> None:
    question = "Who was Ostenholme's director before Helen Marchbank took over?"
    assert successor_asked(question) == "Helen Marchbank"
    assert successor_asked("Who preceded Paul Moffat as chief executive?") == "Paul Moffat"
    assert successor_asked("Who was director before 2019?") is None
    after_her = (
        "Kwame Asante became director in June 2024, replacing interim director Helen Marchbank."
    )
    assert names_successor("Helen Marchbank", after_her)
    before_her = "Simon Treloar left in March 2023; Helen Marchbank took over as interim director."
    assert not names_successor("Helen Marchbank", before_her)
    # "replaced by her" names who came before her, the answer.
    assert not names_successor("Helen Marchbank", "Paul Moffat was replaced by Helen Marchbank.")
    # Written with a capital at the start of a sentence.
    assert successor_asked("Before Helen Marchbank took over, who was director?") == (
        "Helen Marchbank"
    )
    assert names_successor("Helen Marchbank", "Replacing Helen Marchbank, Kwame Asante began.")
    # Or opening the question: "Before Owen Lyddiard, who held the portfolio?"
    assert successor_asked("Before Owen Lyddiard, who held the portfolio?") == "Owen Lyddiard"
    assert successor_asked("Before Ofsted visited, who led it?") is None
    for not_a_person in ("Before January, who was director?", "Before Ofsted, who inspected?"):
        assert successor_asked(not_a_person) is None
    # Or ending it, by a full name or a title and a surname.
    last = "Who chaired the YJS management board before Lorna Braithwaite?"
    assert successor_asked(last) == "Lorna Braithwaite"
    assert successor_asked("Who was lead member before Councillor Varma?") == "Councillor Varma"
    for not_a_person in ("Who was director before March 2023?", "Who led it before Christmas?"):
        assert successor_asked(not_a_person) is None
    # Read in linear time, however long a run of capitals.
    assert successor_asked("Before " + "AB" * 1000 + " left, who was director?") is None
    assert successor_asked("Who was it before " + "Ab " * 1000 + "x?") is None
