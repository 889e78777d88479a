"""What a count counts: the group "how many" asks for ("how many foster carers") and the
group or thing a figure names ("398 care leavers", "11 decisions"), so that a figure of
another group answers no count question (`kinds.fits_unit`)."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)
def singular_words(text: str) -> frozenset[str]:
    """The lower-case words of `text`, a plural's "s" dropped (cached: the question is
    read once per candidate)."""
    return frozenset(w.removesuffix("s") for w in _WORD.findall(text))


# Whom a count counts, when it says: "how many children" is not answered by "398 care
# leavers" nor "60 foster carers" (a figure with no noun may count anyone). Only when the
# question and the figure each name one group: "young people leaving care" names two.
_GROUPS = tuple(
    re.compile(group, re.IGNORECASE)
    for group in (
        # "UASC" and a school's pupils are children; "children's homes" are homes,
        # counted apart.
        r"child(?!ren['’]?s['’]? homes?\b)|young people|youngster|kids|looked[- ]after|\bUASC\b"
        r"|\bpupils?\b",
        r"care leaver|leaving care",
        r"foster carer|fostering household",
        r"social worker|practitioner|personal adviser",
        r"council|authorit",
        # Jobs and places are counted apart from the people in them: "three additional
        # IRO posts" is no count of children, "eight places" none of foster carers.
        r"\b(?:posts?|jobs?|vacanc(?:y|ies)|roles?)\b",
        r"\b(?:places?|beds?)\b",
        r"\bhomes?\b",
    )
)
# What "how many" counts: the words up to the question's verb.
_HOW_MANY_OF = re.compile(
    r"\bhow\s+many\s+(.+?)(?=\s+(?:were|was|are|is|did|do|does|had|have|has|will|would|"
    r"can|could|live|lived|left|joined)\b|[?,]|$)",
    re.IGNORECASE,
)


def _groups_in(words: str) -> set[int]:
    return {i for i, group in enumerate(_GROUPS) if group.search(words)}


@lru_cache(maxsize=4096)
def _counted_asked(question: str) -> str | None:
    """The words "how many" counts in `question`, in lower case (cached: the same for every
    candidate)."""
    asked = _HOW_MANY_OF.search(question)
    return asked.group(1).lower() if asked else None


@lru_cache(maxsize=4096)
def _groups_asked(question: str) -> frozenset[int]:
    """The groups "how many" counts in `question`."""
    asked = _counted_asked(question)
    return frozenset(_groups_in(asked)) if asked is not None else frozenset()


def counts_another_group(text: str, question: str) -> bool:
    """Whether the figure `text` counts one group and "how many" asks for another."""
    wanted = _groups_asked(question)
    if len(wanted) != 1:
        return False
    counted = _groups_in(text)
    return len(counted) == 1 and wanted != counted


# The plural noun a count keeps ("11 decisions", "12 cases"): it counts something else
# than "how many complaints" or "how many people" asks for, unless the question names it.
_COUNTED_PLURAL = re.compile(r"\s([a-z-]{3,}(?<!ss)s)$")


def counts_another_thing(text: str, question: str) -> bool:
    """Whether the figure `text` keeps a plural noun the question's count does not name."""
    counted = _COUNTED_PLURAL.search(text)
    asked = _counted_asked(question)
    if counted is None or asked is None:
        return False
    thing = counted.group(1)
    return not (
        singular_words(thing) <= singular_words(asked) or _groups_in(text) & _groups_asked(question)
    )


# A group is what "how many" counts only as its head noun: "how many child death
# notifications" counts notifications, "how many children in care" children. The head is
# the last word before a phrase qualifying it.
_QUALIFIER = re.compile(r"\s+(?:in|of|on|with|at|for|under|from|aged|who|that|placed)\b.*$")


@lru_cache(maxsize=4096)
def _group_counted(question: str) -> frozenset[int]:
    """The group "how many" counts in `question`, if it names one as its head noun (or
    the groups it names, if several)."""
    groups = _groups_asked(question)
    if len(groups) != 1:
        return groups
    phrase = _QUALIFIER.sub("", _counted_asked(question) or "")
    head = phrase.rfind(" ") + 1
    (group,) = groups
    return groups if any(m.end() > head for m in _GROUPS[group].finditer(phrase)) else frozenset()


# "Of these, 18 had been placed by the council": the group is the sentence before's.
_OF_THESE = re.compile(r"^\W*(?:of|among|amongst)\s+(?:these|those|them|whom)\b", re.IGNORECASE)


def names_no_group_asked(sentence: str, question: str) -> bool:
    """Whether "how many" counts one group (foster carers) that `sentence` never names,
    nor points back to."""
    wanted = _group_counted(question)
    return (
        len(wanted) == 1
        and not any(_GROUPS[group].search(sentence) for group in wanted)
        and not _OF_THESE.search(sentence)
    )
