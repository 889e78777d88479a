"""One real-looking file of each format, and bad input that must never stop a build."""

from __future__ import annotations

import codecs
import logging
import shutil
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from corpus.config import CorpusConfig
from corpus.load import load_corpus
from corpus.metadata import parse_date
from tests.corpus.helpers import chunk_and_dedupe, lost_sentences

FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "formats"


def make_pdf(path: Path) -> None:
    """A two-page inspection summary whose second page continues a sentence."""
    pdf = FPDF()
    pdf.set_title("Inspection of Gamma council")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")

    paragraph("Inspection of Gamma council")
    paragraph("Published 4 July 2019")
    pdf.ln(8)
    paragraph(
        "Inspectors visited Gamma council in May 2019. The quality of social work with "
        "children in need was good, and managers knew their teams well. Young advisors "
        "have advised on the refurbishment of the children's home and"
    )
    pdf.add_page()
    paragraph("co-hosted two staff summits. Caseloads fell to 18 children per worker.")
    pdf.output(str(path))


def make_scanned_pdf(path: Path) -> None:
    """A PDF page with a drawing and no text layer, like a scan."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Delta trust improvement plan", level=1)
    document.add_paragraph("Thursday, 30th June 2016")
    document.add_paragraph(
        "The trust will halve the number of children waiting more than 18 months for "
        "adoption by March 2017, and will report progress to the board every quarter."
    )
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Measure"
    table.cell(0, 1).text = "Target"
    table.cell(1, 0).text = "Adoption within 18 months"
    table.cell(1, 1).text = "85%"
    document.save(str(path))


@pytest.fixture()
def formats_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    shutil.copytree(FORMATS, folder)
    make_pdf(folder / "gamma-council-inspection.pdf")
    make_docx(folder / "delta-trust-plan.docx")
    return folder


def test_each_format_gives_clean_text_and_metadata(formats_dir: Path) -> None:
    result = load_corpus(formats_dir)
    docs = {d.path.rsplit(".", 1)[1]: d for d in result.documents}
    assert sorted(docs) == ["docx", "html", "md", "pdf", "txt"]

    html = docs["html"]
    assert html.title == "Zeta trust praised for care leaver support"
    assert html.date == "2018-01-19"
    assert "94% of care leavers" in html.text
    for chrome in ("Most read", "Road closures", "Share this page", "Sport"):
        assert chrome not in html.text

    md = docs["md"]
    assert md.title == "Epsilon council: children's services annual report"
    assert md.date == "2017-03-22"
    assert "#" not in md.text and "- Reduce social work caseloads" in md.text

    txt = docs["txt"]
    assert txt.date == "2018-01-19"
    assert "Eta council's front door" in txt.text and "Hide Ad" not in txt.text

    pdf = docs["pdf"]
    assert pdf.title == "Inspection of Gamma council"
    assert pdf.date == "2019-07-04"
    assert pdf.extra["pages"] == "2"
    # The sentence cut by the page break is whole again, and its parts keep their pages.
    joined = "refurbishment of the children's home and co-hosted two staff summits."
    assert joined in pdf.text
    assert pdf.page_at(pdf.text.index("Inspectors visited")) == 1
    assert pdf.page_at(pdf.text.index("co-hosted")) == 2
    assert pdf.page_at(pdf.text.index("Caseloads fell")) == 2

    word = docs["docx"]
    assert word.title == "Delta trust improvement plan"
    assert word.date == "2016-06-30"
    assert "Adoption within 18 months | 85%" in word.text
    assert lost_sentences(result, chunk_and_dedupe(result)) == []


def test_unpaged_documents_have_no_page() -> None:
    result = load_corpus(FORMATS)
    assert all(d.page_at(0) is None for d in result.documents)


def test_bad_files_are_skipped_with_clear_warnings_and_the_rest_loads(
    formats_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (formats_dir / "empty.txt").write_bytes(b"")
    (formats_dir / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (formats_dir / "windows-1252.txt").write_bytes(
        "Theta council report\n\nThe council will spend £2m on foster care – a rise "
        "of a quarter on last year’s budget, the director said.".encode("cp1252")
    )
    make_scanned_pdf(formats_dir / "scanned.pdf")
    with (formats_dir / "huge.txt").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    (formats_dir / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copy(formats_dir / "eta-council-visit.txt", formats_dir / "eta-visit-copy.txt")

    with caplog.at_level(logging.WARNING):
        result = load_corpus(formats_dir)  # default size limit: 20 MiB
    messages = {r.path: r.reason for r in result.report.skipped}
    assert messages["empty.txt"] == "empty file"
    assert "binary content" in messages["junk.txt"]
    assert "no text layer" in messages["scanned.pdf"]
    assert "over the 20,971,520-byte limit" in messages["huge.txt"]
    assert "unreadable DOCX" in messages["broken.docx"]
    assert messages["eta-visit-copy.txt"] == "identical file: same text as eta-council-visit.txt"
    logged = " ".join(r.getMessage() for r in caplog.records)
    for name in messages:
        assert name in logged
    assert "windows-1252.txt: not valid UTF-8; decoded as" in logged

    paths = [d.path for d in result.documents]
    assert "windows-1252.txt" in paths and len(paths) == 6
    theta = next(d for d in result.documents if d.path == "windows-1252.txt")
    assert (
        "£2m on foster care - a rise" in theta.text or "£2m on foster care – a rise" in theta.text
    )
    assert result.report.files_seen == 12


def test_the_size_limit_is_a_setting(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text("Lambda report\n\n" + "Text of the report. " * 100)
    small = CorpusConfig(max_file_bytes=1000)
    assert load_corpus(tmp_path, config=small).documents == []
    assert "1,000-byte limit" in load_corpus(tmp_path, config=small).report.skipped[0].reason
    assert len(load_corpus(tmp_path).documents) == 1


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Friday, January 19, 2018", "2018-01-19"),
        ("Thursday, 30th June 2016, 11:39 am", "2016-06-30"),
        ("22 March 2017", "2017-03-22"),
        ("Published 4 July 2019", "2019-07-04"),
        ("Joe Lepper", None),
        ("Autumn 2021", None),
        ("March 2017", None),  # no day: not a publication date
    ],
)
def test_publication_dates_are_parsed(line: str, iso: str | None) -> None:
    assert parse_date(line) == iso


def test_metadata_is_extracted_when_the_manifest_is_silent(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text(
        "3 April 2019\n\nMrs Ann Lee\nIota Council\nCivic Centre\nIO1 2TA\n\nDear Mrs Lee\n\n"
        "Focused visit to Iota children's services\n\nThis letter summarises the findings "
        "of the focused visit. Inspectors looked at care planning.\n\nYours sincerely\n\n"
        "Sam Patel\nHer Majesty's Inspector",
        encoding="utf-8",
    )
    [letter] = load_corpus(tmp_path).documents
    assert letter.title == "Focused visit to Iota children's services"
    assert letter.date == "2019-04-03"
    assert letter.kind == "inspection letter"
    assert letter.extra["people"] == ["Mrs Ann Lee", "Sam Patel"]
    assert letter.extra["organisations"] == ["Iota Council"]


_UNICODE_REPORT = (
    "Kappa council report\n\nThe council will spend £2m – a rise of a quarter – on care."
)


@pytest.mark.parametrize(
    ("mark", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),  # its mark starts with UTF-16 LE's
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    ],
)
def test_utf16_and_utf32_files_with_a_byte_order_mark_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mark: bytes, codec: str, name: str
) -> None:
    (tmp_path / "kappa.txt").write_bytes(mark + _UNICODE_REPORT.encode(codec))
    with caplog.at_level(logging.WARNING):
        result = load_corpus(tmp_path)
    assert result.report.skipped == []
    [doc] = result.documents
    assert doc.text.startswith("Kappa council report")
    assert "£2m – a rise of a quarter – on care." in doc.text
    assert "\ufeff" not in doc.text
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"kappa.txt: decoded as {name} (byte-order mark)" in logged


def test_files_with_a_byte_order_mark_and_no_text_are_skipped_clearly(tmp_path: Path) -> None:
    text = "Lambda council report\n\nThe council met twice this year and agreed the plan."
    (tmp_path / "lambda.txt").write_text(text, encoding="utf-8")
    lone_surrogate = codecs.BOM_UTF16_LE + b"\x00\xd8" + "A report".encode("utf-16-le")
    (tmp_path / "surrogate.txt").write_bytes(lone_surrogate)
    (tmp_path / "truncated.txt").write_bytes(codecs.BOM_UTF32_BE + b"\x00\x00\x00A\x00")
    (tmp_path / "nuls.txt").write_bytes(codecs.BOM_UTF16_BE + bytes(400))
    (tmp_path / "mark-only.txt").write_bytes(codecs.BOM_UTF16_LE)

    result = load_corpus(tmp_path)
    messages = {r.path: r.reason for r in result.report.skipped}
    assert messages["surrogate.txt"].startswith(
        "starts with a UTF-16 byte-order mark but is not valid UTF-16"
    )
    assert messages["truncated.txt"].startswith(
        "starts with a UTF-32 byte-order mark but is not valid UTF-32"
    )
    assert "binary content" in messages["nuls.txt"]
    assert messages["mark-only.txt"] == "empty file"
    assert [d.path for d in result.documents] == ["lambda.txt"]


def test_nul_bytes_without_a_byte_order_mark_are_still_binary(tmp_path: Path) -> None:
    (tmp_path / "utf16-no-mark.txt").write_bytes(_UNICODE_REPORT.encode("utf-16-le"))
    [skipped] = load_corpus(tmp_path).report.skipped
    assert skipped.reason == "binary content (NUL bytes), not text"
