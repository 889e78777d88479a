"""OpenAI-compatible chat: POST /v1/chat/completions and GET /v1/models.

Chat clients built on the OpenAI API (the `openai` SDK, Open WebUI, LibreChat, PrivateGPT)
talk to reportqa as if it were a model called `reportqa`:
  - the last `user` message is the question and the user and assistant turns before it
    are the history of `POST /ask`; `system` and `developer` messages are ignored;
  - the reply is the answer (or a sentence saying none was found) followed by its
    numbered sources with links, and the whole `/ask` response in a `reportqa` field;
  - `stream: true` sends `chat.completion.chunk` events and `data: [DONE]`;
  - errors carry the service's `detail` and OpenAI's `error` object in one body.
"""

from __future__ import annotations

import inspect
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
)

from index.errors import ReportIndexError
from service.api.deps import EngineDep, StateDep
from service.api.metrics import record_timings
from service.api.openai_format import (
    MODEL_ID,
    AssistantReply,
    ChatCompletion,
    ChatCompletionChunk,
    ChatRequest,
    Choice,
    ChunkChoice,
    Delta,
    Model,
    ModelList,
    ask_request,
    lead_text,
    reply_text,
)
from service.api.responses import json_response
from service.api.routes.ask import answer_pieces
from service.errors import ServiceError
from service.qa.contract import AskResponse


class OpenAIError(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    detail: str = Field(..., description="What was wrong, as every route of the service says.")
    error: OpenAIError = Field(..., description="The same, as the OpenAI API says it.")


def _error(status: int, body: dict[str, Any], param: str | None, code: str | None) -> Response:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    error = OpenAIError(message=str(body["detail"]), type=kind, param=param, code=code)
    return JSONResponse({**body, "error": error.model_dump()}, status_code=status)


def _param(exc: Exception) -> str | None:
    if not isinstance(exc, RequestValidationError) or not exc.errors():
        return None
    return ".".join(str(p) for p in exc.errors()[0].get("loc", ()) if p != "body") or None


async def _service_answer(request: Request, exc: Exception) -> Response:
    """What the app's own handler (service.api.errors) answers to `exc`."""
    handlers = request.app.exception_handlers
    handler = next(handlers[c] for c in type(exc).__mro__ if c in handlers)
    answer = handler(request, exc)
    response: Response = await answer if inspect.isawaitable(answer) else answer
    return response


class OpenAIErrorRoute(APIRoute):
    """A route whose errors also carry OpenAI's `error` object, which OpenAI clients show."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_with_openai_errors(request: Request) -> Response:
            try:
                return await handle(request)
            except (RequestValidationError, ServiceError, ReportIndexError) as exc:
                answer = await _service_answer(request, exc)
                return _error(answer.status_code, json.loads(bytes(answer.body)), _param(exc), None)

        return handle_with_openai_errors


def _model_not_found(model: str) -> Response:
    detail = f"the model {model!r} does not exist: this service offers {MODEL_ID!r}"
    return _error(404, {"detail": detail}, "model", "model_not_found")


# --- routes --------------------------------------------------------------------------------

router = APIRouter(route_class=OpenAIErrorRoute, tags=["OpenAI-compatible"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such model (OpenAI's `model_not_found`)"},
    422: {"model": ErrorBody, "description": "Malformed request; `detail` names each problem"},
}
_STREAM = {
    "description": "`stream: false`: a chat.completion; `stream: true`: chat.completion.chunk "
    "events, then `data: [DONE]`.",
    "content": {
        "text/event-stream": {
            "itemSchema": {"type": "object", "properties": {"data": {"type": "string"}}}
        }
    },
}


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _chunk(
    reply_id: str, answer: AskResponse, delta: Delta, finish_reason: Literal["stop"] | None = None
) -> str:
    chunk = ChatCompletionChunk(
        id=reply_id,
        created=int(time.time()),
        system_fingerprint=answer.index_version,
        choices=[ChunkChoice(delta=delta, finish_reason=finish_reason)],
        # The last chunk carries the /ask response, for clients that know reportqa.
        reportqa=answer if finish_reason else None,
    )
    return f"data: {chunk.model_dump_json()}\n\n"


async def _stream(answer: AskResponse, text: str, words: int) -> AsyncIterator[str]:
    """The role, the answer a few words at a time, the sources, the finish, [DONE]."""
    reply_id = f"chatcmpl-{uuid.uuid4().hex}"
    yield _chunk(reply_id, answer, delta=Delta(role="assistant", content=""))
    lead = lead_text(answer)
    pieces = [*answer_pieces(lead, words), text[len(lead) :]]
    for piece in filter(None, pieces):
        yield _chunk(reply_id, answer, delta=Delta(content=piece))
    yield _chunk(reply_id, answer, delta=Delta(), finish_reason="stop")
    yield "data: [DONE]\n\n"


@router.post(
    "/v1/chat/completions",
    response_model=ChatCompletion,
    responses={200: _STREAM, **_ERRORS},
    summary="Answer the last user message, as OpenAI's chat completions API",
)
async def chat_completions(
    chat: ChatRequest, request: Request, engine: EngineDep, state: StateDep
) -> Response:
    if chat.model != MODEL_ID:
        return _model_not_found(chat.model)
    try:
        asked = await run_in_threadpool(ask_request, chat)  # off the event loop
    except ValidationError as exc:  # what /ask would refuse: a 422 like any bad body
        raise RequestValidationError(exc.errors()) from exc
    # Answering is CPU-bound: the thread pool, as for /ask. It runs before any byte is
    # sent, so a failure is a JSON error even when streaming.
    answer = state.links.add_to(await run_in_threadpool(engine.ask, asked))
    record_timings("chat", answer.timing_ms)
    text = reply_text(answer, _base_url(request))
    if chat.stream:
        events = _stream(answer, text, engine.settings.stream_words_per_event)
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)
    completion = ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        system_fingerprint=answer.index_version,
        choices=[Choice(message=AssistantReply(content=text))],
        reportqa=answer,
    )
    return json_response(completion)


def _built(built_at: str) -> int:
    try:
        return int(datetime.fromisoformat(built_at).timestamp())
    except ValueError:
        return 0


@router.get("/v1/models", response_model=ModelList, summary="The one model: reportqa")
async def list_models(engine: EngineDep) -> ModelList:
    return ModelList(data=[Model(created=_built(engine.manifest.built_at))])
