"""The answer-model fitter: ranking fit, confidence fit, sweep and operating point on
hand-made data, then cross-validation on the bundled gold set with the real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.models import Chunk, Document
from eval.datasets import read_gold
from eval.fit_answer import (
    QuestionCandidates,
    SweepRow,
    _ranking_loss,
    collect,
    confidence_matrix,
    cross_validate,
    fit,
    fit_confidence,
    operating_point,
    shown_contains_gold,
    sweep,
    top1_accuracy,
    warning_point,
)
from service.qa.analysis import analyse
from service.qa.answer import Candidate
from service.qa.answer_model import (
    CONFIDENCE_FEATURES,
    FEATURES,
    HAND_WEIGHTS,
    WEIGHTS_PATH,
    load_model,
)
from service.qa.engine import AnswerInputs, QAEngine
from service.qa.followup import resolve
from service.qa.retrieve import Passage
from tests.conftest import REPO

NO_INPUTS = AnswerInputs("q", analyse(resolve("q", []), None), [], [])


def group(
    rows: list[dict[str, float]], positive: list[bool], answerable: bool = True
) -> QuestionCandidates:
    features = np.array([[r.get(n, 0.0) for n in FEATURES] for r in rows], dtype=np.float64)
    return QuestionCandidates("q", answerable, NO_INPUTS, features, np.array(positive))


def test_fit_learns_the_feature_that_marks_the_right_candidate() -> None:
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(30):
        right = int(rng.integers(0, 5))
        rows = [
            {"overlap": 1.0 if i == right else 0.0, "semantic": float(rng.random())}
            for i in range(5)
        ]
        groups.append(group(rows, [i == right for i in range(5)]))
    weights = fit(groups, l2=0.1)
    assert weights["overlap"] > 1.0
    assert abs(weights["semantic"]) < weights["overlap"]
    assert top1_accuracy(groups, weights) == 1.0


def test_a_candidate_is_labelled_by_the_answer_it_is_shown_as() -> None:
    """A line cut from a sentence wrapped at a fixed width is shown whole, so it is right
    when the rest of its sentence, on the next line, holds the gold answer."""
    lines = [
        "The Cabinet report of 3 March 2025 sets out the options for the service and their",
        "costs. The one interested provider proposed a block rate that would apply from",
        "April at £5,450 per bed per week, fixed for three years from the start date.",
        "Members were asked to note the proposal and to agree the next steps for the home.",
    ]
    text = "\n".join(lines) + "\n"
    line = "The one interested provider proposed a block rate that would apply from"
    start = text.index(line)
    document = Document("d", text, "Report", None, "report", "Council", "d.txt")
    passage = Passage(Chunk("c", "d", 0, 0, len(text), text), document, score=1.0, rank=1)
    candidate = Candidate(passage, start, start + len(line), line, 1.0, 0.5, 0.5)
    assert shown_contains_gold(candidate, ["£5,450 per bed per week"])
    assert not shown_contains_gold(candidate, ["three options"])


def test_top1_accuracy_counts_questions_without_a_right_candidate_as_misses() -> None:
    picks_first = group([{"semantic": 0.9}, {"semantic": 0.1}], [True, False])
    picks_wrong = group([{"semantic": 0.9}, {"semantic": 0.1}], [False, True])
    nothing_right = group([{"semantic": 0.5}], [False])
    unanswerable = group([{"semantic": 0.5}], [False], answerable=False)
    groups = [picks_first, picks_wrong, nothing_right, unanswerable]
    # 1 right of the 3 answerable questions; the unanswerable one is not counted.
    assert top1_accuracy(groups, {"semantic": 1.0}) == pytest.approx(1 / 3)


def test_ranking_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    groups = [
        QuestionCandidates(
            "q", True, NO_INPUTS, rng.random((4, len(FEATURES))), np.array([1, 0, 1, 0], bool)
        )
        for _ in range(3)
    ]
    w = rng.normal(size=len(FEATURES))
    _, grad = _ranking_loss(w, groups, l2=0.5)
    step = 1e-6
    for i in range(len(FEATURES)):
        e = np.zeros_like(w)
        e[i] = step
        numeric = (_ranking_loss(w + e, groups, 0.5)[0] - _ranking_loss(w - e, groups, 0.5)[0]) / (
            2 * step
        )
        assert grad[i] == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_confidence_model_ranks_stronger_evidence_higher() -> None:
    x = np.zeros((40, len(CONFIDENCE_FEATURES)))
    x[:20, 0] = np.linspace(2.0, 4.0, 20)  # "score": high for right answers
    x[20:, 0] = np.linspace(0.0, 2.5, 20)
    correct = np.array([True] * 20 + [False] * 20)
    model = fit_confidence(x, correct, l2=0.1)
    strong = model.probability({"score": 4.0})
    weak = model.probability({"score": 0.0})
    assert 0.0 <= weak < 0.5 < strong <= 1.0


def test_sweep_on_a_hand_computed_example() -> None:
    rows = {
        r.threshold: r for r in sweep([0.1, 0.6, 0.3], [False, True, True], [False, True, True])
    }
    at_half = rows[0.5]
    # abstains on q0 (unanswerable: right) and q2 (answerable, would have been right)
    assert at_half.abstain_recall == 1.0
    assert at_half.abstain_precision == 0.5
    assert at_half.answerable_abstaining == 0.5
    assert at_half.right_answers_withheld == 0.5
    assert at_half.accuracy == pytest.approx(0.6667, abs=1e-4)
    assert rows[0.0].accuracy == pytest.approx(0.6667, abs=1e-4)  # answers all three
    assert rows[0.2].accuracy == 1.0  # abstains on q0 only
    assert rows[0.0].answered_wrong == 0.0  # both answerable questions are answered right


def test_operating_point_declines_at_most_a_tenth_of_answerable_questions() -> None:
    def row(t: float, answerable_abstaining: float, acc: float = 0.5) -> SweepRow:
        return SweepRow(t, 0.0, 0.0, answerable_abstaining, 0.0, acc)

    rows = [row(0.0, 0.0), row(0.2, 0.05), row(0.4, 0.10), row(0.6, 0.3, acc=0.9)]
    assert operating_point(rows).threshold == 0.4
    # No threshold within the budget: the most accurate, lowest of equals.
    over = [row(0.0, 0.0, 0.5), row(0.2, 0.2, 0.7), row(0.4, 0.3, 0.7), row(0.6, 0.5, 0.6)]
    assert operating_point(over).threshold == 0.2


def test_warning_point_keeps_confidently_wrong_answers_within_five_percent() -> None:
    def row(t: float, answered_wrong: float) -> SweepRow:
        return SweepRow(t, 0.0, 0.0, 0.0, 0.0, 0.5, answered_wrong)

    rows = [row(0.0, 0.2), row(0.2, 0.12), row(0.4, 0.06), row(0.6, 0.04), row(0.8, 0.01)]
    assert warning_point(rows, abstain_below=0.2).threshold == 0.6  # the lowest safe one
    assert warning_point(rows, abstain_below=0.7).threshold == 0.8  # never below abstention
    # Nothing safe: every answer is flagged (the highest threshold).
    assert warning_point([row(0.0, 0.3), row(1.0, 0.1)], abstain_below=0.0).threshold == 1.0


def test_shipped_model_file_is_complete() -> None:
    model = load_model(WEIGHTS_PATH)
    assert set(model.weights) == set(FEATURES)
    assert model.confidence is not None
    assert set(model.confidence.weights) == set(CONFIDENCE_FEATURES)
    assert 0.0 <= model.abstain_below <= model.warn_below <= 1.0


def test_model_file_with_an_unknown_feature_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text('{"weights": {"semantic": 1.0, "shoe_size": 2.0}}', encoding="utf-8")
    with pytest.raises(ValueError, match="shoe_size"):
        load_model(path)


@pytest.fixture(scope="module")
def engine(bundled_engine: QAEngine) -> QAEngine:
    return bundled_engine


@pytest.mark.integration
def test_cross_validated_model_is_no_worse_than_the_hand_weights(engine: QAEngine) -> None:
    groups = collect(engine, read_gold(REPO / "eval" / "gold" / "bundled.jsonl"))
    cv = cross_validate(groups, folds=5)
    assert cv.questions >= 80 and cv.answerable < cv.questions
    # Held-out questions, answered by weights fitted without them.
    assert cv.top1_fitted >= cv.top1_hand - 0.02
    best = operating_point(cv.sweep)
    no_abstention = cv.sweep[0]
    assert best.accuracy >= no_abstention.accuracy
    assert best.abstain_recall > 0.0


def test_a_gold_file_can_name_the_index_its_questions_are_asked_over() -> None:
    from eval.cli import _gold_on_index

    assert _gold_on_index("eval/gold/fresh.jsonl=var/corpora/with-fresh/index") == (
        Path("eval/gold/fresh.jsonl"),
        Path("var/corpora/with-fresh/index"),
    )
    assert _gold_on_index("eval/gold/bundled.jsonl") == (Path("eval/gold/bundled.jsonl"), None)


def test_confidence_inputs_need_the_answerer_of_the_questions_index() -> None:
    with pytest.raises(ValueError, match="answerer"):
        confidence_matrix([group([{"semantic": 1.0}], [True])], HAND_WEIGHTS)


def test_a_gold_files_own_index_is_refused_under_the_postgres_backend(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The postgres backend serves one database: a files index per gold file would be
    silently ignored, so the command says so instead of fitting on the wrong corpus."""
    from service.cli import main
    from service.settings import get_settings

    monkeypatch.setenv("REPORTQA_BACKEND", "postgres")
    get_settings.cache_clear()
    try:
        code = main(["eval", "fit-answer", "--gold", "eval/gold/fresh.jsonl=var/other/index"])
    finally:
        get_settings.cache_clear()
    assert code == 2
    assert "postgres" in capsys.readouterr().err
