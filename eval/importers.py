"""Question files in the formats evaluators already hold, read into plain gold records.

The extension picks the family (`.jsonl`/`.ndjson` JSON Lines, `.json` JSON, `.csv`/`.tsv`
CSV; anything else by its first character) and the content picks the flavour:

- reportqa gold (full or minimal): `question` plus `answers` (list) or `answer`;
- ragas: `user_input` + `reference`, or the older `question` + `ground_truth(s)` (there
  `answer` is the system's response, not a gold answer, so it is ignored);
- SQuAD v1.1 / v2.0: `{"data": [{"paragraphs": [{"qas": [...]}]}]}`, or the rows of
  the Hugging Face `squad` datasets (`context`, `question`, `answers: {"text": [...]}`);
- CSV: a header row with `question` and `answer` or `answers`; several answers in
  one cell are separated by `|` (`;` and `,` occur in answers and are CSV delimiters).

Every record keeps where it came from (`file:line` or `file: $.json.path`) so a bad
value is reported there. Mapping records to `GoldQuestion` is `eval.datasets`' job.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ANSWER_SEPARATOR = "|"
JSON_LINES = {".jsonl", ".ndjson"}
CSV_DELIMITERS = {".csv": None, ".tsv": "\t"}  # None: the header line decides
EXPECTED = (
    "expected 'question' with 'answers' or 'answer' (reportqa), 'user_input' with "
    "'reference' (ragas) or 'question' with 'ground_truth(s)' (older ragas)"
)


class GoldFormatError(ValueError):
    """A gold file that cannot be read, with the file and line (or JSON path) at fault."""


@dataclass(frozen=True)
class RawQuestion:
    """One question as the file gives it, in reportqa's field names."""

    where: str  # "file:line" or "file: $.path", the prefix of every error about it
    default_id: str  # the id when the file gives none
    fields: dict[str, object]


Mapper = Callable[[dict[str, object]], dict[str, object]]


def read_records(path: Path) -> list[RawQuestion]:
    """Every question of `path`, whatever its format.

    Raises:
        GoldFormatError: the file is missing, undecodable, or in no known structure.
    """
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix in CSV_DELIMITERS:
        return _csv_records(path, text, CSV_DELIMITERS[suffix])
    if suffix in JSON_LINES:
        return _mapped(path, _json_lines(path, text))
    first = text.lstrip("\ufeff \t\r\n")[:1]
    if suffix == ".json" or first in ("[", "{"):
        return _json_records(path, text)
    raise GoldFormatError(
        f"{path}: unknown question file type: name it .jsonl (JSON Lines), .json "
        "(SQuAD or a JSON list) or .csv"
    )


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise GoldFormatError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    try:
        # utf-8-sig: spreadsheets and Windows editors start files with a BOM.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GoldFormatError(f"{path}: not UTF-8 text (byte {exc.start})") from exc


# --- JSON and JSON Lines ---------------------------------------------------------------


def _json_lines(path: Path, text: str) -> list[RawQuestion]:
    """One JSON object per line; blank lines and `#` comments skipped."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFormatError(
                f"{where}: not valid JSON: {exc.msg} (column {exc.colno})"
            ) from exc
        records.append(RawQuestion(where, f"line-{number}", _object(value, where)))
    return records


def _json_records(path: Path, text: str) -> list[RawQuestion]:
    try:
        value: object = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines saved as .json (as Hugging Face datasets does)
            return _mapped(path, _json_lines(path, text))
        raise GoldFormatError(
            f"{path}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"
        ) from exc
    if isinstance(value, list):
        records = [
            RawQuestion(f"{path}: $[{i}]", f"item-{i}", _object(item, f"{path}: $[{i}]"))
            for i, item in enumerate(value)
        ]
        return _mapped(path, records)
    if isinstance(value, dict) and "data" in value:
        return list(_squad(path, value["data"]))
    found = sorted(value) if isinstance(value, dict) else type(value).__name__
    raise GoldFormatError(
        f"{path}: unknown structure (found {found}): expected a JSON list of questions, "
        'JSON Lines, or SQuAD ({"data": [{"paragraphs": [{"qas": [...]}]}]})'
    )


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise GoldFormatError(f"{where}: expected a JSON object, found {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def _mapped(path: Path, records: list[RawQuestion]) -> list[RawQuestion]:
    """Records in reportqa's field names; the first record decides the flavour of the file."""
    if not records:
        return records
    mapper = _flavour(records[0])
    out = []
    for record in records:
        try:
            out.append(RawQuestion(record.where, record.default_id, mapper(record.fields)))
        except ValueError as exc:
            raise GoldFormatError(f"{record.where}: {exc}") from exc
    return out


def _flavour(first: RawQuestion) -> Mapper:
    keys = set(first.fields)
    if "context" in keys and isinstance(first.fields.get("answers"), dict):
        return _squad_row
    if "user_input" in keys:
        return _ragas
    if keys & {"ground_truth", "ground_truths"}:
        return _ragas_old
    if keys & {"question", "answers", "answer"}:
        return _reportqa
    raise GoldFormatError(
        f"{first.where}: unknown question format (keys {sorted(keys)}): {EXPECTED}"
    )


def _reportqa(fields: dict[str, object]) -> dict[str, object]:
    """Already in reportqa's names; `eval.datasets` checks them (unknown fields are errors)."""
    return fields


def _ragas(fields: dict[str, object]) -> dict[str, object]:
    """ragas >= 0.2 (`SingleTurnSample`): the gold answer is `reference`."""
    for key in ("user_input", "reference"):
        if key not in fields:
            raise ValueError(f"missing {key!r} (a ragas sample)")
    return _with_id(fields, {"question": fields["user_input"], "answer": fields["reference"]})


