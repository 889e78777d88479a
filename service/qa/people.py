"""People named in a sentence: capitalised runs that are neither bodies, jobs nor places.

`facts` types them as "person" facts; kept apart because telling a name from a body, a
post or a building is its own set of word lists.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from service.qa.councils import COUNCIL_WORDS
from service.qa.names import MONTHS, entity_key
from service.qa.organisations import ORGANISATION_WORDS, PERSON_TITLES, capitalised_runs

_INITIAL = re.compile(r"[A-Z]\.")
# Words that make a capitalised run an organisation, a job or a programme, not a person:
# a run is split at them ("Doncaster Children's Services Trust Paul Moffat" -> "Paul
# Moffat"; "Forward Plan", "Transformation Fund" name no one).
_NOT_NAME_WORDS = frozenset(
    """council trust services service board association government department county
    borough authority ofsted office inspectorate committee agency partnership school
    college university hospital nhs children children's court tribunal ministry parliament news
    group chief executive director officer manager inspector inspectors inspection chair
    head minister secretary leader operating regulatory independent majesty's her his
    the a an our offices practitioner decision report rule of for and
    metropolitan member members team unit forum panel education information governance
    correspondent editor reporter centre center street road lane row square avenue union
    society foundation institute network alliance solutions ltd limited plc llp consulting
    consultancy plan programme strategy framework scheme fund project policy""".split()  # noqa: SIM905 (a word list reads best as text)
)
# Just before a postcode, or after a house number, a name ending in one of these is a
# building or a street ("Shire Hall, Market Parade, Eastmoor EM1 2AB", "6 Cumberland
# Place"); elsewhere a surname ("Contact officer: Jenny Hall, Head of Safeguarding, ...")
# may be spelt the same.
_ADDRESS_NAME_ENDS = frozenset(
    """hall place house parade court building buildings way drive close crescent terrace
    gardens park quay walk mews wharf yard gate""".split()  # noqa: SIM905
)
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")
_ADDRESS_REACH = 60  # characters from a building's name to its postcode
_POST_WORDS = frozenset(
    """head director officer manager chief executive chair leader member councillor
    minister inspector secretary adviser advisor""".split()  # noqa: SIM905
)
_HOUSE_NUMBER = re.compile(r"\b\d+[A-Za-z]?\s+$")
# A street address answers "where" as a postcode does: "14 Market Cross", "6 Cumberland
# Place". Its house number is no figure.
_STREET_ENDS = sorted(_ADDRESS_NAME_ENDS | {"street", "road", "lane", "avenue", "cross", "row"})
STREET_ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][\w'’-]*\s+){1,3}?"
    rf"(?:{'|'.join(w.capitalize() for w in _STREET_ENDS)})\b"
)
# A building named for a meeting or a service answers "where" too: "The Junction Youth
# Hub", "Tarrowfield Guildhall". A house or hall may be a surname ("Paul Hall"): only one
# led by "the" or met "at", "in", "from" or "to" ("held at Riverside House") is a place.
_VENUE_NAME = r"(?:(?!The\b)[A-Z][\w'’-]*\s+){1,3}"
VENUE = re.compile(
    rf"\b(?:The\s+)?{_VENUE_NAME}(?:Guildhall|Centre|Center|Hub|Library|Offices|Pavilion)\b"
    # A council's hall is a building wherever it is named: "Mardlebury Town Hall".
    rf"|\b{_VENUE_NAME}(?:Town|County|City|Shire)\s+Hall\b"
    rf"|(?:\bThe\s+|(?<=\bat\s)|(?<=\bin\s)|(?<=\bfrom\s)|(?<=\bto\s)){_VENUE_NAME}"
    r"(?:House|Hall|Chambers)\b"
)


def _is_building(sentence: str, start: int, end: int, last_word: str) -> bool:
    if entity_key(last_word) not in _ADDRESS_NAME_ENDS:
        return False
    if _HOUSE_NUMBER.search(sentence, max(0, start - 8), start):
        return True
    postcode = POSTCODE.search(sentence, end)
    if postcode is None or postcode.start() - end > _ADDRESS_REACH:
        return False
    # Only the rest of an address between: no post ("Jenny Hall, Head of Safeguarding").
    between = {entity_key(w) for w in sentence[end : postcode.start()].split()}
    return not between & _POST_WORDS


def name_key(text: str) -> str:
    """A name's comparable form without its title: "Councillor Owen Lyddiard" is the
    question's "Owen Lyddiard"."""
    words = entity_key(text).split()
    while len(words) > 1 and words[0] in PERSON_TITLES:
        words = words[1:]
    return " ".join(words)


