"""A document's own lines: its dateline answers when it was published, not when what
it reports happened; a title line answers nothing but a name or a judgement."""

from __future__ import annotations

from datetime import date

from corpus.models import Chunk, Document
from service.qa.analysis import analyse
from service.qa.document_lines import answers_nothing, dates_no_event, is_dateline, is_title_line
from service.qa.followup import resolve
from service.qa.retrieve import Passage

RELEASE = Document(
    "peer",
    "Harrowby Children's Trust\n3 November 2016\nAn independent peer review has praised the Trust.",
    "Peer review praises Harrowby Children's Trust",
    "2016-11-03",
    "press release",
    "test",
    "peer.txt",
)
PASSAGE = Passage(Chunk("peer:0", "peer", 0, 0, len(RELEASE.text), RELEASE.text), RELEASE, 1.0, 1)
DAY = date(2016, 11, 3)


def test_the_line_naming_the_day_a_document_was_published_is_its_dateline() -> None:
    assert is_dateline("Harrowby Children's Trust\n3 November 2016", PASSAGE, DAY)
    assert not is_dateline("The trust launched on 1 April 2015.", PASSAGE, DAY)
    assert not is_dateline("An independent peer review has praised the Trust.", PASSAGE, DAY)


def test_a_sign_off_or_masthead_dates_the_document_whatever_its_date() -> None:
    sign_off = "Rosalind Tavener-Okafor\nDirector of Children's Services\nJune 2025"
    assert is_dateline(sign_off, PASSAGE, DAY)
    assert is_dateline("THE DUNMARROW COURIER\nSaturday 27 July 2024", PASSAGE, DAY)
    # A line that says what happened is no sign-off, nor is one date among others.
    assert not is_dateline("The trust launched.\nApril 2015", PASSAGE, DAY)
    assert not is_dateline("Rated good\nMarch 2018 to April 2019\nJune 2025", PASSAGE, DAY)


def test_a_dateline_dates_the_document_and_what_it_says_not_other_events() -> None:
    def asked(question: str) -> bool:
        return dates_no_event(analyse(resolve(question, []), None))

    assert asked("When did Harrowby Children's Trust officially launch?")
    assert not asked("When was the press release published?")
    assert not asked("When did the chief executive say the trust was proud?")
    assert not asked("Who chairs the board?")


def test_a_title_line_answers_no_question_but_one_asking_a_name_or_judgement() -> None:
    def title(line: str, question: str) -> bool:
        return is_title_line(analyse(resolve(question, []), None), line)

    localities = "What are the proposed new localities in the Closer Together redesign?"
    subtitle = '"Closer Together": proposed redesign of locality social work services'
    assert title(subtitle, localities)
    assert title("Children in care in Draycombe", "How many children were in care?")
    # A line that states something, an item, a row, a field or a signature is no title.
    assert not title("The localities are North and East.", localities)
    assert not title("- North (Hollencross)", localities)
    assert not title("North | Hollencross", localities)
    assert not title("Proposed localities: North and East", localities)
    assert not title("Rebecca Tansley-Munro, Director of Nursing, Pickwell ICB", localities)
    assert not title("Children in care at 31 March 2025", "How many children were in care?")
    # Such a line may name what a question asks for.
    assert not title("Mr Damien Allen", "Who received the letter?")
    assert not title("Overall effectiveness Good", "What was the overall effectiveness rating?")


def test_a_contact_line_answers_only_a_question_asking_whom_to_contact() -> None:
    def nothing(line: str, question: str) -> bool:
        return answers_nothing(analyse(resolve(question, []), None), line, line)

    line = "Contact: MSCP Business Unit, Murrowden Town Hall - mscp@murrowden.gov.uk"
    assert nothing(line, "Which organisation made the MASH contact that was missing?")
    assert nothing("Contact for queries: Gideon Marchbank-Ellis, Head of SEND", "Who runs SEND?")
    assert not nothing(line, "What is the email address of the business unit?")
    officer = "Contact officer: Tomasz Wierzbicki, Head of Children's Commissioning"
    assert not nothing(officer, "Who is the contact officer on the scrutiny report?")
    assert not nothing(officer, "Who should families contact about the review?")
    # A figure of contacts is no contact line.
    assert not nothing("Contacts to the MASH in 2024-25: 5,210", "How many contacts were there?")
