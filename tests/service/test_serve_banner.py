"""What `reportqa serve` tells the person who started it, and the log format it picks."""

from __future__ import annotations

from typing import Any

import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service import cli
from service.api.logs import log_config
from service.settings import Settings


def test_serve_prints_where_to_go(
    tiny_index: BuildSummary,
    fake_embedder: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    monkeypatch.setattr("service.qa.encoder.settings_embedder", lambda settings: fake_embedder)
    started: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.update(kwargs))
    code = cli.main(["serve", "--index", str(tiny_index.index_dir), "--port", "8765"])
    assert code == 0 and started["host"] == "127.0.0.1" and started["port"] == 8765
    lines = capsys.readouterr().err.splitlines()
    version = tiny_index.manifest.index_version
    assert f"reportqa: serving index {version}: {tiny_index.documents} documents" in lines
    assert "  demo page and chat widget  http://127.0.0.1:8765/" in lines
    assert "  API docs                   http://127.0.0.1:8765/docs" in lines
    assert "  OpenAI-compatible API      http://127.0.0.1:8765/v1" in lines


@pytest.mark.parametrize(("tty", "expected"), [(True, "format"), (False, "()")])
def test_auto_log_format_is_text_on_a_terminal_and_json_otherwise(
    monkeypatch: pytest.MonkeyPatch, tty: bool, expected: str
) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: tty)
    formatter = log_config(Settings(log_format="auto"))["formatters"]["default"]
    assert expected in formatter
    assert "()" in log_config(Settings(log_format="json"))["formatters"]["default"]
