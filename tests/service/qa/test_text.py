"""The shared text analyser: stems compared whatever the form of the word."""

from __future__ import annotations

from service.qa.text import content_stems, word_stems


def test_an_irregular_verb_shares_its_stem_with_the_verb() -> None:
    """ "Who led the inspection?" is answered by "... Inspector (lead)"; "How much was
    spent?" by "... will spend £2m"."""
    assert content_stems("Who led the inspection?") & content_stems("Jane Smith (lead)")
    assert "spend" in content_stems("The council spent £2m.")
    assert content_stems("How much was underspent?") & content_stems("The underspend was £4m.")
    assert word_stems("The report was written") == word_stems("The report was write")
    # A light verb or a word of another sense keeps its own stem.
    assert "said" in content_stems("Ofsted said so.")
    assert "leav" not in content_stems("left")
