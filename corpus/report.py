"""What the corpus stage removed, repaired, skipped and merged, and why.

Every removal is recorded, so `reportqa index --explain` can show a records
officer exactly which words did not make it into the index, and the
nothing-lost test can check that each of them survives elsewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from corpus.models import Location

# Rules whose removals are boilerplate (not report text); everything else removed is a
# duplicate that must survive elsewhere.
BOILERPLATE_RULES = frozenset(
    {"boilerplate-line", "subscription-block", "source-furniture", "repeated-line"}
)


@dataclass(frozen=True)
class Removal:
    """One piece of text left out of a document's canonical text.

    Attributes:
        path: the source file.
        rule: the rule that removed it (e.g. "repeated-sentence").
        reason: a sentence a person can read.
        text: the removed text, verbatim after repair.
        kept_in: where the words survive: "text" (elsewhere in the canonical text),
            "metadata" (a letter copy's addressee), or "" for boilerplate.
    """

    path: str
    rule: str
    reason: str
    text: str
    kept_in: str = ""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class NearDuplicateGroup:
    """Chunks that hold the same passage; only `canonical` is embedded."""

    canonical_chunk_id: str
    canonical: Location
    others: tuple[Location, ...]
    similarity: float  # lowest Jaccard similarity of a member to the canonical chunk


@dataclass
class CorpusReport:
    """Counts and records of one corpus build."""

    files_seen: int = 0
    documents: int = 0
    chars_in: int = 0
    chars_out: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    repairs: Counter[str] = field(default_factory=Counter)
    chunks_in: int = 0
    chunks_kept: int = 0
    near_duplicate_groups: list[NearDuplicateGroup] = field(default_factory=list)
    near_duplicate_variants_kept: int = 0

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (written beside the index as corpus_report.json)."""
        data = asdict(replace(self, repairs=Counter()))
        data["repairs"] = dict(+self.repairs)
        return data

    def removed(self, rule: str) -> list[Removal]:
        return [r for r in self.removals if r.rule == rule]

    def summary_lines(self) -> list[str]:
        """The deduplication report printed by `reportqa index`."""
        by_rule = Counter(r.rule for r in self.removals)
        removed_chars = Counter[str]()
        for r in self.removals:
            removed_chars[r.rule] += len(r.text)
        saved = self.chars_in - self.chars_out
        pct = 100 * saved / self.chars_in if self.chars_in else 0.0
        lines = [
            "deduplication report",
            f"  files: {self.files_seen} seen, {self.documents} indexed, "
            f"{len(self.skipped)} skipped",
            f"  characters: {self.chars_in:,} in -> {self.chars_out:,} out "
            f"({saved:,} removed, {pct:.1f}%)",
        ]
        for rule in sorted(by_rule):
            lines.append(f"  {rule}: {by_rule[rule]} removed ({removed_chars[rule]:,} characters)")
        if +self.repairs:
            repairs = ", ".join(f"{name} {n}" for name, n in sorted((+self.repairs).items()))
            lines.append(f"  repairs: {repairs}")
        dropped = self.chunks_in - self.chunks_kept
        lines.append(
            f"  chunks: {self.chunks_in} cut, {self.chunks_kept} embedded, {dropped} "
            f"near-duplicates in {len(self.near_duplicate_groups)} groups (shown as also_in), "
            f"{self.near_duplicate_variants_kept} similar chunks kept for words of their own"
        )
        for skipped in self.skipped:
            lines.append(f"  skipped {skipped.path}: {skipped.reason}")
        return lines

    def explain_lines(self, width: int = 100) -> list[str]:
        """Every removal and near-duplicate group, with its reason."""
        lines = []
        for r in self.removals:
            text = " ".join(r.text.split())
            if len(text) > width:
                text = text[: width - 3] + "..."
            kept = f" [kept in {r.kept_in}]" if r.kept_in else ""
            lines.append(f"{r.path}: {r.rule}: {r.reason}{kept}\n    {text!r}")
        for g in self.near_duplicate_groups:
            others = ", ".join(f"{o.doc_id}[{o.start}:{o.end}]" for o in g.others)
            lines.append(
                f"near-duplicate chunk {g.canonical_chunk_id} "
                f"({g.canonical.doc_id}[{g.canonical.start}:{g.canonical.end}]) "
                f"also in {others} (Jaccard >= {g.similarity:.2f}); duplicates not embedded"
            )
        return lines
