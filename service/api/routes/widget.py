"""The chat widget's assets and the demo page."""

from __future__ import annotations

from pathlib import Path as FilePath

from fastapi import APIRouter
from fastapi.responses import FileResponse

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
