"""Deduplication: repeated text inside a document, near-duplicate passages across documents.

Inside a document (before chunking):
- a repeated paragraph is dropped, keeping the first occurrence; short paragraphs
  (headings, dates, "Yours sincerely") only when they sit in a run of repeats, so a
  heading that legitimately recurs is kept;
- the addressee and salutation of a repeated copy of a letter leave the body and are
  kept in the document's metadata (one letter sent to two recipients is one body);
- a repeated sentence is dropped, keeping the first occurrence.

Across documents (after chunking): chunks whose word-shingle Jaccard similarity is at
least `near_duplicate_threshold` (0.8 by default) are one passage. MinHash LSH
(datasketch) finds candidates; the exact Jaccard of the shingle sets decides, so the
result is deterministic. The first chunk (corpus order) is kept and lists the others
in `also_in`; the others are not embedded. A chunk is only dropped when every sentence
of it also occurs in the kept chunk's document (`near_duplicate_same_words`), so no
words become unsearchable; variants with words of their own are counted, not dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from corpus.clean import Block, norm_key
from corpus.config import CorpusConfig
from corpus.metadata import letterhead_flags
from corpus.models import Chunk, Document, Location
from corpus.report import NearDuplicateGroup, Removal
from corpus.sentences import sentence_spans

_WORD = re.compile(r"\w+")


# A block of two or more short lines with no sentence names who speaks next: a name,
# a role, a party ("Sir Anthony Grisedale / Conservative / Hensmere West" over each of
# an MP's questions). It recurs legitimately, as a short line does, so it goes only as
# part of a longer repeated run (a second copy of a letter, signature and all).
_ATTRIBUTION_LINE_WORDS = 8


def _attribution(text: str) -> bool:
    """Whether `text` is a block of two or more short lines, none of them a sentence."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return len(lines) >= 2 and all(
        len(line.split()) <= _ATTRIBUTION_LINE_WORDS
        and not line.endswith((".", "!", "?", ":"))
        and any(ch.isalpha() for ch in line)  # not a rule ("-----") or a page number
        for line in lines
    )


def collapse_repeats(
    blocks: list[Block], path: str, config: CorpusConfig
) -> tuple[list[Block], list[Removal]]:
    """Drop repeated paragraphs, letter-copy headers and repeated sentences of one document."""
    keys = [norm_key(b.text) for b in blocks]
    first_seen: dict[str, int] = {}
    repeat = [False] * len(blocks)
    for i, key in enumerate(keys):
        if key in first_seen:
            repeat[i] = True
        else:
            first_seen[key] = i
    letterhead = [flag and not repeat[i] for i, flag in enumerate(letterhead_flags(blocks))]

    def neighbour_repeats(i: int) -> bool:
        """Is the nearest non-letterhead block on either side a repeat?"""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(blocks) and letterhead[j]:
                j += step
            if 0 <= j < len(blocks) and repeat[j]:
                return True
        return False

    removals: list[Removal] = []
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        long_enough = len(block.text) >= config.min_repeat_chars and not _attribution(block.text)
        if repeat[i] and (long_enough or neighbour_repeats(i)):
            removals.append(
                Removal(
                    path,
                    "repeated-paragraph",
                    "paragraph repeated in the document; the first occurrence is kept",
                    block.text,
                    kept_in="text",
                )
            )
        elif letterhead[i] and neighbour_repeats(i):
            removals.append(
                Removal(
                    path,
                    "letter-copy-header",
                    "addressee of a repeated copy of the letter; the body is kept once",
                    block.text,
                    kept_in="metadata",
                )
            )
        else:
            kept.append(block)
    return _collapse_sentences(kept, path, config, removals)


def _collapse_sentences(
    blocks: list[Block], path: str, config: CorpusConfig, removals: list[Removal]
) -> tuple[list[Block], list[Removal]]:
    seen: set[str] = set()
    result: list[Block] = []
    for block in blocks:
        spans = sentence_spans(block.text)
        keep: list[bool] = []
        for start, end in spans:
            sentence = block.text[start:end]
            key = norm_key(sentence)
            duplicate = key in seen and len(sentence) >= config.min_repeat_chars
            keep.append(not duplicate)
            if duplicate:
                removals.append(
                    Removal(
                        path,
                        "repeated-sentence",
                        "sentence repeated in the document; the first occurrence is kept",
                        sentence,
                        kept_in="text",
                    )
                )
            seen.add(key)
        if all(keep):
            result.append(block)
            continue
        text = _join_kept(block.text, spans, keep)
        if text:
            # Page breaks inside a block are only recorded by merges, which run later.
            result.append(Block(text, block.page, []))
    return result, removals


