"""Calibrate the abstention threshold (REPORTQA_ABSTAIN_BELOW) on a gold question set.

Runs every gold question through the engine in-process once with abstention off,
then sweeps the threshold over the recorded confidences and prints, per threshold,
how many unanswerable questions abstain (abstention recall), how many abstentions
are right (precision), how many answerable questions wrongly abstain, and answer
accuracy. It suggests the threshold that abstains most on unanswerable questions
while fewer than 5% of answerable ones abstain.

Usage:
    python scripts/calibrate_abstention.py --gold PATH/bundled.jsonl [--index var/index]
        [--json out.json] [--show-misses]

Gold format (JSONL, one question a line): question, answerable, answers (strings),
doc_paths (file names of the gold documents).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.engine import QAEngine  # noqa: E402
from service.schemas import AskRequest  # noqa: E402
from service.settings import Settings  # noqa: E402


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2018\u2019\u02dc`]", "'", text)
    text = re.sub(r"[\u201c\u201d]", '"', text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class Outcome:
    id: str
    question: str
    type: str
    answerable: bool
    confidence: float
    answer: str | None
    contains_gold: bool
    gold_doc_top3: bool
    gold_doc_top1: bool


def run(gold_path: Path, index_dir: Path) -> list[Outcome]:
    settings = Settings(index_dir=index_dir, abstain_below=0.0)
    engine = QAEngine.load(settings)
    outcomes = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        response = engine.ask(AskRequest(question=item["question"], top_k=5))
        paths = [engine.index.store.document(c.doc_id) for c in response.citations]
        cited = [d.path for d in paths if d is not None]
        gold_docs = set(item.get("doc_paths") or [])
        answer = response.answer or ""
        outcomes.append(
            Outcome(
                id=item.get("id", ""),
                question=item["question"],
                type=item.get("type", ""),
                answerable=bool(item.get("answerable", True)),
                confidence=response.confidence,
                answer=response.answer,
                contains_gold=any(normalise(a) in normalise(answer) for a in item["answers"])
                if item.get("answers")
                else False,
                gold_doc_top3=bool(gold_docs & set(cited[:3])),
                gold_doc_top1=bool(gold_docs & set(cited[:1])),
            )
        )
    engine.close()
    return outcomes


def sweep(outcomes: list[Outcome]) -> list[dict[str, float]]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    rows = []
    for step in range(0, 101, 2):
        t = step / 100
        abstain_u = sum(o.confidence < t for o in unanswerable)
        abstain_a = sum(o.confidence < t for o in answerable)
        abstained = abstain_u + abstain_a
        correct = sum(o.contains_gold and o.confidence >= t for o in answerable)
        rows.append(
            {
                "threshold": t,
                "abstain_recall": abstain_u / max(len(unanswerable), 1),
                "abstain_precision": abstain_u / abstained if abstained else 1.0,
                "answerable_abstaining": abstain_a / max(len(answerable), 1),
                "answer_accuracy": correct / max(len(answerable), 1),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=Path("var/index"))
    parser.add_argument("--json", type=Path, help="write per-question outcomes and the sweep")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    outcomes = run(args.gold, args.index)
    answerable = [o for o in outcomes if o.answerable]
    n = max(len(answerable), 1)
    print(f"questions: {len(outcomes)} ({len(answerable)} answerable)")
    print(
        f"answer contains gold (no abstention): {sum(o.contains_gold for o in answerable) / n:.3f}"
    )
    print(f"gold doc in top 3: {sum(o.gold_doc_top3 for o in answerable) / n:.3f}")
    print(f"gold doc top 1:    {sum(o.gold_doc_top1 for o in answerable) / n:.3f}")
    rows = sweep(outcomes)
    print("\nthreshold  abstain_recall  abstain_precision  answerable_abstaining  accuracy")
    for r in rows:
        if r["threshold"] * 100 % 4 == 0 or r["threshold"] <= 0.6:
            print(
                f"{r['threshold']:9.2f}  {r['abstain_recall']:14.3f}"
                f"  {r['abstain_precision']:17.3f}  {r['answerable_abstaining']:21.3f}"
                f"  {r['answer_accuracy']:8.3f}"
            )
    ok = [r for r in rows if r["answerable_abstaining"] < 0.05]
    best = max(ok, key=lambda r: (r["abstain_recall"], -r["threshold"]))
    print(f"\nsuggested abstain_below: {best['threshold']:.2f} -> {best}")
    if args.show_misses:
        for o in outcomes:
            wrong = (o.answerable and not o.contains_gold) or (
                not o.answerable and o.confidence >= best["threshold"]
            )
            if wrong:
                print(
                    f"\n[{o.id} {o.type} conf={o.confidence:.2f} top3={o.gold_doc_top3}]"
                    f" {o.question}"
                )
                print(f"   -> {o.answer}")
    if args.json:
        args.json.write_text(
            json.dumps({"outcomes": [asdict(o) for o in outcomes], "sweep": rows}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
