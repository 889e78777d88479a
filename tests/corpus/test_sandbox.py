"""Parsers run under limits: a zip bomb, a runaway parse or a damaged file costs one file."""

from __future__ import annotations

import io
import resource
import zipfile
from pathlib import Path

import docx
import pytest

from corpus.config import CorpusConfig
from corpus.formats import ExtractionError
from corpus.load import load_corpus
from corpus.sandbox import ExtractionSandbox, SandboxLimits
from tests.corpus.test_formats import make_docx

_PARAGRAPH = b"<w:p><w:r><w:t>All work and no play makes the report long.</w:t></w:r></w:p>"


def make_docx_bomb(path: Path, unpacked_mb: int) -> None:
    """A valid DOCX whose document.xml unpacks to about `unpacked_mb` MB (kB on disk)."""
    buffer = io.BytesIO()
    template = docx.Document()
    template.add_paragraph("placeholder")
    template.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "word/document.xml":
                bomb.writestr(item, data)
                continue
            head, tail = data.split(b"<w:body>")
            with bomb.open(item.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                block = _PARAGRAPH * 10_000
                for _ in range(unpacked_mb * 1024 * 1024 // len(block)):
                    part.write(block)
                part.write(tail)


def sandbox(**limits: float) -> ExtractionSandbox:
    return ExtractionSandbox(SandboxLimits.of(CorpusConfig(**limits)))


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    make_docx_bomb(path, unpacked_mb=80)
    assert path.stat().st_size < 1024 * 1024
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_zip_bomb_is_refused_by_its_declared_size(bomb: Path) -> None:
    box = sandbox(max_unpacked_bytes=10 * 1024 * 1024)
    try:
        with pytest.raises(ExtractionError, match=r"unpacks to 8\d,\d{3},\d{3} bytes.*zip bomb"):
            box.extract(bomb, bomb.read_bytes())
    finally:
        box.close()


def test_a_parse_over_the_memory_limit_costs_the_child_not_the_caller(
    bomb: Path, tmp_path: Path
) -> None:
    box = sandbox(max_unpacked_bytes=10**9, extract_memory_mb=256)
    before = _peak_rss_mb()
    try:
        with pytest.raises(ExtractionError, match="unreadable DOCX|memory"):
            box.extract(bomb, bomb.read_bytes())
        # The caller never held the unpacked XML.
        assert _peak_rss_mb() - before < 64
        # The next file is read as usual.
        make_docx(tmp_path / "plan.docx")
        extracted = box.extract(tmp_path / "plan.docx", (tmp_path / "plan.docx").read_bytes())
        assert "halve the number of children" in extracted.pages[0]
    finally:
        box.close()


def test_a_parse_over_the_time_limit_is_killed_and_the_next_file_is_read(
    bomb: Path, tmp_path: Path
) -> None:
    box = sandbox(max_unpacked_bytes=10**9, extract_timeout_seconds=1)
    try:
        with pytest.raises(ExtractionError, match="took longer than 1 s"):
            box.extract(bomb, bomb.read_bytes())
        make_docx(tmp_path / "plan.docx")
        extracted = box.extract(tmp_path / "plan.docx", (tmp_path / "plan.docx").read_bytes())
        assert "halve the number of children" in extracted.pages[0]
    finally:
        box.close()


def test_a_build_skips_the_bomb_and_loads_the_rest(bomb: Path, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "bomb.docx").write_bytes(bomb.read_bytes())
    (folder / "report.txt").write_text(
        "Kappa council report\n\nInspectors found that caseloads fell to 18 children."
    )
    result = load_corpus(folder, config=CorpusConfig(max_unpacked_bytes=10 * 1024 * 1024))
    assert [d.path for d in result.documents] == ["report.txt"]
    assert "zip bomb" in {s.path: s.reason for s in result.report.skipped}["bomb.docx"]
