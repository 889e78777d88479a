"""`reportqa ask`: the filters and history of POST /ask, one-line errors, help texts."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from index.files import FilesIndex
from service import cli
from service.qa.contract import AskResponse, Constraints

QUERY = "When were children's services inspected?"  # both tiny documents answer it


@pytest.fixture()
def doc_ids(tiny_index: BuildSummary, fake_embedder: HashingEmbedder) -> dict[str, str]:
    """Document id by file name."""
    index = FilesIndex.open(tiny_index.index_dir, fake_embedder)
    try:
        return {d.path: d.doc_id for d in index.store.documents()}
    finally:
        index.close()


def ask_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert cli.main(["ask", *argv, "--json"]) == 0
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def test_json_is_the_full_response(cli_on_tiny: None, capsys: pytest.CaptureFixture[str]) -> None:
    body = ask_json(capsys, QUERY, "-k", "2")
    assert body["question"] == QUERY
    assert 1 <= len(body["citations"]) <= 2
    assert {"answer", "confidence", "short_answer", "constraints"} <= body.keys()


def test_filters_narrow_the_citations(
    cli_on_tiny: None, doc_ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    everything = ask_json(capsys, QUERY)
    assert {c["doc_id"] for c in everything["citations"]} == set(doc_ids.values())

    news = ask_json(capsys, QUERY, "--kind", "News Article")  # case does not matter
    assert news["citations"] and all(c["kind"] == "news article" for c in news["citations"])
    alpha = ask_json(capsys, QUERY, "--doc", doc_ids["alpha.txt"])
    assert {c["doc_id"] for c in alpha["citations"]} == {doc_ids["alpha.txt"]}
    both = ask_json(capsys, QUERY, "--doc", doc_ids["alpha.txt"], "--doc", doc_ids["beta.md"])
    assert {c["doc_id"] for c in both["citations"]} == set(doc_ids.values())
    newer = ask_json(capsys, QUERY, "--from", "2019-01-01")
    assert newer["citations"] and all(c["date"] >= "2019-01-01" for c in newer["citations"])
    older = ask_json(capsys, QUERY, "--to", "2016-01-01")
    assert older["citations"] and all(c["date"] <= "2016-01-01" for c in older["citations"])
    none = ask_json(capsys, QUERY, "--from", "2016-01-01", "--to", "2016-12-31")
    assert none["citations"] == []


def test_plain_output_numbers_the_citations_with_title_and_date(
    cli_on_tiny: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ask", QUERY, "--kind", "news article"]) == 0
    out = capsys.readouterr().out
    assert "(confidence " in out
    assert "[1] Beta trust news (2019-04-02) doc " in out
    assert "Alpha council inspection" not in out

    assert cli.main(["ask", QUERY, "--from", "2016-01-01", "--to", "2016-12-31"]) == 0
    out = capsys.readouterr().out
    assert "No answer found" in out and "no passage of the index passes" in out


def test_history_makes_a_follow_up(
    cli_on_tiny: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "history.json"
    turns = [
        {"role": "user", "content": "Was the Beta trust launched?"},
        {"role": "assistant", "content": "Yes, it was."},
    ]
    history.write_text(json.dumps(turns), encoding="utf-8")
    body = ask_json(capsys, "And when was that?", "--history", str(history))
    assert body["retrieval_query"].startswith("Was the Beta trust launched?")
    alone = ask_json(capsys, "And when was that?")
    assert alone["retrieval_query"] == "And when was that?"

    assert cli.main(["ask", "And when was that?", "--history", str(history)]) == 0
    assert "(searched for: Was the Beta trust launched?" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "No such file or directory"),
        ("[{", "not valid JSON"),
        (b"\xff\xfe[", "not valid JSON"),
        ('{"role": "user", "content": "x"}', "Input should be a valid list"),
        ('[{"role": "bot", "content": "x"}]', "turn 1 role: Input should be 'user' or"),
        ('[{"role": "user", "content": " "}]', "turn 1 content: must contain non-whitespace"),
        ('[{"role": "user"}]', "turn 1 content: Field required"),
    ],
)
def test_a_bad_history_file_is_one_line_and_exit_2(
    cli_on_tiny: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    fragment: str,
) -> None:
    path = tmp_path / "history.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    line = refused(monkeypatch, capsys, ["And when?", "--history", str(path)])
    assert line.startswith(f"reportqa: --history {path}: ") and fragment in line


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--from", "2019-02-30"], "--from: "),
        (["--to", "2019/01/01"], "--to: must be a date written YYYY-MM-DD"),
        (["--from", "2020-01-01", "--to", "2019-01-01"], "--from/--to: date_from 2020-01-01 is"),
        (["--doc", "ABC"], "--doc 'ABC': String should match pattern"),
        (["--kind", " "], "--kind ' ': must contain non-whitespace text"),
        (["-k", "0"], "-k/--top-k: Input should be greater than or equal to 1"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    cli_on_tiny: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    fragment: str,
) -> None:
    assert fragment in refused(monkeypatch, capsys, [QUERY, *options])


def refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> str:
    """The one `reportqa: ...` line of `ask argv`, which exits 2 before loading anything."""

    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine must not load for a bad option")

    monkeypatch.setattr("service.qa.engine.QAEngine.load", no_load)
    assert cli.main(["ask", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportqa: "), captured.err
    return lines[0]


def _options_without_help(parser: argparse.ArgumentParser, path: str) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options_without_help(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction) and not action.help:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}"


def test_every_option_of_every_command_has_help() -> None:
    assert list(_options_without_help(cli.build_parser(), "reportqa")) == []


@pytest.mark.parametrize("tentative", [True, False])
def test_the_services_tentative_mark_decides_the_warning(tentative: bool) -> None:
    """Whatever the bare confidence: the service marks answers below its calibrated level."""
    response = AskResponse(
        question="q", answer="It launched in 2014.", answered=True, confidence=0.6,
        tentative=tentative, citations=[], index_version="x", timing_ms={},
    )  # fmt: skip
    text = cli.describe_answer(response)
    assert ("Possible answer - check the sources:" in text) is tentative
    assert text.endswith("It launched in 2014.")


def test_other_councils_answering_differently_are_named() -> None:
    constraints = Constraints(subject="Eastmoor", also_answered_for=["Doncaster", "Westfold"])
    response = AskResponse(
        question="q", answer="Martin Ellery carried out the visit.", answered=True,
        confidence=0.8, citations=[], index_version="x", timing_ms={}, constraints=constraints,
    )  # fmt: skip
    assert cli.describe_answer(response).splitlines()[-1] == (
        "This answer is about Eastmoor. Reports about Doncaster and Westfold answer this "
        "differently; name the one you mean."
    )
