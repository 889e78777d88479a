"""A rebuild after one change parses only the changed file (the extraction cache)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from corpus.formats import Extracted
from corpus.sandbox import ExtractionSandbox
from index.build import build_index
from index.embedders.hashing import HashingEmbedder
from tests.corpus.test_formats import make_docx


def _pdf(path: Path, subject: str) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in (
        f"Inspection of {subject} council",
        f"Inspectors found that {subject} council reviewed every placement.",
    ):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_a_rebuild_parses_only_the_changed_file(
    tmp_path: Path, fake_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in ("kappa", "lambda", "mu"):
        _pdf(folder / f"{name}.pdf", name.title())
    make_docx(folder / "plan.docx")
    (folder / "bad.docx").write_bytes(b"PK\x03\x04 not a zip")
    parsed: list[str] = []
    extract = ExtractionSandbox.extract

    def counting(self: ExtractionSandbox, path: Path, data: bytes) -> Extracted:
        parsed.append(path.name)
        return extract(self, path, data)

    monkeypatch.setattr(ExtractionSandbox, "extract", counting)
    index_dir = tmp_path / "var" / "index"
    first = build_index(folder, index_dir, fake_embedder, progress=False)
    assert sorted(parsed) == ["bad.docx", "kappa.pdf", "lambda.pdf", "mu.pdf", "plan.docx"]
    assert first.documents == 4

    parsed.clear()
    _pdf(folder / "mu.pdf", "Nu")  # one file changed
    second = build_index(folder, index_dir, fake_embedder, progress=False)
    assert parsed == ["mu.pdf"]  # the refused file's reason is remembered too
    assert second.report.skipped[0].path == "bad.docx"
    assert "unreadable DOCX" in second.report.skipped[0].reason
    assert second.documents == 4 and not second.unchanged

    # Without the caches every file is parsed again.
    parsed.clear()
    build_index(folder, index_dir, fake_embedder, progress=False, cache_dir=False, force=True)
    assert len(parsed) == 5
