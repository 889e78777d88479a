"""All configuration in one validated place (environment prefix REPORTQA_).

`Settings` is flat: every field is the environment variable REPORTQA_<FIELD> and an
attribute `settings.<field>`. For reading, the fields are grouped into one model per
subsystem, which `Settings` inherits; the corpus section is `corpus.config.CorpusTunables`,
the one definition shared with the corpus stage. The settings table in README.md is
generated from these models: `python -m service.settings_doc --write README.md`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus.config import CorpusConfig, CorpusTunables

SearchMode = Literal["hybrid", "dense", "lexical"]


class PathSettings(BaseModel):
    """Where the index, the documents, the embedding model and the answer feedback are."""

    index_dir: Path = Field(
        Path("var/index"), description="Live index location (a symlink to the current build)."
    )
    documents_dir: Path = Field(Path("corpus/documents"), description="Report files to index.")
    manifest_path: Path | None = Field(
        None,
        description="Per-file metadata (title, date, kind, source); unset: manifest.json "
        "beside documents_dir (corpus/manifest.json).",
    )
    model_path: Path | None = Field(
        None,
        description="sentence-transformers model directory; unset: the bundled all-MiniLM-L6-v2.",
    )
    feedback_path: Path | None = Field(
        None,
        description="SQLite file of answer feedback (POST /feedback); unset: "
        "`<index_dir>.feedback.sqlite3` (var/index.feedback.sqlite3), beside the index and "
        "outside its builds, so it outlives rebuilds. The postgres backend keeps feedback "
        "in the database instead.",
    )
    feedback_max_rows: int = Field(
        100_000,
        ge=1,
        description="Feedback kept at most (about 25 MB of typical rows); further POST "
        "/feedback answers 507 until a reviewer exports and clears it.",
    )


class BackendSettings(BaseModel):
    """Where the index lives: build directories on this machine, or PostgreSQL + pgvector."""

    backend: Literal["files", "postgres"] = Field(
        "files",
        description="files: FAISS + bm25s + SQLite under index_dir (one machine); "
        "postgres: tables that every replica and worker share (docs/deployment.md).",
    )
    database_url: SecretStr | None = Field(
        None,
        description="PostgreSQL for the postgres backend, e.g. "
        "postgresql://reportqa@db/reportqa; builds and jobs are written here.",
    )
    database_read_url: SecretStr | None = Field(
        None, description="A standby that serves reads; unset: database_url."
    )
    live_build_poll_s: float = Field(
        2.0,
        gt=0,
        le=3600,
        description="How often each serving process checks for a newly published build "
        "(another replica's or worker's, or `reportqa index`'s) and swaps to it.",
    )


class ServerSettings(BaseModel):
    """The HTTP server started by `reportqa serve`."""

    host: str = Field("127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `serve` listens on.")
    workers: int = Field(
        1, ge=1, le=64, description="uvicorn worker processes (`serve --workers` overrides)."
    )
    reload_on_sighup: bool = Field(True, description="`kill -HUP` reloads the index in place.")
    max_connections: int = Field(
        200,
        ge=2,
        le=100_000,
        description="Per worker: once this many connections are open (idle keep-alive ones "
        "and the new one included) or requests in progress, a request is answered 503 "
        "(uvicorn's limit_concurrency).",
    )
    request_read_timeout_s: float = Field(
        15.0,
        gt=0,
        le=600,
        description="Seconds a client has to send a whole request, head and body, counted "
        "from the connection opening (first request) or the request's first byte (later "
        "ones); slower connections are closed (against slowloris clients).",
    )
    keep_alive_timeout_s: int = Field(
        5,
        ge=1,
        le=600,
        description="Seconds an idle keep-alive connection stays open; behind a reverse "
        "proxy, make it longer than the proxy's idle timeout.",
    )


class RetrievalSettings(BaseModel):
    """Search: how many passages, from which retrievers, fused how."""

    default_top_k: int = Field(
        5, ge=1, le=50, description="Passages (citations) per answer when a request names none."
    )
    candidate_depth: int = Field(
        50,
        ge=1,
        le=1000,
        description="How deep each retriever looks before fusion and the cut to top_k.",
    )
    search_mode: SearchMode = Field(
        "hybrid", description="Retrievers used when a request names none."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of the dense retriever in fusion.")
    lexical_weight: float = Field(
        1.0, ge=0, description="Weight of the lexical (BM25) retriever in fusion."
    )
    recency_weight: float = Field(
        0.15,
        ge=0,
        le=1,
        description='For "current/latest" questions: weight of the evidence date against '
        "relevance (the fused score relative to the best hit, in [0, 1]).",
    )


class AnswerSettings(BaseModel):
    """The extractive answer: which sentences compete, and when to abstain."""

    answer_passages: int = Field(
        5, ge=1, le=20, description="Passages whose sentences compete to be the answer."
    )
    phrase_pool: int = Field(
        20,
        ge=1,
        le=200,
        description="Fused passages re-ranked on the question's phrases before the answer "
        "passages are taken from the top.",
    )
    phrase_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Weight of the share of the question's word pairs a passage holds in "
        "order, against its relevance relative to the best hit (0: no re-ranking).",
    )
    abstain_below: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Confidence below which the service abstains (answer null, passages "
        "still shown); unset: the operating point stored with the fitted answer model "
        "(service/qa/answer_weights.json, chosen by `reportqa eval fit-answer`).",
    )


class GeneratorSettings(BaseModel):
    """The optional generated answer from an OpenAI-compatible chat-completions server."""

    llm_url: str | None = Field(
        None,
        description="Chat-completions URL, e.g. http://127.0.0.1:8080/v1/chat/completions; "
        "unset: no generated answer.",
    )
    llm_model: str = Field("default", description="Model name sent to the generator.")
    llm_api_key: str | None = Field(None, description="Sent as a bearer token when set.")
    llm_timeout_s: float = Field(
        10.0, gt=0, le=120, description="Seconds to wait for the generator."
    )
    llm_passages: int = Field(
        3, ge=1, le=10, description="Passages given to the generator as its evidence."
    )
    llm_support_min: float = Field(
        0.6,
        ge=0,
        le=1,
        description="A generated sentence is kept only if this share of its content words "
        "occurs in the passage it cites.",
    )


class WidgetSettings(BaseModel):
    """The embeddable chat widget and the streamed answer (POST /ask/stream)."""

    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins whose pages may call the API from a browser "
        '(the embedded widget), e.g. "https://intranet.example.org,https://wiki.example.org", '
        "or `*` for any; empty: CORS off.",
    )
    stream_words_per_event: int = Field(
        3, ge=1, le=1000, description="Words per `answer` event of the streamed answer."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value


class PerformanceSettings(BaseModel):
    """Query encoder, FAISS and caches (measurements: docs/benchmarks.md)."""

    encoder_backend: Literal["torch", "onnx"] = Field(
        "onnx",
        description="onnx: the model exported to ONNX once (into onnx_dir) and run by "
        "onnxruntime, same vectors as torch (cosine >= 0.999) and ~3x faster per query.",
    )
    onnx_optimize: bool = Field(True, description="Apply onnxruntime's BERT fusions (O2).")
    onnx_dir: Path | None = Field(
        None, description="Exported models; unset: `<index_dir>/../models` (var/models)."
    )
    encoder_threads: int = Field(0, ge=0, le=64, description="Encoder threads; 0: min(2, cores).")
    embedding_cache_dir: Path | None = Field(
        None,
        description="Persistent embedding cache (survives rebuilds); unset: `<index_dir>.cache`.",
    )
    sentence_cache_size: int = Field(
        50_000, ge=0, description="In-memory text -> vector LRU for queries and answer sentences."
    )
    cache_query_texts: bool = Field(
        True,
        description="Also keep texts first seen at query time (questions, sentences beyond "
        "the warm set) in that LRU; the benchmark turns it off.",
    )
    warm_sentences: int = Field(
        20_000,
        ge=0,
        description="Corpus sentences encoded (or read from the embedding cache) at start-up, "
        "so the answer stage never encodes them per request; 0: no warm-up.",
    )
    ask_cache_size: int = Field(
        256, ge=0, description="Whole responses to repeated questions; 0 disables."
    )
    build_processes: int = Field(
        0,
        ge=0,
        le=64,
        description="Processes that encode a build's new chunks when there are at least "
        "1,000 of them (one model and thread each); 0: one per core, 1: the serving encoder "
        "alone.",
    )
    dense_threads: int = Field(1, ge=1, le=64, description="FAISS threads per query.")
    hnsw_ef_search: int = Field(
        0,
        ge=0,
        le=4096,
        description="HNSW beam width (recall against time); 0: each backend's measured "
        "default: FAISS 256 up to 200k vectors and 1024 above (index/dense.py), pgvector "
        "100 (index/postgres/reader.py).",
    )


class AccessSettings(BaseModel):
    """Who may call the API, and how much: keys, rate limits, body sizes, CSP."""

    api_keys: SecretStr | None = Field(
        None,
        description='Comma-separated keys, each "KEY" (query scope) or "KEY:SCOPES" with '
        'scopes query, admin, metrics joined by "+" ("KEY:admin+query"); with no keys '
        "the query routes are open and the admin routes (reload, ingestion) refused.",
    )
    api_keys_file: Path | None = Field(
        None, description="JSON file of named keys (or their SHA-256) with scopes and rate limits."
    )
    link_secret: SecretStr | None = Field(
        None,
        description="Secret that signs citation links (view_url) when keys are on; set the "
        "same on every replica. Unset: a random one kept in `<index_dir>.link-secret`.",
    )
    rate_limit: str | None = Field(
        None,
        description='Per key (or client address) limit in `limits` notation, "60/minute"; '
        "unset: no limit.",
    )
    rate_limit_storage: str = Field(
        "memory://",
        description="`limits` storage URI; memory is per process. Left unset on the postgres "
        "backend, limits are counted in the database, once for all replicas.",
    )
    max_body_bytes: int = Field(
        256 * 1024, ge=1024, description="Largest JSON request body; larger is 413 unread."
    )
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


class ObservabilitySettings(BaseModel):
    """Logs (request ids and the Prometheus metrics at /metrics need no settings)."""

    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Least severe level logged, by the service and uvicorn."
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto",
        description="json: one object per line (for a log collector); text: for a person; "
        "auto: text when the log goes to a terminal, else json.",
    )


class Settings(
    PathSettings,
    BackendSettings,
    ServerSettings,
    RetrievalSettings,
    AnswerSettings,
    CorpusTunables,
    GeneratorSettings,
    WidgetSettings,
    PerformanceSettings,
    AccessSettings,
    ObservabilitySettings,
    BaseSettings,
):
    """Every setting; each section's fields are in the model it inherits."""

    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    def corpus_config(self) -> CorpusConfig:
        """The corpus-stage rules these settings describe."""
        return CorpusConfig.model_validate(
            {name: getattr(self, name) for name in CorpusTunables.model_fields}
        )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` or override."""
    return Settings()
