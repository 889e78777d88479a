"""Fixtures for the widget's browser tests: Debian's chromium, a host site, real servers."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eval.corpora import BUNDLED, DISTRACTORS, combine
from index.build import BuildSummary, build_index
from index.embedders.sentence_transformer import SentenceTransformerEmbedder
from tests.support.serving import Server, running_server

# Runs if the widget ever turns report or user text into HTML.
XSS_IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1;alert(document.domain)">'
XSS_SCRIPT = "<script>window.__xss=(window.__xss||0)+1</script>"


class HostSite:
    """A second loopback web server: the intranet page that embeds the widget."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def embed(self, path: str, widget_from: str, **data: str) -> str:
        """Publish a page at `path` embedding the widget served by `widget_from`; its URL."""
        attributes = "".join(f' data-{name.replace("_", "-")}="{v}"' for name, v in data.items())
        self.pages[path] = HOST_PAGE.format(
            script=f'<script src="{widget_from}/widget.js"{attributes} defer></script>'
        )
        return self.origin + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Deliberately hostile styles: the widget must look the same on any page.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Intranet</title>
<style>
  * {{ color: rgb(255, 0, 0) !important; font-family: cursive !important; }}
  button {{ background: rgb(0, 255, 0) !important; }}
  body {{ margin: 2rem; }}
</style></head>
<body><h1>Staff intranet</h1><p>News, policies and the reports assistant.</p>
{script}
</body></html>"""


@pytest.fixture(scope="module")
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def api(bundled_index: BuildSummary, host_site: HostSite) -> Iterator[Server]:
    """The service on the bundled corpus; the host site's origin may call it."""
    with running_server(
        bundled_index.index_dir, env={"REPORTQA_CORS_ORIGINS": host_site.origin}
    ) as server:
        yield server


@pytest.fixture(scope="module")
def distractors_api(
    tmp_path_factory: pytest.TempPathFactory,
    real_embedder: SentenceTransformerEmbedder,
    host_site: HostSite,
) -> Iterator[Server]:
    """The service on the bundled reports plus the fictional reports about other councils."""
    work = tmp_path_factory.mktemp("with-distractors")
    documents = combine([BUNDLED, DISTRACTORS], work)
    built = build_index(documents, work / "index", real_embedder, progress=False)
    with running_server(built.index_dir, env={"REPORTQA_CORS_ORIGINS": host_site.origin}) as server:
        yield server


@pytest.fixture(scope="module")
def xss_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> BuildSummary:
    """A two-report index whose title and text carry script payloads."""
    root = tmp_path_factory.mktemp("xss")
    documents = root / "documents"
    documents.mkdir()
    (documents / "probe.txt").write_text(
        f"Fostering panel note {XSS_IMG}\n\n"
        f"The fostering panel met in May 2020 and approved {XSS_SCRIPT} four new carers. "
        f"A reviewer wrote {XSS_IMG} in the minutes, which the panel noted.\n",
        encoding="utf-8",
    )
    (documents / "plain.txt").write_text(
        "Adoption panel minutes\n\nThe adoption panel met in June 2020 and approved two "
        "matches. Waiting times for children fell over the year.\n",
        encoding="utf-8",
    )
    manifest = {
        "documents": {
            "probe.txt": {"title": f"Panel note {XSS_IMG}", "date": "2020-05-01"},
            "plain.txt": {"title": "Adoption panel minutes", "date": "2020-06-01"},
        }
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return build_index(documents, root / "index", real_embedder, progress=False)


@pytest.fixture()
def hanging_endpoint() -> Iterator[str]:
    """A loopback port that accepts connections and never answers: a stuck server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: REPORTQA_SCREENSHOTS_DIR (e.g. docs/) or a temporary folder."""
    wanted = os.environ.get("REPORTQA_SCREENSHOTS_DIR")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        return Path(wanted)
    return tmp_path_factory.mktemp("screenshots")
