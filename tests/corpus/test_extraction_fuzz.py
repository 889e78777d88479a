"""Mutation fuzzing of every reader: only `ExtractionError` may escape, and a corpus
with damaged files always loads the rest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.formats import Extracted, ExtractionError, extract
from corpus.load import load_corpus
from tests.corpus.test_formats import FORMATS, make_docx, make_pdf

# Examples per format: enough to reach the parsers' error paths (zlib, XML, xref,
# encoding) that once escaped; each is a fraction of a millisecond to a few ms.
EXAMPLES = 150


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("samples")
    make_pdf(folder / "a.pdf")
    make_docx(folder / "a.docx")
    return {
        ".pdf": (folder / "a.pdf").read_bytes(),
        ".docx": (folder / "a.docx").read_bytes(),
        ".html": next(FORMATS.glob("*.html")).read_bytes(),
        ".txt": next(FORMATS.glob("*.txt")).read_bytes(),
    }


# A mutation: bytes overwritten, removed or inserted at a relative position.
_MUTATION = st.tuples(
    st.sampled_from(["overwrite", "delete", "insert"]),
    st.floats(0, 1),
    st.binary(min_size=1, max_size=16),
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    for how, where, chunk in mutations:
        at = int(where * len(data))
        if how == "overwrite":
            data = data[:at] + chunk + data[at + len(chunk) :]
        elif how == "delete":
            data = data[:at] + data[at + len(chunk) :]
        else:
            data = data[:at] + chunk + data[at:]
    return data


def mutate_inside_zip(data: bytes, part: str, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """Damage one part of a zip-based file and pack it again (a valid zip, bad XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, mutate(content, mutations) if item.filename == part else content)
    return out.getvalue()


def _only_extraction_errors(suffix: str, data: bytes) -> None:
    try:
        assert isinstance(extract(Path(f"fuzzed{suffix}"), data), Extracted)
    except ExtractionError as exc:
        assert str(exc)


_FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".txt"])
@_FUZZ
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_damaged_bytes_raise_only_extraction_errors(
    samples: dict[str, bytes], suffix: str, mutations: list[tuple[str, float, bytes]]
) -> None:
    _only_extraction_errors(suffix, mutate(samples[suffix], mutations))


@pytest.mark.parametrize("part", ["word/document.xml", "[Content_Types].xml", "word/styles.xml"])
@_FUZZ
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=4))
def test_damaged_docx_parts_raise_only_extraction_errors(
    samples: dict[str, bytes], part: str, mutations: list[tuple[str, float, bytes]]
) -> None:
    _only_extraction_errors(".docx", mutate_inside_zip(samples[".docx"], part, mutations))


@settings(max_examples=10, deadline=None, derandomize=True)
@given(mutations=st.lists(_MUTATION, min_size=1, max_size=3))
def test_a_corpus_with_damaged_files_loads_the_rest(
    tmp_path_factory: pytest.TempPathFactory, mutations: list[tuple[str, float, bytes]]
) -> None:
    folder = tmp_path_factory.mktemp("documents")
    make_pdf(folder / "good.pdf")
    make_docx(folder / "good.docx")
    for suffix in (".pdf", ".docx"):
        good = (folder / f"good{suffix}").read_bytes()
        (folder / f"damaged{suffix}").write_bytes(mutate(good, mutations))
    damaged = (folder / "good.docx").read_bytes()
    (folder / "bad-part.docx").write_bytes(
        mutate_inside_zip(damaged, "word/document.xml", mutations)
    )
    result = load_corpus(folder)
    # The good files' text is indexed (under a damaged copy's name when the damage
    # left the same text), and every file is either loaded or skipped with a reason.
    text = " ".join(d.text for d in result.documents)
    assert "Caseloads fell to 18 children" in text
    assert "halve the number of children" in text
    assert result.report.files_seen == 5
    assert len(result.documents) + len(result.report.skipped) == 5
