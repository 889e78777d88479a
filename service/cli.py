"""The `reportqa` command: index, serve, ask, eval."""

from __future__ import annotations

import argparse
import logging
import logging.config
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import ReportIndexError
from service.cli_index import add_parsers as add_index_commands
from service.errors import ConfigurationError
from service.settings import Settings, get_settings

if TYPE_CHECKING:
    from pydantic import ValidationError

    from service.qa.contract import AskRequest, AskResponse


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "index_dir", None):
        overrides["index_dir"] = args.index_dir
    settings = get_settings()
    return settings.model_copy(update=overrides) if overrides else settings


def cmd_serve(args: argparse.Namespace) -> int:
    # Model-loading progress bars would interleave with the JSON log lines.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import uvicorn

    from service.api.app import check_configuration, create_app
    from service.api.logs import log_config
    from service.api.middleware.limits import connection_limits
    from service.qa.engine import QAEngine

    settings = _settings(args)
    logging.config.dictConfig(log_config(settings))
    # Check and load before serving: a bad keys file, or a missing, corrupt or
    # mismatched index, stops here with one line naming the file, not a traceback.
    check_configuration(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    # Per worker: at most max_connections connections (503 beyond), each request received
    # whole within request_read_timeout_s, idle keep-alive closed after keep_alive_timeout_s.
    limits = connection_limits(settings)
    if workers > 1:
        # Each worker process loads its own engine from the environment's settings;
        # the index file is memory-mapped when large, so workers share its pages.
        os.environ["REPORTQA_INDEX_DIR"] = str(settings.index_dir)
        _banner(host, port, f"{workers} workers, each loading {settings.index_dir}")
        uvicorn.run(
            "service.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level,
            log_config=log_config(settings),
            access_log=False,
            **limits,
        )
        return 0
    engine = QAEngine.load(settings)
    _banner(host, port, f"index {engine.index_version}: {engine.manifest.documents} documents")
    app = create_app(settings, engine=engine)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=settings.log_level,
        log_config=log_config(settings),
        access_log=False,  # reportqa.access logs each request with its route and request id
        **limits,
    )
    return 0


