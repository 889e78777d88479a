"""Marked blocks in a shared Markdown file (docs/benchmarks.md).

Several writers own one block each of the same file (`reportqa bench`, `reportqa eval
docs`, the load generator); each replaces its own block and leaves the rest alone.
"""

from __future__ import annotations

from pathlib import Path

NEW_FILE = "# Benchmarks\n"


def replace_block(path: Path, begin_marker: str, end_marker: str, block: str) -> None:
    """Put `block` (markers included) in place of the marked block of `path`.

    The block runs from the first `begin_marker` to the first `end_marker` after it.
    Without one the block is appended after a blank line; a missing file starts as
    a "# Benchmarks" heading.
    """
    text = path.read_text(encoding="utf-8") if path.is_file() else NEW_FILE
    start = text.find(begin_marker)
    stop = text.find(end_marker, start + len(begin_marker)) if start != -1 else -1
    if stop != -1:
        text = text[:start] + block + text[stop + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
