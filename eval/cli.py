"""`reportqa eval ...`: score the gold set, a BEIR dataset, or regenerate the docs section.

reportqa eval --gold eval/gold/bundled.jsonl [--url http://host:port] [--baseline]
reportqa eval --gold my-questions.jsonl|.json|.csv --out var/eval/mine.json
reportqa eval beir ../shared/data/scifact --mode dense|lexical|hybrid
reportqa eval resolve --gold eval/gold/bundled.jsonl [--out resolved.jsonl]
reportqa eval docs [--gold-result R.json] [--beir-result B.json ...]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eval.run import Aggregate, EvalResult
    from service.settings import Settings

Command = Callable[[argparse.Namespace], int]

DEFAULT_GOLD = Path("eval/gold/bundled.jsonl")
DEFAULT_OUT = Path("var/eval")
DEFAULT_FLOORS = Path("eval/floors.json")
DEFAULT_DOCS = Path("docs/benchmarks.md")


def _settings(args: argparse.Namespace) -> Settings:
    from service.settings import get_settings

    settings = get_settings()
    if getattr(args, "index_dir", None):
        settings = settings.model_copy(update={"index_dir": args.index_dir})
    return settings


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def gold_errors(command: Command) -> Command:
    """A bad gold file is one line naming the file and line, and exit 2, not a traceback."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from eval.datasets import GoldFormatError, GoldResolutionError

        try:
            return command(args)
        except GoldFormatError as exc:
            print(f"reportqa: {' '.join(str(exc).split())}", file=sys.stderr)
        except GoldResolutionError as exc:  # one problem a line: there may be many
            gold = args.gold if isinstance(args.gold, Path) else ", ".join(map(str, args.gold))
            print(f"reportqa: {gold}: {exc}", file=sys.stderr)
        return 2

    return run


def _summary(result: EvalResult) -> str:
    """report.py's tables, then eval.markdown's coverage and wrong answers in full."""
    from eval.markdown import run_details
    from eval.report import summary_markdown

    # The report lists wrong answers by id only, from the questions; its tables use the
    # aggregates, so it gets the runs without their questions and the details follow.
    bare = result.model_copy(
        update={"runs": [r.model_copy(update={"questions": []}) for r in result.runs]}
    )
    return summary_markdown(bare) + "".join(run_details(r) for r in result.runs)


def _headline(system: str, a: Aggregate) -> str:
    def figure(value: float, covered: str) -> str:
        return f"{value:.3f}" if a.coverage.get(covered) != 0 else "n/a"

    return (
        f"{system}: accuracy {a.accuracy:.3f}, contains gold "
        f"{figure(a.answer['contains_gold'], 'answer')}, doc hit@5 "
        f"{figure(a.retrieval_doc['hit@5'], 'retrieval_doc')}, abstention P/R "
        f"{a.abstention.precision:.3f}/{a.abstention.recall:.3f}, "
        f"p50 {a.latency_ms['p50']:.0f} ms, p95 {a.latency_ms['p95']:.0f} ms"
    )


