"""All configuration in one validated place (environment prefix REPORTQA_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
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
    # onnx: the bundled model exported to ONNX once (into onnx_dir) and run by onnxruntime;
    # same vectors as torch (cosine >= 0.999) and ~3x faster per query (docs/benchmarks.md).
    encoder_backend: Literal["torch", "onnx"] = "onnx"
    onnx_optimize: bool = Field(True, description="Apply onnxruntime's BERT fusions (O2).")
    onnx_dir: Path | None = Field(
        None, description="Exported models; default <index_dir>/../models."
    )
    encoder_threads: int = Field(0, ge=0, le=64, description="0: min(2, cores).")
    embedding_cache_dir: Path | None = Field(
        None, description="Persistent embedding cache; default <index_dir>.cache."
    )
    # In-memory text -> vector LRU for queries and answer sentences.
    sentence_cache_size: int = Field(50_000, ge=0)
    # Also keep texts first seen at query time (questions, sentences beyond the warm set).
    cache_query_texts: bool = True
    # Corpus sentences encoded (or read from the embedding cache) at start-up, so the
    # answer stage never encodes them per request. 0 disables the warm-up.
    warm_sentences: int = Field(20_000, ge=0)
    ask_cache_size: int = Field(256, ge=0, description="Repeated questions; 0 disables.")
    dense_threads: int = Field(1, ge=1, le=64, description="FAISS threads per query.")
    # HNSW beam width: recall@10 against exact search versus time (docs/benchmarks.md).
    hnsw_ef_search: int = Field(256, ge=1, le=4096)
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes.")

    # --- hardening: access, limits, observability (issue 8) ---


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` or override."""
    return Settings()
