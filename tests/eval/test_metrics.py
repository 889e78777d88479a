"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from eval import metrics as m


def test_hit_at_k() -> None:
    assert m.hit_at_k(["a", "b", "c"], {"c"}, 2) == 0.0
    assert m.hit_at_k(["a", "b", "c"], {"c"}, 3) == 1.0
    assert m.hit_at_k([], {"c"}, 3) == 0.0


def test_recall_at_k() -> None:
    ranked = ["a", "b", "c", "d"]
    assert m.recall_at_k(ranked, {"b", "d", "x"}, 3) == pytest.approx(1 / 3)
    assert m.recall_at_k(ranked, {"b", "d", "x"}, 4) == pytest.approx(2 / 3)
    assert m.recall_at_k(ranked, set(), 4) == 0.0


def test_reciprocal_rank() -> None:
    assert m.reciprocal_rank(["a", "b", "c"], {"c", "b"}) == pytest.approx(1 / 2)
    assert m.reciprocal_rank(["a", "b", "c"], {"z"}) == 0.0


def test_ndcg_binary() -> None:
    # DCG = 1/log2(3) + 1/log2(4) = 0.63093 + 0.5; IDCG = 1 + 0.63093
    value = m.ndcg_at_k(["a", "b", "c"], {"b": 1.0, "c": 1.0}, 10)
    assert value == pytest.approx(1.130930 / 1.630930, abs=1e-5)
    assert value == pytest.approx(0.693426, abs=1e-5)


def test_ndcg_graded_and_cut_off() -> None:
    # DCG = 2/log2(3); IDCG = 2/log2(2) + 1/log2(3)
    assert m.ndcg_at_k(["x", "a"], {"a": 2.0, "b": 1.0}, 10) == pytest.approx(
        (2 / math.log2(3)) / (2 + 1 / math.log2(3))
    )
    assert m.ndcg_at_k(["x", "a"], {"a": 2.0}, 1) == 0.0
    assert m.ndcg_at_k(["a"], {}, 10) == 0.0


def test_ndcg_counts_a_repeated_id_once() -> None:
    assert m.ndcg_at_k(["a", "a", "b"], {"a": 1.0}, 10) == 1.0
    assert m.ndcg_at_k(["x", "x", "b"], {"b": 1.0}, 10) == pytest.approx(0.5)


def test_dedupe_keeps_best_rank() -> None:
    assert m.dedupe(["d1", "d2", "d1", "d3", "d2"]) == ["d1", "d2", "d3"]


def test_evidence_labels_map_passages_to_gold_items() -> None:
    passages = [m.Interval("d", 0, 100), m.Interval("d", 100, 200), m.Interval("e", 0, 50)]
    evidence = [[m.Interval("d", 150, 160)], [m.Interval("e", 10, 20), m.Interval("d", 10, 20)]]
    labels = m.evidence_labels(passages, evidence)
    assert labels == ["e1", "e0", "e1"]
    # A passage that only overlaps a span does not contain it.
    assert m.evidence_labels([m.Interval("d", 155, 300)], evidence) == ["miss0"]
    assert m.ndcg_at_k(labels, {"e0": 1.0, "e1": 1.0}) == 1.0


def test_squad_normalisation() -> None:
    assert m.normalize_answer("The  Blue Building!") == "blue building"
    assert m.normalize_answer("‘Inadequate’ – an A-rating") == "inadequate arating"


def test_exact_match_and_f1() -> None:
    assert m.exact_match("the Blue building.", ["Blue Building"]) == 1.0
    assert m.exact_match("Blue", ["Blue Building"]) == 0.0
    assert m.exact_match(None, ["x"]) == 0.0
    # pred [october, 2014, launch] vs gold [october, 2014]: P = 2/3, R = 1, F1 = 0.8
    assert m.token_f1("October 2014 launch", ["October 2014"]) == pytest.approx(0.8)
    assert m.token_f1("October 2014 launch", ["nothing", "launch"]) == pytest.approx(0.5)
    assert m.token_f1(None, ["x"]) == 0.0


def test_answer_contains_gold_on_word_boundaries() -> None:
    assert m.answer_contains_gold("The trust launched in October 2014.", ["october 2014"]) == 1.0
    assert m.answer_contains_gold("It was 2014.", ["201"]) == 0.0
    assert m.answer_contains_gold(None, ["x"]) == 0.0


def test_answer_contains_gold_splits_hyphenated_words() -> None:
    # "The 12-page report" holds the figure 12; SQuAD's normalisation alone makes "12page".
    assert m.answer_contains_gold("The 12-page report was published.", ["12"]) == 1.0
    assert m.answer_contains_gold("Rated good in 2016–17.", ["2016"]) == 1.0
    assert m.answer_contains_gold("A 112-page report.", ["12"]) == 0.0
    assert m.normalize_answer("12-page") == "12page"  # EM and F1 keep SQuAD's rule


def test_answer_contains_gold_reads_a_table_row_cell_by_cell() -> None:
    row = "C02|Agency social workers as % of FTE|L|39%|38%|R|19%|17.6%"
    assert m.answer_contains_gold(row, ["17.6%"]) == 1.0
    assert m.answer_contains_gold(row, ["9%"]) == 0.0


def test_citation_precision_and_support() -> None:
    cited = [m.Interval("d", 0, 100), m.Interval("d", 100, 200)]
    assert m.citation_precision(cited, [[m.Interval("d", 10, 20)]]) == 0.5
    assert m.citation_precision([], [[m.Interval("d", 10, 20)]]) == 0.0
    assert m.answer_supported("abc", ["zz", "xxabcxx"]) == 1.0
    assert m.answer_supported("ABC", ["xxabcxx"]) == 0.0
    assert m.answer_supported(None, ["abc"]) == 0.0


def test_abstention_precision_recall() -> None:
    score = m.abstention_score([True, True, False, False], [False, True, False, True])
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)
    assert score.answered_answerable == 0.5
    assert score.abstained == 2


def test_abstention_sweep() -> None:
    sweep = m.abstention_sweep([0.1, 0.5, 0.3, 0.9], [False, True, False, True], [0.0, 0.4, 0.6])
    assert [s.abstained for s in sweep] == [0, 2, 3]
    assert (sweep[0].precision, sweep[0].recall) == (0.0, 0.0)
    assert (sweep[1].precision, sweep[1].recall, sweep[1].answered_answerable) == (1.0, 1.0, 1.0)
    assert sweep[2].precision == pytest.approx(2 / 3)
    assert sweep[2].answered_answerable == 0.5


def test_percentiles() -> None:
    assert m.percentile([10, 20, 30, 40], 50) == 25.0
    assert m.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert m.percentile([], 50) == 0.0
    assert m.mean([]) == 0.0
