"""`manifest.json`: what an index directory holds and how it was built."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.errors import IndexCorruptError, ManifestMismatchError
from index.layout import FORMAT_VERSION, MANIFEST_FILE

# 2: chunks carry `also_in` (near-duplicates), documents carry page starts.


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    normalized: bool
    documents: int
    chunks: int
    corpus_hash: str
    index_version: str
    built_at: str
    chunking: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def write(self, directory: Path) -> None:
        (directory / MANIFEST_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST_FILE
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except FileNotFoundError as exc:
            raise IndexCorruptError(f"{path}: manifest missing") from exc
        except (json.JSONDecodeError, TypeError) as exc:
            raise IndexCorruptError(f"{path}: manifest unreadable ({exc})") from exc

    def check_compatible(self, model: str, dimension: int) -> None:
        """Refuse an index that the running embedder cannot query meaningfully."""
        if self.format_version != FORMAT_VERSION:
            raise ManifestMismatchError(
                f"index format {self.format_version} is not supported (expected "
                f"{FORMAT_VERSION}); rebuild with `reportqa index`"
            )
        if self.model != model:
            raise ManifestMismatchError(
                f"index was built with model {self.model!r} but the service uses {model!r}; "
                "rebuild with `reportqa index` or configure the same model"
            )
        if self.dimension != dimension:
            raise ManifestMismatchError(
                f"index dimension {self.dimension} does not match the model's {dimension}"
            )
