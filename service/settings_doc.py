"""The settings table of README.md, generated from the `Settings` model.

    python -m service.settings_doc                    # print the table
    python -m service.settings_doc --write README.md  # replace it between the markers
    python -m service.settings_doc --check README.md  # exit 1 if README.md is stale

One table per section (the models `Settings` inherits), one row per field: its
environment variable, type, default and description.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode

from corpus.config import CorpusTunables
from service.settings import (
    AccessSettings,
    AnswerSettings,
    BackendSettings,
    GeneratorSettings,
    ObservabilitySettings,
    PathSettings,
    PerformanceSettings,
    RetrievalSettings,
    ServerSettings,
    Settings,
    WidgetSettings,
)

# The sections of the table, in order; together they hold every field of `Settings`.
# Titles differ from README.md's other headings, so that their anchors stay unique.
SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("Paths and model", PathSettings),
    ("Index backend (files or PostgreSQL)", BackendSettings),
    ("HTTP server", ServerSettings),
    ("Retrieval", RetrievalSettings),
    ("Answers", AnswerSettings),
    ("Corpus cleaning", CorpusTunables),
    ("Generator (LLM)", GeneratorSettings),
    ("Chat widget and streaming", WidgetSettings),
    ("Performance: encoder, FAISS, caches", PerformanceSettings),
    ("Access and limits", AccessSettings),
    ("Logs", ObservabilitySettings),
)

REGENERATE = "python -m service.settings_doc --write README.md"
START_MARKER = f"<!-- settings table: generated from service/settings.py by `{REGENERATE}` -->"
END_MARKER = "<!-- end of the generated settings table -->"

_TYPE_NAMES: dict[object, str] = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    Path: "path",
    SecretStr: "secret str",
}


def env_name(settings_cls: type[BaseSettings], field: str) -> str:
    """The environment variable of a field (no aliases are used: prefix + upper-case name)."""
    return f"{settings_cls.model_config.get('env_prefix', '')}{field}".upper()


def _is_comma_list(info: FieldInfo) -> bool:
    """A list read from the environment as comma-separated text rather than JSON."""
    return any(item is NoDecode for item in info.metadata)


def _bounds(info: FieldInfo) -> str:
    low = high = ""
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = f"[{item.ge}"
        elif isinstance(item, annotated_types.Gt):
            low = f"({item.gt}"
        elif isinstance(item, annotated_types.Le):
            high = f"{item.le}]"
        elif isinstance(item, annotated_types.Lt):
            high = f"{item.lt})"
    if low and high:
        return f" in {low}, {high}"
    if low:
        return f" {'≥' if low[0] == '[' else '>'} {low[1:]}"
    if high:
        return f" {'≤' if high[-1] == ']' else '<'} {high[:-1]}"
    return ""


def type_text(info: FieldInfo) -> str:
    """A short reading of a field's type and bounds, e.g. `int in [1, 65535]`."""
    annotation = info.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    origin = get_origin(annotation)
    if origin is Literal:
        choices = [f"`{choice}`" for choice in get_args(annotation)]
        return f"{', '.join(choices[:-1])} or {choices[-1]}"
    if origin in (list, tuple):
        item = _TYPE_NAMES.get(get_args(annotation)[0], "str")
        return f"{'comma-separated' if _is_comma_list(info) else 'JSON'} list of {item}"
    name = _TYPE_NAMES.get(annotation)
    if name is None:
        raise TypeError(f"no table reading for the type {annotation!r}; add it to _TYPE_NAMES")
    return name + _bounds(info)


def default_text(info: FieldInfo) -> str:
    """The default as it would be written in the environment; `unset` for None."""
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list | tuple):
        if _is_comma_list(info):
            return f"`{','.join(value)}`" if value else "empty"
        return f"`{json.dumps(list(value))}`"
    text = str(value)
    return f"`{text}`" if text else "empty"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def settings_markdown(settings_cls: type[BaseSettings] = Settings, heading: str = "###") -> str:
    """The settings table in Markdown: a heading and a table per section."""
    covered = [name for _, section in SECTIONS for name in section.model_fields]
    missing = set(settings_cls.model_fields) - set(covered)
    if missing or len(covered) != len(set(covered)):
        raise ValueError(f"SECTIONS must hold each field once; not in any: {sorted(missing)}")
    parts: list[str] = []
    for title, section in SECTIONS:
        rows = ["| variable | type | default | meaning |", "| --- | --- | --- | --- |"]
        for name in section.model_fields:
            info = settings_cls.model_fields[name]
            rows.append(
                f"| `{env_name(settings_cls, name)}` | {_cell(type_text(info))} "
                f"| {_cell(default_text(info))} | {_cell(info.description or '')} |"
            )
        intro = (section.__doc__ or "").strip().splitlines()[0]
        parts.append(f"{heading} {title}\n\n{intro}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def replace_table(document: str, table: str) -> str:
    """`document` with the text between the two markers replaced by `table`."""
    if document.count(START_MARKER) != 1 or document.count(END_MARKER) != 1:
        raise ValueError(f"expected one each of the markers {START_MARKER!r} and {END_MARKER!r}")
    head, rest = document.split(START_MARKER)
    _, tail = rest.split(END_MARKER)
    return f"{head}{START_MARKER}\n\n{table.rstrip()}\n\n{END_MARKER}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service.settings_doc",
        description="Print the settings table of README.md, or write or check it in a file.",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--write", type=Path, metavar="FILE", help="replace the table in FILE")
    target.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE is stale")
    args = parser.parse_args(argv)
    table = settings_markdown()
    if args.write is None and args.check is None:
        sys.stdout.write(table)
        return 0
    path: Path = args.write or args.check
    current = path.read_text(encoding="utf-8")
    updated = replace_table(current, table)
    if args.check is not None:
        if updated != current:
            print(f"{path}: the settings table is stale; run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    if updated != current:
        path.write_text(updated, encoding="utf-8")
        print(f"{path}: settings table updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
