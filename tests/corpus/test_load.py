from __future__ import annotations

import logging
from pathlib import Path

import pytest

from corpus.load import load_documents
from tests.conftest import BUNDLED_DOCUMENTS


def test_bundled_corpus_loads_with_manifest_metadata() -> None:
    docs = {d.path: d for d in load_documents(BUNDLED_DOCUMENTS)}
    assert len(docs) == 5
    letter = docs["004_b15547c44d6205e5.txt"]
    assert letter.kind == "inspection letter"
    assert letter.date == "2017-03-22"
    assert docs["000_ca562bd637e8cb9e.txt"].date == "2018-01-19"
    assert docs["001_e65cb6ed69f34585.txt"].date is None
    assert all(len(d.doc_id) == 16 for d in docs.values())


def test_doc_ids_are_stable_across_loads() -> None:
    first = [d.doc_id for d in load_documents(BUNDLED_DOCUMENTS)]
    second = [d.doc_id for d in load_documents(BUNDLED_DOCUMENTS)]
    assert first == second


def test_bad_files_are_skipped_with_warnings_and_duplicates_kept_once(
    tiny_documents: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        docs = load_documents(tiny_documents)
    assert [d.path for d in docs] == ["alpha.txt", "beta.md"]  # the manifest's copy is kept
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "empty.txt" in messages
    assert "broken.txt" in messages
    assert "same text as" in messages


def test_files_without_manifest_entry_get_defaults(tiny_documents: Path) -> None:
    (tiny_documents / "gamma.txt").write_text("Gamma report\n\nSome text about gamma.")
    docs = {d.path: d for d in load_documents(tiny_documents)}
    gamma = docs["gamma.txt"]
    assert gamma.title == "Gamma report"
    assert gamma.date is None
    assert gamma.kind == "report"


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="documents directory not found"):
        load_documents(tmp_path / "nope")
