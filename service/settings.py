"""All configuration in one validated place (environment prefix REPORTQA_)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.config import CorpusConfig

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
    answer_passages: int = Field(5, ge=1, le=20)
    # Below this confidence the service abstains (answer null, passages still shown).
    # Unset: the operating point stored with the fitted answer model
    # (service/qa/answer_weights.json, chosen on held-out confidences by
    # `reportqa eval fit-answer`).
    abstain_below: float | None = Field(None, ge=0, le=1)

    # --- corpus: cleaning and deduplication (issue 3) ---
    # Defaults and meanings: corpus/config.py (CorpusConfig).
    max_file_bytes: int = Field(
        CorpusConfig.max_file_bytes, ge=1, description="Larger files are skipped with a warning."
    )
    uncurl_quotes: bool = Field(CorpusConfig.uncurl_quotes, description="Curly -> straight quotes.")
    boilerplate_max_words: int = Field(CorpusConfig.boilerplate_max_words, ge=1)
    extra_boilerplate_patterns: list[str] = Field(
        default_factory=list,
        description="More regexes of navigation/advert lines, added to the built-in rules.",
    )
    source_repeat_min_docs: int = Field(
        CorpusConfig.source_repeat_min_docs,
        ge=0,
        description="Lines in this many documents of one source are furniture (0: off).",
    )
    min_repeat_chars: int = Field(CorpusConfig.min_repeat_chars, ge=1)
    near_duplicate_threshold: float = Field(
        CorpusConfig.near_duplicate_threshold,
        gt=0,
        le=1,
        description="Word-shingle Jaccard at which chunks of two documents are one passage.",
    )
    shingle_words: int = Field(CorpusConfig.shingle_words, ge=1, le=20)
    minhash_permutations: int = Field(CorpusConfig.minhash_permutations, ge=16, le=1024)
    near_duplicate_same_words: bool = Field(
        CorpusConfig.near_duplicate_same_words,
        description="Drop a near-duplicate chunk only if all its sentences occur elsewhere.",
    )

    @field_validator("extra_boilerplate_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc
        return patterns

    def corpus_config(self) -> CorpusConfig:
        """The corpus-stage rules these settings describe."""
        return CorpusConfig(
            max_file_bytes=self.max_file_bytes,
            uncurl_quotes=self.uncurl_quotes,
            boilerplate_max_words=self.boilerplate_max_words,
            extra_boilerplate_patterns=tuple(self.extra_boilerplate_patterns),
            source_repeat_min_docs=self.source_repeat_min_docs,
            min_repeat_chars=self.min_repeat_chars,
            near_duplicate_threshold=self.near_duplicate_threshold,
            shingle_words=self.shingle_words,
            minhash_permutations=self.minhash_permutations,
            near_duplicate_same_words=self.near_duplicate_same_words,
        )

    # --- retrieval and answers (issue 4) ---
    # For "current/latest" questions: weight of the evidence date against relevance
    # (relevance is the fused score relative to the best hit, in [0, 1]).
    recency_weight: float = Field(0.15, ge=0, le=1)
    # Optional generator: an OpenAI-compatible chat-completions URL; unset = off.
    llm_url: str | None = Field(None, description="e.g. http://127.0.0.1:8080/v1/chat/completions")
    llm_model: str = "default"
    llm_api_key: str | None = Field(None, description="Sent as a bearer token when set.")
    llm_timeout_s: float = Field(10.0, gt=0, le=120)
    llm_passages: int = Field(3, ge=1, le=10)
    # A generated sentence is kept only if this share of its content words occurs in
    # the passage it cites.
    llm_support_min: float = Field(0.6, ge=0, le=1)

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
    # 0: by index size (256 up to 200k vectors, 1024 above; see index/dense.py).
    hnsw_ef_search: int = Field(0, ge=0, le=4096)
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes.")

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
