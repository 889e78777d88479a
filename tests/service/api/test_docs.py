"""The API docs pages (/docs, /redoc) load everything from the service: no CDN, no Google Fonts.

In-process (fake embedder). The same pages in a real browser with every other host
blocked: widget/test_docs_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from service.api.routes.docs import ASSETS, extend_policy
from service.api.routes.widget import STATIC
from service.settings import Settings
from tests.conftest import REPO
from tests.service.api.conftest import KEYS, QUERY_KEY, ClientFactory, auth

VENDOR = STATIC / "vendor"
DOCS_PAGES = ("/docs", "/redoc", "/docs/oauth2-redirect")
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def _references(page: str) -> list[str]:
    return re.findall(r'(?:src|href|spec-url|url:)\s*=?\s*["\']([^"\']+)["\']', page)


def _directives(policy: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


def _sha256_source(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_docs_pages_name_no_other_host(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    # Every URL is relative to the service: nothing to fetch from a CDN or font host.
    assert not re.findall(r"(?:https?:)?//[\w.-]+", page.text), page.text
    assert "cdn.jsdelivr.net" not in page.text and "fonts.googleapis" not in page.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/docs",
            {
                "/openapi.json",
                "/static/vendor/swagger-ui/swagger-ui-bundle.js",
                "/static/vendor/swagger-ui/swagger-ui.css",
                "/static/vendor/swagger-ui/favicon-32x32.png",
            },
        ),
        (
            "/redoc",
            {
                "/openapi.json",
                "/static/vendor/redoc/redoc.standalone.js",
                "/static/vendor/swagger-ui/favicon-32x32.png",
            },
        ),
    ],
)
def test_docs_pages_load_the_vendored_assets(
    client: TestClient, path: str, expected: set[str]
) -> None:
    page = client.get(path).text
    assert set(_references(page)) == expected
    for url in expected - {"/openapi.json"}:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].split(";")[0] == MEDIA_TYPES[Path(url).suffix]
        assert asset.content == (VENDOR / url.removeprefix("/static/vendor/")).read_bytes()
        assert "max-age" in asset.headers["cache-control"]
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_swagger_ui_is_told_not_to_call_the_online_validator(client: TestClient) -> None:
    page = client.get("/docs").text
    assert '"validatorUrl": null' in page
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in page


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/redoc/LICENSE",
        "/static/vendor/README.md",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js.map",
        "/static/vendor/swagger-ui/..%2F..%2Findex.html",
    ],
)
def test_only_the_listed_assets_are_served(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_docs_pages_keep_the_policy_plus_their_own_inline_scripts(client: TestClient) -> None:
    service = _directives(Settings.model_fields["content_security_policy"].default)
    for path in DOCS_PAGES:
        page = client.get(path)
        directives = _directives(page.headers["Content-Security-Policy"])
        inline = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
        # Exactly the page's own inline scripts, by hash: never 'unsafe-inline' or a host.
        expected = " ".join(["'self'", *(_sha256_source(s) for s in inline)])
        assert directives.pop("script-src") == expected, path
        if path == "/redoc":
            assert not inline
            # ReDoc's search runs in a worker made from a blob: URL.
            assert directives.pop("worker-src") == "'self' blob:"
        else:
            assert len(inline) == 1
        assert directives == {k: v for k, v in service.items() if k != "script-src"}, path


def test_docs_pages_follow_a_configured_policy(make_client: ClientFactory) -> None:
    custom = make_client(content_security_policy="default-src 'self'; img-src 'self'")
    directives = _directives(custom.get("/docs").headers["Content-Security-Policy"])
    assert directives["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'sha256-[\w+/]+=*'", directives["script-src"])
    assert (
        "Content-Security-Policy"
        not in make_client(content_security_policy="").get("/docs").headers
    )


@pytest.mark.parametrize(
    ("policy", "directive", "sources", "expected"),
    [
        ("default-src 'self'; script-src 'self'", "script-src", ["'sha256-a'"],
         "default-src 'self'; script-src 'self' 'sha256-a'"),
        ("default-src 'self' https:", "script-src", ["'sha256-a'"],
         "default-src 'self' https:; script-src 'self' https: 'sha256-a'"),
        ("default-src 'none'", "script-src", ["'sha256-a'"],
         "default-src 'none'; script-src 'sha256-a'"),
        ("img-src 'self'", "script-src", ["'sha256-a'"], "img-src 'self'"),
        ("default-src 'self'; script-src 'self'", "script-src", [],
         "default-src 'self'; script-src 'self'"),
        ("default-src 'self'; script-src 'self' 'sha256-a'", "worker-src", ["blob:"],
         "default-src 'self'; script-src 'self' 'sha256-a'; worker-src 'self' 'sha256-a' blob:"),
        ("script-src 'self'; child-src 'none'", "worker-src", ["blob:"],
         "script-src 'self'; child-src 'none'; worker-src blob:"),
    ],
)  # fmt: skip
def test_extend_policy(policy: str, directive: str, sources: list[str], expected: str) -> None:
    assert extend_policy(policy, directive, sources) == expected


def test_docs_keep_their_scope_and_their_assets_need_no_key(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect", "/openapi.json"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=auth(QUERY_KEY)).status_code == 200, path
    # The page's browser fetches its scripts without headers; they carry no data.
    for name in ASSETS:
        assert client.get(f"/static/vendor/{name}").status_code == 200, name


def test_refused_docs_requests_are_counted_under_their_route(make_client: ClientFactory) -> None:
    client = make_client(api_keys=KEYS)
    labels = {"method": "GET", "route": "/redoc", "status": "401"}
    before = REGISTRY.get_sample_value("reportqa_http_requests_total", labels) or 0.0
    assert client.get("/redoc").status_code == 401
    assert REGISTRY.get_sample_value("reportqa_http_requests_total", labels) == before + 1


def test_vendored_files_are_those_the_readme_records() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    versions = dict(
        re.findall(r"^\| \[([\w-]+)\]\S* \([^)]+\) \| ([\d.]+) \| `sha512-", readme, re.M)
    )
    assert set(versions) == {"swagger-ui-dist", "redoc"}
    # OpenAPI 3.1, which FastAPI writes, needs Swagger UI 5.
    assert versions["swagger-ui-dist"].startswith("5.")
    swagger = (VENDOR / "swagger-ui" / "swagger-ui-bundle.js").read_text(encoding="utf-8")
    assert f'PACKAGE_VERSION:"{versions["swagger-ui-dist"]}"' in swagger
    redoc = (VENDOR / "redoc" / "redoc.standalone.js").read_text(encoding="utf-8")
    assert f'ReDoc Version: ","{versions["redoc"]}"' in redoc

    recorded = dict(
        (path, digest) for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    assert set(recorded) == set(ASSETS)
    for path, digest in recorded.items():
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_vendored_files_ship_in_the_wheel_and_source_maps_do_not_exist() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["service"]
    packaged = {path for pattern in patterns for path in (REPO / "service").glob(pattern)}
    for name in ASSETS:
        assert VENDOR / name in packaged, name
    assert not list(VENDOR.rglob("*.map"))


def test_demo_page_loads_nothing_from_another_host(client: TestClient) -> None:
    page = client.get("/").text
    # What the page's tags load; the embedding example is escaped text inside <code>.
    loaded = re.findall(r'<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)="([^"]+)"', page)
    assert loaded == ["/widget.js"]