@gold_errors
def cmd_gold(args: argparse.Namespace) -> int:
    from eval.clients import BaselineClient, EngineClient, HttpClient, QAClient
    from eval.datasets import read_gold
    from eval.run import check_floors, compare, read_floors, read_result, run_gold

    questions = read_gold(args.gold)  # before loading the model: a bad file fails fast
    clients: list[QAClient] = []
    if args.url:
        clients.append(HttpClient(args.url, api_key=args.api_key))
    else:
        from service.qa import QAEngine

        clients.append(EngineClient(QAEngine.load(_settings(args))))
    if args.baseline:
        from corpus.load import load_documents
        from eval.baseline import LangChainBaseline
        from eval.datasets import IndexedDocument

        settings = _settings(args)
        docs = load_documents(Path(settings.documents_dir), settings.manifest_path)
        print("building the LangChain baseline ...", file=sys.stderr)
        baseline = LangChainBaseline.build(docs, settings.model_path)
        clients.append(
            BaselineClient(baseline, [IndexedDocument(d.doc_id, d.path, d.text) for d in docs])
        )
    result = run_gold(
        args.gold, clients, top_k=args.top_k, progress=not args.quiet, limit=args.limit,
        questions=questions,
    )  # fmt: skip
    out = args.out or DEFAULT_OUT / f"{args.gold.stem}.json"
    _write(out, result.model_dump_json(indent=1))
    _write(out.with_suffix(".md"), _summary(result))
    for run in result.runs:
        print(_headline(run.system, run.aggregate))
    if args.compare:
        print(compare(read_result(args.compare), result))
    if args.check_floors:
        floors = read_floors(args.check_floors)
        failures = [
            f"{run.system}: {msg}"
            for run in result.runs
            for msg in check_floors(run, floors.get(run.system, {}))
        ]
        if failures:
            print("below the floor:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
    return 0


def cmd_beir(args: argparse.Namespace) -> int:
    from eval.beir import run_beir

    settings = _settings(args)
    name = args.dataset.resolve().name
    work_dir = args.work_dir or Path("var/beir") / name
    run = run_beir(
        args.dataset, args.mode, settings, work_dir, rebuild=args.rebuild, limit=args.limit
    )
    out = args.out or DEFAULT_OUT / f"beir-{name}-{args.mode}.json"
    _write(out, run.model_dump_json(indent=1))
    print(
        f"{name} {args.mode}: nDCG@10 {run.ndcg_at_10:.4f}, recall@100 {run.recall_at_100:.4f}, "
        f"MRR@10 {run.mrr_at_10:.4f} over {run.queries} queries"
    )
    return 0


@gold_errors
def cmd_resolve(args: argparse.Namespace) -> int:
    from eval.clients import EngineClient, HttpClient, QAClient
    from eval.datasets import read_gold, resolve_gold, resolved_record

    questions = read_gold(args.gold)  # before loading the model: a bad file fails fast
    client: QAClient
    if args.url:
        client = HttpClient(args.url, api_key=args.api_key)
    else:
        from service.qa import QAEngine

        client = EngineClient(QAEngine.load(_settings(args)))
    resolved = resolve_gold(questions, client.documents())
    lines = "".join(json.dumps(resolved_record(q), ensure_ascii=False) + "\n" for q in resolved)
    if args.out:
        _write(args.out, lines)
    else:
        sys.stdout.write(lines)
    return 0


def _gold_on_index(value: str) -> tuple[Path, Path | None]:
    """`GOLD` or `GOLD=INDEX`: a gold file and the index its questions are asked over."""
    gold, _, index = value.partition("=")
    return Path(gold), Path(index) if index else None


@gold_errors
def cmd_fit_answer(args: argparse.Namespace) -> int:
    from eval.datasets import read_gold
    from eval.fit_answer import collect, cross_validate, fit_all, write_model
    from service.qa import QAEngine

    settings = _settings(args)
    if settings.backend != "files" and any(index for _, index in args.gold):
        print("fit-answer: GOLD=INDEX names a files index; the postgres backend has one "
              "database (REPORTQA_DATABASE_URL)", file=sys.stderr)  # fmt: skip
        return 2
    engines: dict[Path, QAEngine] = {}
    groups = []
    for gold, index in args.gold:
        where = Path(index or settings.index_dir)
        if where not in engines:
            engines[where] = QAEngine.load(settings.model_copy(update={"index_dir": where}))
        groups += collect(engines[where], read_gold(gold))
    cv = cross_validate(groups, folds=args.folds, l2=args.l2)
    fitted = fit_all(groups, args.l2)
    chosen, warning = cv.chosen_points()
    print(
        f"{cv.questions} questions ({cv.answerable} answerable, {cv.learnable} of them with a "
        f"right candidate); {cv.folds}-fold held out: top-1 contains gold {cv.top1_fitted:.3f} "
        f"(hand weights {cv.top1_hand:.3f}); in sample {fitted.top1_in_sample:.3f}"
    )
    print(
        f"held-out operating point: abstain below {chosen.threshold:.2f}: unanswerable "
        f"abstaining {chosen.abstain_recall:.3f}, answerable abstaining "
        f"{chosen.answerable_abstaining:.3f}, accuracy {chosen.accuracy:.3f}; answers "
        f"below {warning.threshold:.2f} are shown as possible ones (answered wrong above it: "
        f"{warning.answered_wrong:.3f} of answerable)"
    )
    print("weights: " + ", ".join(f"{k} {v:+.3f}" for k, v in fitted.weights.items()))
    print(
        f"confidence: bias {fitted.confidence.bias:+.3f}, "
        + ", ".join(f"{k} {v:+.3f}" for k, v in fitted.confidence.weights.items())
    )
    if args.out:
        fitted_on = [f"{gold}={index}" if index else str(gold) for gold, index in args.gold]
        write_model(args.out, fitted, cv, fitted_on, args.l2)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from eval.beir import BeirRun
    from eval.report import docs_section, write_docs_section
    from eval.run import read_result

    gold_path = args.gold_result or DEFAULT_OUT / "bundled.json"
    gold = read_result(gold_path) if gold_path.exists() else None
    heldout_path = args.heldout_result or DEFAULT_OUT / "heldout.json"
    heldout = read_result(heldout_path) if heldout_path.exists() else None
    beir_paths = args.beir_result or sorted(DEFAULT_OUT.glob("beir-*.json"))
    beir = [BeirRun.model_validate_json(p.read_text(encoding="utf-8")) for p in beir_paths]
    order = {"dense": 0, "lexical": 1, "hybrid": 2}
    beir.sort(key=lambda r: (r.dataset, order.get(r.mode, 9)))
    if gold is None and not beir:
        print("reportqa: no results to write; run `reportqa eval` first", file=sys.stderr)
        return 2
    write_docs_section(args.docs, docs_section(gold, beir, args.beir_note, heldout))
    print(f"updated the eval section of {args.docs}", file=sys.stderr)
    return 0


def cmd_corpus(args: argparse.Namespace) -> int:
    from eval.corpora import BUNDLED, DISTRACTORS, combine

    documents = combine(args.documents or [BUNDLED, DISTRACTORS], args.out)
    count = sum(1 for p in documents.iterdir() if p.is_file())
    print(f"{count} documents in {documents}; index them with:")
    print(f"  reportqa index --documents {documents} --out {args.out / 'index'}")
    return 0


def add_eval_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `reportqa eval` and its subcommands on the main CLI."""
    p = sub.add_parser(
        "eval",
        help="score answers on a gold set, or retrieval on a BEIR dataset",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--gold",
        type=Path,
        default=DEFAULT_GOLD,
        help="questions: reportqa JSONL (minimal: question + answers), SQuAD JSON, "
        "ragas JSON/JSONL or CSV (see eval/README.md)",
    )
    p.add_argument("--url", help="evaluate a running server through its HTTP API")
    p.add_argument(
        "--api-key",
        default=os.environ.get("REPORTQA_EVAL_API_KEY"),
        help="key for a server with access control (default $REPORTQA_EVAL_API_KEY)",
    )
    p.add_argument("--index", dest="index_dir", type=Path, help="index location (in-process)")
    p.add_argument("-k", "--top-k", type=int, default=5, help="citations per answer")
    p.add_argument("--baseline", action="store_true", help="also run the LangChain baseline")
    p.add_argument("--out", type=Path, help="result JSON (a .md summary is written beside it)")
    p.add_argument("--compare", type=Path, help="an older result JSON: print the deltas")
    p.add_argument(
        "--check-floors",
        type=Path,
        nargs="?",
        const=DEFAULT_FLOORS,
        help=f"exit 1 if a figure is below its floor (default file {DEFAULT_FLOORS})",
    )
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_gold)
    eval_sub = p.add_subparsers(dest="eval_command")

    b = eval_sub.add_parser("beir", help="nDCG@10 of the project's retrieval on a BEIR dataset")
    b.add_argument("dataset", type=Path, help="folder with corpus.jsonl, queries.jsonl, qrels/")
    b.add_argument(
        "--mode",
        choices=["dense", "lexical", "hybrid"],
        default="hybrid",
        help="retrievers to score (default hybrid)",
    )
    b.add_argument("--work-dir", type=Path, help="cached index location (default var/beir/NAME)")
    b.add_argument("--rebuild", action="store_true", help="rebuild the cached index")
    b.add_argument("--out", type=Path, help="result JSON (default var/eval/beir-NAME-MODE.json)")
    b.add_argument("--limit", type=int, help="only the first N queries")
    b.set_defaults(func=cmd_beir)

    r = eval_sub.add_parser("resolve", help="write gold questions with resolved ids and offsets")
    r.add_argument(
        "--gold", type=Path, default=DEFAULT_GOLD, help=f"gold questions (default {DEFAULT_GOLD})"
    )
    r.add_argument("--url", help="resolve against a running server")
    r.add_argument(
        "--api-key",
        default=os.environ.get("REPORTQA_EVAL_API_KEY"),
        help="key for a server with access control (default $REPORTQA_EVAL_API_KEY)",
    )
    r.add_argument("--index", dest="index_dir", type=Path, help="index location (in-process)")
    r.add_argument("--out", type=Path, help="output JSONL (default: stdout)")
    r.set_defaults(func=cmd_resolve)

    f = eval_sub.add_parser(
        "fit-answer", help="fit the answer-sentence weights on a gold set (cross-validated)"
    )
    f.add_argument(
        "--gold",
        type=_gold_on_index,
        nargs="+",
        default=[(DEFAULT_GOLD, None)],
        metavar="GOLD[=INDEX]",
        help="gold JSONL files to fit on, each over --index unless it names its own index",
    )
    f.add_argument(
        "--index", dest="index_dir", type=Path, help="index location (default for --gold)"
    )
    f.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    f.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the weights")
    f.add_argument(
        "--out", type=Path, help="write the weights file (e.g. service/qa/answer_weights.json)"
    )
    f.set_defaults(func=cmd_fit_answer)

    c = eval_sub.add_parser(
        "corpus", help="combine document folders (e.g. bundled + distractors) into one to index"
    )
    c.add_argument(
        "--documents",
        type=Path,
        nargs="+",
        default=None,
        help="documents folders, each with its manifest.json beside it "
        "(default: the bundled corpus and eval/corpora/distractors)",
    )
    c.add_argument(
        "--out",
        type=Path,
        default=Path("var/corpora/with-distractors"),
        help="folder to write documents/ and manifest.json into (default %(default)s)",
    )
    c.set_defaults(func=cmd_corpus)

    d = eval_sub.add_parser("docs", help="regenerate the accuracy section of docs/benchmarks.md")
    d.add_argument("--gold-result", type=Path, help=f"default {DEFAULT_OUT}/bundled.json")
    d.add_argument(
        "--heldout-result",
        type=Path,
        help=f"a run on a gold set never fitted on (default {DEFAULT_OUT}/heldout.json)",
    )
    d.add_argument("--beir-result", type=Path, nargs="*", help="default var/eval/beir-*.json")
    d.add_argument(
        "--docs", type=Path, default=DEFAULT_DOCS, help=f"file to update (default {DEFAULT_DOCS})"
    )
    d.add_argument("--beir-note", default="", help="a sentence added under the BEIR table")
    d.set_defaults(func=cmd_docs)
