"""Feedback from the widget in a real browser: buttons, correction, and the row on the server.

The service runs with API keys (a query key for the widget, an admin key to read the
feedback back through GET /admin/feedback) and its own feedback file; the widget is
embedded cross-origin, so POST /feedback goes through CORS with the X-API-Key header.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from index.build import BuildSummary
from tests.service.api.widget.conftest import HostSite
from tests.service.api.widget.test_widget_browser import LAUNCH_QUESTION, WAIT_MS, Widget
from tests.support.serving import Server, running_server

pytestmark = pytest.mark.integration

STAFF_KEY = "staff-key-for-the-feedback-widget-0001"
REVIEWER_KEY = "reviewer-key-for-the-feedback-list-0001"
THANKS = "Thanks for the feedback"


@pytest.fixture(scope="module")
def feedback_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"


@pytest.fixture(scope="module")
def keyed_api(
    bundled_index: BuildSummary, host_site: HostSite, feedback_file: Path
) -> Iterator[Server]:
    env = {
        "REPORTQA_CORS_ORIGINS": host_site.origin,
        "REPORTQA_API_KEYS": f"{STAFF_KEY},{REVIEWER_KEY}:admin",
        "REPORTQA_FEEDBACK_PATH": str(feedback_file),
    }
    with running_server(bundled_index.index_dir, env=env) as server:
        yield server


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def feedback_posts(page: Page) -> list[Request]:
    """Every POST /feedback the page makes, as it makes them."""
    posts: list[Request] = []
    page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/feedback") else None,
    )
    return posts


def stored(server: Server) -> list[dict[str, Any]]:
    """The feedback on the server, newest first, read as a reviewer would."""
    answer = httpx.get(
        f"{server.base}/admin/feedback", headers={"X-API-Key": REVIEWER_KEY}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_not_helpful_with_a_correction_is_stored_once(
    page: Page, keyed_api: Server, host_site: HostSite, feedback_file: Path
) -> None:
    posts = feedback_posts(page)
    widget = Widget(page).load(host_site.embed("/fb.html", keyed_api.base, api_key=STAFF_KEY))
    reply = widget.ask(LAUNCH_QUESTION)
    shown = reply.locator(".answer").inner_text()
    helpful = reply.get_by_role("button", name="Helpful", exact=True)
    not_helpful = reply.get_by_role("button", name="Not helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(reply.get_by_role("group", name="Was this answer helpful?")).to_be_visible()
    field = reply.get_by_label("What should the answer be?")
    expect(field).to_be_hidden()

    not_helpful.click()
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    expect(field).to_be_focused()  # straight into the optional correction
    field.fill("1 October 2014, by its own account")
    field.press("Enter")

    expect(reply.get_by_text(THANKS)).to_be_visible()
    expect(field).to_be_hidden()
    expect(page.get_by_role("status")).to_have_text(THANKS)
    # Locked (aria-disabled, so still focusable): a second click sends nothing.
    expect(helpful).to_be_disabled()
    expect(not_helpful).to_be_disabled()
    helpful.click(force=True)
    not_helpful.click(force=True)
    page.wait_for_timeout(300)
    assert len(posts) == 1
    assert posts[0].headers.get("x-api-key") == STAFF_KEY

    served = httpx.get(f"{keyed_api.base}/health", timeout=30).json()["index_version"]
    latest = stored(keyed_api)[0]
    assert latest["question"] == LAUNCH_QUESTION
    assert latest["helpful"] is False
    assert latest["correction"] == "1 October 2014, by its own account"
    assert latest["api_key_name"] == "env-1"  # the widget's key, by name
    assert latest["index_version"] == served
    assert shown.startswith(latest["answer"]) and latest["answer"]
    assert latest["citations"] and 0 <= latest["confidence"] <= 1
    assert latest["history"] == []
    assert feedback_file.is_file()  # where REPORTQA_FEEDBACK_PATH says
    assert widget.dialogs == []


def test_helpful_abstention_by_keyboard_then_a_follow_up_keeps_its_history(
    page: Page, keyed_api: Server, host_site: HostSite
) -> None:
    widget = Widget(page).load(host_site.embed("/fb.html", keyed_api.base, api_key=STAFF_KEY))
    question = "What is the boiling point of tungsten?"
    reply = widget.ask(question)
    expect(reply.locator(".abstain")).to_be_visible()
    helpful = reply.get_by_role("button", name="Helpful", exact=True)
    helpful.focus()
    page.keyboard.press("Enter")
    expect(reply.get_by_text(THANKS)).to_be_visible()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_be_focused()  # the keyboard user keeps their place
    latest = stored(keyed_api)[0]
    assert (latest["question"], latest["helpful"], latest["answer"]) == (question, True, "")
    assert latest["correction"] is None

    # Feedback on a follow-up carries the conversation before it, as /ask got it.
    follow_up = widget.ask(LAUNCH_QUESTION)
    follow_up.get_by_role("button", name="Not helpful").click()
    follow_up.get_by_role("button", name="Send").click()  # no correction: it is optional
    expect(follow_up.get_by_text(THANKS)).to_be_visible()
    latest = stored(keyed_api)[0]
    assert latest["history"] == [{"role": "user", "content": question}]
    assert (latest["helpful"], latest["correction"]) == (False, None)


def test_a_failed_submission_says_so_and_can_be_sent_again(
    page: Page, keyed_api: Server, host_site: HostSite
) -> None:
    refusals: list[str] = []

    def refuse_once(route: Route) -> None:
        if route.request.method == "POST" and not refusals:
            refusals.append(route.request.url)
            route.fulfill(
                status=503,
                headers={"Access-Control-Allow-Origin": host_site.origin},
                json={"detail": "feedback store unavailable"},
            )
            return
        route.continue_()

    page.route(f"{keyed_api.base}/feedback", refuse_once)
    widget = Widget(page).load(host_site.embed("/fb.html", keyed_api.base, api_key=STAFF_KEY))
    reply = widget.ask(LAUNCH_QUESTION)
    before = len(stored(keyed_api))
    helpful = reply.get_by_role("button", name="Helpful", exact=True)
    helpful.click()
    error = reply.locator(".feedback-note.is-error")
    expect(error).to_have_text("Feedback not sent: feedback store unavailable")
    expect(error).to_have_attribute("role", "alert")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    helpful.click()  # nothing was stored, so it may go again
    expect(reply.get_by_text(THANKS)).to_be_visible()
    expect(reply.locator(".feedback-note.is-error")).to_have_count(0)
    assert len(stored(keyed_api)) == before + 1
