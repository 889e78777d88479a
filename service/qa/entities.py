"""Named things of the corpus (places, councils, organisations, people, programmes) and
which documents mention them.

No English NER pipeline can be installed here (spaCy's models are not on PyPI), and
a generic tagger would not know "DCST" or "Growing Futures" anyway. The lexicon is
read off the indexed documents instead: capitalised runs and acronyms, each word of a
run on its own ("Doncaster" from "Doncaster Children's Services Trust"), and an
acronym's expansion where the text gives it ("Local Government Association (LGA)"); an
acronym a question writes is also named by the reports that write it out (`acronyms`).
A question then names an entity when its words (in any case) match one, and a
document is about it when its text does.

Only *discriminating* entities constrain answers: a name found in most documents
("Ofsted", "Trust") says nothing about which document answers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from corpus.models import Document
from service.qa.acronyms import ACRONYM, Acronyms
from service.qa.councils import NOT_PLACES, council_places
from service.qa.document_subjects import choose_subject
from service.qa.names import NAME_WORD, NOT_NAMES, WORD, entity_key, names_in, scan_names
from service.qa.scales import scale_values

_ACRONYM_DEFINED = re.compile(rf"((?:{NAME_WORD}\s+){{1,6}})\(([A-Z]{{2,6}})\)")
# A participle joined to a name modifies it: "DfE-appointed", "council-run", "Ofsted-rated".
_JOINED_MODIFIER = re.compile(r"(?<=[A-Za-z])-(?:[a-z]+ed|run|wide)\b")
# E-mail and web addresses write names in lower case ("foi@x.gov.uk", "x.example/contracts").
_ADDRESS = re.compile(r"\S*(?:@|://|www\.)\S*|\S+\.(?:gov|org|co|com|net|nhs|ac|[a-z]{2,}/)\S*")
# Share of documents above which a name no longer tells documents apart.
COMMON_SHARE = 0.6


@dataclass(frozen=True)
class EntityMention:
    """A name in a question, and what the corpus knows of it."""

    text: str  # as written in the question
    key: str
    documents: frozenset[str]  # ids of documents that mention it (empty: unknown to the corpus)


def heading_of(document: Document) -> str:
    """A document's title and source: a question may name its publisher ("the CYP Now
    article"), which its text never does."""
    return f"{document.title}\n{document.source}"


def _named_text(document: Document) -> str:
    """The text a document names things in: its heading and its body."""
    return f"{heading_of(document)}\n{document.text}"


