"""`reportqa index` when nothing changed, and `reportqa remove`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from index.files import FilesIndex
from service import cli


def test_index_says_when_nothing_changed_and_force_rebuilds(
    cli_on_tiny: None, tiny_index: BuildSummary, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["index", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"index is up to date: nothing changed since version {tiny_index.manifest.index_version}"
    )
    assert tiny_index.index_dir.resolve() == tiny_index.build_dir.resolve()
    assert cli.main(["index", "-q", "--force"]) == 0
    assert capsys.readouterr().out.startswith("indexed ")
    assert tiny_index.index_dir.resolve() != tiny_index.build_dir.resolve()


def test_remove_records_the_removal_and_rebuilds_without_the_document(
    cli_on_tiny: None,
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    capsys: pytest.CaptureFixture[str],
) -> None:
    index = FilesIndex.open(tiny_index.index_dir, fake_embedder)
    alpha = next(d for d in index.store.documents() if d.path == "alpha.txt")
    index.close()

    assert cli.main(["remove", alpha.doc_id, "-q"]) == 0
    out = capsys.readouterr().out
    assert f"removed {alpha.doc_id} ({alpha.title}): alpha.txt" in out
    manifest = json.loads((tiny_documents.parent / "manifest.json").read_text())
    assert manifest["removed"][alpha.doc_id]["paths"] == ["alpha.txt"]
    rebuilt = FilesIndex.open(tiny_index.index_dir, fake_embedder)
    paths = [d.path for d in rebuilt.store.documents()]
    rebuilt.close()
    assert "alpha.txt" not in paths and len(paths) == tiny_index.documents - 1

    assert cli.main(["remove", "0123456789abcdef"]) == 2
    assert "no document 0123456789abcdef" in capsys.readouterr().err
