"""Request and response models of the HTTP API (the public contract)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from service.settings import SearchMode


class _Strict(BaseModel):
    # Unknown fields are a client mistake worth reporting, not silently ignoring.
    model_config = ConfigDict(extra="forbid")


def _iso_date_text(value: object) -> object:
    # Lax parsing would read 0 or "1700000000" as a Unix time; the contract is YYYY-MM-DD.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


class Filters(_Strict):
    doc_ids: list[str] | None = Field(None, max_length=100, description="Only these documents.")
    kinds: list[str] | None = Field(None, max_length=20, description='e.g. ["inspection letter"]')
    date_from: IsoDate | None = Field(None, description="Publication date on or after (inclusive).")
    date_to: IsoDate | None = Field(None, description="Publication date on or before (inclusive).")


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=4000)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain non-whitespace text")
    return value


class AskRequest(_Strict):
    question: str = Field(..., min_length=1, max_length=2000)
    top_k: int | None = Field(None, ge=1, le=50, description="Citations to return (default 5).")
    filters: Filters | None = None
    history: list[Turn] = Field(default_factory=list, max_length=20)
    mode: SearchMode | None = Field(None, description="hybrid (default), dense or lexical.")

    _question_not_blank = field_validator("question")(_not_blank)


class Highlight(BaseModel):
    start: int = Field(..., description="Offset of the answer inside the citation text.")
    end: int


class AlsoIn(BaseModel):
    doc_id: str
    title: str
    start: int
    end: int


class Citation(BaseModel):
    n: int = Field(..., description="1-based citation number.")
    doc_id: str
    title: str
    date: str | None
    kind: str
    chunk_id: str
    text: str = Field(..., description="Exactly document.text[start:end].")
    start: int
    end: int
    highlight: Highlight | None
    score: float
    also_in: list[AlsoIn] = Field(
        default_factory=list, description="Other documents holding the same passage."
    )
    page: int | None = Field(None, description="Page of a paged source (PDF) where it starts.")


class AskResponse(BaseModel):
    question: str
    answer: str | None
    answered: bool
    confidence: float = Field(..., ge=0, le=1)
    citations: list[Citation]
    index_version: str
    timing_ms: dict[str, float]


class SearchHit(BaseModel):
    rank: int
    doc_id: str
    title: str
    date: str | None
    kind: str
    chunk_id: str
    text: str
    start: int
    end: int
    score: float
    also_in: list[AlsoIn] = Field(default_factory=list)
    page: int | None = None


class SearchResponse(BaseModel):
    query: str
    mode: SearchMode
    hits: list[SearchHit]
    index_version: str
    timing_ms: dict[str, float]


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    date: str | None
    kind: str
    source: str
    path: str
    chars: int
    extra: dict[str, str | list[str] | list[dict[str, str]]] = Field(
        default_factory=dict,
        description="Further metadata, e.g. author, addressees (a letter held once per "
        "recipient lists each), signatories, people, organisations, pages.",
    )


class DocumentResponse(DocumentSummary):
    text: str = Field(..., description="Cleaned canonical text; citation offsets index into it.")


class HealthResponse(BaseModel):
    status: Literal["ok"]
    index_version: str | None
    documents: int
    chunks: int
    model: str | None
