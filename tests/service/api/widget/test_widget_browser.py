"""The chat widget in a real browser (Debian chromium via playwright) against real servers.

The widget is embedded in a page served from another origin (a second loopback server),
as on the intranet, and talks to a real uvicorn server running the real model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from eval.clients import HttpClient
from index.build import BuildSummary
from tests.service.api.widget.conftest import XSS_IMG, XSS_SCRIPT, HostSite
from tests.support.serving import Server, running_server

pytestmark = pytest.mark.integration

WAIT_MS = 45_000  # an answer takes well under a second; the machine may be busy
expect.set_options(timeout=WAIT_MS)
LAUNCH_QUESTION = "When did Doncaster Children's Services Trust launch?"
POSSIBLE_ANSWER = "Possible answer \u2013 check the sources"
NO_ANSWER = "No answer found in the reports."

# Counts text nodes added to answer bubbles: more than one means the answer streamed in.
COUNT_STREAMED_PIECES = """() => {
  window.__pieces = 0;
  const root = document.querySelector('[data-reportqa-widget]').shadowRoot;
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (!m.target.classList || !m.target.classList.contains('answer')) continue;
      for (const node of m.addedNodes) if (node.nodeType === Node.TEXT_NODE) window.__pieces++;
    }
  }).observe(root, {childList: true, subtree: true});
}"""


class Widget:
    """The widget as a user sees it on `page`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self.dismiss_dialog)
        self.asked: list[dict[str, Any]] = []
        self.api_keys: list[str | None] = []
        page.on("request", self._record)

    def dismiss_dialog(self, dialog: Dialog) -> None:
        """Note and dismiss an alert, confirm or prompt (none should ever open)."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _record(self, request: Any) -> None:
        if request.url.endswith("/ask/stream") and request.method == "POST":
            self.asked.append(request.post_data_json)
            self.api_keys.append(request.headers.get("x-api-key"))

    def load(self, url: str) -> Widget:
        self.page.goto(url)
        # Shown once its stylesheet has loaded.
        expect(self.launcher).to_be_visible()
        return self

    @property
    def launcher(self) -> Any:
        return self.page.locator(".launcher")

    @property
    def input(self) -> Any:
        return self.page.get_by_label("Your question")

    def replies(self) -> Any:
        return self.page.locator(".message.assistant")

    def ask(self, question: str) -> Any:
        """Type `question`, press Enter, and wait until the reply is complete."""
        if self.launcher.get_attribute("aria-expanded") != "true":
            self.launcher.click()
        before = self.replies().count()
        self.input.fill(question)
        self.input.press("Enter")
        reply = self.replies().nth(before)
        # Complete: the status line is gone (answer and cards shown, or an error).
        expect(reply.locator(".status")).to_have_count(0, timeout=WAIT_MS)
        return reply


def assert_nothing_ran(page: Page, widget: Widget) -> None:
    """No dialog opened, no injected handler ran, no element came from report or user text."""
    assert widget.dialogs == []
    assert page.evaluate("window.__xss") is None
    injected = page.evaluate(
        "document.querySelector('[data-reportqa-widget]').shadowRoot"
        ".querySelectorAll('img, script').length"
    )
    assert injected == 0


@pytest.fixture()
def page(browser: Browser) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def test_question_streams_answer_with_highlighted_citation_then_follow_up(
    page: Page, api: Server, host_site: HostSite
) -> None:
    widget = Widget(page).load(host_site.embed("/embed.html", api.base, title="Ask the reports"))
    assert host_site.origin != api.base  # a cross-origin embed, as on the intranet
    page.evaluate(COUNT_STREAMED_PIECES)

    reply = widget.ask(LAUNCH_QUESTION)

    expected = httpx.post(f"{api.base}/ask", json={"question": LAUNCH_QUESTION}, timeout=60).json()
    assert expected["answered"] is True
    answer = reply.locator(".answer")
    expect(answer).to_contain_text(expected["answer"])
    assert page.evaluate("window.__pieces") > 1, "the answer should arrive in several pieces"
    # The asked-for fact stands above the sentence it comes from.
    assert expected["short_answer"]["text"] == "October 2014"
    expect(reply.locator(".short-answer")).to_have_text("In short: October 2014")
    # The answer is highlighted inside its numbered citation card.
    cited = next(c for c in expected["citations"] if c["highlight"])
    card = reply.locator(".card.is-answer")
    expect(card).to_have_count(1)
    expect(card.locator(".num")).to_have_text(str(cited["n"]))
    expect(card.locator(".card-title")).to_have_text(cited["title"])
    expect(card.locator(".card-meta")).to_contain_text(cited["date"])
    expect(card.locator("mark")).to_have_text(expected["answer"])
    expect(reply.locator(".card")).to_have_count(len(expected["citations"]))
    expect(answer.locator(".ref")).to_have_text(f" [{cited['n']}]")
    # The card links to the document at the cited offsets.
    href = card.locator(".card-title").get_attribute("href")
    assert href == (
        f"{api.base}/documents/{cited['doc_id']}/view"
        f"?start={cited['start']}&end={cited['end']}#cited"
    )
    view = page.request.get(href)
    assert view.status == 200 and '<mark id="cited">' in view.text()
    # Screen readers hear the whole answer once, from a polite live region.
    status = page.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(f"Answer: {expected['answer']}")
    expect(widget.input).to_be_focused()
    answer.locator(".ref").click()  # the reference takes you to its card
    expect(card).to_be_focused()

    follow_up = widget.ask("Who was stripped of control of children's services?")
    assert widget.asked[-1]["history"] == [
        {"role": "user", "content": LAUNCH_QUESTION},
        {"role": "assistant", "content": expected["answer"]},
    ]
    assert widget.asked[0]["history"] == []
    expect(follow_up.locator(".answer, .abstain")).to_have_count(1)
    expect(follow_up.locator(".card").first).to_be_visible()
    assert widget.dialogs == []


def test_off_topic_question_shows_the_abstention_with_related_passages(
    page: Page, api: Server, host_site: HostSite
) -> None:
    url = host_site.embed("/keyed.html", api.base, api_key="staff-key-1")
    widget = Widget(page).load(url)
    reply = widget.ask("What is the boiling point of tungsten?")
    assert widget.api_keys == ["staff-key-1"]  # from data-api-key, as X-API-Key
    expect(reply.locator(".abstain")).to_have_text("No answer found in the reports.")
    expect(reply.locator(".answer")).to_have_count(0)
    expect(reply.locator(".citations-heading")).to_have_text("Related passages")
    assert reply.locator(".card").count() >= 1
    expect(reply.locator("mark")).to_have_count(0)
    # Why, in words: the reports do not speak of it.
    reason = "The reports do not use most of the question's words"
    expect(reply.locator(".reasons li")).to_have_text([reason])
    expect(page.get_by_role("status")).to_have_text(f"No answer found in the reports. {reason}")


def test_question_about_a_council_the_reports_do_not_cover_says_why(
    page: Page, api: Server, host_site: HostSite
) -> None:
    question = "What rating did Sheffield children's services get?"
    expected = httpx.post(f"{api.base}/ask", json={"question": question}, timeout=60).json()
    assert expected["answered"] is False
    reasons = expected["constraints"]["unmet"]
    assert any("Sheffield" in reason for reason in reasons)

    widget = Widget(page).load(host_site.embed("/embed.html", api.base))
    reply = widget.ask(question)
    expect(reply.locator(".abstain")).to_have_text(NO_ANSWER)
    expect(reply.locator(".answer")).to_have_count(0)
    # Each reason on its own line, under the abstention.
    items = reply.locator(".reasons li")
    expect(items).to_have_text(reasons)
    expect(items.first).to_contain_text("Sheffield")
    expect(items.first).to_be_visible()
    # Reasons come before the related passages.
    order = reply.evaluate(
        """r => [...r.children].map(c => c.className)
        .filter(c => /abstain|reasons|citations-heading/.test(c))"""
    )
    expected_order = ["bubble abstain", "reasons"]
    if expected["citations"]:
        expected_order.append("citations-heading")
    assert order == expected_order
    expect(page.get_by_role("status")).to_have_text(" ".join([NO_ANSWER, *reasons]))
    expect(reply.locator(".low-confidence-label")).to_have_count(0)


def test_low_confidence_answer_is_labelled_as_a_possible_answer(
    page: Page, api: Server, host_site: HostSite
) -> None:
    question = "When did Doncaster Children's Services Trust officially launch?"
    expected = httpx.post(f"{api.base}/ask", json={"question": question}, timeout=60).json()
    assert expected["answered"] is True
    assert expected["tentative"] is False, "the service must find it confident"

    # By default the service's own mark decides: shown plainly, no label.
    widget = Widget(page).load(host_site.embed("/embed.html", api.base))
    reply = widget.ask(question)
    answer = reply.locator(".answer")
    expect(answer).to_contain_text(expected["answer"])
    expect(reply.locator(".low-confidence-label")).to_have_count(0)
    expect(reply.get_by_text(POSSIBLE_ANSWER)).to_have_count(0)
    expect(answer).not_to_have_class(re.compile(r"\blow-confidence\b"))
    expect(page.get_by_role("status")).to_have_text(f"Answer: {expected['answer']}")
    confident_border = answer.evaluate("e => getComputedStyle(e).borderTopStyle")

    # A threshold above 1: every answer is a possible answer to check.
    url = host_site.embed("/unsure.html", api.base, low_confidence="1.01")
    widget = Widget(page).load(url)
    reply = widget.ask(question)
    answer = reply.locator(".answer")
    expect(answer).to_contain_text(expected["answer"])
    label = reply.locator(".low-confidence-label")
    expect(label).to_have_text(POSSIBLE_ANSWER)
    expect(label).to_be_visible()
    expect(answer).to_have_class("bubble answer low-confidence")
    # The label stands above the answer (and its "In short"), styled apart from it.
    order = reply.evaluate(
        """r => [...r.children].map(c => c.className)
        .filter(c => /low-confidence-label|short-answer|answer/.test(c))"""
    )
    assert order == ["low-confidence-label", "short-answer", "bubble answer low-confidence"]
    expect(reply.locator(".short-answer")).to_have_text("In short: October 2014")
    assert answer.evaluate("e => getComputedStyle(e).borderTopStyle") != confident_border
    expect(reply.locator(".card.is-answer mark")).to_have_text(expected["answer"])
    expect(page.get_by_role("status")).to_contain_text("Possible answer")
    expect(page.get_by_role("status")).to_contain_text(expected["answer"])
    assert widget.dialogs == []


def test_other_councils_that_answer_differently_are_named_under_the_answer(
    page: Page, distractors_api: Server, host_site: HostSite
) -> None:
    """Over reports about several councils, a question naming none: the note names the
    others, and a button per council asks again about it."""
    question = "Who carried out the 2017 monitoring visit?"
    expected = httpx.post(
        f"{distractors_api.base}/ask", json={"question": question}, timeout=60
    ).json()
    constraints = expected["constraints"]
    others = constraints["also_answered_for"]
    assert expected["answered"] and others
    # The evaluation harness's HTTP client reads the same field.
    assert HttpClient(distractors_api.base).ask(question, 5).also_answered_for == tuple(others)

    widget = Widget(page).load(host_site.embed("/embed.html", distractors_api.base))
    reply = widget.ask(question)
    note = reply.locator(".other-subjects p")
    expect(note).to_be_visible()
    names = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
    expect(note).to_have_text(
        f"This answer is about {constraints['subject']}. Reports about {names} answer this "
        "differently; name the one you mean."
    )
    # Read out with the answer.
    expect(page.get_by_role("status")).to_contain_text(f"Reports about {names}")
    # Right under the answer, above its sources.
    order = reply.evaluate(
        """r => [...r.children].map(c => c.className)
        .filter(c => /bubble answer|other-subjects|citations-heading/.test(c))"""
    )
    assert order[:3] == [order[0], "other-subjects", "citations-heading"]
    assert "answer" in order[0]
    buttons = reply.locator(".ask-about-button")
    expect(buttons).to_have_text([f"Ask about {name}" for name in others])

    # A button asks again about that council, as a follow-up of the conversation.
    council = others[0]
    history = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": expected["answer"]},
    ]
    follow_up = httpx.post(
        f"{distractors_api.base}/ask",
        json={"question": f"What about {council}?", "history": history},
        timeout=60,
    ).json()
    buttons.first.click()
    asked = widget.replies().nth(1)
    expect(asked.locator(".status")).to_have_count(0)
    expect(page.locator(".message.user .bubble").last).to_have_text(f"What about {council}?")
    if follow_up["answered"]:
        expect(asked.locator(".answer")).to_contain_text(follow_up["answer"])
    else:
        expect(asked.locator(".abstain")).to_have_text(NO_ANSWER)

    # Naming the council: nothing to add.
    reply = widget.ask("Which inspectors carried out the 2017 monitoring visit to Eastmoor?")
    expect(reply.locator(".answer")).to_be_visible()
    expect(reply.locator(".other-subjects")).to_have_count(0)
    assert widget.dialogs == []


def sse(*events: tuple[str, dict[str, Any]]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def test_reasons_and_possible_answers_are_text_and_older_servers_still_work(
    page: Page, api: Server, host_site: HostSite
) -> None:
    """Replies crafted in the browser: reasons carrying script payloads, a server
    without `constraints` or `tentative` (its confidence under 0.5 marks a possible
    answer), and the service's `tentative` mark deciding when it is given."""
    base: dict[str, Any] = {
        "short_answer": None,
        "citations": [],
        "index_version": "x",
        "timing_ms": {},
    }
    replies: dict[str, dict[str, Any]] = {
        "payload": {
            **base, "answer": None, "answered": False, "confidence": 0.01,
            "constraints": {
                "entities": [{"text": XSS_IMG, "known": False, "satisfied": False}],
                "time": None, "answer_kind": None, "answer_kind_found": None,
                "unmet": [f"No document mentions {XSS_IMG}", f"No passage about {XSS_SCRIPT}"],
            },
        },
        "older": {**base, "answer": "It launched in 2014.", "answered": True, "confidence": 0.3},
        "marked": {**base, "answer": "It launched in 2014.", "answered": True, "confidence": 0.6,
                   "tentative": True},
        "sure": {**base, "answer": "It launched in 2014.", "answered": True, "confidence": 0.3,
                 "tentative": False},
        "null": {**base, "answer": None, "answered": False, "confidence": 0.0,
                 "constraints": None},
    }  # fmt: skip
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": "*",
        "Access-Control-Allow-Methods": "POST",
    }

    def fulfil(route: Any) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=headers)
            return
        body = replies[route.request.post_data_json["question"]]
        events: list[tuple[str, dict[str, Any]]] = [("citations", {"citations": []})]
        if body["answered"]:
            events.append(("answer", {"text": body["answer"]}))
        route.fulfill(
            status=200,
            headers={**headers, "Content-Type": "text/event-stream"},
            body=sse(*events, ("done", {**body, "question": "q"})),
        )

    page.route(f"{api.base}/ask/stream", fulfil)
    widget = Widget(page).load(host_site.embed("/crafted.html", api.base))

    reply = widget.ask("payload")
    expect(reply.locator(".abstain")).to_have_text(NO_ANSWER)
    expect(reply.locator(".reasons li")).to_have_text(
        [f"No document mentions {XSS_IMG}", f"No passage about {XSS_SCRIPT}"]
    )
    expect(page.get_by_role("status")).to_contain_text(XSS_IMG)

    older = widget.ask("older")  # no `constraints` at all, confidence 0.3 < 0.5
    expect(older.locator(".answer")).to_have_text("It launched in 2014.")
    expect(older.locator(".low-confidence-label")).to_have_text(POSSIBLE_ANSWER)
    expect(page.get_by_role("status")).to_contain_text("Possible answer")

    # The service's `tentative` mark decides over the bare confidence.
    marked = widget.ask("marked")
    expect(marked.locator(".low-confidence-label")).to_have_text(POSSIBLE_ANSWER)
    sure = widget.ask("sure")
    expect(sure.locator(".answer")).to_have_text("It launched in 2014.")
    expect(sure.locator(".low-confidence-label")).to_have_count(0)

    abstained = widget.ask("null")  # `constraints: null`: the abstention alone
    expect(abstained.locator(".abstain")).to_have_text(NO_ANSWER)
    expect(abstained.locator(".reasons")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(NO_ANSWER)

    page.wait_for_timeout(500)  # an onerror handler would have fired by now
    assert_nothing_ran(page, widget)


def test_keyboard_focus_and_isolation_from_host_page_styles(
    page: Page, api: Server, host_site: HostSite
) -> None:
    widget = Widget(page).load(host_site.embed("/embed.html", api.base))
    launcher = widget.launcher
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Ask the reports")
    expect(panel).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.input).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()
    # The host page paints every button lime and all text red; the widget is untouched.
    assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(0, 255, 0)"
    launcher.click()
    assert panel.evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
    assert "cursive" not in panel.evaluate("e => getComputedStyle(e).fontFamily")


