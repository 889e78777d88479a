"""A report's own judgement scale, read off its text, answers a rating question."""

from __future__ import annotations

from service.qa.kinds import kind_strength
from service.qa.scales import on_scale, scale_values

PROGRESS = (
    "2.2 The evaluation used a four-point progress scale: Strong progress, Good progress, "
    "Some progress and Limited progress. The judgements against each priority are:"
)
AUDIT = (
    "2.2 The overall audit judgement is ADEQUATE, on the Quality Assurance Unit's "
    "four-point scale (Secure / Adequate / Fragile / Unsafe)."
)
LISTED = (
    "4.2 Each case was given one of four grades:\n"
    "  - Secure: the accommodation is suitable and stable.\n"
    "  - Adequate: suitable, with some concerns.\n"
    "  - Fragile: at risk of breaking down.\n"
    "  - Unsafe: not safe tonight.\n"
)


def test_a_scale_defined_in_a_sentence_or_a_list() -> None:
    assert scale_values(PROGRESS) == {
        "strong progress", "good progress", "some progress", "limited progress",
    }  # fmt: skip
    assert scale_values(AUDIT) == {"secure", "adequate", "fragile", "unsafe"}
    assert scale_values(LISTED) == {"secure", "adequate", "fragile", "unsafe"}
    # A scale named but not given, or a list of things that are not grades.
    assert scale_values("Ratings use a four-point scale.") == frozenset()
    assert scale_values("The plan has four priorities:\n - Housing: more homes.\n") == frozenset()


def test_a_value_of_the_reports_scale_is_a_rating() -> None:
    scale = scale_values(PROGRESS)
    row = "| 4 | Early help that works for adolescents | Limited progress |"
    question = "What judgement did the evaluation give the priority on adolescents?"
    assert kind_strength(row, "rating", question=question, scale=scale) == 1.0
    # Not without the report's scale, nor the value the question gives itself.
    assert kind_strength(row, "rating", question=question) == 0.0
    assert not on_scale(row, scale, "which priority made limited progress?")
    assert not on_scale("Progress was limited.", scale)
