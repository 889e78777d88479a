"""Text extraction per file format: .txt .md .html .pdf .docx.

Each reader returns the text of every page (one "page" for unpaged formats) and
any title/date the format itself declares. A file that cannot give usable text
raises `ExtractionError` with a reason a person can act on; the loader turns it
into a warning and carries on with the rest of the corpus. Whatever a third-party
parser raises on a damaged file becomes that error too, and limits refuse a zip
bomb or an oversized PDF before it is parsed; `corpus.sandbox` adds the time and
memory limits a parser cannot break.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".pdf", ".docx")

# Bytes that never occur in text files (everything below 0x20 except tab, newlines, form feed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_MAX_CONTROL_SHARE = 0.02

# (mark, codec, name). UTF-32 comes first: its little-endian mark starts with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class ExtractionError(Exception):
    """The file holds no usable text; the message says why."""


class ResourceLimitError(ExtractionError):
    """Extraction ran out of time or memory: a fact about this run, not only the file
    (a busy machine, an earlier file's memory), so it is never remembered."""


@dataclass(frozen=True)
class ExtractionLimits:
    """What a file may cost before it is parsed (see `corpus.config.CorpusTunables`)."""

    max_unpacked_bytes: int = 100 * 1024 * 1024  # all parts of a zip-based file
    max_pdf_pages: int = 2000


@dataclass(frozen=True)
class Extracted:
    """Raw text of one file, before cleaning.

    Attributes:
        pages: text of each page; unpaged formats give exactly one.
        paged: True when `pages` are real pages (PDF), so citations can name them.
        title: a title the format declares (HTML <title>, DOCX core properties).
        date: a publication date the format declares, ISO or free text.
        note: how the text was obtained when that is worth a warning
            (e.g. the encoding it was decoded from).
    """

    pages: list[str]
    paged: bool = False
    title: str | None = None
    date: str | None = None
    note: str | None = None


def _decode_with_bom(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16/32 text by its byte-order mark; None when `data` has no such mark.

    UTF-16/32 text is full of NUL bytes, so it must be recognised before the binary
    checks; the decoded text gets the same control-character check instead.
    """
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if not data.startswith(mark):
            continue
        try:
            text = data[len(mark) :].decode(codec)
        except UnicodeDecodeError as exc:
            raise ExtractionError(
                f"starts with a {name} byte-order mark but is not valid {name} "
                f"({exc.reason} at byte {exc.start + len(mark)})"
            ) from exc
        if not text.strip():
            raise ExtractionError("empty file")
        sample = text[:65536]
        controls = sum(sample.count(chr(b)) for b in (0, *_CONTROL_BYTES))
        if controls > _MAX_CONTROL_SHARE * len(sample):
            raise ExtractionError(
                f"binary content ({controls} control characters after a {name} "
                "byte-order mark), not text"
            )
        return text, f"decoded as {name} (byte-order mark)"
    return None


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode bytes by a UTF-16/32 byte-order mark, else as UTF-8, else as detected.

    Without a UTF-16/32 mark, bytes that are not UTF-8 are decoded in the encoding
    charset-normalizer detects. Returns the text and a note naming the encoding when
    it is not UTF-8.
    Raises ExtractionError for content that is not text at all.
    """
    if not data.strip():
        raise ExtractionError("empty file")
    with_bom = _decode_with_bom(data)
    if with_bom is not None:
        return with_bom
    sample = data[:65536]
    if b"\x00" in sample:
        raise ExtractionError("binary content (NUL bytes), not text")
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise ExtractionError(f"binary content ({controls} control bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ExtractionError(f"not valid UTF-8 ({exc.reason}) and no encoding fits") from exc
        return str(best), f"not valid UTF-8; decoded as {best.encoding}"


def _read_text(data: bytes, limits: ExtractionLimits) -> Extracted:
    text, note = decode_text(data)
    return Extracted(pages=[text], note=note)


def _read_html(data: bytes, limits: ExtractionLimits) -> Extracted:
    import trafilatura

    html, note = decode_text(data)
    body = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=True
    )
    if not body or not body.strip():
        raise ExtractionError("HTML page has no main text that could be extracted")
    meta = trafilatura.extract_metadata(html)
    # trafilatura puts one paragraph per line; blank lines separate paragraphs here.
    paragraphs = "\n\n".join(line for line in body.splitlines() if line.strip())
    return Extracted(
        pages=[paragraphs],
        title=meta.title if meta is not None else None,
        date=meta.date if meta is not None else None,
        note=note,
    )


_LINE_ENDS_PARAGRAPH = re.compile(r"[.!?:]['\"\u2019\u201d)]*$")
_BULLET = re.compile(r"^([-\u2022*\u25aa]|\d+[.)])\s")


def unwrap_pdf_lines(page: str) -> str:
    """Undo a PDF's line wrapping: paragraphs become one line, separated by blank lines.

    A PDF text layer has a line break at every wrapped line and no paragraph marks. A
    line ends its paragraph when it ends a sentence, is short (a heading or date) or
    is followed by a list item.
    """
    paragraphs: list[list[str]] = [[]]
    for raw in page.splitlines():
        line = raw.strip()
        current = paragraphs[-1]
        if not line:
            if current:
                paragraphs.append([])
            continue
        if current and (
            _LINE_ENDS_PARAGRAPH.search(current[-1])
            or len(current[-1].split()) <= 6
            or _BULLET.match(line)
        ):
            paragraphs.append([])
        paragraphs[-1].append(line)
    return "\n\n".join(" ".join(lines) for lines in paragraphs if lines)


def _read_pdf(data: bytes, limits: ExtractionLimits) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if len(reader.pages) > limits.max_pdf_pages:
        raise ExtractionError(
            f"PDF has {len(reader.pages):,} pages, over the limit of {limits.max_pdf_pages:,}"
        )
    pages = [page.extract_text() or "" for page in reader.pages]
    title = reader.metadata.title if reader.metadata else None
    if not any(page.strip() for page in pages):
        raise ExtractionError(
            f"PDF has no text layer on any of its {len(pages)} pages "
            "(a scanned image?); OCR is not supported"
        )
    return Extracted(pages=[unwrap_pdf_lines(p) for p in pages], paged=True, title=title or None)


def check_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a zip whose parts unpack to more than `limit` bytes (a zip bomb).

    The sizes are the ones the archive declares; Python's zipfile never inflates a
    part past its declared size (it fails the CRC check instead), so they bound what
    the parser can be made to read.
    """
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > limit:
        raise ExtractionError(
            f"unpacks to {unpacked:,} bytes from {len(data):,}, over the limit of {limit:,} "
            "(a zip bomb?)"
        )


def _read_docx(data: bytes, limits: ExtractionLimits) -> Extracted:
    import docx

    check_unpacked_size(data, limits.max_unpacked_bytes)
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                paragraphs.append(" | ".join(dict.fromkeys(cells)))
    if not paragraphs:
        raise ExtractionError("DOCX has no text")
    # Core-property dates are when the file was made, not when the report was published.
    title = document.core_properties.title or None
    return Extracted(pages=["\n\n".join(paragraphs)], title=title)


_READERS: dict[str, Callable[[bytes, ExtractionLimits], Extracted]] = {
    **{suffix: _read_text for suffix in TEXT_SUFFIXES},
    **{suffix: _read_html for suffix in HTML_SUFFIXES},
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


_FORMAT_NAMES = {".pdf": "PDF", ".docx": "DOCX", ".html": "HTML", ".htm": "HTML"}


def extract(path: Path, data: bytes, limits: ExtractionLimits | None = None) -> Extracted:
    """Extract the text of `data`, read from `path`, by the path's suffix.

    Raises:
        ExtractionError: and nothing else, whatever the file holds.
    """
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise ExtractionError(f"unsupported file type {path.suffix!r}")
    try:
        extracted = reader(data, limits or ExtractionLimits())
    except ExtractionError:
        raise
    except MemoryError as exc:
        raise ResourceLimitError("needs more memory to extract than the limit allows") from exc
    except Exception as exc:  # noqa: BLE001 (parsers raise anything on damaged files)
        kind = _FORMAT_NAMES.get(suffix, "file")
        raise ExtractionError(f"unreadable {kind} ({type(exc).__name__}: {exc})") from exc
    if path.suffix.lower() in (".md", ".markdown"):
        # "# Title" -> "Title": the marker is layout, not words of the report.
        pages = [_MARKDOWN_HEADING.sub("", page) for page in extracted.pages]
        extracted = Extracted(pages=pages, note=extracted.note)
    return extracted
