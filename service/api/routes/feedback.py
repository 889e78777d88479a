"""POST /feedback (query scope): a user's judgement of one answer; GET /admin/feedback lists them.

The body is checked strictly: no coercion (`"true"` is not a boolean, `"0.5"` not a
number), unknown fields refused, every text and list bounded. The record keeps the
caller's key name (never the key) and, when the client sends none, the index version
served at that moment. Storage: `service.ops.feedback`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)

from service.api.deps import FeedbackDep, StateDep
from service.ops.feedback import CitedSpan, Feedback, FeedbackRecord, HistoryTurn
from service.qa.contract import DocId, NotBlankStr

router = APIRouter()


def _encodable(text: str) -> str:
    # JSON may spell a lone surrogate (\ud800), which no UTF-8 file can hold.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from exc
    return text


def _integral(value: object) -> object:
    # 3.0 is the integer 3, as JSON Schema has it; strict mode alone would refuse it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Text = Annotated[str, AfterValidator(_encodable)]
Question = Annotated[NotBlankStr, AfterValidator(_encodable)]


class _Strict(BaseModel):
    # Strict: a client that sends "true" for true has a bug worth a 422, not a guess.
    model_config = ConfigDict(extra="forbid", strict=True)


class FeedbackCitation(_Strict):
    doc_id: DocId
    start: int = Field(..., ge=0, le=2**31, description="As in the answer's citation.")
    end: int = Field(..., ge=0, le=2**31)

    # Not checked against start: a schema cannot say "end >= start", and the span is only
    # kept for the reviewer, never used to slice a document.
    _integers = field_validator("start", "end", mode="before")(_integral)


class FeedbackTurn(_Strict):
    role: Literal["user", "assistant"]
    content: Question = Field(..., max_length=4000)


class FeedbackRequest(_Strict):
    question: Question = Field(..., max_length=2000, description="The question asked.")
    answer: Text | None = Field(
        ..., max_length=10_000, description='The answer shown; "" or null for an abstention.'
    )
    helpful: StrictBool
    correction: Question | None = Field(
        None, max_length=2000, description="What the answer should be, in the user's words."
    )
    citations: list[FeedbackCitation] = Field(
        default_factory=list, max_length=50, description="The passages the answer cited."
    )
    index_version: str | None = Field(
        None,
        pattern=r"^[\w.:+-]{1,100}$",
        description="The index that answered (`index_version` of the answer); unset: the "
        "one served now.",
    )
    history: list[FeedbackTurn] = Field(
        default_factory=list, max_length=20, description="The conversation before the question."
    )
    confidence: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="The answer's `confidence`."
    )

    def feedback(self, api_key_name: str | None, served_version: str | None) -> Feedback:
        return Feedback(
            question=self.question,
            answer=self.answer or "",
            helpful=self.helpful,
            correction=self.correction,
            citations=tuple(CitedSpan(c.doc_id, c.start, c.end) for c in self.citations),
            history=tuple(HistoryTurn(t.role, t.content) for t in self.history),
            index_version=self.index_version or served_version,
            confidence=self.confidence,
            api_key_name=api_key_name,
        )


class FeedbackCreated(BaseModel):
    id: int = Field(..., description="The stored feedback's id.")
    created_at: str
    index_version: str | None = Field(..., description="As stored: the client's or the served.")


class CitedPassage(BaseModel):
    doc_id: str
    start: int
    end: int


class HistoryItem(BaseModel):
    role: str
    content: str


class FeedbackItem(BaseModel):
    id: int
    created_at: str = Field(..., description="When it arrived (ISO 8601, UTC).")
    api_key_name: str | None = Field(..., description="The caller's key; null when keys are off.")
    question: str
    answer: str = Field(..., description='"" for an abstention.')
    helpful: bool
    correction: str | None
    citations: list[CitedPassage]
    history: list[HistoryItem]
    index_version: str | None
    confidence: float | None

    @classmethod
    def of(cls, record: FeedbackRecord) -> FeedbackItem:
        return cls(
            id=record.id,
            created_at=record.created_at,
            api_key_name=record.api_key_name,
            question=record.question,
            answer=record.answer,
            helpful=record.helpful,
            correction=record.correction,
            citations=[CitedPassage(**c.__dict__) for c in record.citations],
            history=[HistoryItem(**t.__dict__) for t in record.history],
            index_version=record.index_version,
            confidence=record.confidence,
        )


class FeedbackPage(BaseModel):
    total: int = Field(..., description="Feedback matching the filter, all pages together.")
    limit: int
    offset: int
    items: list[FeedbackItem] = Field(..., description="Newest first.")


# Plain `def`: SQLite blocks, so FastAPI runs these in its thread pool.
@router.post(
    "/feedback",
    response_model=FeedbackCreated,
    status_code=201,
    summary="Record whether an answer helped, and optionally what it should have been",
    responses={
        503: {"description": "Feedback store unwritable"},
        507: {"description": "Feedback store full (REPORTQA_FEEDBACK_MAX_ROWS)"},
    },
)
def post_feedback(
    body: FeedbackRequest, request: Request, store: FeedbackDep, state: StateDep
) -> FeedbackCreated:
    # Put there by the access middleware: the key's name, or None when keys are off.
    key_name = getattr(request.state, "api_key_name", None)
    served = state.engine.index_version if state.engine is not None else None
    record = store.add(body.feedback(key_name, served))
    return FeedbackCreated(
        id=record.id, created_at=record.created_at, index_version=record.index_version
    )


@router.get(
    "/admin/feedback",
    response_model=FeedbackPage,
    summary="Recent feedback, newest first, for reviewers",
    responses={503: {"description": "Feedback store unreadable"}},
    tags=["admin"],
)
def list_feedback(
    store: FeedbackDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip")] = 0,
    helpful: Annotated[
        bool | None, Query(description="Only the helpful (true) or unhelpful (false) ones")
    ] = None,
) -> FeedbackPage:
    items = [FeedbackItem.of(r) for r in store.recent(limit, offset, helpful)]
    return FeedbackPage(total=store.count(helpful), limit=limit, offset=offset, items=items)
