"""The OpenAI chat wire format, and its translation to and from `POST /ask`.

Request and response models of `/v1/chat/completions` and `/v1/models` as the OpenAI
API defines them (the `openai` SDK's types are the reference), and the two
translations: chat messages -> an `AskRequest` (the last user message is the question,
earlier user and assistant turns the history), and an `AskResponse` -> the reply text
(the answer, then numbered sources with links). The routes are
`service.api.routes.openai_chat`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from annotated_types import MaxLen
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

from service.qa.contract import AskRequest, AskResponse, Citation, NotBlankStr, Turn
from service.qa.subjects import NOTE_OPENINGS, describe_other_subjects

MODEL_ID = "reportqa"
NO_ANSWER = "No answer was found in the reports."
POSSIBLE_ANSWER = "Possible answer – check the sources:"
SOURCES = "Sources:"
RELATED = "Related passages:"
# Where the note naming other councils starts in a reply (after a blank line).
_NOTE_OPENING = "|".join(re.escape(opening) for opening in NOTE_OPENINGS)
_OTHER_SUBJECTS_NOTE = re.compile(rf"\r?\n[ \t\r]*\n[ \t\r\n]*(?:{_NOTE_OPENING})")


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
    # "no answer was found" names no topic at all, and the possible-answer mark none.
    # Only the head can become a turn; `[ \t]*`, not `\s*`, so a run of newlines
    # cannot make the split quadratic.
    head = message.text[: 2 * MAX_TURN_CHARS + 200]
    spoken = re.split(rf"\n[ \t]*(?:{SOURCES}|{RELATED})[ \t]*\n", head, maxsplit=1)[0]
    if spoken.strip().startswith(NO_ANSWER):
        return None
    spoken = spoken.strip().removeprefix(POSSIBLE_ANSWER)
    # Nor the other councils' names after it: they would steer the follow-up to them.
    spoken = _OTHER_SUBJECTS_NOTE.split(spoken, maxsplit=1)[0]
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
    """The first part of the reply: the answer (marked as a possible one when the service
    is unsure of it, followed by the other councils whose reports answer it differently),
    or a sentence saying there is none."""
    if response.answered and response.answer:
        lead = f"{POSSIBLE_ANSWER} {response.answer}" if response.tentative else response.answer
        constraints = response.constraints
        if constraints is not None and constraints.also_answered_for:
            note = describe_other_subjects(constraints.subject, constraints.also_answered_for)
            lead = f"{lead}\n\n{note}"
        return lead
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