def test_demo_page_shows_the_widget(browser: Browser, api: Server, screenshot_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        widget = Widget(page).load(f"{api.base}/")
        expect(page.locator("h1")).to_have_text("reportqa")
        reply = widget.ask(LAUNCH_QUESTION)
        expect(reply.locator(".answer")).to_be_visible()
        expect(reply.locator(".card.is-answer mark")).to_be_in_viewport()
        page.screenshot(path=str(screenshot_dir / "widget-desktop.png"))
    finally:
        context.close()


def test_phone_width_panel_fills_the_screen(
    browser: Browser, api: Server, screenshot_dir: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 780}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        widget = Widget(page).load(f"{api.base}/")
        reply = widget.ask("How many children had three or more placement moves?")
        box = page.get_by_role("dialog").bounding_box()
        assert box is not None
        assert box["x"] == 0 and box["width"] == 390
        expect(reply.locator(".card").first).to_be_in_viewport()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 390, "nothing may overflow the phone's width"
        page.screenshot(path=str(screenshot_dir / "widget-phone.png"))
    finally:
        context.close()


def test_report_and_question_text_is_never_run_as_html(
    page: Page, xss_index: BuildSummary, host_site: HostSite
) -> None:
    with running_server(
        xss_index.index_dir, env={"REPORTQA_CORS_ORIGINS": host_site.origin}
    ) as server:
        widget = Widget(page).load(host_site.embed("/xss.html", server.base))
        question = f"What did the fostering panel approve {XSS_IMG}?"
        reply = widget.ask(question)
        expect(page.locator(".message.user .bubble")).to_have_text(question)
        cards = reply.locator(".card")
        expect(cards.first).to_be_visible()
        probe = reply.locator(".card", has_text="fostering panel")
        expect(probe.locator(".card-title")).to_have_text(f"Panel note {XSS_IMG}")
        expect(probe.locator(".passage")).to_contain_text("<script>window.__xss")
        # Open the cited document too: it is escaped as well.
        view = page.context.new_page()
        view.on("dialog", widget.dismiss_dialog)
        view.goto(probe.locator(".card-title").get_attribute("href") or "")
        expect(view.locator("#cited")).to_contain_text("<script>window.__xss")
        page.wait_for_timeout(500)  # an onerror handler would have fired by now
        assert view.evaluate("window.__xss") is None
        view.close()
    assert_nothing_ran(page, widget)


def test_stopped_server_shows_a_clear_message(
    page: Page, xss_index: BuildSummary, host_site: HostSite
) -> None:
    with running_server(
        xss_index.index_dir, env={"REPORTQA_CORS_ORIGINS": host_site.origin}
    ) as server:
        widget = Widget(page).load(host_site.embed("/down.html", server.base))
        server.stop()
        reply = widget.ask("When did the adoption panel meet?")
    error = reply.locator(".error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("Cannot reach the reports service")
    # The user can try again straight away.
    expect(page.locator(".send")).to_be_enabled()


def test_slow_server_times_out_with_a_clear_message(
    page: Page, api: Server, host_site: HostSite, hanging_endpoint: str
) -> None:
    url = host_site.embed("/slow.html", api.base, endpoint=hanging_endpoint, timeout="1500")
    widget = Widget(page).load(url)
    reply = widget.ask("When did Doncaster Children's Services Trust launch?")
    expect(reply.locator(".error")).to_contain_text("taking too long")


def test_page_from_an_origin_not_allowed_cannot_use_the_api(page: Page, api: Server) -> None:
    other = HostSite()  # another port: another origin, not in REPORTQA_CORS_ORIGINS
    try:
        widget = Widget(page).load(other.embed("/embed.html", api.base))
        reply = widget.ask("When did Doncaster Children's Services Trust launch?")
        expect(reply.locator(".error")).to_contain_text("Cannot reach the reports service")
    finally:
        other.close()


STAFF_KEY = "staff-key-for-the-intranet-widget-0001"


@pytest.fixture(scope="module")
def keyed_api(bundled_index: BuildSummary, host_site: HostSite) -> Iterator[Server]:
    """The service with API keys on: every data route needs a key."""
    env = {"REPORTQA_CORS_ORIGINS": host_site.origin, "REPORTQA_API_KEYS": STAFF_KEY}
    with running_server(bundled_index.index_dir, env=env) as server:
        yield server


def test_citation_links_open_without_a_key_when_keys_are_on(
    page: Page, keyed_api: Server, host_site: HostSite
) -> None:
    url = host_site.embed("/keyed.html", keyed_api.base, api_key=STAFF_KEY)
    widget = Widget(page).load(url)
    reply = widget.ask(LAUNCH_QUESTION)
    card = reply.locator(".card.is-answer")
    expect(card).to_have_count(1)
    # A plain link, as a browser opens it: no key travels with it, the signature does.
    with page.context.expect_page() as opened:
        card.locator(".card-title").click()
    document = opened.value
    document.wait_for_load_state()
    expect(document.locator("mark#cited")).to_contain_text("October 2014")
    href = document.url
    assert "&sig=" in href and "&exp=" in href
    # Without the signature, or with another document's, the page needs a key.
    unsigned = href.split("&exp=")[0]
    assert httpx.get(unsigned, timeout=30).status_code == 401
    other = re.sub(r"/documents/[0-9a-f]{16}/", "/documents/0123456789abcdef/", href)
    assert httpx.get(other.split("#")[0], timeout=30).status_code == 401
