"""The chat widget's assets, the demo page, and a readable view of a cited document."""

from __future__ import annotations

import html
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse

from service.api.deps import EngineDep
from service.errors import BadQueryError

STATIC = FilePath(__file__).resolve().parent.parent / "static"
# Short: an intranet page should pick up a new widget within minutes of a deploy.
_CACHE = {"Cache-Control": "public, max-age=300"}

router = APIRouter(include_in_schema=False)


@router.api_route("/widget.js", methods=["GET", "HEAD"])
def widget_js() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers=_CACHE)


@router.api_route("/widget.css", methods=["GET", "HEAD"])
def widget_css() -> FileResponse:
    return FileResponse(STATIC / "widget.css", media_type="text/css", headers=_CACHE)


@router.api_route("/", methods=["GET", "HEAD"])
def demo_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


_VIEW = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.6 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
  padding: 0 1rem; color: #1b1f24; }}
pre {{ white-space: pre-wrap; font: inherit; }}
mark {{ background: #ffe58a; padding: 0 .1em; scroll-margin: 40vh; }}
.meta {{ color: #555; }}
</style></head>
<body><h1>{title}</h1><p class="meta">{meta}</p>
<pre>{before}<mark id="cited">{cited}</mark>{after}</pre>
</body></html>"""


@router.get("/documents/{doc_id}/view", response_class=HTMLResponse)
def document_view(
    engine: EngineDep,
    doc_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="16 hex digits")],
    start: Annotated[int, Query(ge=0)] = 0,
    end: Annotated[int | None, Query(ge=0)] = None,
) -> HTMLResponse:
    """The document as a page with characters [start, end) marked: where a citation points.

    Widget cards link here with `#cited`, so the browser scrolls to the mark itself.
    """
    document = engine.document(doc_id)
    text = document.text
    end = len(text) if end is None else end
    if not start <= end <= len(text):
        raise BadQueryError(
            f"start and end must satisfy 0 <= start <= end <= {len(text)} (the document length)"
        )
    meta = " · ".join(
        part for part in (document.kind, document.date or "", document.source) if part
    )
    page = _VIEW.format(
        title=html.escape(document.title),
        meta=html.escape(meta),
        before=html.escape(text[:start]),
        cited=html.escape(text[start:end]),
        after=html.escape(text[end:]),
    )
    return HTMLResponse(page)
