"""Settings: env names and defaults, descriptions, the corpus section and the README table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from corpus.config import CorpusConfig, CorpusTunables
from service.settings import Settings
from service.settings_doc import (
    END_MARKER,
    REGENERATE,
    SECTIONS,
    START_MARKER,
    env_name,
    main,
    replace_table,
    settings_markdown,
)

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def _no_reportqa_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults are checked against a clean environment."""
    for name in list(os.environ):
        if name.upper().startswith("REPORTQA_"):
            monkeypatch.delenv(name)


def test_readme_settings_table_is_current() -> None:
    readme = README.read_text(encoding="utf-8")
    assert START_MARKER in readme and END_MARKER in readme, "README.md lost its table markers"
    current = readme.split(START_MARKER)[1].split(END_MARKER)[0].strip()
    assert current == settings_markdown().strip(), (
        f"README.md's settings table is stale: run `{REGENERATE}`"
    )


def test_check_command_reports_a_stale_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{START_MARKER}\nold\n{END_MARKER}\n\nafter\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    written = stale.read_text(encoding="utf-8")
    assert written.startswith(f"# x\n\n{START_MARKER}\n") and written.endswith(
        f"{END_MARKER}\n\nafter\n"
    )
    assert "`REPORTQA_PORT`" in written


def test_replace_table_needs_both_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_table("no markers here", "table")


def test_every_field_has_a_description_and_one_section() -> None:
    undocumented = [
        n for n, f in Settings.model_fields.items() if not (f.description or "").strip()
    ]
    assert undocumented == []
    in_sections = [name for _, section in SECTIONS for name in section.model_fields]
    assert sorted(in_sections) == sorted(Settings.model_fields)
    for name in CorpusConfig.model_fields:
        assert CorpusConfig.model_fields[name].description, name


@pytest.mark.parametrize(
    ("field", "env", "default"),
    [
        ("index_dir", "REPORTQA_INDEX_DIR", Path("var/index")),
        ("manifest_path", "REPORTQA_MANIFEST_PATH", None),
        ("port", "REPORTQA_PORT", 8000),
        ("default_top_k", "REPORTQA_DEFAULT_TOP_K", 5),
        ("search_mode", "REPORTQA_SEARCH_MODE", "hybrid"),
        ("abstain_below", "REPORTQA_ABSTAIN_BELOW", None),
        ("max_file_bytes", "REPORTQA_MAX_FILE_BYTES", 20 * 1024 * 1024),
        ("near_duplicate_threshold", "REPORTQA_NEAR_DUPLICATE_THRESHOLD", 0.8),
        ("extra_boilerplate_patterns", "REPORTQA_EXTRA_BOILERPLATE_PATTERNS", ()),
        ("llm_timeout_s", "REPORTQA_LLM_TIMEOUT_S", 10.0),
        ("cors_origins", "REPORTQA_CORS_ORIGINS", []),
        ("encoder_backend", "REPORTQA_ENCODER_BACKEND", "onnx"),
        ("hnsw_ef_search", "REPORTQA_HNSW_EF_SEARCH", 0),
        ("max_body_bytes", "REPORTQA_MAX_BODY_BYTES", 256 * 1024),
        ("log_format", "REPORTQA_LOG_FORMAT", "auto"),
    ],
)
def test_env_names_and_defaults_are_unchanged(field: str, env: str, default: object) -> None:
    assert env_name(Settings, field) == env
    assert getattr(Settings(), field) == default


@pytest.mark.parametrize(
    ("env", "raw", "field", "value"),
    [
        ("REPORTQA_PORT", "9001", "port", 9001),
        ("REPORTQA_SEARCH_MODE", "lexical", "search_mode", "lexical"),
        ("REPORTQA_SHINGLE_WORDS", "7", "shingle_words", 7),
        (
            "REPORTQA_EXTRA_BOILERPLATE_PATTERNS",
            '["^most read$"]',
            "extra_boilerplate_patterns",
            ("^most read$",),
        ),
        (
            "REPORTQA_CORS_ORIGINS",
            "https://a.example/, https://b.example",
            "cors_origins",
            ["https://a.example", "https://b.example"],
        ),
        ("REPORTQA_LOG_LEVEL", "debug", "log_level", "debug"),
    ],
)
def test_fields_are_read_from_their_environment_variables(
    monkeypatch: pytest.MonkeyPatch, env: str, raw: str, field: str, value: object
) -> None:
    monkeypatch.setenv(env, raw)
    assert getattr(Settings(), field) == value


def test_removed_max_top_k_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTQA_MAX_TOP_K", "20")
    assert "max_top_k" not in Settings.model_fields
    Settings()  # extra="ignore": an old environment still starts


def test_corpus_config_round_trips() -> None:
    assert Settings().corpus_config() == CorpusConfig()
    changes: dict[str, Any] = {
        "max_file_bytes": 1000,
        "extract_timeout_seconds": 30.0,
        "extract_memory_mb": 512,
        "max_unpacked_bytes": 10_000_000,
        "max_pdf_pages": 100,
        "uncurl_quotes": False,
        "boilerplate_max_words": 8,
        "extra_boilerplate_patterns": ("^most read$", r"^\d+ comments$"),
        "source_repeat_min_docs": 0,
        "min_repeat_chars": 30,
        "near_duplicate_threshold": 0.9,
        "shingle_words": 4,
        "minhash_permutations": 64,
        "near_duplicate_same_words": False,
    }
    assert set(changes) == set(CorpusTunables.model_fields)
    config = Settings(**changes).corpus_config()
    assert config == CorpusConfig(**changes)
    assert {name: getattr(config, name) for name in changes} == changes
    assert hash(config) == hash(CorpusConfig(**changes))
    # The built-in rule sets are not settings.
    assert config.boilerplate_patterns == CorpusConfig().boilerplate_patterns
    updated = Settings().model_copy(update={"extra_boilerplate_patterns": ["^x$"]})
    assert updated.corpus_config().extra_boilerplate_patterns == ("^x$",)


def test_corpus_config_is_frozen_strict_and_validated() -> None:
    config = CorpusConfig()
    with pytest.raises(ValidationError):
        config.shingle_words = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        CorpusConfig(shingle_wrods=3)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="invalid regex"):
        CorpusConfig(extra_boilerplate_patterns=("(unclosed",))
    with pytest.raises(ValidationError):
        Settings(minhash_permutations=8)
