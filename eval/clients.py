"""The systems under evaluation, behind one small protocol.

`EngineClient` calls the engine in-process, `HttpClient` goes through the public HTTP
API only (as an outside evaluation script would), and `BaselineClient` wraps the
plain LangChain pipeline. All three hand the harness the same plain records.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from eval.datasets import IndexedDocument

if TYPE_CHECKING:
    import httpx

    from eval.baseline import LangChainBaseline
    from service.qa import QAEngine


@dataclass(frozen=True)
class RetrievedPassage:
    """A retrieved or cited passage: `text == document.text[start:end]`."""

    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Prediction:
    answer: str | None
    answered: bool
    confidence: float
    citations: list[RetrievedPassage]
    latency_ms: float  # wall time of the request as the caller sees it
    short_answer: str | None = None  # the asked-for fact inside the answer, if the system gives one
    tentative: bool = False  # shown as a possible answer to check, if the system marks any
    # Other councils whose reports answer it differently, if the system names any.
    also_answered_for: tuple[str, ...] = ()


class QAClient(Protocol):
    name: str

    def documents(self) -> list[IndexedDocument]:
        """Every indexed document with the cleaned text offsets point into."""
        ...

    def ask(self, question: str, top_k: int, history: Sequence[tuple[str, str]] = ()) -> Prediction:
        """Answer `question`; `history` holds earlier (role, content) turns, oldest first."""
        ...

    def search(self, query: str, k: int) -> list[RetrievedPassage]:
        """Ranked passages, best first (retrieval only)."""
        ...

    def describe(self) -> dict[str, str]:
        """What was evaluated: index version, URL, model..."""
        ...


class EngineClient:
    """The engine in this process (no HTTP)."""

    name = "reportqa"

    def __init__(self, engine: QAEngine) -> None:
        self.engine = engine

    def documents(self) -> list[IndexedDocument]:
        return [IndexedDocument(d.doc_id, d.path, d.text) for d in self.engine.stored_documents()]

    def ask(self, question: str, top_k: int, history: Sequence[tuple[str, str]] = ()) -> Prediction:
        from service.qa import AskRequest

        started = time.perf_counter()
        turns = [{"role": role, "content": content} for role, content in history]
        response = self.engine.ask(
            AskRequest.model_validate({"question": question, "top_k": top_k, "history": turns})
        )
        latency = (time.perf_counter() - started) * 1000
        return Prediction(
            answer=response.answer,
            answered=response.answered,
            confidence=response.confidence,
            citations=[
                RetrievedPassage(c.doc_id, c.start, c.end, c.text) for c in response.citations
            ],
            latency_ms=latency,
            short_answer=response.short_answer.text if response.short_answer else None,
            tentative=response.tentative,
            also_answered_for=tuple(
                response.constraints.also_answered_for if response.constraints else ()
            ),
        )

    def search(self, query: str, k: int) -> list[RetrievedPassage]:
        hits = self.engine.search(query, k).hits
        return [RetrievedPassage(h.doc_id, h.start, h.end, h.text) for h in hits]

    def describe(self) -> dict[str, str]:
        return {
            "client": "in-process",
            "index_version": self.engine.index_version,
            "model": self.engine.manifest.model,
            "search_mode": self.engine.settings.search_mode,
        }


class HttpClient:
    """A running reportqa server, through its public HTTP API only."""

    name = "reportqa"

    def __init__(
        self, base_url: str, api_key: str | None = None, timeout: float = 60.0, retries: int = 5
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http: httpx.Client = httpx.Client(
            base_url=self.base_url, timeout=timeout, headers=headers
        )
        self.retries = retries

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a 429 is retried after its Retry-After, as a polite client would."""
        for _ in range(self.retries):
            response = self._http.request(method, path, **kwargs)
            if response.status_code != 429:
                break
            time.sleep(min(float(response.headers.get("retry-after", "1") or 1), 30.0))
        response.raise_for_status()
        return response

    def _get(self, path: str, **params: str | int) -> httpx.Response:
        return self._send("GET", path, params=params or None)

    def documents(self) -> list[IndexedDocument]:
        summaries = self._get("/documents").json()
        docs = []
        for summary in summaries:
            full = self._get(f"/documents/{summary['doc_id']}").json()
            docs.append(IndexedDocument(full["doc_id"], full["path"], full["text"]))
        return docs

    def ask(self, question: str, top_k: int, history: Sequence[tuple[str, str]] = ()) -> Prediction:
        started = time.perf_counter()
        turns = [{"role": role, "content": content} for role, content in history]
        body = {"question": question, "top_k": top_k, "history": turns}
        response = self._send("POST", "/ask", json=body)
        latency = (time.perf_counter() - started) * 1000
        body = response.json()
        return Prediction(
            answer=body["answer"],
            answered=bool(body["answered"]),
            confidence=float(body["confidence"]),
            citations=[
                RetrievedPassage(c["doc_id"], c["start"], c["end"], c["text"])
                for c in body["citations"]
            ],
            latency_ms=latency,
            short_answer=(body.get("short_answer") or {}).get("text"),
            tentative=bool(body.get("tentative", False)),
            also_answered_for=tuple((body.get("constraints") or {}).get("also_answered_for") or ()),
        )

    def search(self, query: str, k: int) -> list[RetrievedPassage]:
        hits = self._get("/search", q=query, k=k).json()["hits"]
        return [RetrievedPassage(h["doc_id"], h["start"], h["end"], h["text"]) for h in hits]

    def describe(self) -> dict[str, str]:
        health = self._get("/health").json()
        return {
            "client": "http",
            "url": self.base_url,
            "index_version": str(health.get("index_version")),
            "model": str(health.get("model")),
        }

    def close(self) -> None:
        self._http.close()


class BaselineClient:
    """The plain LangChain + FAISS pipeline: top passage as the answer, never abstains."""

    name = "langchain-baseline"

    def __init__(self, baseline: LangChainBaseline, documents: list[IndexedDocument]) -> None:
        self.baseline = baseline
        self._documents = documents
        self._ids = {d.path: d.doc_id for d in documents}

    def documents(self) -> list[IndexedDocument]:
        return self._documents

    def _passages(self, query: str, k: int) -> list[RetrievedPassage]:
        return [
            RetrievedPassage(self._ids[h.doc_path], h.start, h.end, h.text)
            for h in self.baseline.search(query, k)
        ]

    def ask(self, question: str, top_k: int, history: Sequence[tuple[str, str]] = ()) -> Prediction:
        # A plain retrieval pipeline has no conversation: earlier user turns join the query.
        earlier = " ".join(content for role, content in history if role == "user")
        started = time.perf_counter()
        hits = self.baseline.search(f"{earlier} {question}".strip(), top_k)
        latency = (time.perf_counter() - started) * 1000
        return Prediction(
            answer=hits[0].text if hits else None,
            answered=bool(hits),
            confidence=max(0.0, min(1.0, hits[0].score)) if hits else 0.0,
            citations=[
                RetrievedPassage(self._ids[h.doc_path], h.start, h.end, h.text) for h in hits
            ],
            latency_ms=latency,
        )

    def search(self, query: str, k: int) -> list[RetrievedPassage]:
        return self._passages(query, k)

    def describe(self) -> dict[str, str]:
        from eval.baseline import CHUNK_OVERLAP, CHUNK_SIZE

        return {
            "client": "in-process",
            "pipeline": f"RecursiveCharacterTextSplitter {CHUNK_SIZE}/{CHUNK_OVERLAP}, "
            "HuggingFaceEmbeddings, FAISS.similarity_search",
            "chunks": str(self.baseline.chunks),
        }