def _banner(host: str, port: int, serving: str) -> None:
    """Where to go, for the person who just started the service."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (a listen address)
    base = f"http://{shown}:{port}"
    print(
        f"reportqa: serving {serving}\n"
        f"  demo page and chat widget  {base}/\n"
        f"  API docs                   {base}/docs\n"
        f"  OpenAI-compatible API      {base}/v1\n"
        f"  listening on {host}:{port}" + (" (all interfaces)" if shown != host else ""),
        file=sys.stderr,
        flush=True,
    )


def cmd_new_key(args: argparse.Namespace) -> int:
    import json

    from service.api.keys import key_digest, new_key

    key = new_key()
    entry = {"name": args.name, "sha256": key_digest(key).hex(), "scopes": args.scope or ["query"]}
    print(f"key (give it to the client; it is not stored): {key}")
    print("entry for REPORTQA_API_KEYS_FILE:")
    print(json.dumps(entry))
    return 0


# The `ask` option behind each AskRequest field, so that an error names what was typed.
_ASK_OPTIONS = {"top_k": "-k/--top-k", "doc_ids": "--doc", "kinds": "--kind"}
_ASK_OPTIONS |= {"date_from": "--from", "date_to": "--to", "filters": "--from/--to"}


def _ask_error(exc: ValidationError, history: Path | None) -> str:
    """The errors of `exc` on one line, each named by its option (and value or turn)."""
    described = []
    for error in exc.errors():
        loc, message = error["loc"], str(error["msg"]).removeprefix("Value error, ")
        if loc[0] == "history":  # history.<i>.<field>: the turn, counted from 1
            turn = f": turn {int(loc[1]) + 1}" if len(loc) > 1 else ""
            where = f"--history {history}{turn}" + "".join(f" {part}" for part in loc[2:])
        else:
            field = str(next(part for part in reversed(loc) if isinstance(part, str)))
            where = _ASK_OPTIONS.get(field, field)
            if isinstance(loc[-1], int):  # one value of a repeatable option
                where += f" {error['input']!r}"
        described.append(f"{where}: {message}")
    return "; ".join(described)


def _ask_request(args: argparse.Namespace) -> AskRequest:
    """The AskRequest the options describe, checked as the API checks a request body.

    Raises:
        ValueError: a bad option or history file, said in one line.
    """
    import json

    from pydantic import ValidationError

    from service.qa.contract import AskRequest, Filters

    # The filter options' dests are the Filters field names.
    filters = {name: getattr(args, name) for name in Filters.model_fields}
    body: dict[str, object] = {"question": args.question, "top_k": args.top_k}
    if any(value is not None for value in filters.values()):
        body["filters"] = filters
    if args.history is not None:
        try:
            body["history"] = json.loads(args.history.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"--history {args.history}: {exc.strerror or exc}") from exc
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError alike
            raise ValueError(f"--history {args.history}: not valid JSON ({exc})") from exc
    try:
        return AskRequest.model_validate(body)
    except ValidationError as exc:
        raise ValueError(_ask_error(exc, args.history)) from exc


def cmd_ask(args: argparse.Namespace) -> int:
    from service.qa.engine import QAEngine

    try:
        request = _ask_request(args)
    except ValueError as exc:  # said before the model and index load, which take seconds
        print(f"reportqa: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    engine = QAEngine.load(_settings(args))
    response = engine.ask(request)
    if args.json:
        print(response.model_dump_json(indent=2))
        return 0
    print(describe_answer(response))
    if response.retrieval_query and response.retrieval_query != response.question:
        # A follow-up resolved against --history: show what was actually searched.
        print(f"(searched for: {response.retrieval_query})")
    print(f"(confidence {response.confidence:.2f}, index {response.index_version})\n")
    for c in response.citations:
        print(f"[{c.n}] {c.title} ({c.date or 'undated'}) doc {c.doc_id} chars {c.start}-{c.end}")
        print(textwrap.indent(textwrap.fill(c.text[:400], 96), "    "))
    if not response.citations and request.filters is not None:
        print("(no passage of the index passes --doc, --kind, --from and --to)")
    return 0


def describe_answer(response: AskResponse) -> str:
    """The answer as a person reads it: the short answer, a warning when the service
    marks it tentative (confidence below its calibrated level), the other councils whose
    reports answer it differently, and why there is no answer when the service abstains."""
    from service.qa.subjects import describe_other_subjects

    constraints = response.constraints
    if not response.answered or response.answer is None:
        reasons = constraints.unmet if constraints else []
        return "\n".join(["No answer found in the reports.", *(f"  {r}" for r in reasons)])
    lines = []
    if response.short_answer is not None:
        lines.append(f"In short: {response.short_answer.text}")
    if response.tentative:
        lines.append("Possible answer - check the sources:")
    lines.append(response.answer)
    if constraints is not None and constraints.also_answered_for:
        lines.append(describe_other_subjects(constraints.subject, constraints.also_answered_for))
    return "\n".join(lines)


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.bench import run

    return run(args)


def cmd_feedback_export(args: argparse.Namespace) -> int:
    from service.ops.feedback import FeedbackStore, export_gold_file, open_feedback_store

    store = FeedbackStore(args.db) if args.db else open_feedback_store(_settings(args))
    exported = export_gold_file(store, args.out, args.only)
    stream = sys.stdout if args.out else sys.stderr  # not among candidates on stdout
    print(f"wrote {exported.summary()} to {args.out or 'standard output'}", file=stream)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    add_index_commands(sub, _settings)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, REPORTQA_HOST)")
    p.add_argument("--port", type=int, help="port to listen on (default 8000, REPORTQA_PORT)")
    p.add_argument("--index", dest="index_dir", type=Path, help="index location")
    p.add_argument("--workers", type=int, help="uvicorn worker processes (default 1)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("new-key", help="make an API key and its entry for the keys file")
    p.add_argument("--name", required=True, help="name shown in logs and metrics")
    p.add_argument(
        "--scope", action="append", choices=["query", "admin", "metrics"], help="repeatable"
    )
    p.set_defaults(func=cmd_new_key)

    p = sub.add_parser("ask", help="answer one question from the local index")
    p.add_argument("question", help="the question (quote it)")
    p.add_argument("-k", "--top-k", type=int, help="citations to return, 1-50 (default 5)")
    # The filters and history of POST /ask; dests are the Filters field names.
    p.add_argument(
        "--doc", dest="doc_ids", metavar="DOC_ID", action="append",
        help="only this document (16 hex digits, as in citations); repeatable",
    )  # fmt: skip
    p.add_argument(
        "--kind", dest="kinds", metavar="KIND", action="append",
        help='only documents of this kind, e.g. "inspection letter"; repeatable',
    )  # fmt: skip
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="published on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="published on or before")
    p.add_argument(
        "--history", type=Path, metavar="FILE",
        help='earlier turns, for a follow-up: a JSON list of {"role": "user" or "assistant", '
        '"content": "..."}, oldest first',
    )  # fmt: skip
    p.add_argument("--index", dest="index_dir", type=Path, help="index location")
    p.add_argument("--json", action="store_true", help="print the full JSON response")
    p.set_defaults(func=cmd_ask)

    from eval.bench import add_arguments as add_bench_arguments

    p = sub.add_parser("bench", help="measure speed; write docs/benchmarks.md and .json")
    add_bench_arguments(p)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("feedback", help="answer feedback received by POST /feedback")
    p = p.add_subparsers(dest="feedback_command", required=True).add_parser(
        "export", help="write it as gold-file candidates (JSON Lines) to review"
    )
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.add_argument("--only", choices=["unhelpful", "all"], default="all", help="default: all")
    p.add_argument(
        "--db",
        type=Path,
        help="SQLite file; default: the database on the postgres backend, else "
        "REPORTQA_FEEDBACK_PATH, else beside the index",
    )
    p.set_defaults(func=cmd_feedback_export)

    from eval.cli import add_eval_parser

    add_eval_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except (ReportIndexError, FileNotFoundError, ConfigurationError) as exc:
        # One line, whatever the library wrote: the message names the file at fault.
        print(f"reportqa: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