def _ragas_old(fields: dict[str, object]) -> dict[str, object]:
    """ragas 0.1: `ground_truths` (list) or `ground_truth`; its `answer` is the response."""
    if "question" not in fields:
        raise ValueError("missing 'question' (an older ragas sample)")
    key = "ground_truths" if "ground_truths" in fields else "ground_truth"
    if key not in fields:
        raise ValueError("missing 'ground_truth' (an older ragas sample)")
    return _with_id(fields, {"question": fields["question"], "answer": fields[key]})


def _with_id(source: dict[str, object], fields: dict[str, object]) -> dict[str, object]:
    if "id" in source:
        fields["id"] = source["id"]
    return fields


# --- SQuAD -----------------------------------------------------------------------------


def _squad_row(fields: dict[str, object]) -> dict[str, object]:
    """A row of the Hugging Face `squad` / `squad_v2` datasets: `answers: {"text": [...]}`."""
    answers = fields.get("answers")
    texts = answers.get("text") if isinstance(answers, dict) else None
    if not isinstance(texts, list):
        raise ValueError("'answers' must be an object with a 'text' list (a SQuAD row)")
    # squad_v2 marks an impossible question by an empty list.
    unique = [t for i, t in enumerate(texts) if t not in texts[:i]]  # may hold non-strings
    question = {"question": fields.get("question"), "answers": unique}
    return _with_id(fields, question)


def _squad(path: Path, data: object) -> Iterator[RawQuestion]:
    """SQuAD v1.1 and v2.0. Contexts are not read: the index is the corpus."""
    for i, article in enumerate(_list(data, f"{path}: $.data")):
        at = f"$.data[{i}]"
        paragraphs = _object(article, f"{path}: {at}").get("paragraphs")
        for j, paragraph in enumerate(_list(paragraphs, f"{path}: {at}.paragraphs")):
            at_p = f"{at}.paragraphs[{j}]"
            qas = _object(paragraph, f"{path}: {at_p}").get("qas")
            for k, qa in enumerate(_list(qas, f"{path}: {at_p}.qas")):
                pointer = f"{at_p}.qas[{k}]"
                where = f"{path}: {pointer}"
                yield RawQuestion(where, pointer[2:], _squad_question(_object(qa, where), where))


def _squad_question(qa: dict[str, object], where: str) -> dict[str, object]:
    fields: dict[str, object] = {k: qa[k] for k in ("id", "question") if k in qa}
    impossible = qa.get("is_impossible", False)
    if not isinstance(impossible, bool):
        raise GoldFormatError(f"{where}.is_impossible: must be true or false")
    if impossible:  # v2.0: no answer in the text (its plausible_answers are wrong ones)
        fields.update(answers=[], answerable=False)
        return fields
    texts = []
    for n, answer in enumerate(_list(qa.get("answers"), f"{where}.answers")):
        text = _object(answer, f"{where}.answers[{n}]").get("text")
        if not isinstance(text, str):
            raise GoldFormatError(f"{where}.answers[{n}]: 'text' must be a string")
        texts.append(text)
    fields["answers"] = list(dict.fromkeys(texts))  # annotators repeat the same span
    return fields


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        found = "nothing" if value is None else type(value).__name__
        raise GoldFormatError(f"{where}: expected a list, found {found}")
    return value


# --- CSV -------------------------------------------------------------------------------


def _csv_records(path: Path, text: str, delimiter: str | None) -> list[RawQuestion]:
    """A header row, then one question per row; a row may span lines inside quotes."""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or _delimiter(text), strict=True
    )  # strict: an unclosed quote is an error, not a cell that swallows the rest
    header: list[str] | None = None
    records = []
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = _csv_header(row, f"{path}:{line}")
                continue
            if len(row) > len(header):
                raise GoldFormatError(
                    f"{path}:{line}: {len(row)} cells but the header has {len(header)} "
                    "(quote a cell that contains the delimiter)"
                )
            cells = dict(zip(header, row, strict=False))
            records.append(RawQuestion(f"{path}:{line}", f"line-{line}", _csv_fields(cells)))
    except csv.Error as exc:
        # `start`: where the failing row began (an open quote may run to the end of file)
        raise GoldFormatError(f"{path}:{start}: not valid CSV: {exc}") from exc
    if header is None:
        raise GoldFormatError(f"{path}: empty CSV file (expected a header row)")
    return records


def _delimiter(text: str) -> str:
    """The header line's most frequent of `,` `;` tab (spreadsheets in some locales use `;`)."""
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first.count)  # ties keep the comma


def _csv_header(row: list[str], where: str) -> list[str]:
    header = [cell.strip().lower() for cell in row]
    if "question" not in header:
        raise GoldFormatError(f"{where}: no 'question' column (header: {', '.join(header)})")
    answer_columns = [c for c in ("answers", "answer") if c in header]
    if len(answer_columns) != 1:
        problem = "both 'answer' and 'answers' columns" if answer_columns else "no 'answer' column"
        raise GoldFormatError(f"{where}: {problem} (header: {', '.join(header)})")
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise GoldFormatError(f"{where}: repeated column(s) {', '.join(duplicated)}")
    return header


def _csv_fields(cells: dict[str, str]) -> dict[str, object]:
    """Known columns only (a spreadsheet may carry notes); an empty answer is unanswerable."""
    fields: dict[str, object] = {
        "question": cells.get("question", "").strip(),
        "answers": _split(cells.get("answers", cells.get("answer", ""))),
    }
    for column in ("id", "type"):
        if cells.get(column, "").strip():
            fields[column] = cells[column].strip()
    if cells.get("doc_paths", "").strip():
        fields["doc_paths"] = _split(cells["doc_paths"])
    return fields


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(ANSWER_SEPARATOR) if part.strip()]
