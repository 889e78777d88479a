"""`manifest.json`: what an index directory holds and how it was built."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from pydantic import StrictBool, StrictInt, StrictStr, TypeAdapter, ValidationError

from index.errors import IndexCorruptError, ManifestMismatchError
from index.layout import FORMAT_VERSION, MANIFEST_FILE

# 2: chunks carry `also_in` (near-duplicates), documents carry page starts.


@dataclass(frozen=True)
class Manifest:
    # Strict types: `read` refuses "5" for 5 or "yes" for true rather than guess.
    model: StrictStr
    dimension: StrictInt
    normalized: StrictBool
    documents: StrictInt
    chunks: StrictInt
    corpus_hash: StrictStr
    index_version: StrictStr
    built_at: StrictStr
    chunking: dict[StrictStr, StrictInt] = field(default_factory=dict)
    files: dict[StrictStr, StrictStr] = field(default_factory=dict)
    format_version: StrictInt = FORMAT_VERSION
    # Hash of everything the build read (files, corpus manifest, settings, model): a
    # build whose inputs hash equals the live index's has nothing to do.
    inputs_hash: StrictStr = ""

    def write(self, directory: Path) -> None:
        (directory / MANIFEST_FILE).write_text(json.dumps(self.to_json(), indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """The manifest with every field's type checked.

        Raises:
            IndexCorruptError: missing, not UTF-8 JSON, or a field missing or mistyped;
                the message names the file and the fields.
        """
        path = directory / MANIFEST_FILE
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError as exc:
            raise IndexCorruptError(f"{path}: manifest missing") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexCorruptError(f"{path}: manifest unreadable ({exc})") from exc
        return cls.parse(data, str(path))

    @classmethod
    def parse(cls, data: object, where: str) -> Manifest:
        """A manifest from decoded JSON (a file's, or a database row's), types checked."""
        try:
            return _validator().validate_python(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'manifest'}: {error['msg']}"
                for error in exc.errors()
            )
            raise IndexCorruptError(f"{where}: manifest invalid ({problems})") from exc

    def to_json(self) -> dict[str, object]:
        return asdict(self)

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


@cache
def _validator() -> TypeAdapter[Manifest]:
    return TypeAdapter(Manifest)
