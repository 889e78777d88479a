"""Question files from outside the project: minimal JSONL, SQuAD, CSV, ragas; their errors;
and `reportqa eval` on one end to end through the CLI entry point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.datasets import GoldFormatError, GoldQuestion, read_gold
from eval.markdown import wrong_answers
from eval.run import EvalResult, QuestionResult, SystemRun, aggregate, check_floors
from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service import cli
from service.settings import get_settings

# The same three questions in every format: two answerable, one not.
EXPECTED = [
    ("When was the Beta trust launched?", ["March 2016"], True, "untyped"),
    ("Who is the chief executive of the Beta trust?", ["Jane Porter", "Porter"], True, "untyped"),
    ("What is the capital of France?", [], False, "unanswerable"),
]
QUESTIONS = [q for q, _, _, _ in EXPECTED]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def _summary(questions: list[GoldQuestion]) -> list[tuple[str, list[str], bool, str]]:
    return [(q.question, q.answers, q.answerable, q.type) for q in questions]


# --- each format into the same records ---------------------------------------------------


@pytest.mark.parametrize("unanswerable", [{"answers": []}, {"answer": None}, {"answer": " "}])
def test_minimal_jsonl_with_answer_or_answers(
    tmp_path: Path, unanswerable: dict[str, object]
) -> None:
    rows: list[dict[str, object]] = [
        {"question": QUESTIONS[0], "answer": "March 2016"},
        {"id": "ceo", "question": QUESTIONS[1], "answers": ["Jane Porter", "Porter"]},
        {"question": QUESTIONS[2], **unanswerable},
    ]
    questions = read_gold(_write(tmp_path, "mine.jsonl", "# my questions\n\n" + _jsonl(rows)))
    assert _summary(questions) == EXPECTED
    # ids from the line number where the file gives none
    assert [q.id for q in questions] == ["line-3", "ceo", "line-5"]
    assert all(q.doc_paths == [] and q.evidence == [] for q in questions)


def test_minimal_fields_keep_what_is_given(tmp_path: Path) -> None:
    row: dict[str, object] = {
        "question": "When?",
        "answer": ["2014", 2015],
        "type": "date",
        "evidence": [{"doc_path": "a.txt", "quote": "in 2014"}],
    }
    [question] = read_gold(_write(tmp_path, "g.jsonl", _jsonl([row])))
    assert (question.type, question.answers) == ("date", ["2014", "2015"])
    assert question.doc_paths == ["a.txt"]  # inferred from the evidence


def test_the_project_gold_line_reads_as_before(tmp_path: Path) -> None:
    line = {
        "id": "b1",
        "question": "When?",
        "type": "date",
        "answerable": True,
        "answers": ["2014"],
        "doc_paths": ["a.txt"],
        "evidence": [{"doc_path": "a.txt", "quote": "in 2014"}],
        "tags": ["x"],
    }
    [question] = read_gold(_write(tmp_path, "g.jsonl", _jsonl([line])))
    assert question.model_dump(mode="json") == line | {"history": []}


def _squad(version: str) -> dict[str, object]:
    qas: list[dict[str, object]] = [
        {
            "id": "s1",
            "question": QUESTIONS[0],
            "answers": [
                {"text": "March 2016", "answer_start": 30},
                {"text": "March 2016", "answer_start": 30},
            ],
        },
        {
            "id": "s2",
            "question": QUESTIONS[1],
            "answers": [{"text": "Jane Porter"}, {"text": "Porter"}],
        },
    ]
    if version == "v2.0":
        qas[0]["is_impossible"] = False
        impossible = {"is_impossible": True, "answers": [], "plausible_answers": [{"text": "x"}]}
        qas.append({"id": "s3", "question": QUESTIONS[2], **impossible})
    else:  # v1.1 has no impossible questions; an empty answer list stands for one
        qas.append({"id": "s3", "question": QUESTIONS[2], "answers": []})
    context = "The Beta trust was launched in March 2016."
    paragraphs = [{"context": context, "qas": qas[:2]}, {"context": context, "qas": qas[2:]}]
    return {"version": version, "data": [{"title": "Beta", "paragraphs": paragraphs}]}


@pytest.mark.parametrize("version", ["v1.1", "v2.0"])
def test_squad(tmp_path: Path, version: str) -> None:
    questions = read_gold(_write(tmp_path, "dev.json", json.dumps(_squad(version))))
    assert _summary(questions) == EXPECTED
    assert [q.id for q in questions] == ["s1", "s2", "s3"]


def test_squad_rows_of_the_hugging_face_datasets(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "h1", "title": "B", "context": "c", "question": QUESTIONS[0],
         "answers": {"text": ["March 2016"], "answer_start": [3]}},
        {"id": "h2", "title": "B", "context": "c", "question": QUESTIONS[1],
         "answers": {"text": ["Jane Porter", "Porter"], "answer_start": [1, 6]}},
        {"id": "h3", "title": "B", "context": "c", "question": QUESTIONS[2],
         "answers": {"text": [], "answer_start": []}},
    ]  # fmt: skip
    # `Dataset.to_json` writes JSON Lines under a .json name.
    assert _summary(read_gold(_write(tmp_path, "squad.json", _jsonl(rows)))) == EXPECTED


def test_csv(tmp_path: Path) -> None:
    text = (
        "id,Question,Answers,notes\n"
        f"c1,{QUESTIONS[0]},March 2016,ignored\n"
        f'c2,"{QUESTIONS[1]}","Jane Porter | Porter",\n'
        "\n"
        f",{QUESTIONS[2]},,\n"
    )
    questions = read_gold(_write(tmp_path, "mine.csv", text))
    assert _summary(questions) == EXPECTED
    assert [q.id for q in questions] == ["c1", "c2", "line-5"]


def test_csv_from_a_spreadsheet_with_semicolons_a_bom_and_a_cell_over_two_lines(
    tmp_path: Path,
) -> None:
    text = (
        "\ufeffquestion;answer\r\n"
        f"{QUESTIONS[0]};March 2016\r\n"
        f'"Who is the chief executive\r\nof the Beta trust?";Jane Porter|Porter\r\n'
        f"{QUESTIONS[2]};\r\n"
    )
    questions = read_gold(_write(tmp_path, "mine.csv", text))
    assert [q.answers for q in questions] == [e[1] for e in EXPECTED]
    assert [q.id for q in questions] == ["line-2", "line-3", "line-5"]


def test_ragas(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"user_input": QUESTIONS[0], "reference": "March 2016", "retrieved_contexts": ["c"]},
        {"user_input": QUESTIONS[1], "reference": ["Jane Porter", "Porter"], "response": "x"},
        {"user_input": QUESTIONS[2], "reference": ""},
    ]
    assert _summary(read_gold(_write(tmp_path, "ragas.jsonl", _jsonl(rows)))) == EXPECTED
    assert _summary(read_gold(_write(tmp_path, "ragas.json", json.dumps(rows)))) == EXPECTED


def test_older_ragas_ignores_its_answer_field(tmp_path: Path) -> None:
    # ragas 0.1: `answer` is the system's response; the gold answers are ground_truth(s).
    rows: list[dict[str, object]] = [
        {"question": QUESTIONS[0], "answer": "wrong", "contexts": [], "ground_truth": "March 2016"},
        {"question": QUESTIONS[1], "answer": "wrong", "ground_truths": ["Jane Porter", "Porter"]},
        {"question": QUESTIONS[2], "answer": "wrong", "ground_truths": []},
    ]
    questions = read_gold(_write(tmp_path, "old.json", json.dumps(rows)))
    assert _summary(questions) == EXPECTED
    assert [q.id for q in questions] == ["item-0", "item-1", "item-2"]


# --- malformed files: one line naming the place ------------------------------------------


GOOD = json.dumps({"question": "When?", "answer": "2014"})
ID_A = json.dumps({"id": "a", "question": "When?", "answer": "2014"})


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("g.jsonl", f"{GOOD}\n{GOOD}\n{{'question': 1}}\n", "g.jsonl:3: not valid JSON:"),
        ("g.jsonl", f'{GOOD}\n{{"answer": "x"}}\n', "g.jsonl:2: missing 'question'"),
        ("g.jsonl", f'{GOOD}\n{{"question": " ", "answer": "x"}}\n', "g.jsonl:2: 'question' must"),
        (
            "g.jsonl",
            f'{GOOD}\n{{"question": "Q", "anwsers": ["x"]}}\n',
            "g.jsonl:2: needs 'answers'",
        ),
        (
            "g.jsonl",
            f'{GOOD}\n{{"question": "Q", "answers": ["x"], "anwser": "y"}}\n',
            "g.jsonl:2: unknown field 'anwser'",
        ),
        ("g.jsonl", '{"question": "Q", "answer": "x", "answers": []}', "g.jsonl:1: give 'answers'"),
        ("g.jsonl", '{"question": "Q", "answer": {"text": "x"}}', "g.jsonl:1: 'answer' must be"),
        (
            "g.jsonl",
            '{"question": "Q", "answers": [], "answerable": true}',
            "g.jsonl:1: an answerable question needs answers",
        ),
        ("g.jsonl", '{"question": "Q", "answer": "x", "type": "guess"}', "g.jsonl:1: type: "),
        ("g.jsonl", f"{ID_A}\n{ID_A}\n", "g.jsonl:2: duplicate id 'a' (first at "),
        ("g.jsonl", '["question", "answer"]\n', "g.jsonl:1: expected a JSON object, found list"),
        ("g.jsonl", '{"query": "Q", "gold": "x"}\n', "g.jsonl:1: unknown question format"),
        ("g.jsonl", "# only a comment\n", "g.jsonl: no questions in the file"),
        ("g.csv", "query,answer\nWhen?,2014\n", "g.csv:1: no 'question' column"),
        ("g.csv", "question,response\nWhen?,2014\n", "g.csv:1: no 'answer' column"),
        ("g.csv", "question,answer\nWhen?,2014\n,x\n", "g.csv:3: 'question' must"),
        ("g.csv", "question,answer\nWhen?,2014\nHow, then?,x\n", "g.csv:3: 3 cells but"),
        ("g.csv", 'question,answer\nA?,1\n"B?,2\nC?,3\n', "g.csv:3: not valid CSV"),
        ("g.json", '{"questions": []}', "g.json: unknown structure"),
        ("g.json", '{\n  "data": [\n}', "g.json:3: not valid JSON"),
        ("g.json", '{"data": [{"paragraphs": [{}]}]}', "g.json: $.data[0].paragraphs[0].qas:"),
        (
            "g.json",
            json.dumps({"data": [{"paragraphs": [{"qas": [{"question": "Q", "answers": [{}]}]}]}]}),
            "g.json: $.data[0].paragraphs[0].qas[0].answers[0]: 'text' must be a string",
        ),
        ("g.json", '[{"user_input": "Q", "reference": "x"}, {"user_input": "R"}]', "$[1]: missing"),
        ("g.txt", "question answer\n", "g.txt: unknown question file type"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_place(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(GoldFormatError) as error:
        read_gold(path)
    assert str(error.value).startswith(str(tmp_path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_the_cli_reports_a_bad_file_in_one_line_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "g.jsonl", f"{GOOD}\n{GOOD}\nnot json\n")
    assert cli.main(["eval", "--gold", str(path), "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reportqa: {path}:3: not valid JSON") and err.count("\n") == 1
    assert cli.main(["eval", "--gold", str(tmp_path / "missing.csv")]) == 2
    assert capsys.readouterr().err == f"reportqa: {tmp_path / 'missing.csv'}: no such file\n"


# --- the report: coverage and wrong answers -----------------------------------------------


def _result(qid: str, correct: bool) -> QuestionResult:
    return QuestionResult(
        id=qid, question=f"Question {qid}?", type="untyped", tags=[], answerable=True,
        answers=["gold"], doc_paths=[], doc_ids=[], evidence=[], answer="an answer",
        answered=True, confidence=0.5, latency_ms=1.0, citations=[], retrieved=[],
        correct=correct, metrics={"contains_gold": float(correct)},
    )  # fmt: skip


def test_wrong_answers_are_capped_with_a_count_of_the_rest() -> None:
    results = [_result(f"q{i}", correct=i % 2 == 0) for i in range(10)]
    run = SystemRun(system="s", info={}, top_k=5, aggregate=aggregate(results), questions=results)
    text = wrong_answers(run, limit=3)
    assert text.count("\n- ") + text.startswith("- ") == 3
    assert (
        '- `q1` (untyped) Question q1?\n  gold: "gold"; given: "an answer" (confidence 0.50)'
        in text
    )
    assert "... and 2 more" in text
    # Without documents or evidence their figures are not measured, not 0 out of N.
    assert run.aggregate.coverage["retrieval_doc"] == 0
    assert run.aggregate.coverage["answer"] == 10
    assert check_floors(run, {"retrieval_doc.hit@5": 0.5}) == [
        "retrieval_doc.hit@5: not measured (no question has the gold data it needs)"
    ]


# --- end to end through the CLI on the tiny index -----------------------------------------


@pytest.fixture()
def fast_model(fake_embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI with the hashing test embedder instead of the real model."""
    monkeypatch.setattr("service.qa.encoder.settings_embedder", lambda settings: fake_embedder)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_eval_of_a_minimal_file_through_the_cli(
    tiny_index: BuildSummary, fast_model: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"question": "When was the Beta trust launched?", "answer": "March 2016"},
        {"id": "ceo", "question": "Who is the chief executive of the Beta trust?",
         "answers": ["Jane Porter"], "doc_paths": ["beta.md"]},
        # A gold answer the documents do not hold: certainly a wrong answer.
        {"question": "How many children waited for adoption?", "answers": ["Ninety-nine"]},
        {"question": "What is the capital of France?", "answer": None},
    ]  # fmt: skip
    gold = _write(tmp_path, "mine.jsonl", _jsonl(rows))
    out = tmp_path / "out" / "mine.json"
    argv = ["eval", "--gold", str(gold), "--index", str(tiny_index.index_dir), "--out", str(out)]
    assert cli.main([*argv, "-q"]) == 0
    assert capsys.readouterr().out.startswith("reportqa: accuracy ")

    result = EvalResult.model_validate_json(out.read_text(encoding="utf-8"))
    run = result.runs[0]
    agg = run.aggregate
    assert [q.id for q in run.questions] == ["line-1", "ceo", "line-3", "line-4"]
    assert (agg.questions, agg.answerable, agg.unanswerable) == (4, 3, 1)
    assert agg.coverage["answer"] == 3
    assert agg.coverage["retrieval_doc"] == 1  # only "ceo" names its document
    assert agg.coverage["retrieval_span"] == 0  # no evidence quotes anywhere
    ceo = run.questions[1]
    assert agg.retrieval_doc["hit@5"] == ceo.metrics["doc_hit@5"]
    assert "span_mrr" not in ceo.metrics and "doc_mrr" not in run.questions[0].metrics
    wrong = run.questions[2]
    assert not wrong.correct

    summary = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "## reportqa: questions behind each figure" in summary
    assert "| evidence-span retrieval (hit@k, recall, MRR, nDCG) | 0: not measured" in summary
    assert "| document retrieval (hit@k, recall, MRR, nDCG) | 1 |" in summary
    assert "## reportqa: wrong answers (" in summary
    item = summary[summary.index("- `line-3`") :]
    assert item.startswith("- `line-3` (untyped) How many children waited for adoption?\n")
    assert 'gold: "Ninety-nine"; given: ' in item.splitlines()[1]
    assert f"(confidence {wrong.confidence:.2f})" in item.splitlines()[1]
    assert "Questions handled wrongly" not in summary  # the ids-only list is replaced
