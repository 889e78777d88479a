"""An answer sentence that is only half an answer, and where the rest of it lies.

A sentence that announces what follows ("The visit focused on the following areas:")
or is summed up by the next ("... good across all aspects of its work. This includes
child protection, adoption ...") does not answer "Which areas?" by itself, nor does a plan
the next sentence revises ("was due to go live on 3 November 2025. It has been delayed to
2 March 2026") answer "When is it now due?": the answer
runs on through the list's items (one a line, whatever their sentences; bullets or
numbers), the first sentence of a paragraph after the colon, or the summing-up
sentence, past the retrieved passage if need be. A sentence that leans on the one
before it ("Inspectors want to see these available to all those leaving care.") starts
with that one, which says what "these" are. A sentence a wrapped line break cut is
shown whole.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from corpus.sentences import answer_spans, wrapped_sentence
from service.qa.dates import STATES_PLAN

if TYPE_CHECKING:
    from service.qa.answer import Candidate

_LIST_ITEM = re.compile(r"^\s*(?:[-–•*]|\d{1,2}[.)]|\([a-z\d]\))(?:\s|$)")
_CONTINUES = re.compile(r"^\W*(?:This|These|They|That|It)\s+(?:includes?|included)\b")
# A sentence that leans on the one before: it opens with a pronoun for what that one
# names ("They were ...", "These are ...", "She said ...") or points back to it as its
# object ("Inspectors want to see these available to all ...").
_LEANS_BACK = re.compile(
    r"^\W*(?:(?:They|He|She|It)\b|(?:These|Those|This|That)\s+(?:is|are|was|were|has|have|"
    r"had|will|would|can|could|should|must|may|include[sd]?|mean[st]?)\b)"
    r"|\b(?:see|make|made|keep|kept|want|wants|give|gave|offer|offered)\s+"
    r"(?:these|those)\b(?!\s+(?:of|who|which|that)\b)"
)
# A plan the next sentence revises: "... was due to go live on 3 November 2025." / "It has
# been delayed to 2 March 2026 ...": the answer shows both.
_REVISED = re.compile(
    r"^\W*(?:It|This|That|They|These)\s+(?:has|have|had)\s+(?:now\s+|since\s+)?been\s+"
    r"(?:delayed|postponed|put\s+back|pushed\s+back|moved|brought\s+forward|deferred|"
    r"rescheduled|extended|revised|changed)\b"
)
# How far back the sentence leaned on is looked for (one sentence, same paragraph).
LEAN_CHARS = 600
COMPLETION_CHARS = 1500  # how far past the sentence its completion is looked for


def completed_end(text: str, start: int, end: int) -> int:
    """Where the answer `text[start:end]` (a sentence of the document `text`) ends once
    completed; `end` when it is whole already."""
    if text[start:end].rstrip().endswith(":"):
        return _announced_end(text, end)
    following = answer_spans(text[end : end + COMPLETION_CHARS], offset=end)
    if not following:
        return end
    after = text[following[0][0] : following[0][1]]
    if _CONTINUES.match(after):
        return following[0][1]
    if STATES_PLAN.search(text[start:end]) and _REVISED.match(after):
        return wrapped_sentence(text, *following[0])[1]  # all of it, if wrapped
    return end


def completed_start(text: str, start: int, end: int) -> int:
    """Where the answer `text[start:end]` starts once completed: at the sentence before,
    in the same paragraph, when it leans on that one; else `start`."""
    if not _LEANS_BACK.search(text[start:end]):
        return start
    window = max(0, start - LEAN_CHARS)
    paragraph = text.rfind("\n\n", window, start)
    window = paragraph + 2 if paragraph >= 0 else window
    before = [(s, e) for s, e in answer_spans(text[window:start], offset=window) if e <= start]
    if not before or "\n\n" in text[before[-1][1] : start]:
        return start
    if before[-1][0] == window and paragraph < 0 and window > 0:
        return start  # the sentence before runs past LEAN_CHARS: no whole sentence to add
    return before[-1][0]


def _announced_end(text: str, start: int) -> int:
    """Where what a sentence ending in a colon at `start` announces ends: the items on
    the lines after it, or else the first sentence after it; whole lines, within
    COMPLETION_CHARS. `start` if nothing fits."""
    limit = start + COMPLETION_CHARS
    end, position = start, start
    while position < min(len(text), limit):
        newline = text.find("\n", position)
        line_end = len(text) if newline < 0 else newline
        line = text[position:line_end]
        if not line.strip():
            pass
        elif not _LIST_ITEM.match(line):
            if end > start:
                break  # the list is over
            sentences = answer_spans(line, offset=position)  # a paragraph: its first sentence
            return sentences[0][1] if sentences and sentences[0][1] <= limit else start
        elif line_end > limit:
            break  # an item past the limit is left out whole
        else:
            end = position + len(line.rstrip())
        position = line_end + 1
    return end


def completed(best: Candidate) -> Candidate:
    """`best` run on through the list it announces or the sentence summing it up
    (`service.qa.completion`), its passage cited up to the answer's end."""
    text = best.passage.document.text
    # Sentences are scored line by line; the one chosen is shown whole where a wrapped
    # line break cut it ("... in October 2022, judged" / "Ambleworth as requires ...").
    whole_start, whole_end = wrapped_sentence(text, best.start, best.end)
    end = completed_end(text, whole_start, whole_end)
    start = completed_start(text, whole_start, whole_end)
    if end == best.end and start == best.start:
        return best
    chunk = best.passage.chunk
    if end > chunk.end or start < chunk.start:
        first, last = min(start, chunk.start), max(end, chunk.end)
        chunk = replace(chunk, start=first, end=last, text=text[first:last])
    passage = replace(best.passage, chunk=chunk)
    widened = (whole_start, whole_end) != (best.start, best.end)
    scored = (best.start, best.end) if widened else None
    return replace(best, passage=passage, start=start, end=end, text=text[start:end], scored=scored)
