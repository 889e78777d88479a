"""A build that dies while writing leaves the live index alone (fast, fake embedder).

The same with a real `reportqa index` process killed by SIGKILL is in test_live.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from index import build
from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from index.files import FilesIndex


def _builds(summary: BuildSummary) -> list[Path]:
    return sorted(summary.build_dir.parent.iterdir())


def test_build_failing_mid_write_keeps_the_live_index(
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live = tiny_index.index_dir.resolve()
    (tiny_documents / "gamma.txt").write_text("Gamma borough letter about adoption reviews.")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "write_store", disk_full)
    with pytest.raises(OSError, match="No space left"):
        build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)

    assert tiny_index.index_dir.resolve() == live
    index = FilesIndex.open(tiny_index.index_dir, fake_embedder)
    assert index.manifest.index_version == tiny_index.manifest.index_version
    index.close()
    partial = [p for p in _builds(tiny_index) if p.suffix == ".partial"]
    assert len(partial) == 1  # the dead build's directory, never the live one


def test_next_build_keeps_the_real_previous_build_not_the_leftover(
    tiny_index: BuildSummary,
    tiny_documents: Path,
    fake_embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    previous = tiny_index.build_dir
    leftover = previous.with_name("20000101T000000000000Z-deadbeef0000.partial")
    leftover.mkdir()
    (tiny_documents / "gamma.txt").write_text("Gamma borough letter about adoption reviews.")

    fresh = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)
    # A recent leftover may belong to a build still running: kept for now.
    assert set(_builds(tiny_index)) == {previous, leftover, fresh.build_dir}

    stale = time.time() - build.STALE_PARTIAL_SECONDS - 60
    os.utime(leftover, (stale, stale))
    (tiny_documents / "delta.txt").write_text("Delta council news about fostering.")
    newest = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)
    # The roll-back build is the last complete one; the stale leftover is gone.
    assert set(_builds(tiny_index)) == {fresh.build_dir, newest.build_dir}
    assert tiny_index.index_dir.resolve() == newest.build_dir.resolve()


def test_an_unchanged_reindex_touches_nothing_and_any_input_change_rebuilds(
    tiny_index: BuildSummary, tiny_documents: Path, fake_embedder: HashingEmbedder
) -> None:
    builds = _builds(tiny_index)
    again = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)
    assert again.unchanged and again.manifest == tiny_index.manifest
    assert _builds(tiny_index) == builds
    assert tiny_index.index_dir.resolve() == tiny_index.build_dir.resolve()

    # Metadata in the corpus manifest is an input too.
    manifest = tiny_documents.parent / "manifest.json"
    manifest.write_text(manifest.read_text().replace("Alpha council inspection", "Alpha review"))
    retitled = build_index(tiny_documents, tiny_index.index_dir, fake_embedder, progress=False)
    assert not retitled.unchanged and retitled.build_dir != tiny_index.build_dir
    # So are the corpus settings and the chunking.
    smaller = build_index(
        tiny_documents, tiny_index.index_dir, fake_embedder, progress=False, target_tokens=64
    )
    assert not smaller.unchanged
