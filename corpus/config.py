"""Tunable rules of the corpus stage: cleaning, boilerplate, deduplication, limits.

The service exposes every field as a `REPORTQA_` setting (see service/settings.py,
issue 3 section); the corpus package itself does not depend on the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Navigation and advertising furniture of news sites. Matched case-insensitively
# (re.search) against whole lines of at most `boilerplate_max_words` words, so a
# sentence that merely mentions a newsletter is never touched.
DEFAULT_BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"^(hide|skip|close|remove)\s+(ads?|adverts?|advertisements?)$",
    r"^(advert|advertisement|sponsored( content)?|promoted)$",
    r"\bnewsletters?\b",
    r"^(sign\s*up|subscribe|register|log\s*in)\b",
    r"^(share|print|email|tweet|save)\b.*\b(page|article|story|this)$",
    r"^(watch|listen to|see) more\b",
    r"^(visit|go to)\b.*\bnow!?$",
    r"\bfreeview\b",
    r"\bcookies?\b",
    r"^(read|see) (more|also)\b",
    r"^related (articles?|stories|content|links)\b",
    r"^(follow|like) us\b",
    r"^(click|tap) here\b",
    r"^back to top$",
    r"^(next|previous) (article|story|page)$",
)

# A price line such as "From £15 / month": the end of a subscription or product box.
DEFAULT_PRICE_PATTERN = (
    r"^(from|only|just|now)?\s*[£$€]\s?\d+(?:[.,]\d{2})?\s*(/|per|a|an)\s*"
    r"(month|week|year|annum|issue)\b"
)


@dataclass(frozen=True)
class CorpusConfig:
    """Rules and limits of the corpus stage.

    Attributes:
        max_file_bytes: files larger than this are skipped with a warning.
        uncurl_quotes: turn curly quotes into straight ones, so "children’s" and
            "children's" are one word for search.
        boilerplate_patterns: regexes for navigation/advertising lines.
        boilerplate_max_words: only lines this short can be boilerplate.
        price_pattern: regex of a subscription price line; the box of short lines
            above it is removed with it.
        source_repeat_min_docs: a one-line paragraph found among the first or last
            three paragraphs of at least this many documents of the same source is
            site furniture (0 disables the rule). Dates and salutations never are.
        source_repeat_min_words: ... and has at least this many words, so that
            one-word headings ("Overview") survive.
        min_repeat_chars: sentences and paragraphs shorter than this are only
            collapsed as part of a longer repeated run (short lines such as
            "Overview" legitimately recur).
        near_duplicate_threshold: Jaccard similarity of word shingles at or above
            which two chunks of different documents are the same passage.
        shingle_words: words per shingle.
        minhash_permutations: MinHash size (candidate search; the decision uses
            the exact Jaccard of the shingle sets).
        near_duplicate_same_words: only drop a near-duplicate chunk when each of its
            sentences also occurs in the kept chunk's document. A variant with words of
            its own ("57 children" vs "39 children") then stays searchable; turn off
            to fold such variants into `also_in` too.
    """

    max_file_bytes: int = 20 * 1024 * 1024
    uncurl_quotes: bool = True
    boilerplate_patterns: tuple[str, ...] = DEFAULT_BOILERPLATE_PATTERNS
    boilerplate_max_words: int = 12
    price_pattern: str = DEFAULT_PRICE_PATTERN
    source_repeat_min_docs: int = 3
    source_repeat_min_words: int = 3
    min_repeat_chars: int = 40
    near_duplicate_threshold: float = 0.8
    shingle_words: int = 5
    minhash_permutations: int = 128
    near_duplicate_same_words: bool = True
    extra_boilerplate_patterns: tuple[str, ...] = field(default_factory=tuple)

    def all_boilerplate_patterns(self) -> tuple[str, ...]:
        return self.boilerplate_patterns + self.extra_boilerplate_patterns
