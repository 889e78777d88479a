"""Organisations named in a sentence: councils, trusts, inspectorates, unions, companies.

A capitalised run is an organisation when it holds a word that makes it a body
("Doncaster Children's Services Trust", "Meridian Workforce Solutions Ltd") or is an
acronym ("LGA"); a body named before may be written short ("run by the Trust"); a name
the sentence calls a body is one ("Unison, the union representing ...", "the charity
Foundling Futures").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from service.qa.names import MONTHS, NAME_WORD

# A company's suffix in capitals ends its name: "Calloway Ferris Assurance LLP".
_COMPANY_SUFFIX = r"(?:[ \t]+(?:LLP|LTD|PLC|CIC)\b)?"


def _run_pattern(initials: str) -> re.Pattern[str]:
    """Capitalised runs within one line (the lines of an address block are separate
    names), a word capitalised as a name is ("O'Brien", "McDonald": `names.NAME_WORD`),
    each word after `initials`; or an acronym. With initials, a name may open with one."""
    named = rf"{initials}{NAME_WORD}"
    opened = rf"|\b[A-Z]\.[ \t]+{named}" if initials else ""
    return re.compile(
        rf"{named}(?:[ \t]+(?:of[ \t]+|for[ \t]+|and[ \t]+)?{named})+{_COMPANY_SUFFIX}{opened}"
        # A judge is written "HHJ Ashworth-Nunn" (His or Her Honour Judge).
        rf"|\bHHJ[ \t]+{named}|\b[A-Z]{{2,6}}\b|\bOfsted\b"
    )


_RUN = _run_pattern("")
# With initials before a name: "Councillor L. Pritchard", "Mr K. Obi", "J. R. Smith".
_RUN_WITH_INITIALS = _run_pattern(r"(?:\b[A-Z]\.[ \t]+)*")
_INITIAL = re.compile(r"\b[A-Z]\.[ \t]")


def capitalised_runs(sentence: str) -> Iterator[re.Match[str]]:
    """The runs of capitalised words of `sentence` that may name someone or something
    (the pattern with initials only where the sentence has one: it costs twice as much)."""
    pattern = _RUN_WITH_INITIALS if _INITIAL.search(sentence) else _RUN
    return pattern.finditer(sentence)


# A capitalised run naming one of these is an organisation.
ORGANISATION_WORDS = frozenset(
    """council trust association government department authority ofsted inspectorate
    committee agency partnership board office ministry parliament nhs university college
    school charity commission lga dfe union society foundation institute network alliance
    solutions ltd limited plc llp consulting consultancy academy advocacy forum cic associates
    recruitment federation cooperative tribunal court panel""".split()  # noqa: SIM905
)
# A room named after the body that meets in it is a place: "Committee Room 3",
# "the Council Chamber".
_VENUE_WORDS = frozenset("room rooms chamber chambers suite".split())  # noqa: SIM905
_MONTHS = frozenset(m.lower() for m in MONTHS)
# Not written short as "the X": acronyms, a proper name, a company's suffix.
_NOT_WRITTEN_SHORT = frozenset("lga dfe nhs ofsted ltd limited plc llp".split())  # noqa: SIM905
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
# "Local Government Association (LGA)" is one name, written twice.
_DEFINED_ACRONYM = re.compile(r"\s\([A-Z]{2,6}\)")
# A body a report has named before, written short with a capital: "run by the Trust",
# "the Council agreed".
_SHORT_BODY = re.compile(
    r"(?<=\bthe )(?:"
    + "|".join(w.capitalize() for w in sorted(ORGANISATION_WORDS - _NOT_WRITTEN_SHORT))
    + r")\b(?![ \t]+[A-Z])"
)

# What kind of body a name is said to be.
_BODY_KIND = (
    "union|company|firm|charity|agency|provider|supplier|contractor|organisation|body|association"
)
# Words that make a name a person's ("Mrs Jane Smith", "Councillor Ng").
PERSON_TITLES = frozenset(
    """sir dame dr mr mrs ms miss lord lady councillor councillors cllr mayor hhj judge professor
    prof baroness reverend rev""".split()  # noqa: SIM905
)
# A name followed by what kind of body it is: "Unison, the union representing ...";
# not a person of one ("Kate Hall, an agency social worker").
_CALLED_A_BODY = re.compile(
    rf"(?P<name>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,3}}),\s+(?:the|a|an)\s+(?:[a-z-]+\s+)?"
    rf"(?:{_BODY_KIND}|regulator|watchdog)"
    r"(?=\s*[,.;:)]|\s+(?:that|which|who|representing|for|of|in|with|based|run|working)\b)"
)

# What kind of body a name is, said before it: "joined the charity Foundling Futures",
# "a consultancy called Brightwater", "the voluntary adoption agency Kindred Paths".
_BODY_CALLED = re.compile(
    r"\b(?i:the|a|an)\s+(?:[a-z-]+\s+){0,2}"
    rf"(?i:{_BODY_KIND}|consultancy)\s+(?:called\s+|named\s+)?"
    rf"(?P<name>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,3}})"
    # The name ends the phrase: not "the agency Sarah Jones worked for".
    r"(?=\s*[,.;:)]|\s*$|\s+(?:said|says|which|that|who|to|in|for|and|has|had|was|is)\b)"
)

# Or set beside it after a comma: "working with our regional adoption agency, Adopt North
# Central." (the name ends the clause: not "the agency, Sarah Jones said"); a provider or
# a body may be a person ("The registered provider, Mrs Jane Smith, has ...").
_BODY_THEN_NAME = re.compile(
    r"\b(?i:the|a|an|our|its|their)\s+(?:[a-z-]+\s+){0,2}"
    r"(?i:union|company|charity|agency|organisation|association|consultancy|partnership),\s+"
    rf"(?P<name>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,3}})(?=\s*[,.;:)]|\s*$)"
)


def bodies(sentence: str, common_words: AbstractSet[str] = frozenset()) -> list[tuple[int, int]]:
    """Where `sentence` names organisations: (start, end) offsets, in order. A name
    called a body is none when the corpus writes all its words in lower case ("However,
    the regulator said"): `common_words`, as for `facts.find_facts`."""
    found: list[tuple[int, int]] = []
    for run in capitalised_runs(sentence):
        if found and run.start() < found[-1][1]:
            continue  # the acronym of a name just taken with it
        words = [w.lower().strip(",.'’").removesuffix("'s") for w in run.group().split()]
        if words[-1] in _VENUE_WORDS:
            continue
        if set(words) & ORGANISATION_WORDS or (
            _ACRONYM.fullmatch(run.group()) and not _capitals_heading(sentence, run, common_words)
        ):
            defined = _DEFINED_ACRONYM.match(sentence, run.end())
            found.append((run.start(), defined.end() if defined else run.end()))
    found += [
        m.span()
        for m in _SHORT_BODY.finditer(sentence)
        if not any(start <= m.start() < end for start, end in found)
    ]
    for called in (_CALLED_A_BODY, _BODY_CALLED, _BODY_THEN_NAME):
        found += [
            m.span("name")
            for m in called.finditer(sentence)
            if not any(start <= m.start("name") < end for start, end in found)
            and not _named_otherwise(m.group("name"), called is _BODY_THEN_NAME, common_words)
        ]
    return sorted(found)


# Words in capitals beside a run's start or end: a heading written in capitals.
_CAPITALS_BEFORE = re.compile(r"[A-Z]{2,}[ \t]+$")
_CAPITALS_AFTER = re.compile(r"[ \t]+[A-Z]{2,}\b")


def _capitals_heading(sentence: str, run: re.Match[str], common_words: AbstractSet[str]) -> bool:
    """Whether a word in capitals is a word of a heading written in capitals, not an
    acronym: the corpus writes it in lower case and it stands beside another word in
    capitals ("DECISION RECORD", "STANNERBY COUNTY COUNCIL"; not "SEND services")."""
    return run.group().lower() in common_words and bool(
        _CAPITALS_BEFORE.search(sentence, 0, run.start())
        or _CAPITALS_AFTER.match(sentence, run.end())
    )


def _named_otherwise(name: str, set_apart: bool, common_words: AbstractSet[str]) -> bool:
    """Whether a name called a body is none: a month, a person with a title, or words the
    corpus writes in lower case, unless capitalised after a comma to end the clause
    ("our regional adoption agency, Adopt North Central.")."""
    words = [w.lower().strip(".") for w in name.split()]
    if set(words) <= _MONTHS or words[0] in PERSON_TITLES:
        return True
    return not set_apart and set(words) <= common_words | _MONTHS