class EntityLexicon:
    """Names of the corpus with the documents that mention them."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._docs_of: dict[str, set[str]] = defaultdict(set)
        self._aliases: dict[str, str] = {}  # acronym key -> expansion key
        self._vocabulary: set[str] = set()
        lower_case: set[str] = set()  # words the corpus also writes in lower case
        written_as_names: set[str] = set()  # "Corvingham", beside a letterhead's CORVINGHAM
        self._mentions: Counter[str] = Counter()  # capitalised mentions, not sentence-initial
        self.document_count = len(documents)
        names_by_doc = []
        self._acronym_documents = Acronyms()
        for document in documents:
            text = _named_text(document)
            words = WORD.findall(text)
            self._acronym_documents.add(document.doc_id, text, words)
            self._vocabulary.update(w.lower() for w in words)
            # "press.office@wethercombe.gov.uk" does not write Wethercombe in lower case.
            plain = WORD.findall(_ADDRESS.sub(" ", text))
            lower_case.update(entity_key(w) for w in plain if w[0].islower())
            written_as_names.update(entity_key(w) for w in words if not w.isupper())
            names, openers = scan_names(text)
            self._mentions.update(names)
            names_by_doc.append((document.doc_id, set(names), openers))
        # Names the corpus writes only in capitals ("SEND").
        in_capitals = self._acronym_documents.written()
        self._acronyms = set(in_capitals) - written_as_names
        for doc_id, keys, openers in names_by_doc:
            # "Deborah Quayle said ..." opens a sentence, so "Deborah" is no name there;
            # it is one where the corpus uses it as one elsewhere and never writes it in
            # lower case ("Since Doncaster's trust ..." names no "Since Doncaster").
            # So it is before a council ("Ashcombe Metropolitan Borough Council, judged
            # inadequate ..." names Ashcombe, though only there).
            # And so is a name that opens its lines whole more than once ("Hartwell
            # Lodge School", a heading and the sentence opening the report).
            repeated = Counter(key for first, key, _ in openers if key != first)
            named = {first for first, key, _ in openers if repeated[key] > 1}
            keys.update(
                key
                for first, key, named_on in openers
                if (named_on or first in self._mentions or first in named)
                and first not in lower_case
            )
            # A name of several words the corpus writes as one mid-sentence elsewhere
            # names it where it opens a line too, though its first word is common:
            # "Fostering Carrowmere is the fostering service of ...".
            keys.update(key for first, key, _ in openers if key != first and key in self._mentions)
            # A name is never written in lower case: not the "Provision" opening a sentence.
            for key in keys:
                if any(word not in lower_case for word in key.split()):
                    self._docs_of[key].add(doc_id)
        for document in documents:
            text = _named_text(document)
            for match in _ACRONYM_DEFINED.finditer(text):
                # "Local Government Association (LGA)": the acronym names what it defines,
                # in every report writing it (defined there or not).
                acronym = entity_key(match.group(2))
                self._aliases[acronym] = entity_key(match.group(1))
                self._docs_of[acronym] |= in_capitals.get(acronym, set())
        self._longest = max((len(k.split()) for k in self._docs_of), default=1)
        # Words the corpus writes in lower case: not part of a name they come before.
        self.common_words = frozenset(lower_case)
        limit = COMMON_SHARE * self.document_count
        self._common = frozenset(k for k, docs in self._docs_of.items() if len(docs) > limit)
        self._councils = frozenset(
            key for doc in documents for key in _council_names(doc) if key in self._docs_of
        )
        self._subjects = {document.doc_id: self._subject(document) for document in documents}
        self.scales = {d.doc_id: values for d in documents if (values := scale_values(d.text))}
        self._subject_keys = {entity_key(s): s for s in self._subjects.values() if s}

    def _subject(self, document: Document) -> str | None:
        """The name a document is about, as its text writes it (`choose_subject`)."""
        limit = COMMON_SHARE * self.document_count
        return choose_subject(
            document.text,
            {entity_key(word) for word in WORD.findall(document.title)},
            Counter(names_in(document.text)),
            lambda key: 0 < len(self._docs_of.get(key, ())) <= limit,
            self._councils,
        )

    def subject_of(self, doc_id: str) -> str | None:
        """The council, organisation or person a document is mainly about, when one name
        stands out and tells it apart from most documents (None in a corpus about one
        council: its name is in every document)."""
        return self._subjects.get(doc_id)

    def names_a_subject(self, mention: EntityMention) -> bool:
        """Whether naming `mention` picks what the answer is about (`subject_named`)."""
        return self.subject_named(mention) is not None

    def subject_named(self, mention: EntityMention) -> str | None:
        """The subject naming `mention` picks: the one it names, or the one every document
        mentioning it is about ("Paul Moffat", "DCST": Doncaster; not "the LGA", which two
        trusts invited)."""
        if mention.key in self._subject_keys:
            return self._subject_keys[mention.key]
        subjects = {self._subjects.get(doc_id) for doc_id in mention.documents}
        return subjects.pop() if len(subjects) == 1 and None not in subjects else None

    def subjects_named(self, mentions: Sequence[EntityMention]) -> frozenset[str]:
        """The keys of the subjects `mentions` pick ("Larchfield House": the council
        whose reports name it); a council, even one named in passing, picks itself."""
        councils = {m.key for m in mentions if m.key in self._councils}
        others = (self.subject_named(m) for m in mentions if m.key not in councils)
        return frozenset(councils | {entity_key(s) for s in others if s})

    def council_names(self) -> frozenset[str]:
        """The places whose councils the reports name ("doncaster", "westfold"), as keys."""
        return self._councils

    def home_names(self) -> frozenset[str]:
        """In a corpus about one council (no document's subject tells it apart), the
        names most documents mention ("doncaster", "ofsted"); else none."""
        return frozenset() if self._subject_keys else self._common

    def documents_of(self, key: str) -> frozenset[str]:
        """Ids of the documents mentioning `key` (or the name an acronym stands for)."""
        found = set(self._docs_of.get(key, ()))
        expansion = self._aliases.get(key)
        if expansion:
            found |= self._docs_of.get(expansion, set())
        return frozenset(found)

    def acronyms_for(self, question: str) -> tuple[str, ...]:
        """The acronyms the reports define for words `question` spells out (NRPF)."""
        return self._acronym_documents.written_for(question)

    def discriminating(self, mention: EntityMention) -> bool:
        """Whether naming it narrows the documents down (it is not in most of them)."""
        return len(mention.documents) <= COMMON_SHARE * max(self.document_count, 1)

    def knows_word(self, word: str) -> bool:
        return word.lower() in self._vocabulary

    def mentions(self, question: str) -> list[EntityMention]:
        """The corpus names in `question` (longest match first), in any case.

        Besides names the corpus knows, a capitalised word the corpus never uses
        ("Sheffield") is a mention of something it does not cover, and so is an unknown
        word used as a place ("sheffield children's services", "in sheffield").
        """
        question = _JOINED_MODIFIER.sub(lambda m: " " * len(m.group()), question)
        tokens = list(WORD.finditer(question))
        keys = [entity_key(t.group()) for t in tokens]
        cased = any(t.group()[0].isupper() for t in tokens[1:])
        found: list[EntityMention] = []
        i = 0
        while i < len(tokens):
            abbreviation = _TWO_CAPITALS.fullmatch(tokens[i].group())  # "a CP plan"
            for size in range(min(self._longest, len(tokens) - i), 0, -1):
                key = " ".join(keys[i : i + size])
                if size == 1 and (key in NOT_NAMES or not key or abbreviation):
                    continue
                # Several words are one name only as the question writes one ("Growing
                # Futures"); "doncaster ofsted rating" names Doncaster, then Ofsted.
                if size > 1 and not all(t.group()[0].isupper() for t in tokens[i : i + size]):
                    continue
                # "Doncaster's Ofsted" is two names, not one: a run counts as one name
                # only when some word of it is no name on its own ("Growing Futures").
                if size > 1 and all(self._docs_of.get(k) for k in keys[i : i + size]):
                    continue
                # "Ludmoor's Cabinet" is the cabinet of Ludmoor: a council and its body.
                if size > 1 and any(
                    keys[j] in self._councils and tokens[j].group().endswith(("'s", "’s"))
                    for j in range(i, i + size - 1)
                ):
                    continue
                documents = self.documents_of(key)
                if size == 1 and ACRONYM.fullmatch(tokens[i].group()):
                    # And by the reports writing it in capitals or spelling it out, whether
                    # or not they read as naming it ("Dedicated Schools Grant" for DSG).
                    documents |= self._acronym_documents.documents(tokens[i].group())
                # Typed in lower case, a word is taken for a name only if the reports use
                # it as one more than once ("doncaster", not a heading's "Total"), or it
                # is a place whose council they name and the question uses it as one
                # ("caseload in pellbridge?"; not "in parliament").
                lower = not tokens[i].group()[0].isupper()
                place = key in self._councils and _used_as_place(keys, i)
                # The question's first word is capitalised whatever it is ("According").
                rare = (lower or i == 0) and self._mentions[key] < 2 and not place
                # An acronym typed in lower case where the question writes names with
                # capitals is a word: "to send" beside "Corvingham", though a report defines SEND.
                a_word = key in self._acronyms or key in self._aliases and key in self.common_words
                rare = rare or lower and cased and a_word
                if documents and not rare:
                    text = question[tokens[i].start() : tokens[i + size - 1].end()]
                    found.append(EntityMention(text, key, documents))
                    i += size
                    break
            else:
                if self._unknown_name(tokens, keys, i):
                    word = tokens[i].group()
                    spelt = self._acronym_documents.spelt_out(word)
                    found.append(EntityMention(word, keys[i], spelt))
                i += 1
        return _distinct(found)

    def _unknown_name(self, tokens: list[re.Match[str]], keys: list[str], i: int) -> bool:
        word, key = tokens[i].group(), keys[i]
        if not key or set(key.split("-")) <= NOT_NAMES or self.knows_word(key) or len(key) < 3:
            return False  # "April-September" is no name
        if word.endswith("-"):
            return False  # "mid-2016"
        return (word[0].isupper() and i > 0) or _used_as_place(keys, i)


# Two capitals abbreviate a phrase more often than they name anything ("a CP plan",
# "the LA"), and the reports that write the phrase out do not write them.
_TWO_CAPITALS = re.compile(r"[A-Z]{2}")


def _used_as_place(keys: list[str], i: int) -> bool:
    """Whether the question uses its i-th word as a place, whatever its case: "sheffield
    council", "sheffield children's services", "... in sheffield?" (the last word)."""
    following = " ".join(keys[i + 1 : i + 3])
    before = keys[i - 1] if i > 0 else ""
    last = i == len(keys) - 1
    return following.startswith(
        ("council", "county", "borough", "city", "children service", "childrens service")
    ) or (before in ("in", "at", "for") and last)


def _council_names(document: Document) -> Iterator[str]:
    """The keys of the places `document` names councils of (`councils.council_places`)."""
    for place in council_places(_named_text(document)):
        key = entity_key(place)
        if key not in NOT_PLACES:
            yield key


def _distinct(mentions: Iterable[EntityMention]) -> list[EntityMention]:
    first: dict[str, EntityMention] = {}
    for mention in mentions:
        first.setdefault(mention.key, mention)
    return list(first.values())
