"""Tunable rules of the corpus stage: cleaning, boilerplate, deduplication, limits.

`CorpusTunables` is the single definition of the corpus settings an operator may
change: the service inherits its fields as the corpus section of its settings (each
is the environment variable REPORTQA_<FIELD>, see service/settings.py), and
`CorpusConfig` adds the built-in rule sets. The corpus package itself does not
depend on the service.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    # Council web pages: the skip link, the site search, a breadcrumb trail's line
    # ("Home > Fostering", or its tail wrapped onto a line of its own) and lists of
    # related links ("> Easy read version (PDF, 1.2MB)").
    r"^skip to (the )?(main )?content\b",
    r"^search this site\b",
    r"^home\s*[>›»]\s*\S",
    r"^[>›»]\s*\S",
)

# A price line such as "From £15 / month": the end of a subscription or product box.
DEFAULT_PRICE_PATTERN = (
    r"^(from|only|just|now)?\s*[£$€]\s?\d+(?:[.,]\d{2})?\s*(/|per|a|an)\s*"
    r"(month|week|year|annum|issue)\b"
)


class CorpusTunables(BaseModel):
    """Rules of the corpus stage an operator may tune (corpus/config.py)."""

    max_file_bytes: int = Field(
        20 * 1024 * 1024, ge=1, description="Files larger than this are skipped with a warning."
    )
    # Limits of the parser process (corpus/sandbox.py): a file that breaches one is
    # skipped with the reason, never the build or the server held up.
    extract_timeout_seconds: float = Field(
        120.0,
        gt=0,
        description="A PDF, DOCX or HTML file whose text takes longer than this to extract "
        "is skipped (its parser process is killed).",
    )
    extract_memory_mb: int = Field(
        2048,
        ge=256,
        description="Address-space limit of the process that parses PDF, DOCX and HTML "
        "files; a file that needs more is skipped.",
    )
    max_unpacked_bytes: int = Field(
        100 * 1024 * 1024,
        ge=1,
        description="A DOCX (a zip) whose parts unpack to more than this is refused before "
        "it is parsed (a zip bomb).",
    )
    max_pdf_pages: int = Field(
        2000, ge=1, description="PDFs with more pages than this are skipped."
    )
    uncurl_quotes: bool = Field(
        True,
        description='Turn curly quotes into straight ones, so "children\u2019s" and '
        '"children\'s" are one word for search.',
    )
    boilerplate_max_words: int = Field(
        12,
        ge=1,
        description="Only lines of at most this many words can be boilerplate "
        "(navigation, adverts, site furniture).",
    )
    extra_boilerplate_patterns: tuple[str, ...] = Field(
        (),
        description="More regexes of navigation/advert lines (a JSON list), added to the "
        "built-in rules; matched case-insensitively against short lines.",
    )
    source_repeat_min_docs: int = Field(
        3,
        ge=0,
        description="A one-line paragraph among the first or last three paragraphs of at "
        "least this many documents of one source is site furniture and removed (0: off); "
        "dates and salutations never are.",
    )
    min_repeat_chars: int = Field(
        40,
        ge=1,
        description="Repeated sentences and paragraphs shorter than this are collapsed only "
        'as part of a longer repeated run (short lines such as "Overview" legitimately recur).',
    )
    near_duplicate_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Jaccard similarity of word shingles at or above which chunks of two "
        "documents are one passage.",
    )
    shingle_words: int = Field(
        5, ge=1, le=20, description="Words per shingle of the near-duplicate test."
    )
    minhash_permutations: int = Field(
        128,
        ge=16,
        le=1024,
        description="MinHash size of the near-duplicate candidate search (the decision "
        "uses the exact Jaccard of the shingle sets).",
    )
    near_duplicate_same_words: bool = Field(
        True,
        description="Drop a near-duplicate chunk only if each of its sentences also occurs "
        'in the kept chunk\'s document, so a variant with words of its own ("57 children" '
        'vs "39 children") stays searchable; off: fold such variants into `also_in` too.',
    )

    @field_validator("extra_boilerplate_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc
        return patterns


class CorpusConfig(CorpusTunables):
    """Rules and limits of the corpus stage: the tunables plus the built-in rule sets.

    Immutable and hashable; unknown field names are an error. Derive a variant with
    `config.model_copy(update={...})` or build a new one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    boilerplate_patterns: tuple[str, ...] = Field(
        DEFAULT_BOILERPLATE_PATTERNS, description="Regexes of navigation/advertising lines."
    )
    price_pattern: str = Field(
        DEFAULT_PRICE_PATTERN,
        description="Regex of a subscription price line; the box of short lines above it "
        "is removed with it.",
    )
    source_repeat_min_words: int = Field(
        3,
        description="A furniture line (see `source_repeat_min_docs`) also has at least this "
        'many words, so that one-word headings ("Overview") survive.',
    )

    def all_boilerplate_patterns(self) -> tuple[str, ...]:
        return self.boilerplate_patterns + self.extra_boilerplate_patterns
