"""POST /ask (the answer as JSON) and POST /ask/stream (the same, as server-sent events).

The stream's events, in order (each `data` is JSON):
  - `citations`: `{"citations": [...]}` as soon as retrieval is done (no highlight yet);
  - `answer`: `{"text": "..."}` pieces of the answer, which concatenate to it exactly
    (none when the service abstains);
  - `done`: the complete `AskResponse`, the same body `POST /ask` returns (final
    citations with highlights, `timing_ms`, `index_version`);
  - `error`: `{"detail": "..."}` when answering fails after the stream has started.
A request that is malformed is refused before streaming, with the same JSON 4xx as `/ask`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from index.errors import ReportIndexError
from service.api.deps import EngineDep, StateDep
from service.api.metrics import record_timings
from service.api.responses import json_response
from service.errors import ServiceError
from service.qa.contract import AskRequest, AskResponse, Citation

log = logging.getLogger(__name__)

STREAM_EVENTS = __doc__.split("\n", 2)[2] if __doc__ else ""

router = APIRouter()


class CitationsEvent(BaseModel):
    citations: list[Citation]


class AnswerPiece(BaseModel):
    text: str


class StreamError(BaseModel):
    detail: str


_WORD_BOUNDARY = re.compile(r"(?<=\s)(?=\S)")


def answer_pieces(text: str, words_per_piece: int) -> list[str]:
    """Split `text` into pieces of a few words each; `"".join(pieces) == text`."""
    words = [w for w in _WORD_BOUNDARY.split(text) if w]
    return ["".join(words[i : i + words_per_piece]) for i in range(0, len(words), words_per_piece)]


def _describe_failure(exc: Exception) -> str:
    if isinstance(exc, ServiceError):
        return str(exc)
    if isinstance(exc, ReportIndexError):
        return f"index unavailable: {exc}"
    return "internal error"


# /ask is a plain `def`: answering is CPU-bound (encoding), so FastAPI runs it in
# its thread pool and the event loop stays free for other requests.
@router.post("/ask", response_model=AskResponse, summary="Answer a question with citations")
def ask(request: AskRequest, engine: EngineDep, state: StateDep) -> Response:
    response = state.links.add_to(engine.ask(request))
    record_timings("ask", response.timing_ms)
    return json_response(response)


@router.post(
    "/ask/stream",
    response_class=EventSourceResponse,
    summary="Answer a question, streamed as server-sent events",
    description=STREAM_EVENTS,
)
async def ask_stream(
    request: AskRequest, engine: EngineDep, state: StateDep
) -> AsyncIterator[ServerSentEvent]:
    loop = asyncio.get_running_loop()
    # Settles with the citations once retrieval is done, or None if answering ended first.
    retrieved: asyncio.Future[list[Citation] | None] = loop.create_future()

    def settle(citations: list[Citation] | None) -> None:
        if not retrieved.done():
            retrieved.set_result(citations)

    def on_retrieved(citations: list[Citation]) -> None:
        # Called from the worker thread that runs the engine.
        loop.call_soon_threadsafe(settle, citations)

    # Answering is CPU-bound: it runs in the thread pool like the JSON route.
    job = asyncio.ensure_future(run_in_threadpool(engine.ask, request, on_retrieved))
    job.add_done_callback(lambda _: settle(None))
    citations = await retrieved
    if citations is not None:
        with_links = [state.links.citation(c) for c in citations]
        yield ServerSentEvent(event="citations", data=CitationsEvent(citations=with_links))
    try:
        response = await job
    except Exception as exc:
        log.exception("streamed answer failed")
        yield ServerSentEvent(event="error", data=StreamError(detail=_describe_failure(exc)))
        return
    if response.answer:
        for piece in answer_pieces(response.answer, engine.settings.stream_words_per_event):
            yield ServerSentEvent(event="answer", data=AnswerPiece(text=piece))
    yield ServerSentEvent(event="done", data=state.links.add_to(response))
