"""Repairs and boilerplate rules, on strings the bundled corpus does not contain."""

from __future__ import annotations

from collections import Counter

from corpus.clean import (
    Block,
    assemble,
    merge_page_splits,
    remove_boilerplate,
    repair,
    source_furniture,
    split_blocks,
)
from corpus.config import CorpusConfig

CONFIG = CorpusConfig()


def test_repair_fixes_mojibake_odd_spaces_and_glued_sentences() -> None:
    counts: Counter[str] = Counter()
    raw = (
        "Rated \u2018\u02dcinadequate\u2019 in 2015.The trust\u00a0was set up."
        " It said \u00e2\u20ac\u0153goodâ€\x9d.Next year"
    )
    text = repair(raw, CONFIG, counts)
    assert text == "Rated 'inadequate' in 2015. The trust was set up. It said \"good\". Next year"
    assert counts["glued sentences"] == 2
    assert counts["mojibake remnants"] == 1


def test_repair_keeps_curly_quotes_when_configured() -> None:
    text = repair("children\u2019s", CorpusConfig(uncurl_quotes=False))
    assert text == "children\u2019s"


def test_repair_leaves_decimals_abbreviations_and_urls_alone() -> None:
    text = "Rates of 6.7% and 0.8 rose, e.g. in gov.uk data."
    assert repair(text, CONFIG) == text


def _lines(blocks: list[Block]) -> list[str]:
    return [line for b in blocks for line in b.lines]


def test_navigation_and_advert_lines_are_removed_by_general_rules() -> None:
    blocks = split_blocks(
        [
            "Inspectors found good practice.\nSkip advert\nSubscribe to our weekly bulletin\n\n"
            "Read more: council budget news\n\nEmail this article\n\n"
            "The newsletter of the trust is sent to every foster carer, the report said."
        ]
    )
    kept, removals = remove_boilerplate(blocks, "x.txt", CONFIG)
    assert _lines(kept) == [
        "Inspectors found good practice.",
        # A long sentence that mentions a newsletter is report text, not an advert.
        "The newsletter of the trust is sent to every foster carer, the report said.",
    ]
    assert {r.text for r in removals} == {
        "Skip advert",
        "Subscribe to our weekly bulletin",
        "Read more: council budget news",
        "Email this article",
    }
    assert all(r.rule == "boilerplate-line" and r.reason for r in removals)


def test_extra_patterns_from_settings_are_applied() -> None:
    config = CorpusConfig(extra_boilerplate_patterns=(r"^most read$",))
    kept, removals = remove_boilerplate(split_blocks(["Text here.\n\nMost read"]), "x", config)
    assert _lines(kept) == ["Text here."]
    assert removals[0].rule == "boilerplate-line"


def test_a_council_pages_navigation_is_boilerplate() -> None:
    page = (
        "Skip to main content\n"
        "Home > Children, families and education > SEND Local Offer > Short breaks\n"
        "> Short Breaks Services Statement 2025-26\n"
        "Short breaks give disabled children the chance to have fun.\n"
        "The council's offer > the national minimum, said the report."
    )
    kept, removals = remove_boilerplate(split_blocks([page]), "x", CONFIG)
    assert _lines(kept) == [
        "Short breaks give disabled children the chance to have fun.",
        "The council's offer > the national minimum, said the report.",
    ]
    assert [r.rule for r in removals] == ["boilerplate-line"] * 3


def test_subscription_box_is_removed_up_to_the_prose_above_it() -> None:
    page = (
        "The council will invest £3m next year.\n\n"
        "Premium access\n\n- Unlimited articles\n- Weekly briefing\n\nOnly $9.99 per month"
    )
    kept, removals = remove_boilerplate(split_blocks([page]), "x", CONFIG)
    assert _lines(kept) == ["The council will invest £3m next year."]
    assert [r.rule for r in removals] == ["subscription-block"] * 3


def test_back_to_back_repeated_lines_are_collapsed() -> None:
    kept, removals = remove_boilerplate(
        split_blocks(["Jane Smith\nJane Smith\nThe report was published."]), "x", CONFIG
    )
    assert _lines(kept) == ["Jane Smith", "The report was published."]
    assert [r.rule for r in removals] == ["repeated-line"]


def test_lines_shared_by_many_documents_of_one_source_are_furniture() -> None:
    docs = [
        (
            "Gazette",
            split_blocks(
                [
                    f"Story {i}\n\nIntro {i}.\n\nMore.\n\nFindings of the review\n\nText {i}."
                    "\n\nMore.\n\nEnd.\n\nAll rights reserved Gazette Media"
                ]
            ),
        )
        for i in range(3)
    ] + [("Other", split_blocks(["All rights reserved Gazette Media"]))]
    furniture = source_furniture(docs, CONFIG)
    # The footer recurs at the foot of every story; the heading in the middle is kept.
    assert furniture["Gazette"] == frozenset({"all rights reserved gazette media"})
    assert furniture["Other"] == frozenset()
    kept, removals = remove_boilerplate(docs[0][1], "x", CONFIG, furniture["Gazette"])
    assert "All rights reserved Gazette Media" not in _lines(kept)
    assert "Findings of the review" in _lines(kept)
    assert [r.rule for r in removals] == ["source-furniture"]
    assert source_furniture(docs, CorpusConfig(source_repeat_min_docs=0)) == {}


def test_letters_to_one_addressee_keep_their_letterhead() -> None:
    letter = "2 May 2020\n\nMs Beth Jones\nBeta Trust\nBE2 2BB\n\nDear Ms Jones\n\nText {}."
    docs = [("Ofsted", split_blocks([letter.format(i)])) for i in range(4)]
    assert source_furniture(docs, CONFIG)["Ofsted"] == frozenset()


def test_paragraph_split_by_a_page_break_is_rejoined_with_its_page_recorded() -> None:
    blocks = split_blocks(
        ["Heading\n\nYoung advisors have advised on the refurbishment programme and", ""]
    ) + [Block("co-hosted and contributed to staff summits.", page=2), Block("Next.", page=2)]
    counts: Counter[str] = Counter()
    merged = merge_page_splits(blocks, counts)
    assert [b.text for b in merged] == [
        "Heading",
        "Young advisors have advised on the refurbishment programme and co-hosted and "
        "contributed to staff summits.",
        "Next.",
    ]
    text, page_starts = assemble(merged, paged=True)
    assert page_starts[0] == 0
    assert text[page_starts[1] :].startswith("co-hosted")
    assert counts["paragraphs rejoined across a break"] == 1


def test_headings_lists_and_addresses_are_not_rejoined() -> None:
    blocks = split_blocks(["Overview\n\nthe lower-case start of a quote", "- item one\n\n- item"])
    assert len(merge_page_splits(blocks)) == len(blocks) == 4
