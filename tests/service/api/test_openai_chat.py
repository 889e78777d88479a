"""The OpenAI-compatible routes: the real `openai` client against a real server and model.

One server (keys on) on the bundled index serves every end-to-end test; the conversion
of messages to a question and history, and of an answer to a reply, is tested without one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, ValidationError

from index.build import BuildSummary
from service.api.openai_format import (
    MODEL_ID,
    NO_ANSWER,
    POSSIBLE_ANSWER,
    ChatRequest,
    ask_request,
    reply_text,
)
from service.qa.contract import AskResponse, Citation, Constraints, Turn
from tests.service.api.conftest import METRICS_KEY, QUERY_KEY
from tests.support.serving import running_server

LAUNCH = "When did Doncaster Children's Services Trust launch?"
OFF_TOPIC = "What is the boiling point of tungsten?"

# --- without a server: messages in, /ask request out; answer in, reply text out ----------


def _chat(*messages: dict[str, Any], **fields: Any) -> ChatRequest:
    return ChatRequest.model_validate({"model": MODEL_ID, "messages": list(messages), **fields})


def test_last_user_message_is_the_question_and_earlier_turns_the_history() -> None:
    asked = ask_request(
        _chat(
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Who led the trust?"},
            {"role": "assistant", "content": "Paul Moffat led it."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "And when"},
                    {"type": "text", "text": "did he start?"},
                ],
            },
            {"role": "assistant", "content": None, "tool_calls": []},
        )
    )
    assert asked.question == "And when\ndid he start?"
    assert asked.history == [
        Turn(role="user", content="Who led the trust?"),
        Turn(role="assistant", content="Paul Moffat led it."),
    ]


def test_earlier_replies_lose_their_sources_and_abstentions_are_dropped() -> None:
    answered = (
        f"{POSSIBLE_ANSWER} It launched in October 2014.\n\nSources:\n"
        "[1] Trust news (2014-10-01) – http://x/v"
    )  # a tentative answer: the mark is no topic either
    abstained = f"{NO_ANSWER} No document mentions Sheffield.\n\nRelated passages:\n[1] A – /v"
    asked = ask_request(
        _chat(
            {"role": "user", "content": "When did the trust launch?"},
            {"role": "assistant", "content": answered},
            {"role": "user", "content": "What about Sheffield?"},
            {"role": "assistant", "content": abstained},
            {"role": "user", "content": "And its rating?"},
        )
    )
    assert [t.content for t in asked.history] == [
        "When did the trust launch?",
        "It launched in October 2014.",
        "What about Sheffield?",
    ]


def test_a_long_chat_keeps_the_most_recent_turns() -> None:
    turns = [{"role": "user", "content": f"question {i}"} for i in range(30)]
    asked = ask_request(_chat(*turns, {"role": "user", "content": "last"}))
    assert len(asked.history) == 20 and asked.history[-1].content == "question 29"


def test_sampling_parameters_and_unknown_fields_are_ignored() -> None:
    chat = _chat(
        {"role": "user", "content": "q", "name": "ann"},
        temperature=0.2,
        top_p=1,
        max_tokens=-1,
        stop=["\n"],
        n=1,
        tools=[],
        stream_options={"include_usage": True},
    )
    assert ask_request(chat).question == "q"


@pytest.mark.parametrize(
    ("messages", "fields", "said"),
    [
        ([{"role": "system", "content": "hi"}], {}, "no user message"),
        ([{"role": "assistant", "content": "hi"}], {}, "no user message"),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
            {},
            "content part 0 is of type 'image_url': only text parts are supported",
        ),
        ([{"role": "tool", "content": "{}", "tool_call_id": "1"}], {}, "'tool'"),
        ([{"role": "user", "content": " \u200b "}], {}, "non-whitespace"),
        ([{"role": "user", "content": "q"}], {"n": 2}, "less than or equal to 1"),
        ([{"role": "user", "content": "q"}], {"stream": "yes"}, "valid boolean"),
    ],
)
def test_malformed_chats_are_refused_with_a_reason(
    messages: list[dict[str, Any]], fields: dict[str, Any], said: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(said)):
        _chat(*messages, **fields)


def _citation(n: int, title: str, date: str | None) -> Citation:
    return Citation(
        n=n,
        doc_id="0123456789abcdef",
        title=title,
        date=date,
        kind="news article",
        chunk_id="c",
        text="t",
        start=0,
        end=1,
        highlight=None,
        score=1.0,
        view_url=f"/documents/0123456789abcdef/view?start={n}&end=9",
    )


def _response(answer: str | None, unmet: list[str] | None = None) -> AskResponse:
    return AskResponse(
        question="q",
        answer=answer,
        answered=answer is not None,
        confidence=0.5,
        citations=[_citation(1, "Trust news", "2014-10-01"), _citation(2, "Letter", None)],
        index_version="v1",
        timing_ms={},
        constraints=Constraints(unmet=unmet or []),
    )


def test_the_reply_is_the_answer_then_numbered_sources_with_links() -> None:
    assert reply_text(_response("It launched in October 2014."), "http://h:1") == (
        "It launched in October 2014.\n\nSources:\n"
        "[1] Trust news (2014-10-01) – http://h:1/documents/0123456789abcdef/view?start=1&end=9\n"
        "[2] Letter – http://h:1/documents/0123456789abcdef/view?start=2&end=9"
    )


def test_other_councils_that_answer_differently_follow_the_answer() -> None:
    constraints = Constraints(subject="Eastmoor", also_answered_for=["Doncaster"])
    ambiguous = _response("Martin Ellery carried out the visit.").model_copy(
        update={"constraints": constraints}
    )
    reply = reply_text(ambiguous, "http://h")
    assert reply.startswith(
        "Martin Ellery carried out the visit.\n\nThis answer is about Eastmoor. Reports about "
        "Doncaster answer this differently; name the one you mean.\n\nSources:\n"
    )
    # Sent back as history, the reply is the answer alone: the other councils' names
    # would steer the follow-up towards them.
    asked = ask_request(
        _chat(
            {"role": "user", "content": "Who carried out the visit?"},
            {"role": "assistant", "content": reply},
            {"role": "user", "content": "And when was that?"},
        )
    )
    assert asked.history[-1] == Turn(
        role="assistant", content="Martin Ellery carried out the visit."
    )
    # However the client writes its line breaks.
    crlf = ask_request(
        _chat(
            {"role": "user", "content": "Who carried out the visit?"},
            {"role": "assistant", "content": reply.replace("\n", "\r\n")},
            {"role": "user", "content": "And when was that?"},
        )
    )
    assert crlf.history[-1].content == "Martin Ellery carried out the visit."


def test_an_answer_the_service_is_unsure_of_says_so() -> None:
    unsure = _response("It launched in October 2014.").model_copy(update={"tentative": True})
    assert reply_text(unsure, "http://h").startswith(
        f"{POSSIBLE_ANSWER} It launched in October 2014.\n\nSources:\n"
    )


def test_an_abstention_says_why_and_lists_the_related_passages() -> None:
    text = reply_text(_response(None, ["No document mentions Sheffield"]), "http://h")
    assert text.startswith(f"{NO_ANSWER} No document mentions Sheffield.\n\nRelated passages:\n")
    assert "\n[2] Letter – http://h/documents/" in text


# --- a real server and the real openai client ---------------------------------------------


@pytest.fixture(scope="module")
def server(bundled_index: BuildSummary) -> Iterator[str]:
    keys = f"{QUERY_KEY},{METRICS_KEY}:metrics"
    with running_server(bundled_index.index_dir, env={"REPORTQA_API_KEYS": keys}) as running:
        yield running.base


def _client(server: str, key: str = QUERY_KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key=key, max_retries=0, timeout=120)


@pytest.fixture(scope="module")
def client(server: str) -> openai.OpenAI:
    return _client(server)


def _extra(model: BaseModel, name: str) -> Any:
    """A field the OpenAI types do not know, kept by the SDK (extra fields are allowed)."""
    return (model.model_extra or {})[name]


def _unsigned(text: str) -> str:
    # Each reply signs its links afresh (the expiry moves), so two replies differ there.
    return re.sub(r"&exp=\d+&sig=[0-9a-f]+", "", text)


def _user(question: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "user", "content": question}]


@pytest.mark.integration
def test_answer_with_sources_and_the_structured_response(
    client: openai.OpenAI, server: str
) -> None:
    completion = client.chat.completions.create(model=MODEL_ID, messages=_user(LAUNCH))
    assert completion.object == "chat.completion" and completion.model == MODEL_ID
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    content = choice.message.content or ""
    answer, sources = content.split("\n\nSources:\n")
    assert "October 2014" in answer
    assert re.match(rf"\[1\] .+ – {re.escape(server)}/documents/[0-9a-f]{{16}}/view\?", sources)
    structured = _extra(completion, "reportqa")
    assert structured["answered"] is True and structured["answer"] == answer
    assert [c["n"] for c in structured["citations"]] == list(range(1, sources.count("\n") + 2))
    assert completion.system_fingerprint == structured["index_version"]
    # The links are signed: a browser opens them without a key.
    link = sources.split(" – ")[1].split("\n")[0]
    assert httpx.get(link, timeout=30).status_code == 200


@pytest.mark.integration
def test_streamed_deltas_join_to_the_same_reply(client: openai.OpenAI) -> None:
    whole = client.chat.completions.create(model=MODEL_ID, messages=_user(LAUNCH))
    chunks = list(
        client.chat.completions.create(model=MODEL_ID, messages=_user(LAUNCH), stream=True)
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert _unsigned(streamed) == _unsigned(whole.choices[0].message.content or "")
    assert len(chunks) > 4  # the answer comes a few words at a time
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and last.choices[0].delta.content is None
    assert _extra(last, "reportqa")["answered"] is True
    assert [c.choices[0].finish_reason for c in chunks[:-1]] == [None] * (len(chunks) - 1)


@pytest.mark.integration
def test_the_stream_is_server_sent_events_ending_with_done(server: str) -> None:
    body = {"model": MODEL_ID, "messages": _user(LAUNCH), "stream": True}
    headers = {"Authorization": f"Bearer {QUERY_KEY}"}
    response = httpx.post(f"{server}/v1/chat/completions", json=body, headers=headers, timeout=120)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = response.text.split("\n\n")
    assert events[-2:] == ["data: [DONE]", ""]
    final = json.loads(events[-3].removeprefix("data: "))
    assert final["choices"] == [
        {"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}
    ]


@pytest.mark.integration
def test_a_follow_up_is_answered_from_the_history(client: openai.OpenAI) -> None:
    earlier = "How was leadership rated in the February 2022 inspection?"
    first = client.chat.completions.create(model=MODEL_ID, messages=_user(earlier))
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": earlier},
        {"role": "assistant", "content": first.choices[0].message.content or ""},
        {"role": "user", "content": "and the overall rating?"},
    ]
    completion = client.chat.completions.create(model=MODEL_ID, messages=messages)
    structured = _extra(completion, "reportqa")
    assert earlier in structured["retrieval_query"]
    assert "Sources:" not in structured["retrieval_query"]
    assert "require improvement" in (completion.choices[0].message.content or "")


@pytest.mark.integration
def test_an_off_topic_question_is_a_reply_saying_no_answer_was_found(
    client: openai.OpenAI,
) -> None:
    completion = client.chat.completions.create(model=MODEL_ID, messages=_user(OFF_TOPIC))
    content = completion.choices[0].message.content or ""
    assert content.startswith(NO_ANSWER)
    assert "\n\nRelated passages:\n[1] " in content
    assert completion.choices[0].finish_reason == "stop"
    assert _extra(completion, "reportqa")["answered"] is False


@pytest.mark.integration
def test_keys_are_checked_as_for_ask(client: openai.OpenAI, server: str) -> None:
    with pytest.raises(openai.AuthenticationError):
        _client(server, "wrong-key-0123456789abcdef").models.list()
    with pytest.raises(openai.AuthenticationError):
        _client(server, "wrong-key-0123456789abcdef").chat.completions.create(
            model=MODEL_ID, messages=_user(LAUNCH)
        )
    with pytest.raises(openai.PermissionDeniedError):  # a key without the query scope
        _client(server, METRICS_KEY).chat.completions.create(model=MODEL_ID, messages=_user("q"))
    assert client.chat.completions.create(model=MODEL_ID, messages=_user(LAUNCH)).choices


@pytest.mark.integration
def test_the_one_model_is_listed(client: openai.OpenAI) -> None:
    models = list(client.models.list())
    assert [(m.id, m.object, m.owned_by) for m in models] == [(MODEL_ID, "model", "reportqa")]
    assert models[0].created > 0


@pytest.mark.integration
def test_malformed_requests_are_clear_4xx(client: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as refused:
        client.chat.completions.create(
            model=MODEL_ID, messages=[{"role": "system", "content": "Be brief."}]
        )
    assert refused.value.body == {
        "message": "messages: no user message: the last user message is the question",
        "type": "invalid_request_error",
        "param": "messages",
        "code": None,
    }
    image: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x/a.png"}}]}
    ]
    with pytest.raises(openai.UnprocessableEntityError, match="only text parts are supported"):
        client.chat.completions.create(model=MODEL_ID, messages=image)
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-4o", messages=_user(LAUNCH))
    assert unknown.value.code == "model_not_found"
