"""All configuration in one validated place (environment prefix REPORTQA_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SearchMode = Literal["hybrid", "dense", "lexical"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    index_dir: Path = Field(Path("var/index"), description="Live index location (a symlink).")
    documents_dir: Path = Field(Path("corpus/documents"), description="Report files to index.")
    manifest_path: Path | None = Field(
        None, description="Metadata manifest; default beside documents_dir."
    )
    model_path: Path | None = Field(
        None, description="sentence-transformers model directory; default: the bundled MiniLM."
    )

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    default_top_k: int = Field(5, ge=1, le=50)
    max_top_k: int = Field(50, ge=1, le=200)
    # How deep each retriever looks before fusion and the cut to top_k.
    candidate_depth: int = Field(50, ge=1, le=1000)
    search_mode: SearchMode = "hybrid"
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.0, ge=0)
    # Passages whose sentences compete to be the answer.
    answer_passages: int = Field(3, ge=1, le=20)
    # Below this confidence the service abstains (answer null, passages still shown).
    abstain_below: float = Field(0.35, ge=0, le=1)

    # --- corpus: cleaning and deduplication (issue 3) ---

    # --- retrieval and answers (issue 4) ---

    # --- evaluation (issue 5) ---

    # --- chat widget and streaming (issue 6) ---
    # Origins whose pages may call the API from a browser (the embedded widget), e.g.
    # "https://intranet.example.org,https://wiki.example.org" or "*". Empty: CORS off.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Words per `answer` event of the streamed answer (POST /ask/stream).
    stream_words_per_event: int = Field(3, ge=1, le=1000)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    # --- performance (issue 7) ---

    # --- hardening: access, limits, observability (issue 8) ---
    # API keys are optional; with none configured the query routes are open and the
    # admin routes (reload, ingestion) are refused.
    api_keys: SecretStr | None = Field(
        None, description='Comma-separated keys, each "KEY" (query scope) or "KEY:admin+query".'
    )
    api_keys_file: Path | None = Field(
        None, description="JSON file of named keys (or their SHA-256) with scopes and rate limits."
    )
    rate_limit: str | None = Field(
        None, description='Per key (or client address) limit in `limits` notation, "60/minute".'
    )
    rate_limit_storage: str = Field(
        "memory://", description="`limits` storage URI; memory is per process."
    )
    max_body_bytes: int = Field(256 * 1024, ge=1024, description="Largest JSON request body.")
    max_upload_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, description="Largest document accepted by POST /documents."
    )
    content_security_policy: str = Field(
        # Inline styles are allowed (the demo and document pages have a <style> block);
        # scripts only from this origin.
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        description="Content-Security-Policy sent with HTML pages (the demo page).",
    )
    log_format: Literal["json", "text"] = "json"
    reload_on_sighup: bool = Field(True, description="SIGHUP reloads the index in place.")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` or override."""
    return Settings()
