"""Acronyms, and the documents that write one or write out what it stands for.

A report may write "DSG" or "Dedicated Schools Grant", "DfE" or "the Department for
Education", "EHCPs" or "education, health and care plans". A question naming the
acronym names what either spelling is about, so the documents it constrains to are
those writing it in capitals and those spelling it out, whether or not they define it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

# "SEND", "LGAs"; "DfE", whose small letter stands for a small word ("for").
ACRONYM = re.compile(r"[A-Z](?:[A-Z]|[a-z](?=[A-Z])){1,5}s?")
# Words an acronym leaves out ("ILACS": inspection of local authority children's services).
_SMALL_WORDS = ("of", "and", "for", "the", "in", "on", "to")
_CACHED = 4096
# An acronym defined in brackets after what it stands for: "no recourse to public funds
# (NRPF)", "education, health and care plans (EHCPs)"; up to eight words are read before.
_DEFINED = re.compile(r"((?:[A-Za-z][\w'’-]*,?\s+){1,8})\((" + ACRONYM.pattern + r")\)")


def acronym_key(word: str) -> str:
    """An acronym's comparable form: lower case, its plural's "s" dropped ("EHCPs": ehcp;
    "CAMHS" keeps its S)."""
    if word.endswith("s") and len(word) > 2:
        word = word[:-1]
    return word.lower()


class Acronyms:
    """Which documents write each acronym, and what each document's words begin with."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        # The first letters of each document's words, small words aside.
        self._initials: dict[str, str] = {}
        self._written: dict[str, set[str]] = defaultdict(set)
        self._spelt: dict[str, frozenset[str]] = {}  # by the acronym as written
        # What the reports define each acronym as: "no recourse to public funds": "NRPF".
        self._defined: dict[str, str] = {}

    def add(self, doc_id: str, text: str, words: Sequence[str]) -> None:
        """Read one document: `text` as the lexicon names things in it, `words` its words."""
        self._texts[doc_id] = text
        self._initials[doc_id] = _initials(words)
        for key in {acronym_key(w) for w in words if ACRONYM.fullmatch(w)}:
            self._written[key].add(doc_id)
        for match in _DEFINED.finditer(text):
            phrase = _spelling(match.group(1).split(), match.group(2))
            if phrase:
                self._defined[phrase] = match.group(2).rstrip("s")

    def written(self) -> dict[str, set[str]]:
        """Each acronym's key with the documents writing it ("SEND": in capitals)."""
        return self._written

    def documents(self, word: str) -> frozenset[str]:
        """The documents writing `word` (an acronym as a question writes it) or spelling
        it out."""
        return frozenset(self._written.get(acronym_key(word), ())) | self.spelt_out(word)

    def spelt_out(self, word: str) -> frozenset[str]:
        """The documents that spell out the acronym `word` ("JTAI": "joint targeted area
        inspection"); empty for any other word. Cached: questions repeat acronyms."""
        if word not in self._spelt:
            if len(self._spelt) >= _CACHED:
                self._spelt.clear()  # questions are free text: bound what they can fill
            self._spelt[word] = self._spell_out(word)
        return self._spelt[word]

    def _spell_out(self, word: str) -> frozenset[str]:
        if not ACRONYM.fullmatch(word) or len(word.rstrip("s")) < 3:
            return frozenset()  # two letters ("LA", "IT") spell out too much by chance
        letters = word.rstrip("s")
        capitals = "".join(c for c in letters if c.isupper()).lower()
        # Found first in the documents' initials (a substring test, fast), then checked:
        # each letter opens a word, small words allowed between ("inspection of local
        # authority children's services" is ILACS), and a small letter is a small word
        # ("Department for Education" is DfE).
        joiner = rf"[\s,-]+(?:(?:{'|'.join(_SMALL_WORDS)})\s+)?"
        initials = joiner.join(rf"{letter}[\w'’]*" for letter in letters)
        pattern = re.compile(rf"\b{initials}\b", re.IGNORECASE)
        return frozenset(
            doc_id
            for doc_id, spelt in self._initials.items()
            if capitals in spelt and pattern.search(self._texts[doc_id])
        )

    def written_for(self, question: str) -> tuple[str, ...]:
        """The acronyms the reports define for words `question` spells out ("no recourse
        to public funds": NRPF), for retrieval to search by too: a report defining one
        writes it, not the words, from then on."""
        words = f" {' '.join(_plain(question.split()))} "
        return tuple(
            dict.fromkeys(
                acronym for phrase, acronym in self._defined.items() if f" {phrase} " in words
            )
        )


def _initials(words: Sequence[str]) -> str:
    """The first letters of `words` in lower case, small words aside, each part of a
    hyphened word counting ("Multi-Agency Safeguarding Hub": mash)."""
    return "".join(
        part[0].lower()
        for word in words
        for part in word.split("-")
        if part and part.lower() not in _SMALL_WORDS
    )


def _plain(words: Sequence[str]) -> list[str]:
    """Words in lower case without the punctuation around them ("plans," "plans")."""
    return [w for w in (word.strip(",.;:?!()\"'‘’“”").lower() for word in words) if w]


def _spelling(words: list[str], acronym: str) -> str:
    """The last of `words` that spell out `acronym`, each letter opening a word (or a
    hyphen's part) and small words allowed between, in lower case; '' if none do."""
    letters = acronym.rstrip("s").lower()
    plain = _plain(words)
    for start in range(len(plain) - 1, -1, -1):
        initials = _initials(plain[start:])
        if initials == letters and plain[start] not in _SMALL_WORDS:
            return " ".join(plain[start:])
        if len(initials) >= len(letters):
            break
    return ""
