"""The post a "who" question asks the holder of, and sentences that give their person
another post.

"Who is Pendleford's director of children's services?" asks for whoever holds one
office; "Riana Nelson, director of learning, opportunities and skills, said ..." names a
person, but as the holder of another. Reports name people by their posts, so a sentence
giving its person a post other than the one asked is about someone else, however well
its words match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.qa.facts import facts_of
from service.qa.text import content_stems

# The words that make a post; qualifiers that change it ("chief inspector" is not an
# inspector) stay, those that do not ("the current director") are dropped.
_HEADS = (
    r"director|executive|inspector|officer|chair(?:man|woman|person)?|leader|mayor|minister|"
    r"secretary(?: of state)?|commissioner|manager|member|councillor|president|"
    r"spokes(?:man|woman|person)|editor|reporter|correspondent|governor|ombudsman|advis[eo]r|"
    r"head|decision maker|champion|co-?ordinator"
)
_QUALIFIERS = (
    r"chief|lead|deputy|assistant|executive|operating|principal|senior|strategic|"
    r"corporate|regulatory|managing|general|political|national|regional|registered"
)
_DROPPED = r"current|new|former|then|interim|acting|permanent|independent|present"
_POST = rf"(?:(?:{_QUALIFIERS})\s+)*(?:{_HEADS})s?\b"
# A post as a question names it after "the", with up to three words of its own name
# before the head ("the Monitoring Officer", "the Family Hubs Service Manager"); not a
# body's ("Which Ofsted inspector").
_NAMED_POST = (
    r"(?:(?<=\bthe\s)(?:(?!(?:of|for|at|in|on|to|by|with|and|or|does|did|do|is|was|are|were|"
    rf"has|had|who|which|what)\b)[a-z][a-z'-]*\s+){{1,3}}?)?{_POST}"
)
# A director's or minister's field is part of the post ("director of children's
# services", "minister for children"); other heads' complements name the body ("chief
# executive of the trust"), which the question's names already constrain. Its words are
# one run, each word once, so a long question cannot make the match backtrack.
_FIELD = (
    r"(?:\s+(?P<of>of|for)\s+(?!the\b|a\b|an\b|its\b|their\b)"
    r"(?P<field>[a-z'][a-z']*(?:(?:,\s*|\s+)[a-z'][a-z']*)*?)"
    r"(?=\s+(?:at|in|on|of|for|when|during|since|before|after|from|who|which|that|until|"
    r"between|now|then)\b|\s+and\s+(?:the|a|an|its|their|who|when|what)\b|\s*[?,.]|\s*$))?"
)
_OWNER = r"(?:[\w'.-]+\s+){0,3}?[\w.-]+'s\s+"
_ASKED = re.compile(
    r"^(?:and\s+)?(?:"
    r"who(?:'s|\s+(?:is|was|are|were|has\s+been|had\s+been|became|becomes|will\s+be|"
    r"served\s+as))(?:\s+(?:now|then|currently))?(?:\s+(?:appointed|named|made))?(?:\s+as)?"
    r"|who\s+(?:replaced|succeeded|followed)\s+.+?\s+as"
    r"|(?:which|what)(?:\s+\w+)??"
    r"|what\s+(?:is|was)\s+the\s+name\s+of"
    rf")\s+(?:(?:the|a|an)\s+)?(?:{_OWNER})?(?:(?:{_DROPPED})\s+)*"
    rf"(?P<post>{_NAMED_POST}){_FIELD}"
)
_CHAIRS = re.compile(r"^(?:and\s+)?who\s+(?:now\s+|currently\s+)?chair(?:s|ed)\b")
_FIELD_HEADS = re.compile(r"\b(?:director|minister|secretary(?: of state)?)s?$")
# A post may be stated by its verb: "an improvement board chaired by Mr Colin Rayfield".
_VERBS = {
    "chair": r"\bchair(?:s|ed|ing)\b",
    "leader": r"\b(?:led|leads)\s+by\b|\bleads\b",
    "manager": r"\bmanaged\s+by\b",
}
# A holder the sentence says is no longer one: "a former director of children's
# services", "where she was director".
_NO_LONGER = re.compile(
    r"(?:\b(?:former|previous|ex|past|one-time|retired|outgoing|then)[\s-]+(?:[\w']+\s+){0,2}"
    r"|\b(?:was|were|had\s+been)\s+(?:the\s+|a\s+|an\s+)?(?:[\w']+\s+){0,1})$"
)


@dataclass(frozen=True)
class Office:
    """A post, lower case: "director" of the field "children's services"."""

    post: str
    field: str = ""
    of: str = "of"  # "minister for children"

    @property
    def text(self) -> str:
        return f"{self.post} {self.of} {self.field}" if self.field else self.post

    def stated_in(self, plain: str, *, current: bool = False) -> bool:
        """Whether lower-case text states the post, of its field ("director of children's
        services" or "children's services director"; not "director of learning" in a
        sentence about "Doncaster Children's Services Trust"), by its verb ("chaired
        by"), or as a line's label ("Contact:" for the contact officer). `current`: as
        held now, not "a former director" or "where she was director"."""
        post, field = re.escape(self.post), re.escape(self.field)
        # "Cllr Torquil Banham" is a councillor, whatever other post the sentence gives.
        post = re.sub(r"councillor$", "(?:councillor|cllr)", post)
        # A team's lead written after the post: "Morag Pettigrew, Inspector (lead)".
        lead = re.fullmatch(r"lead (\w+)", self.post)
        stated_otherwise = rf"\b{lead.group(1)}\s*\(lead\)" if lead else _VERBS.get(self.post, "$^")
        pattern = (
            rf"\b{post}s?\s+(?:of|for)\s+(?:the\s+)?{field}|\b{field}\s+{post}"
            if self.field
            else rf"\b{post}s?\b|{stated_otherwise}"
        )
        return any(
            not (current and _NO_LONGER.search(plain, 0, m.start()))
            for m in re.finditer(pattern, plain)
        ) or self._labels(plain)

    def given_by_verb(self, plain: str) -> bool:
        """Whether lower-case text gives the post by its verb ("the chairing of the board
        by the lead member", "a panel chaired by"), as it gives a post to a role."""
        verb = _VERBS.get(self.post)
        return verb is not None and re.search(verb, plain) is not None

    def _labels(self, plain: str) -> bool:
        """Whether a line's label is the post without its head: "Contact: Moira Stallard,
        Head of Commissioning" names the contact officer."""
        label = self.post.rpartition(" ")[0]
        return bool(label) and re.search(rf"(?m)^\s*{re.escape(label)}\s*:", plain) is not None

    def fits(self, post: str, field: str) -> bool:
        """Whether a post written `post` of `field` may be this one: it has the same head
        ("inspector", "director"), a qualifier in common when both have one ("chief" and
        "lead" inspectors differ), and a field word when both have a field."""
        heads, own_heads = _heads(post.lower()), _heads(self.post)
        if not heads & own_heads:
            return False
        qualifiers = set(_QUALIFIER.findall(post.lower())) - heads
        own_qualifiers = set(_QUALIFIER.findall(self.post)) - own_heads
        if qualifiers and own_qualifiers and not qualifiers & own_qualifiers:
            return False
        if self.field and field and _FIELD_HEADS.search(post.lower()):
            return bool(content_stems(self.field) & content_stems(field))
        return True


def _heads(post: str) -> set[str]:
    """The head of a lower-case post: its last head word ("executive director" is a
    director); a chief executive officer is a chief executive too."""
    words = _HEAD.findall(post)
    heads = {words[-1].rstrip("s")} if words else set()
    return heads | ({"executive"} if "chief executive" in post else set())


# A team's member who "led" its work holds the post of lead: "lead inspector".
_LED_BY = re.compile(r"(?:inspector|reviewer|peer)s?\s+led\b")
# Whoever "led" an inspection or a visit is its lead inspector: "Who led Ofsted's
# inspection of the fostering agency?".
_LED_INSPECTION = re.compile(
    r"^(?:and\s+)?who\s+led\s+(?:the\s+|an?\s+|its\s+|their\s+|[\w.-]+'s\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:inspection|visit)s?\b"
)


def office_asked(question: str, names: Iterable[str] = ()) -> Office | None:
    """The post whose holder `question` asks for ("director of children's services",
    "chief inspector"); None when it asks for none.

    Args:
        question: a question asking for a person.
        names: the names it gives; a complement naming one is the body, not the post.
    """
    lowered = _plain(question)
    if _LED_INSPECTION.match(lowered):
        return Office("lead inspector")
    if _CHAIRS.match(lowered):
        return Office("chair")  # "Who chairs the subgroup?" asks for its chair
    match = _ASKED.match(lowered)
    if match is None:
        return None
    post, field = match.group("post"), match.group("field")
    if _LED_BY.match(lowered, match.start("post")):
        post = f"lead {post}"  # "Which inspector led the inspection?": its lead inspector
    if field and _FIELD_HEADS.search(post) and not any(_plain(n) in field for n in names):
        return Office(post, field, match.group("of"))
    return Office(post)


_TITLE = re.compile(rf"\b{_POST}", re.IGNORECASE)
_HEAD = re.compile(rf"\b(?:{_HEADS})(?=s?\b)", re.IGNORECASE)
_QUALIFIER = re.compile(rf"\b(?:{_QUALIFIERS})\b")
_BOUNDARY = re.compile(r"[.;:!?\"“”()]|\bsaid\b|\bsays\b", re.IGNORECASE)
# Between a post and the name it titles stand only its field and the body's name ("Chief
# Executive of Doncaster Children's Services Trust Paul Moffat", "Pendleford's director
# of children's services, Owen Gartside"); "the inspectors met Paul Moffat" titles no one.
_TITLES_NEXT = re.compile(
    r"(?:\s+(?:of|for)\s+(?P<field>[^,;:()\"“”]{0,60}?))?(?:\s*,)?"
    r"(?:\s+(?:the|and|[A-Z][\w'’.&-]*))*\s*,?\s*"
)
_AFTER = re.compile(r"\s*,\s*(?:the\s+|a\s+|an\s+)?(?P<title>[^,.;:()\"“”]*)")
_FIELD_AFTER = re.compile(r"\s+(?:of|for)\s+(?P<field>[^,.;:()\"“”]*)")
# A title written with its field first: "Jonathan Vessey, Children's Services Commissioner".
# Or one of two posts: "Hester Quinlan, Fostering Team Manager and Panel Adviser".
_FIELD_FIRST = re.compile(
    rf"(?P<field>(?:[A-Z][\w'’]*\s+){{1,4}}?)(?P<post>(?i:{_POST}))(?:\s*$|\s+and\s)"
)


def office_evidence(
    office: Office | None, sentence: str, predecessor: str | None = None, lead: str = ""
) -> tuple[bool, bool, bool]:
    """(`sentence` gives its people other posts than `office`, it names the holder now,
    its only holder is the `predecessor` the question asks the successor of). A heading
    it sits under may state the post: "Moira Stallard, Director of Children's Services"
    under "8. CONTACT OFFICER" names the contact officer."""
    if office is None:
        # "Who replaced him?" names no post: a sentence naming only him says nothing of
        # who came after him.
        return False, False, predecessor is not None and names_only(predecessor, sentence)
    about_predecessor = predecessor is not None and held_by_only(office, predecessor, sentence)
    if lead and office.stated_in(_plain(lead), current=True) and facts_of(sentence, "person"):
        return False, True, about_predecessor
    return gives_other_office(office, sentence), names_holder(office, sentence), about_predecessor


def gives_other_office(office: Office, sentence: str) -> bool:
    """Whether every person `sentence` names holds another post than `office`, as it
    titles them: "Mark Douglas, Chief Operating Officer, said ..." for "Who was the
    chief inspector?". A person it gives no post may hold it; a post of the same kind
    written another way is no other ("Her Majesty's Inspector" for "lead inspector",
    "director of children and families" for "director of children's services")."""
    if office.stated_in(_plain(sentence)):
        return False
    people = facts_of(sentence, "person")
    for person in people:
        posts = list(_posts_of(sentence, person.start, person.end))
        if not posts or any(office.fits(post, field) for post, field in posts):
            return False
    return bool(people)


def names_holder(office: Office, sentence: str) -> bool:
    """Whether `sentence` names a person and states `office` as held now: "Report of:
    Sunita Bhardwaj, Executive Director of Children's Services"; not "led by Karen
    Loxley, a former director of children's services"."""
    return office.stated_in(_plain(sentence), current=True) and bool(facts_of(sentence, "person"))


_REPLACED = re.compile(
    r"\bwho\s+(?:replaced|succeeded|followed|took\s+over\s+from)\s+(?P<name>.+?)"
    r"(?:\s+(?:as|at|in|on|when|after)\b|\s*[?,.]|\s*$)",
    re.IGNORECASE,
)


_PRONOUN = re.compile(r"him|her|them", re.IGNORECASE)


def predecessor_asked(question: str, last_answer: str | None = None) -> str | None:
    """The person whose successor `question` asks for ("Who replaced Caroline Whitmarsh
    as director?": Caroline Whitmarsh), or None. A follow-up's "Who replaced him?" asks
    for the successor of the person its `last_answer` named first."""
    match = _REPLACED.search(question)
    if match is None:
        return None
    name = match.group("name").strip()
    if _PRONOUN.fullmatch(name):
        named = facts_of(last_answer or "", "person")
        return named[0].text if named else None
    return name


def held_by_only(office: Office, person: str, sentence: str) -> bool:
    """Whether the only people `sentence` titles with `office` are `person`: "The
    director of children's services, Caroline Whitmarsh, ..." is about her, not about
    whoever replaced her."""
    holders = {
        fact.text
        for fact in facts_of(sentence, "person")
        if any(office.fits(p, f) for p, f in _posts_of(sentence, fact.start, fact.end))
    }
    return _all_are(person, holders)


def _all_are(person: str, names: Iterable[str]) -> bool:
    """Whether `names` hold one at least, each of them `person` (written whole or in part:
    "Ms Whitmarsh", "Caroline Whitmarsh")."""
    name = _plain(person)
    plain = {_plain(other) for other in names}
    return bool(plain) and all(name in other or other in name for other in plain)


# Who came after someone is said as an appointment, a taking over or a new holder now:
# "Maryam Osei-Whitlock was appointed Head of ... from 1 July 2025", "The signatory is now
# Kerry-Ann Fairbrass".
_SUCCESSION = re.compile(
    r"\b(?:appointed|appointment|t(?:ook|akes?|aken|aking)\s+over|replac(?:ed|es|ing)|"
    r"succe(?:ed(?:ed|s|ing)?|ssor)|bec(?:ame|omes)|join(?:ed|s)|t(?:ook|akes?)\s+up|"
    r"in\s+place\s+of|(?:is|are)\s+now|new)\b",
    re.IGNORECASE,
)


def states_succession(sentence: str) -> bool:
    """Whether `sentence` says someone came into a post (for "Who replaced him?")."""
    return _SUCCESSION.search(sentence) is not None


def names_only(person: str, sentence: str) -> bool:
    """Whether every person `sentence` names is `person`, and it names one."""
    return _all_are(person, (fact.text for fact in facts_of(sentence, "person")))


def _posts_of(sentence: str, start: int, end: int) -> Iterable[tuple[str, str]]:
    """The (post, field) pairs that title the name at `start:end` of `sentence`: just
    before it ("Lead inspector Farida Hussey") or in apposition after it ("Mark
    Douglas, Chief Operating Officer of ...")."""
    before = sentence[:start]
    cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
    titles = list(_TITLE.finditer(before, cut))
    if titles:
        between = _TITLES_NEXT.fullmatch(before, titles[-1].end())
        if between:
            yield titles[-1].group(), between.group("field") or ""
    after = _AFTER.match(sentence, end)
    if after:
        title = _TITLE.match(after.group("title"))
        field_first = _FIELD_FIRST.match(after.group("title"))
        if title:
            field = _FIELD_AFTER.match(after.group("title"), title.end())
            yield title.group(), field.group("field") if field else ""
        elif field_first:
            yield field_first.group("post"), _field_words(field_first.group("field"))


def _field_words(written: str) -> str:
    """A field written before its post, lower case, without the words that do not change
    the post ("Interim Director": none; "Dunmarrow's Director": the body, none)."""
    words = [w for w in _plain(written).split() if not re.fullmatch(_DROPPED, w)]
    return " ".join(w for w in words if not w.endswith("'s"))


def _plain(text: str) -> str:
    return text.replace("’", "'").lower()


_NAME_TITLES = "Councillor|Cllr|Dr|Mr|Mrs|Ms|Miss|Professor|Prof|Sir|Dame|Superintendent"
# "Who was director before Helen Marchbank took over?", "Who preceded Helen Marchbank?",
# "Before Owen Lyddiard, who held the portfolio?"
_BEFORE_SUCCESSOR = re.compile(
    r"\b(?i:before)\s+(?P<name>(?:[A-Z][\w'’-]+\s+){1,3}?)"
    r"(?i:took\s+over|was\s+appointed|became|joined|arrived|started|came\s+in)\b"
    r"|\b(?i:preceded)\s+(?P<named>(?:[A-Z][\w'’-]+\s*){1,3})"
    # A person's name of two or three words ("Before January, who ...?" names no one).
    r"|^\W*(?i:before)\s+(?P<opening>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}),\s*(?i:who)\b"
    # Or ending the question: "Who chaired the board before Lorna Braithwaite?", "...
    # before Councillor Varma?" (not "before March 2023?" nor "before Christmas?").
    rf"|\b(?i:before)\s+(?P<last>(?:{_NAME_TITLES})\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}}"
    r"|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s*\?*\s*$"
)
# Someone who came after the person named: "..., replacing interim director Helen
# Marchbank", "succeeded Helen Marchbank"; not "was replaced by Helen Marchbank", which
# names who came before her.
_CAME_AFTER = (
    r"\b(?i:replac(?:ing|ed|es)|succeed(?:ing|ed|s)|took\s+over\s+from|taking\s+over\s+from|"
    r"in\s+place\s+of)\s+(?!(?i:by)\b)(?:[\w'’-]+\s+){{0,3}}?{name}\b"
)


def successor_asked(question: str) -> str | None:
    """The person whose predecessor `question` asks for ("Who was director before Helen
    Marchbank took over?": Helen Marchbank), or None."""
    match = _BEFORE_SUCCESSOR.search(question)
    if match is None:
        return None
    named = match.group("name") or match.group("named") or match.group("opening")
    return (named or match.group("last")).strip()


def names_successor(successor: str | None, sentence: str) -> bool:
    """Whether `sentence` names who came after `successor` ("Kwame Asante ... replacing
    interim director Helen Marchbank"): not who came before."""
    if successor is None:
        return False
    return bool(re.search(_CAME_AFTER.format(name=re.escape(successor)), sentence))
