"""An answer sentence that is only half an answer, and where the rest of it ends.

A sentence that announces what follows ("The visit focused on the following areas:")
or is summed up by the next ("... good across all aspects of its work. This includes
child protection, adoption ...") does not answer "Which areas?" by itself: the answer
runs on through the list's items (one a line, whatever their sentences; bullets or
numbers), the first sentence of a paragraph after the colon, or the summing-up
sentence, past the retrieved passage if need be.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from corpus.sentences import answer_spans

if TYPE_CHECKING:
    from service.qa.answer import Candidate

_LIST_ITEM = re.compile(r"^\s*(?:[-–•*]|\d{1,2}[.)]|\([a-z\d]\))(?:\s|$)")
_CONTINUES = re.compile(r"^\W*(?:This|These|They|That|It)\s+(?:includes?|included)\b")
COMPLETION_CHARS = 1500  # how far past the sentence its completion is looked for


def completed_end(text: str, start: int, end: int) -> int:
    """Where the answer `text[start:end]` (a sentence of the document `text`) ends once
    completed; `end` when it is whole already."""
    if text[start:end].rstrip().endswith(":"):
        return _announced_end(text, end)
    following = answer_spans(text[end : end + COMPLETION_CHARS], offset=end)
    if following and _CONTINUES.match(text[following[0][0] : following[0][1]]):
        return following[0][1]
    return end


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
    end = completed_end(text, best.start, best.end)
    if end == best.end:
        return best
    chunk = best.passage.chunk
    if end > chunk.end:
        chunk = replace(chunk, end=end, text=text[chunk.start : end])
    passage = replace(best.passage, chunk=chunk)
    return replace(best, passage=passage, end=end, text=text[best.start : end])
