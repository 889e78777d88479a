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
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from index.errors import ReportIndexError
from service.api.deps import EngineDep, StateDep
from service.api.metrics import record_timings
from service.api.responses import json_response
from service.api.routes.ask import answer_pieces
from service.errors import ServiceError
from service.qa.contract import AskRequest, AskResponse, Citation, NotBlankStr, Turn

MODEL_ID = "reportqa"
NO_ANSWER = "No answer was found in the reports."
SOURCES = "Sources:"
RELATED = "Related passages:"


def _max_length(model: type[BaseModel], name: str) -> int:
    """The `max_length` the contract gives `model.name`, so the limits here cannot drift."""
    return next(m.max_length for m in model.model_fields[name].metadata if isinstance(m, MaxLen))


MAX_QUESTION_CHARS = _max_length(AskRequest, "question")
MAX_TURN_CHARS = _max_length(Turn, "content")
MAX_HISTORY_TURNS = _max_length(AskRequest, "history")


# --- the request ---------------------------------------------------------------------------


def _only_text_parts(value: object) -> object:
    # Said before the union is tried, so the answer names the part instead of listing
    # every way the content failed to be a string or a list of text parts.
    if isinstance(value, list):
        for number, part in enumerate(value):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind != "text":
                raise PydanticCustomError(
                    "content_part",
                    "content part {number} is of type {kind}: only text parts are "
                    "supported (reportqa answers from the reports' text)",
                    {"number": number, "kind": repr(kind)},
                )
    return value


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients add their own keys (cache hints, ...)
    type: Literal["text"]


class TextPart(_Part):
    text: str


class QuestionPart(_Part):
    text: Annotated[NotBlankStr, Field(max_length=MAX_QUESTION_CHARS)]


AnyText = Annotated[str | list[TextPart], BeforeValidator(_only_text_parts)]
# Every user message was the question once, so each one meets the question's limits.
QuestionText = Annotated[
    Annotated[NotBlankStr, Field(min_length=1, max_length=MAX_QUESTION_CHARS)]
    | Annotated[list[QuestionPart], Field(min_length=1)],
    BeforeValidator(_only_text_parts),
]


def _text(content: str | list[TextPart] | list[QuestionPart] | None) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    return "\n".join(part.text for part in content)


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")  # name, tool_calls, ...: nothing to answer from


class SystemMessage(_Message):
    role: Literal["system", "developer"]
    content: AnyText = Field(..., description="Ignored: the answers come from the reports.")


class UserMessage(_Message):
    role: Literal["user"]
    content: QuestionText = Field(
        ...,
        description=f"A string or text parts, together at most {MAX_QUESTION_CHARS} characters.",
    )

    @property
    def text(self) -> str:
        return _text(self.content)

    @model_validator(mode="after")
    def _parts_fit(self) -> UserMessage:
        if len(self.text) > MAX_QUESTION_CHARS:
            raise PydanticCustomError(
                "too_long",
                "the text parts together are longer than {limit} characters",
                {"limit": MAX_QUESTION_CHARS},
            )
        return self


class AssistantMessage(_Message):
    role: Literal["assistant"]
    content: AnyText | None = None

    @property
    def text(self) -> str:
        return _text(self.content)


Message = Annotated[SystemMessage | UserMessage | AssistantMessage, Field(discriminator="role")]
_HAS_USER: JsonDict = {
    "type": "object",
    "required": ["role"],
    "properties": {"role": {"const": "user"}},
}