def place_words(key: str) -> list[str]:
    """The words of a name's key that are not a council's ("hallowfield" of "hallowfield
    city council"): the place it is named after, as a question may give it."""
    return [word for word in key.split() if word not in COUNCIL_WORDS]


def _trimmed(piece: list[re.Match[str]], common_words: AbstractSet[str]) -> list[re.Match[str]]:
    """`piece` without the words before the name that the corpus also writes in lower case
    ("By Imran Siddique" is Imran Siddique, "Dear Mr Allen" Mr Allen); none when every word
    is one ("Civic Centre", "Cabinet Member"). A surname that is also a word ("Sarah
    Foster", "Mark Young") stays: only the first words are trimmed."""
    start = 0
    while start < len(piece) and (word := entity_key(piece[start].group())) in common_words:
        if word in PERSON_TITLES or _INITIAL.fullmatch(piece[start].group()):
            break  # "Councillor Gwen Harcourt", "S. Yardley" (the corpus writes "s" alone)
        start += 1
    return piece[start:]


_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")


def _dated(piece: list[re.Match[str]], own: list[re.Match[str]]) -> bool:
    """Whether a month makes the run a date ("May 2023", "Since June Ofsted"): not the
    first name of a titled person ("Councillor June Halloran")."""
    months = [w for w in own if w.group() in MONTHS]
    titled_first_name = len(own) >= 2 and months == [own[0]] and piece[0] is not own[0]
    return bool(months) and not titled_first_name


def people(sentence: str, common_words: AbstractSet[str]) -> list[tuple[int, int]]:
    """Spans of people's names: capitalised runs split at organisation and job words,
    trimmed of the words before the name that the corpus writes in lower case."""
    spans = []
    for run in capitalised_runs(sentence):
        words = list(re.finditer(r"\S+", run.group()))
        piece: list[re.Match[str]] = []
        for word in [*words, None]:
            # "Council's" is the council's word too: "Orlingham City Council's Director".
            bare = (
                word.group().lower().rstrip(",").replace("’", "'").removesuffix("'s")
                if word
                else ""
            )
            if word is not None and bare not in _NOT_NAME_WORDS:
                piece.append(word)
                continue
            if bare in ORGANISATION_WORDS:
                piece = []  # "Halden Care Ltd", "Meridian Workforce Solutions": a body's name
            piece = _trimmed(piece, common_words)
            while piece and _INITIAL.fullmatch(piece[-1].group()):
                piece.pop()  # an initial comes before a surname: "Plan B." is none
            own = [w for w in piece if w.group().lower() not in PERSON_TITLES]
            # "Paul Moffat", or a title and a surname: "Mayor Jones".
            if len(own) >= 2 or (own and len(piece) > len(own)):
                start, end = run.start() + piece[0].start(), run.start() + piece[-1].end()
                building = _is_building(sentence, start, end, piece[-1].group())
                # No one's name follows "the" ("the Saltinghey Coast"), unless a title
                # leads it ("the Reverend Ann Lyle").
                titled = entity_key(piece[0].group()) in PERSON_TITLES
                placed = not titled and _THE_BEFORE.search(sentence, max(0, start - 4), start)
                if not building and not placed and not _dated(piece, own):
                    spans.append((start, end))
            piece = []
    return spans
