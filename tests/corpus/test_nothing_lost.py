"""Property: deduplication only drops text that survives elsewhere.

Generated corpora mix every kind of duplication the corpus stage collapses: sentences
repeated (glued without a space, or on their own line), paragraphs repeated, a letter
held twice with two addressees, passages reprinted across documents, web boilerplate
and paragraphs split by a page break. Every sentence of every input (after boilerplate
removal) must be in a kept chunk, in an `also_in` passage, or in the metadata.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.load import load_corpus
from tests.corpus.helpers import chunk_and_dedupe, lost_sentences

WORDS = [
    "children",
    "council",
    "trust",
    "inspectors",
    "social",
    "workers",
    "placement",
    "adoption",
    "fostering",
    "care",
    "leavers",
    "plans",
    "review",
    "quality",
    "management",
    "oversight",
    "progress",
    "families",
    "support",
    "school",
    "education",
    "health",
    "police",
    "board",
    "leaders",
    "staff",
    "caseloads",
    "visits",
    "reports",
    "practice",
    "court",
    "permanence",
    "stability",
    "panel",
    "budget",
    "recruitment",
    "assessment",
    "timely",
    "effective",
    "improved",
    "borough",
    "county",
    "young",
    "people",
    "services",
    "partners",
    "strategy",
    "audit",
    "data",
    "needs",
    "homes",
]

word = st.sampled_from(WORDS)
sentence = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(word, min_size=4, max_size=16),
    st.sampled_from([".", ".", ".", "?", "!"]),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
BOILERPLATE = ["Hide Ad", "Share this page", "Sign up to our daily newsletter", "Advertisement"]


@st.composite
def document(draw: st.DrawFn) -> str:
    paragraphs = draw(st.lists(paragraph, min_size=1, max_size=6))
    mutations = draw(
        st.lists(
            st.sampled_from(
                ["glued", "own-line", "paragraph", "boilerplate", "page-split", "letter"]
            ),
            max_size=4,
        )
    )
    for mutation in mutations:
        i = draw(st.integers(0, len(paragraphs) - 1))
        if mutation == "glued":  # "...2021.Riana Nelson ..." repeated without a space
            last = paragraphs[i].split(". ")[-1]
            paragraphs[i] = paragraphs[i] + last
        elif mutation == "own-line":
            paragraphs[i] = paragraphs[i] + "\n" + paragraphs[i].split(". ")[0]
        elif mutation == "paragraph":
            paragraphs.append(paragraphs[i])
        elif mutation == "boilerplate":
            paragraphs.insert(i, draw(st.sampled_from(BOILERPLATE)))
        elif mutation == "page-split":
            words = paragraphs[i].split(" ")
            if len(words) > 6:
                cut = len(words) // 2
                paragraphs[i] = " ".join(words[:cut]) + "\n\n" + " ".join(words[cut:]).lower()
        elif mutation == "letter":
            body = "\n\n".join(paragraphs)
            copies = [
                f"1 May 2020\n\nMr Alan Smith\nAlpha Council\nTown Hall\nAL1 1AA\n\n"
                f"Dear Mr Smith\n\n{body}\n\nYours sincerely\n\nJane Reid\nInspector",
                f"1 May 2020\n\nMs Beth Jones\nBeta Trust\nHigh Street\nBE2 2BB\n\n"
                f"Dear Ms Jones\n\n{body}\n\nYours sincerely\n\nJane Reid\nInspector",
            ]
            return "\n\n".join(copies)
    return "\n\n".join(paragraphs)


@st.composite
def corpus(draw: st.DrawFn) -> list[str]:
    documents = draw(st.lists(document(), min_size=1, max_size=4))
    # The same letter sent to a second addressee, as a file of its own.
    letters = [d for d in documents if "Dear Mr Smith" in d]
    if len(letters) > 0 and draw(st.booleans()):
        copy = letters[0].split("Dear Ms Jones")[0].replace("Mr Alan Smith", "Dr Cara Wood")
        documents.append(copy.replace("Dear Mr Smith", "Dear Dr Wood").strip())
    # Reprint a passage of one document in another.
    if len(documents) > 1 and draw(st.booleans()):
        source, target = draw(st.permutations(range(len(documents))))[:2]
        passage = documents[source].split("\n\n")[-1]
        documents[target] = documents[target] + "\n\n" + passage
    return documents


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(corpus())
def test_nothing_is_lost_on_generated_corpora(documents: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, text in enumerate(documents):
            (folder / f"doc{n}.txt").write_text(f"Title {n}\n\n{text}", encoding="utf-8")
        result = load_corpus(folder)
        dedupe = chunk_and_dedupe(result)
        assert lost_sentences(result, dedupe) == []
        # Every document that was loaded keeps at least one chunk or is fully also_in.
        for doc in result.documents:
            assert doc.text
