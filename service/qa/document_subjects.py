"""The name a document is mainly about: its council, or else the name that stands out.

A report is about a council far more often than about anything else its title names:
"Freedom of Information Act 2000: request for information ..." is Hollinsford's reply,
"Children's services improvement: progress since ..." is Ferncastle's scrutiny report,
though each title names something else ("Freedom", the Local Government "Association").
So the councils a document names decide first; a document naming several without one
standing out ("A tale of two councils") is about none. Only a document naming no council
falls back to the names of its title and the name its body uses most.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

# A council stands out when named at least this often, and at least twice as often as
# the other councils the document names together (a national report naming Eastmoor
# twice and two other councils once is about none of them).
COUNCIL_MENTIONS = 2


def choose_subject(
    body: str,
    title_keys: set[str],
    counts: Mapping[str, int],
    told_apart: Callable[[str], bool],
    councils: frozenset[str],
) -> str | None:
    """The name `body` is about, as it writes it, or None.

    Args:
        body: the document's text.
        title_keys: the keys of its title's words.
        counts: how often the body uses each name (by key).
        told_apart: whether a name tells documents apart (it is not in most of them).
        councils: the keys the corpus writes before a council word ("Norfolk County
            Council"), counted wherever the body writes them with a capital.
    """
    if len(title_keys & councils) > 1:
        return None  # "Wethercombe and Lindenmere: a tale of two councils"
    lowered = body.lower()
    written = {key: _written_form(body, lowered, key) for key in counts if told_apart(key)}
    ranked = sorted(
        ((key, n) for key, n in counts.items() if written.get(key) is not None),
        key=lambda kn: (-kn[1], -len(kn[0].split())),
    )
    named_councils = sorted(
        _council_mentions(body, councils).items(), key=lambda kn: (-kn[1], kn[0])
    )
    if named_councils:
        for key, _ in named_councils:
            if key not in written and told_apart(key):
                written[key] = _written_form(body, lowered, key)
        chosen = _council(named_councils, title_keys, written)
    else:
        chosen = _named_most(ranked, title_keys)
    if chosen is None:
        return None
    # The whole name where the body writes it whole often enough ("North Yorkshire",
    # though a sentence opening "North Yorkshire has ..." counts only "Yorkshire"),
    # and in the title if the title gave the name; a council's whole name ends with it
    # ("Hollinsford Homes Together" is its programme).
    counted, words = dict(ranked), set(chosen.split())
    whole = [
        k
        for k, n in ranked
        if words < set(k.split())
        and 2 * n >= counted[chosen]
        and (set(k.split()) <= title_keys or not words <= title_keys)
        and not (named_councils and not k.endswith(chosen))
    ]
    return written[max(whole, key=lambda k: len(k.split()), default=chosen)]


def _council_mentions(body: str, councils: frozenset[str]) -> dict[str, int]:
    """How often `body` writes each council's name with a capital, at a sentence's
    start too ("Eastmoor was rated good. Eastmoor has improved.")."""
    lowered = body.lower()
    found = {}
    for key in councils:
        if key in lowered:
            n = len(re.findall(rf"\b{re.escape(key.capitalize())}\b", body))
            if n:
                found[key] = n
    return found


def _council(
    named: list[tuple[str, int]], title_keys: set[str], written: Mapping[str, str | None]
) -> str | None:
    """The council the title names, or the one the body names far more than any other;
    None when that council is in most documents (a corpus about one council) or none
    stands out."""
    in_title = [key for key, _ in named if key in title_keys]
    if in_title:
        top = in_title[0]
    else:
        top, n = named[0]
        others = sum(m for _, m in named[1:])
        if n < COUNCIL_MENTIONS or n < 2 * others:
            return None
    return top if written.get(top) is not None else None


def _named_most(ranked: list[tuple[str, int]], title_keys: set[str]) -> str | None:
    """Of the names telling documents apart, the one in the title the body uses most;
    else one the body uses at least three times, twice as often as any other and in a
    third of its mentions of such names. At equal counts the longer name wins ("St
    Helens", not "St")."""
    chosen = next((key for key, _ in ranked if set(key.split()) <= title_keys), None)
    if chosen is None and ranked:
        key, n = ranked[0]
        # The best name sharing no word with it ("Helens" is part of "St Helens").
        rival = next((m for k, m in ranked if not set(k.split()) & set(key.split())), 0)
        single = sum(m for k, m in ranked if " " not in k)
        chosen = key if n >= 3 and n >= 2 * rival and 3 * n >= single else None
    return chosen


def _written_form(text: str, lowered: str, key: str) -> str | None:
    """How `text` writes the name `key` with a capital and not all in capitals ("Eastmoor",
    not a heading's "EASTMOOR"); None when it never does (an acronym).

    `lowered` is `text.lower()`: the name is matched only where its first word occurs
    (found with `str.find`), not by a case-blind regex scan of the whole text per name,
    which made building the lexicon ~80% slower on 5,000 abstracts.
    """
    words = key.split()
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b", re.I)
    matches: Iterable[re.Match[str] | None] = (
        (pattern.match(text, at) for at in _occurrences(lowered, words[0]))
        if len(lowered) == len(text)
        else pattern.finditer(text)  # lower-casing changed the offsets: scan the text itself
    )
    for match in matches:
        found = match.group() if match is not None else ""
        if found and found[0].isupper() and not found.isupper():
            return found
    return None


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Every offset of `word` in `text`, in order."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)
