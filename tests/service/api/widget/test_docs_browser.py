"""The API docs and the demo page in a real browser (Debian chromium) with no internet.

Every request to a host other than the loopback server is aborted, as on an intranet
without internet access, and noted: the pages must render from the service alone
(Swagger UI and ReDoc are vendored in service/api/static/vendor) and try nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from tests.support.serving import Server

pytestmark = pytest.mark.integration

WAIT_MS = 45_000  # the machine may be busy
LOOPBACK = {"127.0.0.1", "localhost"}


class OfflinePage:
    """A page whose requests to other hosts are aborted, and remembered."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.elsewhere: list[str] = []
        self.csp_violations: list[str] = []
        page.route("**/*", self._route)
        page.on("console", self._console)

    def _route(self, route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOOPBACK:
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)


@pytest.fixture()
def offline(browser: Browser) -> Iterator[OfflinePage]:
    context = browser.new_context()
    try:
        yield OfflinePage(context.new_page())
    finally:
        context.close()


def test_swagger_ui_renders_and_runs_requests_offline(api: Server, offline: OfflinePage) -> None:
    page = offline.page
    response = page.goto(f"{api.base}/docs")
    assert response is not None and response.ok
    ask = page.locator(".opblock-post .opblock-summary-path[data-path='/ask']")
    expect(ask).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".info .title")).to_contain_text("reportqa")
    # The stylesheet applied: POST operations have Swagger UI's green border.
    border = page.locator(".opblock-post").first.evaluate("e => getComputedStyle(e).borderColor")
    assert border == "rgb(73, 204, 144)"

    # "Try it out" calls the API from the page (connect-src 'self').
    health = page.locator("#operations-default-health_health_get")
    health.locator(".opblock-summary").click()
    health.get_by_role("button", name="Try it out").click()
    health.get_by_role("button", name="Execute").click()
    status = health.locator(".live-responses-table tr.response .response-col_status")
    expect(status).to_have_text("200", timeout=WAIT_MS)

    assert offline.elsewhere == []
    assert offline.csp_violations == []  # the inline start-up script is allowed by hash


def test_redoc_renders_and_searches_offline(api: Server, offline: OfflinePage) -> None:
    page = offline.page
    response = page.goto(f"{api.base}/redoc")
    assert response is not None and response.ok
    expect(page.locator("h1")).to_have_text("reportqa (0.1.0)", timeout=WAIT_MS)
    expect(page.get_by_text("Answer a question with citations").first).to_be_visible()
    # Search runs in ReDoc's blob: worker, which the page's policy allows.
    page.get_by_placeholder("Search...").fill("Ranked")
    results = page.locator("[data-role='search:results'] [role=menuitem]")
    expect(results).to_have_count(1, timeout=WAIT_MS)
    expect(results).to_have_attribute("aria-label", "Ranked passages, no answer")

    assert offline.elsewhere == []
    # ReDoc's sidebar shows Redocly's logo from cdn.redoc.ly; img-src stops it in the
    # browser (it never reaches the network) and ReDoc hides the image. Nothing else.
    assert all("cdn.redoc.ly/redoc/logo-mini.svg" in v for v in offline.csp_violations), (
        offline.csp_violations
    )


def test_demo_page_and_widget_stay_on_the_service(api: Server, offline: OfflinePage) -> None:
    page = offline.page
    response = page.goto(f"{api.base}/")
    assert response is not None and response.ok
    launcher = page.locator(".launcher")
    expect(launcher).to_be_visible(timeout=WAIT_MS)
    launcher.click()
    question = page.get_by_label("Your question")
    question.fill("When did Doncaster Children's Services Trust launch?")
    question.press("Enter")
    reply = page.locator(".message.assistant").first
    # Complete: the status line is gone and the answer with its source cards is shown.
    expect(reply.locator(".status")).to_have_count(0, timeout=WAIT_MS)
    expect(reply.locator(".card").first).to_be_visible()

    assert offline.elsewhere == []
    assert offline.csp_violations == []
