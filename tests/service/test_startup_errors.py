"""A broken index or configuration stops `reportqa serve` with one line naming the file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from index.build import BuildSummary, build_index
from index.embedders.hashing import HashingEmbedder
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from index.layout import DENSE_FILE, LEXICAL_DIR, MANIFEST_FILE, STORE_FILE
from service import cli
from service.settings import get_settings
from tests.conftest import REPO
from tests.support.live import free_port


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _set_manifest(field: str, value: object) -> Callable[[Path], None]:
    def change(build: Path) -> None:
        data = json.loads((build / MANIFEST_FILE).read_text())
        data[field] = value
        (build / MANIFEST_FILE).write_text(json.dumps(data))

    return change


@pytest.fixture()
def serve_in_process(
    monkeypatch: pytest.MonkeyPatch,
    fake_embedder: HashingEmbedder,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> Callable[[list[str]], tuple[int, str]]:
    """Run `main(["serve", ...])` with the fake embedder; uvicorn must never start."""
    monkeypatch.setattr("service.qa.encoder.settings_embedder", lambda settings: fake_embedder)

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started despite the broken index")

    monkeypatch.setattr("uvicorn.run", no_server)

    def run(argv: list[str]) -> tuple[int, str]:
        code = cli.main(["serve", "--port", "1", *argv])
        return code, capsys.readouterr().err

    return run


def _assert_one_line_naming(stderr: str, fragment: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("reportqa: ")]
    assert len(lines) == 1, stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda build: _truncate(build / DENSE_FILE), DENSE_FILE),
        (lambda build: _truncate(build / STORE_FILE), STORE_FILE),
        (lambda build: (build / STORE_FILE).unlink(), STORE_FILE),
        (lambda build: shutil.rmtree(build / LEXICAL_DIR), LEXICAL_DIR),
        (lambda build: _truncate(build / MANIFEST_FILE), MANIFEST_FILE),
        (lambda build: (build / MANIFEST_FILE).write_text("{}"), MANIFEST_FILE),
        (_set_manifest("chunks", 999), "manifest says 999"),
        (_set_manifest("format_version", 99), MANIFEST_FILE),
        (_set_manifest("dimension", 768), MANIFEST_FILE),
        # Wrong types and encodings are refused by the one validated manifest model.
        (_set_manifest("documents", "five"), "documents: Input should be a valid integer"),
        (_set_manifest("chunks", "5"), "chunks: Input should be a valid integer"),
        (_set_manifest("chunking", {"max_tokens": "x"}), "chunking.max_tokens"),
        (_set_manifest("normalized", "yes"), "normalized"),
        (lambda build: (build / MANIFEST_FILE).write_bytes(b'{"model": "\xff"}'), "unreadable"),
        (lambda build: (build / MANIFEST_FILE).write_text("[1, 2]"), "manifest invalid"),
    ],
)
def test_damaged_index_is_one_line_naming_the_file(
    tiny_index: BuildSummary,
    serve_in_process: Callable[[list[str]], tuple[int, str]],
    damage: Callable[[Path], None],
    named: str,
) -> None:
    damage(tiny_index.build_dir)
    code, stderr = serve_in_process(["--index", str(tiny_index.index_dir)])
    assert code == 2
    _assert_one_line_naming(stderr, named)


def test_missing_index_says_how_to_build_one(
    tmp_path: Path, serve_in_process: Callable[[list[str]], tuple[int, str]]
) -> None:
    code, stderr = serve_in_process(["--index", str(tmp_path / "nowhere")])
    assert code == 2
    _assert_one_line_naming(stderr, "build one with `reportqa index`")


def test_bad_keys_file_stops_start_up(
    tiny_index: BuildSummary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    serve_in_process: Callable[[list[str]], tuple[int, str]],
) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"keys": [{"name": "ops", "key": "short"}]}')
    monkeypatch.setenv("REPORTQA_API_KEYS_FILE", str(keys))
    get_settings.cache_clear()
    try:
        code, stderr = serve_in_process(["--index", str(tiny_index.index_dir)])
    finally:
        get_settings.cache_clear()
    assert code == 2
    _assert_one_line_naming(stderr, str(keys))


@pytest.mark.integration
@pytest.mark.parametrize("fault", ["other model", "truncated FAISS file"])
def test_real_serve_process_exits_with_one_line(
    fault: str,
    tiny_documents: Path,
    tmp_path: Path,
    fake_embedder: HashingEmbedder,
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    index_dir = tmp_path / "var" / "index"
    if fault == "other model":
        # Built with the test embedder, served with the real model: a manifest mismatch.
        build_index(tiny_documents, index_dir, fake_embedder, progress=False)
        named = MANIFEST_FILE
    else:
        summary = build_index(tiny_documents, index_dir, real_embedder, progress=False)
        _truncate(summary.build_dir / DENSE_FILE)
        named = DENSE_FILE
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--index",
            str(index_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port()),
        ],
        cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    _assert_one_line_naming(result.stderr, named)
    assert "Uvicorn running" not in result.stderr
