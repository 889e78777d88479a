"""GET /search: ranked passages without an answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from service.api.deps import EngineDep, StateDep
from service.api.metrics import record_timings
from service.api.responses import json_response
from service.qa.contract import (
    DocId,
    Filters,
    Fusion,
    IsoDate,
    Kind,
    NotBlankStr,
    SearchResponse,
)
from service.settings import SearchMode

router = APIRouter()

# Paging depth bound: each page retrieves offset + k passages from the top of each list.
MAX_OFFSET = 500


@router.get("/search", response_model=SearchResponse, summary="Ranked passages, no answer")
def search(
    engine: EngineDep,
    state: StateDep,
    q: Annotated[NotBlankStr, Query(min_length=1, max_length=2000, description="Search text")],
    # Numbers and booleans of a query string are text by nature, parsed here; text that
    # is not a number is still a 422, as in a JSON body.
    k: Annotated[int, Query(ge=1, le=50, description="Hits per page.")] = 10,
    offset: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description="Hits of the ranking to skip: offset=10 with k=10 is the second page, "
            "its first hit rank 11. Pages are slices of one ranking while offset + k stays "
            "below the candidate depth (REPORTQA_CANDIDATE_DEPTH, 50); deeper pages look "
            "deeper, so with hybrid fusion or prefer_recent a passage near that boundary "
            "can move between pages.",
        ),
    ] = 0,
    mode: SearchMode | None = None,
    doc_id: Annotated[
        list[DocId] | None,
        Query(max_length=100, description="Only these documents (repeatable; 16 hex digits)."),
    ] = None,
    kind: Annotated[
        list[Kind] | None,
        Query(max_length=20, description="Only these kinds (repeatable; case does not matter)."),
    ] = None,
    date_from: Annotated[IsoDate | None, Query(description="Published on or after.")] = None,
    date_to: Annotated[
        IsoDate | None, Query(description="Published on or before; not before date_from.")
    ] = None,
    rrf_k: Annotated[int | None, Query(ge=1, le=10000, description="RRF constant.")] = None,
    dense_weight: Annotated[float | None, Query(ge=0, le=100, allow_inf_nan=False)] = None,
    lexical_weight: Annotated[float | None, Query(ge=0, le=100, allow_inf_nan=False)] = None,
    prefer_recent: Annotated[
        bool, Query(description="Re-rank on relevance plus evidence date.")
    ] = False,
) -> Response:
    try:
        filters = Filters(doc_ids=doc_id, kinds=kind, date_from=date_from, date_to=date_to)
    except ValidationError as exc:  # e.g. date_from after date_to: a 422 like any bad query
        raise RequestValidationError(exc.errors()) from exc
    fusion = Fusion(k=rrf_k, dense_weight=dense_weight, lexical_weight=lexical_weight)
    response = engine.search(
        q,
        k,
        mode=mode,
        filters=filters,
        fusion=fusion,
        prefer_recent=prefer_recent,
        offset=offset,
    )
    response = state.links.add_to_hits(response)
    record_timings("search", response.timing_ms)
    return json_response(response)