def _join_kept(text: str, spans: list[tuple[int, int]], keep: list[bool]) -> str:
    """Rebuild text from the kept sentences, each with the separator that preceded it."""
    out: list[str] = []
    for index, ((start, end), kept) in enumerate(zip(spans, keep, strict=True)):
        if not kept:
            continue
        if out:
            previous_end = spans[index - 1][1]
            out.append(text[previous_end:start])
        out.append(text[start:end])
    return "".join(out).strip()


# --- near-duplicate chunks across documents ---------------------------------------


def shingles(text: str, size: int) -> set[str]:
    """Word n-grams of the case-folded text (the whole text when it is shorter)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class ChunkDedupe:
    kept: list[Chunk]  # what is embedded, with `also_in` filled
    dropped: list[Chunk]
    groups: list[NearDuplicateGroup]
    variants_kept: int = 0  # near-duplicates kept because they hold words of their own


def dedupe_chunks(
    chunks: list[Chunk], documents: list[Document], config: CorpusConfig
) -> ChunkDedupe:
    """Keep one chunk per near-duplicate passage; the rest become its `also_in`.

    Args:
        chunks: every chunk, in corpus order (earlier chunks win).
        documents: their documents (to check dropped words survive).
        config: `near_duplicate_threshold`, `shingle_words`, `minhash_permutations`.
    """
    from datasketch import MinHash, MinHashLSH

    texts = {d.doc_id: norm_key(d.text) for d in documents}
    lsh = MinHashLSH(
        threshold=config.near_duplicate_threshold, num_perm=config.minhash_permutations
    )
    shingle_sets: list[set[str]] = []
    canonical_of: dict[int, int] = {}
    similarity: dict[int, float] = {}
    variants = 0
    for index, chunk in enumerate(chunks):
        sig = shingles(chunk.text, config.shingle_words)
        shingle_sets.append(sig)
        minhash = MinHash(num_perm=config.minhash_permutations, seed=1)
        minhash.update_batch(s.encode("utf-8") for s in sorted(sig))
        best: tuple[float, int] | None = None
        for candidate in lsh.query(minhash):
            other = chunks[candidate]
            same_text = norm_key(other.text) == norm_key(chunk.text)
            if other.doc_id == chunk.doc_id and not same_text:
                continue  # overlapping neighbours of one document are not duplicates
            score = jaccard(sig, shingle_sets[candidate])
            if score >= config.near_duplicate_threshold and (best is None or score > best[0]):
                best = (score, candidate)
        if best is not None and (
            not config.near_duplicate_same_words
            or _words_survive(chunk, texts[chunks[best[1]].doc_id])
        ):
            canonical_of[index] = best[1]
            similarity[index] = best[0]
        else:
            variants += best is not None
            lsh.insert(index, minhash)

    members: dict[int, list[int]] = {}
    for index, canonical in canonical_of.items():
        members.setdefault(canonical, []).append(index)
    kept: list[Chunk] = []
    groups: list[NearDuplicateGroup] = []
    for index, chunk in enumerate(chunks):
        if index in canonical_of:
            continue
        others = tuple(
            Location(chunks[m].doc_id, chunks[m].start, chunks[m].end)
            for m in members.get(index, [])
        )
        if others:
            chunk = replace(chunk, also_in=others)
            groups.append(
                NearDuplicateGroup(
                    canonical_chunk_id=chunk.chunk_id,
                    canonical=Location(chunk.doc_id, chunk.start, chunk.end),
                    others=others,
                    similarity=min(similarity[m] for m in members[index]),
                )
            )
        kept.append(chunk)
    dropped = [chunks[i] for i in sorted(canonical_of)]
    return ChunkDedupe(kept=kept, dropped=dropped, groups=groups, variants_kept=variants)


def _words_survive(chunk: Chunk, canonical_document_text: str) -> bool:
    """Every sentence of `chunk` occurs in the canonical chunk's document."""
    return all(
        norm_key(chunk.text[start:end]) in canonical_document_text
        for start, end in sentence_spans(chunk.text)
    )