class ChatRequest(BaseModel):
    """OpenAI's chat request. Every other field (temperature, top_p, max_tokens, stop, seed,
    tools, ...) is accepted and ignored: the answer is a sentence of a report, not sampled."""

    # Not validated either: a parameter that changes nothing must not fail a request, and
    # the OpenAI API keeps growing.
    model_config = ConfigDict(extra="ignore")

    model: str = Field(
        ...,
        description=f'"{MODEL_ID}", the model GET /v1/models lists; any other is a 404.',
        json_schema_extra={"enum": [MODEL_ID]},
    )
    messages: list[Message] = Field(
        ...,
        min_length=1,
        description="The last user message is the question; earlier user and assistant "
        f"messages are its history (the last {MAX_HISTORY_TURNS} turns are kept).",
        json_schema_extra={"contains": _HAS_USER},
    )
    stream: StrictBool | None = False
    n: int | None = Field(None, strict=True, ge=1, le=1, description="Only 1 is supported.")

    @field_validator("messages")
    @classmethod
    def _has_a_question(cls, messages: list[Message]) -> list[Message]:
        if not any(isinstance(m, UserMessage) for m in messages):
            raise PydanticCustomError(
                "no_user_message", "no user message: the last user message is the question"
            )
        return messages


def _history_turn(message: Message) -> Turn | None:
    """`message` as a history turn of /ask, or None when it carries nothing to resolve against."""
    if isinstance(message, SystemMessage):
        return None
    if isinstance(message, UserMessage):
        return Turn(role="user", content=message.text)
    # Our own earlier reply: its sources' titles would pull retrieval towards them,
    # and "no answer was found" names no topic at all.
    spoken = re.split(rf"\n\s*(?:{SOURCES}|{RELATED})\s*\n", message.text, maxsplit=1)[0]
    if spoken.strip().startswith(NO_ANSWER):
        return None
    try:
        return Turn(role="assistant", content=spoken.strip()[:MAX_TURN_CHARS])
    except ValidationError:  # blank (e.g. a tool call with no content)
        return None


def ask_request(chat: ChatRequest) -> AskRequest:
    """The /ask request a chat request means: its last user message and the turns before it."""
    last, question = [(i, m) for i, m in enumerate(chat.messages) if isinstance(m, UserMessage)][-1]
    turns = [t for t in map(_history_turn, chat.messages[:last]) if t is not None]
    # A long chat sends every turn; only the recent ones can hold a follow-up's topic.
    return AskRequest(question=question.text, history=turns[-MAX_HISTORY_TURNS:])


# --- the reply -----------------------------------------------------------------------------


def lead_text(response: AskResponse) -> str:
    """The first part of the reply: the answer, or a sentence saying there is none."""
    if response.answered and response.answer:
        return response.answer
    unmet = response.constraints.unmet if response.constraints else []
    reasons = " ".join(r if r.endswith(".") else f"{r}." for r in unmet)
    return f"{NO_ANSWER} {reasons}".strip()


def _source_line(citation: Citation, base_url: str) -> str:
    dated = f" ({citation.date})" if citation.date else ""
    link = f" – {base_url}{citation.view_url}" if citation.view_url else ""
    return f"[{citation.n}] {citation.title}{dated}{link}"


def reply_text(response: AskResponse, base_url: str) -> str:
    """The answer, then its numbered sources (the related passages when abstaining)."""
    lead = lead_text(response)
    if not response.citations:
        return lead
    heading = SOURCES if response.answered else RELATED
    return "\n".join([lead, "", heading, *(_source_line(c, base_url) for c in response.citations)])


class AssistantReply(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantReply
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


_REPORTQA = "The complete POST /ask response: citations, confidence, short answer, ..."


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    system_fingerprint: str = Field(..., description="The served index version.")
    choices: list[Choice]
    reportqa: AskResponse = Field(..., description=_REPORTQA)


def _drop_none(value: object) -> bool:
    return value is None


class Delta(BaseModel):
    role: Literal["assistant"] | None = Field(None, exclude_if=_drop_none)
    content: str | None = Field(None, exclude_if=_drop_none)


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    system_fingerprint: str
    choices: list[ChunkChoice]
    reportqa: AskResponse | None = Field(
        None, exclude_if=_drop_none, description=f"On the last chunk only. {_REPORTQA}"
    )


class Model(BaseModel):
    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = Field(..., description="When the served index was built (Unix time).")
    owned_by: str = "reportqa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


# --- errors --------------------------------------------------------------------------------


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
        asked = ask_request(chat)
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
