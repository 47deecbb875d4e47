"""``heard coach``: the coach from a terminal.

    heard coach "Sorry for any inconvenience." --context "You charged me twice!"
    heard coach "That sounds maddening." --json
    heard coach batch --in replies.jsonl --out findings.jsonl [--model DIR]
    heard coach train ...        (added by heard.coach.train when the semantic extra is installed)

A free-text positional argument and sub-commands cannot share one argparse parser, so
``main`` looks at the first word: "batch" and "train" go to the verb parser, anything else is
the text of a reply.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

VERBS = ("batch", "train")
CHUNK = 256  # lines per model call in batch mode


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``coach`` to the main ``heard`` parser (its arguments are parsed by ``main``)."""
    parser = subparsers.add_parser(
        "coach",
        help="the language coach: report on a reply, or run over a JSONL file",
        description="heard coach TEXT [--context MSG] [--json] [--model DIR] | "
        "heard coach batch --in IN.jsonl --out OUT.jsonl [--model DIR] | heard coach train ...",
        add_help=False,
    )
    parser.add_argument("args", nargs=argparse.REMAINDER)
    parser.set_defaults(func=lambda ns: main(list(ns.args)))
    return parser


def _text_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="heard coach",
        description="Report the empathy moves, pitfalls and suggestions for one reply. "
        "Other modes: `heard coach batch --help`, `heard coach train --help`.",
    )
    p.add_argument("text", help="the reply to analyse ('-' reads it from standard input)")
    p.add_argument("--context", help="the other person's message the reply answers")
    p.add_argument("--json", action="store_true", help="print the full analysis as JSON")
    p.add_argument("--model", metavar="DIR", help="learned heads from `heard coach train`")
    return p


def _verb_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="heard coach")
    sub = p.add_subparsers(dest="verb", metavar="{batch,train}")
    batch = sub.add_parser(
        "batch",
        help="analyse many replies from JSONL",
        description='Read lines {"id", "text", "context"?} and write one JSON result per line. '
        "Malformed lines are reported on stderr with their line number and skipped.",
    )
    batch.add_argument("--in", dest="inp", required=True, metavar="IN.jsonl", help="'-' = stdin")
    batch.add_argument("--out", required=True, metavar="OUT.jsonl", help="'-' = stdout")
    batch.add_argument("--model", metavar="DIR", help="learned heads from `heard coach train`")
    batch.set_defaults(func=cmd_batch)
    try:
        from heard.coach.train import register_train  # noqa: PLC0415
    except ImportError:
        pass
    else:
        register_train(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in VERBS:
        parser = _verb_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            print(
                f"heard coach: '{argv[0]}' is not available in this installation", file=sys.stderr
            )
            return 2
        return int(args.func(args) or 0)
    args = _text_parser().parse_args(argv)
    return cmd_text(args)


def _load_model(path: str | None) -> Any:
    if not path:
        return None
    from heard.coach import load_model  # noqa: PLC0415

    try:
        return load_model(path)
    except ImportError as exc:
        raise SystemExit(
            f"heard coach: --model needs the semantic extra (pip install 'heard[semantic]'): {exc}"
        ) from exc


def cmd_text(args: argparse.Namespace) -> int:
    from heard.coach import analyze  # noqa: PLC0415

    text = sys.stdin.read() if args.text == "-" else args.text
    result = analyze(text, context=args.context, model=_load_model(args.model))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    from .report import print_report  # noqa: PLC0415

    print_report(result, context=args.context)
    return 0


def _records(stream: TextIO, name: str) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, record) for each non-blank line; record None when malformed."""
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"{name}:{lineno}: not valid JSON ({exc.msg}); line skipped", file=sys.stderr)
            yield lineno, None
            continue
        problem = _check(rec)
        if problem:
            print(f"{name}:{lineno}: {problem}; line skipped", file=sys.stderr)
            yield lineno, None
            continue
        yield lineno, rec


def _check(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return "expected a JSON object"
    if "id" not in rec:
        return 'missing "id"'
    if not isinstance(rec.get("text"), str):
        return '"text" must be a string'
    ctx = rec.get("context")
    if ctx is not None and not isinstance(ctx, str):
        return '"context" must be a string or null'
    return None


def batch_record(rec: dict[str, Any], analysis: Any) -> dict[str, Any]:
    """The JSON line written for one input record."""
    return {
        "id": rec["id"],
        "moves": [f.label for f in analysis.moves],
        "pitfalls": [f.label for f in analysis.pitfalls],
        "epitome": dict(analysis.epitome),
        "strategy": analysis.strategy,
        "empathy_score": analysis.empathy_score,
        "frameworks": analysis.frameworks,
        "state": analysis.state.to_dict() if analysis.state else None,
        "disclosures": [d.kind for d in analysis.disclosures],
        "suggestions": [s.to_dict() for s in analysis.suggestions],
        "evidence": {
            f.label: [[s.start, s.end] for s in f.spans] for f in analysis.moves + analysis.pitfalls
        },
        "truncated": analysis.truncated,
    }


def cmd_batch(args: argparse.Namespace) -> int:
    from heard.coach import analyze  # noqa: PLC0415
    from heard.coach.analysis import (  # noqa: PLC0415
        MAX_CHARS,
        model_predictions,
        with_predictions,
    )

    model = _load_model(args.model)
    try:
        src = sys.stdin if args.inp == "-" else open(args.inp, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        print(f"heard coach batch: cannot read {args.inp}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        dst = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        print(f"heard coach batch: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    written = skipped = 0
    pending: list[tuple[dict[str, Any], Any]] = []

    def flush() -> None:
        nonlocal written
        items = pending
        if model is not None and items:
            pairs = [(r.get("context") or "", a.text[:MAX_CHARS]) for r, a in items]
            items = [
                (r, with_predictions(a, levels, strat))
                for (r, a), (levels, strat) in zip(
                    items, model_predictions(model, pairs), strict=True
                )
            ]
        for rec, analysis in items:
            dst.write(json.dumps(batch_record(rec, analysis), ensure_ascii=False) + "\n")
            written += 1
        pending.clear()

    try:
        for _, rec in _records(src, args.inp):
            if rec is None:
                skipped += 1
                continue
            pending.append((rec, analyze(rec["text"], context=rec.get("context"))))
            if len(pending) >= CHUNK:
                flush()
        flush()
    finally:
        if src is not sys.stdin:
            src.close()
        if dst is not sys.stdout:
            dst.close()
    print(f"heard coach batch: {written} written, {skipped} skipped", file=sys.stderr)
    return 1 if skipped else 0


if __name__ == "__main__":
    raise SystemExit(main())
