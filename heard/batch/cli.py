"""The `heard score` subcommand.

The main ``heard`` CLI calls :func:`register` with its subparsers and then
``args.func(args)``, which returns the exit code. ``python -m heard.batch`` runs the same
subcommand on its own.

Exit codes: 0 done (bad records, if any, are listed in DIR/errors.jsonl); 2 the run could
not start (missing input, unmapped columns, a checkpoint for other inputs); 130 interrupted
(re-run the same command to continue).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from heard.batch.readers import LAYOUTS, Columns
from heard.batch.records import MAX_RECORD_BYTES, MAX_TEXT_CHARS, MAX_TURNS, Limits


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "score",
        help="score conversation exports with the coach and the QA rubric",
        description=(
            "Read conversation exports (JSONL with one conversation per line, or CSV/TSV/JSONL "
            "with one utterance per row), analyse every conversation with the coach, pre-score "
            "the QA rubric with evidence, redact personal data, and write "
            "DIR/conversations.jsonl, DIR/errors.jsonl, DIR/summary.json and DIR/report.html. "
            "Interrupted runs continue where they stopped when re-run with the same inputs."
        ),
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="IN",
        help="export files (.jsonl, .csv, .tsv; .gz compressed too)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="auto",
        help="conversations (one per JSONL line) or utterances (one per row); auto detects",
    )
    columns = parser.add_argument_group("utterance columns (default: usual names)")
    for name, example in (
        ("id", "conversation_id"),
        ("speaker", "speaker"),
        ("role", "role"),
        ("text", "text"),
        ("time", "timestamp"),
    ):
        columns.add_argument(
            f"--{name}-column", metavar="NAME", help=f"column holding the {name} (e.g. {example})"
        )
    run = parser.add_argument_group("execution")
    run.add_argument(
        "--workers",
        type=_non_negative,
        default=None,
        metavar="N",
        help="worker processes (default: every core; 0 scores in this process)",
    )
    run.add_argument(
        "--chunk-size",
        type=_positive,
        default=None,
        metavar="N",
        help="conversations per task (default: chosen from the input size)",
    )
    run.add_argument("--engine", choices=("local", "dask"), default="local")
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    run.add_argument("--rubric", metavar="TOML", help="rubric file (default: Heard's QA rubric)")
    run.add_argument(
        "--fresh",
        action="store_true",
        help="discard a previous run in DIR instead of continuing it",
    )
    run.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar (auto: only on a terminal, never in CI)",
    )
    run.add_argument("--no-report", action="store_true", help="skip summary.json and report.html")
    run.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="stop after the first N records (a later run without --limit continues)",
    )
    limits = parser.add_argument_group("limits (records over a limit are reported and skipped)")
    limits.add_argument("--max-text-chars", type=_positive, default=MAX_TEXT_CHARS, metavar="N")
    limits.add_argument("--max-turns", type=_positive, default=MAX_TURNS, metavar="N")
    limits.add_argument("--max-record-bytes", type=_positive, default=MAX_RECORD_BYTES, metavar="N")
    parser.set_defaults(func=score_command)
    return parser


def config_from_args(args: argparse.Namespace):
    from heard.batch.run import RunConfig

    if args.scheduler and args.engine != "dask":
        raise ValueError("--scheduler needs --engine dask")
    return RunConfig(
        inputs=list(args.inputs),
        out=args.out,
        layout=args.layout,
        columns=Columns(
            id=args.id_column,
            speaker=args.speaker_column,
            role=args.role_column,
            text=args.text_column,
            time=args.time_column,
        ),
        limits=Limits(
            max_text_chars=args.max_text_chars,
            max_turns=args.max_turns,
            max_record_bytes=args.max_record_bytes,
        ),
        workers=args.workers,
        chunk_size=args.chunk_size,
        engine=args.engine,
        scheduler=args.scheduler,
        rubric=args.rubric,
        fresh=args.fresh,
        progress=args.progress,
        report=not args.no_report,
        limit=args.limit,
    )


def score_command(args: argparse.Namespace) -> int:
    from heard.batch.run import RunError, run_score

    try:
        config = config_from_args(args)
        result = run_score(config)
    except (RunError, ValueError) as exc:
        print(f"heard score: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "heard score: interrupted; finished chunks are saved — run the same command again "
            "to continue",
            file=sys.stderr,
        )
        return 130
    resumed = f", {result.skipped_done:,} already done" if result.skipped_done else ""
    print(
        f"scored {result.scored:,} conversations, skipped {result.errors:,} bad records"
        f"{resumed} in {result.seconds:.1f}s → {result.out}"
    )
    if result.errors:
        print(f"bad records are listed in {result.out / 'errors.jsonl'}")
    if not args.no_report:
        print(f"report: {result.out / 'report.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heard")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(argv)
    return args.func(args)
