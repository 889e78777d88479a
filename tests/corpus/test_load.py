from __future__ import annotations

import logging
from pathlib import Path

import pytest

from corpus.load import iter_document_files, load_corpus, load_documents
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


def _outside_folder(tmp_path: Path) -> Path:
    """A folder beside the documents, holding a report that must never be indexed."""
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    secret = "Secret report\n\nThis text lies outside the documents folder."
    (outside / "secret.txt").write_text(secret, encoding="utf-8")
    (outside / "private" / "secret.md").write_text(secret, encoding="utf-8")
    return outside


def test_symlinks_leading_outside_the_folder_are_skipped_with_warnings(
    tiny_documents: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = _outside_folder(tmp_path)
    (tiny_documents / "secret.txt").symlink_to(outside / "secret.txt")
    (tiny_documents / "linked").symlink_to(outside / "private", target_is_directory=True)
    with caplog.at_level(logging.WARNING):
        result = load_corpus(tiny_documents)

    assert [d.path for d in result.documents] == ["alpha.txt", "beta.md"]
    assert not any("outside the documents folder" in d.text for d in result.documents)
    skipped = {s.path: s.reason for s in result.report.skipped}
    real = outside.resolve()
    assert skipped["secret.txt"] == (
        f"symlink to {real / 'secret.txt'} outside the documents folder: not followed"
    )
    assert skipped["linked"] == (
        f"symlink to {real / 'private'} outside the documents folder: not followed"
    )
    assert "linked/secret.md" not in skipped
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "skipping secret.txt: symlink to" in logged
    assert "skipping linked: symlink to" in logged
    # The 5 files of the tiny corpus and the 2 links: each link is seen and skipped.
    assert result.report.files_seen == 7
    assert len(result.report.skipped) == 5


def test_iter_document_files_does_not_follow_links_outside(
    tiny_documents: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = _outside_folder(tmp_path)
    (tiny_documents / "secret.txt").symlink_to(outside / "secret.txt")
    (tiny_documents / "linked").symlink_to(outside / "private", target_is_directory=True)
    with caplog.at_level(logging.WARNING):
        names = [p.name for p in iter_document_files(tiny_documents)]
    assert names == ["alpha-copy.txt", "alpha.txt", "beta.md", "broken.txt", "empty.txt"]
    assert "not followed" in caplog.text


def test_symlinks_inside_the_folder_are_followed(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    (documents / "raw").mkdir(parents=True)
    (documents / "raw" / "mu-report.data").write_text(
        "Mu council report\n\nThe council opened two new family hubs.", encoding="utf-8"
    )
    # A relative link, as a user would make it; the target's suffix is not read itself.
    (documents / "mu-report.txt").symlink_to(Path("raw") / "mu-report.data")
    result = load_corpus(documents)
    assert result.report.skipped == []
    [doc] = result.documents
    assert doc.path == "mu-report.txt"
    assert "two new family hubs" in doc.text
