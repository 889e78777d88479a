"""The demo page's Content-Security-Policy in a real browser (Debian chromium).

The policy must block injected inline script while the page, the widget's script
and stylesheet, the document view's inline styles and same-origin API calls all
work without a single CSP violation. (test_widget_browser.py asks questions on the same page.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.support.live import thread_server

pytestmark = pytest.mark.integration


@pytest.fixture()
def site(tiny_index: BuildSummary, fake_embedder: HashingEmbedder) -> Iterator[str]:
    settings = Settings(index_dir=tiny_index.index_dir, abstain_below=0.0)
    app = create_app(settings, engine=QAEngine.load(settings, embedder=fake_embedder))
    with thread_server(app) as url:
        yield url


def test_demo_page_runs_under_its_policy_and_inline_script_is_blocked(
    site: str, browser: Browser
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        response = page.goto(f"{site}/", wait_until="networkidle")
        assert response is not None and response.ok
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The widget script ran (it adds its host element) and its stylesheet loaded.
        page.wait_for_function(
            """() => { const host = document.querySelector('[data-reportqa-widget]');
            return host && !host.hidden && host.shadowRoot.querySelector('link').sheet; }"""
        )
        assert not [line for line in console if "Content Security Policy" in line]

        # Same-origin API calls are allowed by connect-src 'self'.
        status = page.evaluate(
            """() => fetch('/ask', {method: 'POST', headers: {'Content-Type':
            'application/json'}, body: JSON.stringify({question: 'Beta trust'})})
            .then(r => r.status)"""
        )
        assert status == 200

        # Injected inline script is refused by the policy.
        page.evaluate(
            """() => { const s = document.createElement('script');
            s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"""
        )
        assert page.evaluate("() => window.__injected === undefined")
        assert any("Content Security Policy" in line for line in console)

        # The document view's inline <style> applies (style-src allows it).
        doc_id = page.evaluate("() => fetch('/documents').then(r => r.json())")[0]["doc_id"]
        page.goto(f"{site}/documents/{doc_id}/view?start=0&end=5")
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('mark')).backgroundColor"
        )
        assert background == "rgb(255, 229, 138)"
    finally:
        context.close()
