"""Swagger UI (/docs) and ReDoc (/redoc) with their scripts served from here, not a CDN.

FastAPI's own pages load Swagger UI and ReDoc from cdn.jsdelivr.net, so an intranet
without internet gets a blank page. The same pages are built here with URLs of the
vendored copies in static/vendor (versions and update steps in its README.md). The
assets live under /static/, which needs no key (service/api/keys.py); the pages keep
the scope of /docs, and are sent under the service's Content-Security-Policy with the
hashes of their own inline scripts added, since Swagger UI starts from one.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse

from service.api.deps import StateDep
from service.api.routes.widget import STATIC

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
VENDOR_URL = "/static/vendor"
# The only files served from static/vendor: URL path below VENDOR_URL -> media type.
ASSETS = {
    "swagger-ui/swagger-ui-bundle.js": "text/javascript",
    "swagger-ui/swagger-ui.css": "text/css",
    "swagger-ui/favicon-32x32.png": "image/png",
    "redoc/redoc.standalone.js": "text/javascript",
}
# A day: the files change only with a deliberate upgrade.
_CACHE = {"Cache-Control": "public, max-age=86400"}
# An inline script: a <script> without attributes (those with src= load files).
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the docs pages on `app` (made with docs_url=None, redoc_url=None)."""
    app.include_router(router)
    # FastAPI only reads these when it builds its own pages; the request metrics label
    # requests refused before routing (401, 429) by them.
    app.docs_url, app.redoc_url = DOCS_URL, REDOC_URL
    app.swagger_ui_oauth2_redirect_url = OAUTH2_REDIRECT_URL


@router.api_route(VENDOR_URL + "/{package}/{name}", methods=["GET", "HEAD"])
def vendored_asset(package: str, name: str) -> FileResponse:
    path = f"{package}/{name}"
    media_type = ASSETS.get(path)
    if media_type is None:
        raise HTTPException(status_code=404, detail="Not Found")
    return FileResponse(STATIC / "vendor" / path, media_type=media_type, headers=_CACHE)


@router.api_route(DOCS_URL, methods=["GET", "HEAD"])
def swagger_ui(request: Request, state: StateDep) -> HTMLResponse:
    app: FastAPI = request.app
    root = _root_path(request)
    page = get_swagger_ui_html(
        openapi_url=root + _openapi_url(app),
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{root}{VENDOR_URL}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{VENDOR_URL}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{root}{VENDOR_URL}/swagger-ui/favicon-32x32.png",
        oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
        init_oauth=app.swagger_ui_init_oauth,
        # Swagger UI would otherwise send the schema's URL to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None, **(app.swagger_ui_parameters or {})},
    )
    return _under_policy(page, state.settings.content_security_policy)


@router.api_route(OAUTH2_REDIRECT_URL, methods=["GET", "HEAD"])
def swagger_ui_oauth2_redirect(state: StateDep) -> HTMLResponse:
    return _under_policy(
        get_swagger_ui_oauth2_redirect_html(), state.settings.content_security_policy
    )


@router.api_route(REDOC_URL, methods=["GET", "HEAD"])
def redoc(request: Request, state: StateDep) -> HTMLResponse:
    app: FastAPI = request.app
    root = _root_path(request)
    page = get_redoc_html(
        openapi_url=root + _openapi_url(app),
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{root}{VENDOR_URL}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{root}{VENDOR_URL}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
    # ReDoc's search runs in a worker it makes from a blob: URL of its own code.
    return _under_policy(page, state.settings.content_security_policy, workers=["blob:"])


def _root_path(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _openapi_url(app: FastAPI) -> str:
    if not app.openapi_url:
        raise HTTPException(status_code=404, detail="Not Found")
    return app.openapi_url


def _under_policy(page: HTMLResponse, policy: str, workers: Sequence[str] = ()) -> HTMLResponse:
    """`page` under `policy` (none if empty) plus its inline scripts' hashes and `workers`."""
    if policy:
        scripts = _INLINE_SCRIPT.findall(bytes(page.body).decode("utf-8"))
        hashes = [
            "'sha256-{}'".format(
                base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
            )
            for s in scripts
        ]
        policy = extend_policy(policy, "script-src", hashes)
        page.headers["Content-Security-Policy"] = extend_policy(policy, "worker-src", workers)
    return page


# Where a browser looks when a directive is missing (CSP level 3).
_FALLBACKS = {
    "script-src": ("default-src",),
    "worker-src": ("child-src", "script-src", "default-src"),
}


def extend_policy(policy: str, directive: str, sources: Sequence[str]) -> str:
    """`policy` with `sources` added to what `directive` allows (or its fallback allowed)."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    governing = next((n for n in (directive, *_FALLBACKS[directive]) if n in names), None)
    if not sources or governing is None:
        return policy  # nothing to add, or nothing restricts it
    allowed = [s for s in directives[names.index(governing)].split()[1:] if s != "'none'"]
    entry = " ".join([directive, *allowed, *sources])
    if directive in names:
        directives[names.index(directive)] = entry
    else:
        directives.append(entry)
    return "; ".join(directives)
