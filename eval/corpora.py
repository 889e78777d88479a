"""Corpora for evaluation beside the bundled one: combine document folders into one.

The distractor corpus (`eval/corpora/distractors/`) holds fictional reports about other
councils; indexed together with the bundled five it tests that an answer comes from
the council, year and inspection the question names. A combined folder keeps every
file name (gold files refer to documents by name) and merges the manifests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from corpus.load import MANIFEST_NAME, default_manifest_path

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "corpus" / "documents"
DISTRACTORS = REPO / "eval" / "corpora" / "distractors" / "documents"
# Six more reports about two other councils and a trust, written after the answer model
# was last changed, with questions in `eval/gold/fresh.jsonl` and `heldout-fresh.jsonl`;
# six more in other formats (a cabinet report, an inspection summary, a joint inspection
# letter, national news), with `fresh2.jsonl` and `heldout-fresh2.jsonl`; six more again
# (a freedom-of-information reply, a director's blog, a press release, select committee
# evidence, a feature comparing two councils), with `fresh3.jsonl` and `heldout-fresh3.jsonl`;
# six more on two councils and a trust (a monitoring letter, local and national news, a
# scrutiny report, a trust's annual report, a minister's letter), with `fresh4.jsonl` and
# `heldout-fresh4.jsonl`; six more again (an inspection report's judgement table, cabinet
# minutes, a Westminster Hall debate, news on agency staff, a safeguarding practice
# review, a charity's survey of care leavers), with `fresh5.jsonl` and `heldout-fresh5.jsonl`;
# six more on two councils (a monitoring letter, an inspection report, scrutiny minutes,
# local and national news, a fostering service's annual report), with `fresh6.jsonl` and
# `heldout-fresh6.jsonl`; six more on two councils (a children's home inspection,
# corporate parenting board minutes, an interview with a new director, a commissioner's
# report, a regional adoption agency's annual report, a chief executive's action plan),
# with `fresh7.jsonl` and `heldout-fresh7.jsonl`; six more on two councils (a focused visit
# letter, a self-evaluation, a peer challenge letter, local news, a financial plan's tables,
# a foster carers' web page), with `fresh8.jsonl` and `heldout-fresh8.jsonl`; six more on
# three councils (a joint targeted area inspection letter, corporate parenting board
# minutes, an independent reviewing officers' annual report, a press release, a
# safeguarding practice review summary, a Freedom of Information response), with
# `fresh9.jsonl` and `heldout-fresh9.jsonl`; six more on three councils (a residential
# special school's inspection, a safeguarding partnership's annual report, an ombudsman's
# decision, a youth justice inspection, an area SEND inspection letter, a care leavers'
# local offer web page), with `fresh10.jsonl` and `heldout-fresh10.jsonl`; six more on
# three councils (a placement sufficiency strategy, an internal audit of placement
# commissioning, a supported accommodation inspection, a social work health check, a
# review of an improvement notice, a local radio transcript), with `fresh11.jsonl` and
# `heldout-fresh11.jsonl`; six more on three councils (a regional adoption agency's
# inspection, a virtual school head's annual report, a children's complaints annual report,
# a LADO annual report, a foster carers' e-mail newsletter, a cabinet member's decision on
# a fee uplift), with `fresh12.jsonl` and `heldout-fresh12.jsonl`; six more on three
# councils (a children in care council's well-being survey, a private fostering annual
# report, improvement board minutes, a quarterly performance scorecard, a missing children
# and return home interviews report, public questions at a full council meeting), with
# `fresh13.jsonl` and `heldout-fresh13.jsonl`; six more on three councils (a practice week
# audit's findings, a director of children's services' annual report, a youth justice
# plan summary, a newspaper letters page on a children's home closing, a schools forum
# paper on high-needs funding, an adopter recruitment campaign's evaluation), with
# `fresh14.jsonl` and `heldout-fresh14.jsonl`; six more on three councils (a child
# safeguarding practice review's summary, a family court judgment, a director's recruitment
# pack, parliamentary written questions, an independent reviewing officers' annual report,
# a tender notice for residential care), with `fresh15.jsonl` and `heldout-fresh15.jsonl`;
# six more on three councils (a Freedom of Information response, a children's home's
# Regulation 44 visit report, a scrutiny task-and-finish report on kinship care, a foster
# carers' fees and allowances schedule, a budget monitoring report, a social worker job
# advert captured from the web), with `fresh16.jsonl` and `heldout-fresh16.jsonl`; six
# more on three councils (a stage 2 complaint investigation, a corporate parenting report
# card, a contract award notice with evaluation scores, a children's home's statement of
# purpose, a social work staff survey, a parent carer forum newsletter), with
# `fresh17.jsonl` and `heldout-fresh17.jsonl`; six more on three councils (a short breaks
# services statement captured from the web, an equality impact assessment for a cabinet
# decision, a family hubs timetable, a risk register extract, a children's home's
# Regulation 45 review, a councillors' briefing on unaccompanied asylum-seeking children),
# with `fresh18.jsonl` and `heldout-fresh18.jsonl`; six more on three councils (a kinship
# care policy statement, an elective home education annual report, a school suspensions
# and exclusions data briefing, an e-petition with the cabinet member's response, a
# childcare sufficiency assessment, a holiday activities and food programme report), with
# `fresh19.jsonl` and `heldout-fresh19.jsonl`; six more on three councils (a CAMHS
# waiting-times briefing, a grant offer letter, a serious incident notifications summary,
# a social care staffing establishment report, a school place planning report, a SEND
# travel assistance policy captured from the web), with `fresh20.jsonl` and
# `heldout-fresh20.jsonl`; six more on three councils (a fostering panel annual report,
# an Ombudsman annual review letter, a council tax discount consultation, youth council
# minutes, a children's homes market position statement, a virtual school attendance
# dashboard), with `fresh21.jsonl` and `heldout-fresh21.jsonl`; six more on three
# councils (an Ofsted focused visit letter, corporate parenting board minutes, a news
# report of a SEND inspection, a performance scorecard, a cabinet report on children's
# homes, a regional adoption agency's annual report), with `fresh22.jsonl` and
# `heldout-fresh22.jsonl`; six more on three councils (a secure children's home
# inspection report, a principal social worker's annual report, a council media
# statement with questions and answers, a family group conference annual report, full
# council minutes on a motion, a youth justice out-of-court scrutiny panel report), with
# `fresh23.jsonl` and `heldout-fresh23.jsonl`; six more on three councils (a residential
# family centre inspection report, a special guardianship support review, a child death
# overview panel annual report, a cabinet webcast transcript, a health of children in
# care annual report, a children missing education report), with `fresh24.jsonl` and
# `heldout-fresh24.jsonl`; six more on three councils (a section 11 safeguarding audit
# summary, a care proceedings performance report to a family justice board, a social
# work academy's ASYE annual report, a child exploitation problem profile, a young
# carers service annual report, a report on children deprived of their liberty), with
# `fresh25.jsonl` and `heldout-fresh25.jsonl`.
# Six more on three councils (an early help strategy evaluation, a family hubs and Start
# for Life progress report, a report on families with no recourse to public funds, a youth
# justice improvement plan update after an HMIP inspection, an advocacy and independent
# visitor annual report, an alternative provision review), with `fresh26.jsonl` and
# `heldout-fresh26.jsonl`.
# Six more on three councils (an inspection of a council's fostering agency, a local news
# live blog of a budget meeting, an audit of care leavers' accommodation with its own
# grades, a scrutiny call-in of a cabinet decision, a domestic abuse and children annual
# report, a children's services staff bulletin), with `fresh27.jsonl` and
# `heldout-fresh27.jsonl`.
# Six more on three councils (a planning committee report on a children's home, the note
# of an Ofsted annual engagement meeting, an external auditor's value for money report, a
# staff consultation on a social work team redesign, an edge-of-care business case, an
# independent scrutineer's report on a safeguarding partnership), with `fresh28.jsonl` and
# `heldout-fresh28.jsonl`.
FRESH = REPO / "eval" / "corpora" / "fresh" / "documents"
FRESH2 = REPO / "eval" / "corpora" / "fresh2" / "documents"
FRESH3 = REPO / "eval" / "corpora" / "fresh3" / "documents"
FRESH4 = REPO / "eval" / "corpora" / "fresh4" / "documents"
FRESH5 = REPO / "eval" / "corpora" / "fresh5" / "documents"
FRESH6 = REPO / "eval" / "corpora" / "fresh6" / "documents"
FRESH7 = REPO / "eval" / "corpora" / "fresh7" / "documents"
FRESH8 = REPO / "eval" / "corpora" / "fresh8" / "documents"
FRESH9 = REPO / "eval" / "corpora" / "fresh9" / "documents"
FRESH10 = REPO / "eval" / "corpora" / "fresh10" / "documents"
FRESH11 = REPO / "eval" / "corpora" / "fresh11" / "documents"
FRESH12 = REPO / "eval" / "corpora" / "fresh12" / "documents"
FRESH13 = REPO / "eval" / "corpora" / "fresh13" / "documents"
FRESH14 = REPO / "eval" / "corpora" / "fresh14" / "documents"
FRESH15 = REPO / "eval" / "corpora" / "fresh15" / "documents"
FRESH16 = REPO / "eval" / "corpora" / "fresh16" / "documents"
FRESH17 = REPO / "eval" / "corpora" / "fresh17" / "documents"
FRESH18 = REPO / "eval" / "corpora" / "fresh18" / "documents"
FRESH19 = REPO / "eval" / "corpora" / "fresh19" / "documents"
FRESH20 = REPO / "eval" / "corpora" / "fresh20" / "documents"
FRESH21 = REPO / "eval" / "corpora" / "fresh21" / "documents"
FRESH22 = REPO / "eval" / "corpora" / "fresh22" / "documents"
FRESH23 = REPO / "eval" / "corpora" / "fresh23" / "documents"
FRESH24 = REPO / "eval" / "corpora" / "fresh24" / "documents"
FRESH25 = REPO / "eval" / "corpora" / "fresh25" / "documents"
FRESH26 = REPO / "eval" / "corpora" / "fresh26" / "documents"
FRESH27 = REPO / "eval" / "corpora" / "fresh27" / "documents"
FRESH28 = REPO / "eval" / "corpora" / "fresh28" / "documents"
FRESH29 = REPO / "eval" / "corpora" / "fresh29" / "documents"
FRESH30 = REPO / "eval" / "corpora" / "fresh30" / "documents"
FRESH31 = REPO / "eval" / "corpora" / "fresh31" / "documents"
FRESH32 = REPO / "eval" / "corpora" / "fresh32" / "documents"
FRESH33 = REPO / "eval" / "corpora" / "fresh33" / "documents"
FRESH34 = REPO / "eval" / "corpora" / "fresh34" / "documents"
FRESH35 = REPO / "eval" / "corpora" / "fresh35" / "documents"
# Every report written for evaluation, in the order the rounds came.
FRESH_ROUNDS = (
    FRESH,
    FRESH2,
    FRESH3,
    FRESH4,
    FRESH5,
    FRESH6,
    FRESH7,
    FRESH8,
    FRESH9,
    FRESH10,
    FRESH11,
    FRESH12,
    FRESH13,
    FRESH14,
    FRESH15,
    FRESH16,
    FRESH17,
    FRESH18,
    FRESH19,
    FRESH20,
    FRESH21,
    FRESH22,
    FRESH23,
    FRESH24,
    FRESH25,
    FRESH26,
    FRESH27,
    FRESH28,
    FRESH29,
    FRESH30,
    FRESH31,
    FRESH32,
    FRESH33,
    FRESH34,
    FRESH35,
)


def combine(sources: list[Path], out: Path) -> Path:
    """Copy the documents of every folder in `sources` into `out/documents`, merge manifests.

    Returns the new documents folder (its manifest beside it, as the loader expects).

    Raises:
        ValueError: two folders hold a file of the same name.
    """
    documents = out / "documents"
    if documents.exists():
        shutil.rmtree(documents)
    documents.mkdir(parents=True)
    merged: dict[str, object] = {}
    for source in sources:
        for path in sorted(p for p in source.iterdir() if p.is_file()):
            if (documents / path.name).exists():
                raise ValueError(f"{path.name} is in more than one corpus folder")
            shutil.copy2(path, documents / path.name)
        manifest = default_manifest_path(source)
        if manifest.is_file():
            merged.update(json.loads(manifest.read_text(encoding="utf-8"))["documents"])
    about = "Merged by `reportqa eval corpus` from: " + ", ".join(str(s) for s in sources)
    (out / MANIFEST_NAME).write_text(
        json.dumps({"_about": about, "documents": merged}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return documents
