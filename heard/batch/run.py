"""The `heard score` driver: stream inputs, score in chunks, commit atomically, resume.

Output directory::

    DIR/conversations.jsonl   one redacted result per good conversation, in input order
    DIR/errors.jsonl          one line per skipped record: file, line, reason
    DIR/summary.json          aggregates (rebuilt from conversations.jsonl at the end)
    DIR/report.html           self-contained report with inline SVG charts
    DIR/checkpoint.json       what is done, for resuming

Resume protocol: records are numbered in a deterministic reading order. After each chunk the
driver appends its result and error lines, fsyncs both files, and only then replaces
checkpoint.json (write to a temp file, fsync, rename) with the number of records done and
the byte length of both files. A run killed at any moment therefore leaves a checkpoint
that describes a consistent prefix; the next run with the same inputs truncates anything
written after it, skips the records it counts, and carries on. Nothing is scored twice
and nothing is written twice. A checkpoint for different inputs (size and content samples
of each file, layout, columns, limits, rubric) is refused unless ``--fresh`` is given.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import secrets
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from heard.batch.engines import make_engine
from heard.batch.readers import Columns, InputPlan, parse_record, plan_input, read_plan
from heard.batch.records import BadRecord, Limits, RawRecord, Record
from heard.batch.scoring import ScoreOptions, error_line
from heard.qa.rubric import DEFAULT_RUBRIC_PATH, load_rubric

RESULTS = "conversations.jsonl"
ERRORS = "errors.jsonl"
SUMMARY = "summary.json"
REPORT = "report.html"
CHECKPOINT = "checkpoint.json"
CHECKPOINT_VERSION = 1


class RunError(RuntimeError):
    """A run cannot start (bad inputs, a checkpoint for other inputs, a busy directory)."""


@dataclass
class RunConfig:
    inputs: list[str]
    out: Path
    layout: str = "auto"
    columns: Columns = field(default_factory=Columns)
    limits: Limits = field(default_factory=Limits)
    workers: int | None = None  # None: every core; 0: in-process
    chunk_size: int | None = None  # None: chosen from the input size
    engine: str = "local"
    scheduler: str | None = None
    rubric: str | None = None
    fresh: bool = False
    progress: str = "auto"  # auto | always | never
    report: bool = True
    # Test hook: stop (as if killed) after committing this many chunks.
    fail_after_chunks: int | None = None
    # Stop once this many records (good or bad) are done in total; a later run without it
    # continues from there.
    limit: int | None = None


@dataclass
class RunResult:
    out: Path
    scored: int
    errors: int
    skipped_done: int
    seconds: float
    workers: int
    engine: str

    @property
    def rate(self) -> float:
        return self.scored / self.seconds if self.seconds > 0 else 0.0


# ---------------------------------------------------------------------------- fingerprint


def _file_fingerprint(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        if size > 2 << 20:
            handle.seek(size // 2)
            digest.update(handle.read(1 << 20))
            handle.seek(size - (1 << 20))
            digest.update(handle.read(1 << 20))
    return {"path": str(path.resolve()), "size": size, "sample": digest.hexdigest()}


def fingerprint(config: RunConfig, plans: list[InputPlan], rubric_text: str) -> str:
    data = {
        "inputs": [_file_fingerprint(p.path) for p in plans],
        "layouts": [p.layout for p in plans],
        "columns": asdict(config.columns),
        "limits": asdict(config.limits),
        "rubric": hashlib.blake2b(rubric_text.encode(), digest_size=16).hexdigest(),
    }
    return hashlib.blake2b(json.dumps(data, sort_keys=True).encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------------------- checkpoint


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_checkpoint(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out / CHECKPOINT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise RunError(f"{out / CHECKPOINT} is damaged ({exc}); re-run with --fresh") from None


def _prepare_outputs(config: RunConfig, print_fp: str) -> dict[str, Any]:
    """Open or start a checkpoint; truncate outputs to the last committed chunk."""
    out = config.out
    results, errors = out / RESULTS, out / ERRORS
    for stale in out.glob("heard-spill-*"):  # left by a run killed while spilling
        shutil.rmtree(stale, ignore_errors=True)
    checkpoint = None if config.fresh else read_checkpoint(out)
    if checkpoint is not None and checkpoint.get("fingerprint") != print_fp:
        raise RunError(
            f"{out} holds a run over different inputs or settings; "
            "use another --out directory, or --fresh to start over"
        )
    if checkpoint is None:
        if not config.fresh and results.exists() and results.stat().st_size:
            raise RunError(f"{results} exists without a checkpoint; use --fresh to overwrite it")
        for name in (RESULTS, ERRORS, SUMMARY, REPORT):
            (out / name).unlink(missing_ok=True)
        results.touch()
        errors.touch()
        checkpoint = {
            "version": CHECKPOINT_VERSION,
            "fingerprint": print_fp,
            "salt": secrets.token_hex(16),
            "done": 0,
            "scored": 0,
            "errors": 0,
            "results_bytes": 0,
            "errors_bytes": 0,
            "seconds": 0.0,
            "complete": False,
        }
        _write_atomic(out / CHECKPOINT, json.dumps(checkpoint))
        return checkpoint
    # Resume: drop whatever was appended after the last commit.
    for path, key in ((results, "results_bytes"), (errors, "errors_bytes")):
        if not path.exists():
            if checkpoint[key]:
                raise RunError(f"{path} is missing; re-run with --fresh")
            path.touch()
        if path.stat().st_size < checkpoint[key]:
            raise RunError(f"{path} is shorter than its checkpoint says; re-run with --fresh")
        with open(path, "r+b") as handle:
            handle.truncate(checkpoint[key])
    return checkpoint


# ---------------------------------------------------------------------------- progress


class _Progress:
    """A rich progress bar (rate and ETA) on a terminal; silent otherwise or in CI."""

    def __init__(self, mode: str, total: int, done: int) -> None:
        enabled = mode == "always" or (
            mode == "auto" and sys.stderr.isatty() and not os.environ.get("CI")
        )
        self._bar: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True, force_terminal=mode == "always" or None),
            transient=False,
        )
        self._task = self._bar.add_task("score", total=total or None, completed=done, rate="")
        self._start = time.monotonic()
        self._counted = 0
        self._bar.start()

    def advance(self, units: int) -> None:
        if self._bar is None:
            return
        self._counted += units
        elapsed = max(time.monotonic() - self._start, 1e-6)
        self._bar.update(self._task, advance=units, rate=f"{self._counted / elapsed:,.0f} conv/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


# ---------------------------------------------------------------------------- the run


def _units(plans: list[InputPlan], config: RunConfig) -> Iterator[Record | RawRecord | BadRecord]:
    spill = str(config.out)
    for plan in plans:
        # JSONL conversations come as raw lines, parsed by the worker that scores them.
        yield from read_plan(plan, config.columns, config.limits, spill_dir=spill, raw=True)


def _chunks(
    units: Iterator[Record | RawRecord | BadRecord],
    skip: int,
    size: int,
    total: int = 0,
    workers: int = 0,
) -> Iterator[list[Record | RawRecord | BadRecord]]:
    """Chunks of ``size`` units; with ``total`` and ``workers``, the chunks shrink near the
    end (to a quarter of what is left per worker, at least 16) so the workers finish
    together instead of one scoring a last big chunk alone."""
    chunk: list[Record | RawRecord | BadRecord] = []
    limit = size
    for seq, unit in enumerate(units):
        if seq < skip:
            continue
        if not chunk and total and workers:
            limit = max(16, min(size, (total - seq) // (4 * workers)))
        chunk.append(unit)
        if len(chunk) >= limit:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _auto_chunk(total: int, workers: int) -> int:
    # Big enough to amortise IPC and the fsync per commit (a chunk is ~100 ms of work), small
    # enough that the last chunks do not leave a worker idle while another finishes.
    return max(16, min(128, total // max(1, workers * 32) or 16))


class _Interrupted(Exception):
    pass


def _isolate(
    engine: Any, records: list[Record | RawRecord], redactor: Any
) -> list[tuple[str, bytes]]:
    """Score records one at a time on a fresh pool; a record that kills its worker again
    becomes an error line. If a known-good conversation cannot be scored either, the
    problem is the machine, not the data: stop (the run resumes later) rather than
    mislabelling good records as bad."""
    out: list[tuple[str, bytes]] = []
    for record in records:
        try:
            out.extend(engine.submit([record]).result())
        except BrokenProcessPool:
            engine.restart()
            try:
                engine.submit([_CANARY]).result()
            except BrokenProcessPool:
                raise RunError("worker processes keep dying; re-run to continue") from None
            data = BadRecord(
                record.source,
                record.line,
                "analysis failed: the worker process died on this conversation",
            ).to_dict()
            data["conversation_id"] = redactor.name(parse_record(record).conversation_id)
            out.append(("error", error_line(data)))
    return out


_CANARY = Record(
    source="<canary>",
    line=0,
    conversation_id="canary",
    turns=(
        {"speaker": "customer", "role": "customer", "text": "My order is late.", "t": None},
        {"speaker": "agent", "role": "agent", "text": "Sorry, it arrives tomorrow.", "t": None},
    ),
)


def run_score(config: RunConfig) -> RunResult:
    """Run (or resume) a scoring run; raises RunError when it cannot start."""
    config.out.mkdir(parents=True, exist_ok=True)
    lock = open(config.out / ".lock", "w")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise RunError(f"another `heard score` is writing to {config.out}") from None
    try:
        return _run_locked(config)
    finally:
        lock.close()


def _run_locked(config: RunConfig) -> RunResult:
    from heard.batch.readers import InputError
    from heard.batch.report import write_summary_and_report
    from heard.batch.scoring import _Redactor

    rubric_path = Path(config.rubric) if config.rubric else DEFAULT_RUBRIC_PATH
    try:
        load_rubric(rubric_path)  # validate before any work
        rubric_text = rubric_path.read_text(encoding="utf-8")
        plans = [plan_input(p, config.layout, config.columns, config.limits) for p in config.inputs]
    except (InputError, OSError, ValueError) as exc:
        raise RunError(str(exc)) from None
    checkpoint = _prepare_outputs(config, fingerprint(config, plans, rubric_text))
    total = sum(p.conversations for p in plans)
    if config.limit is not None:
        total = min(total, config.limit)
    done_before = checkpoint["done"]
    options = ScoreOptions(rubric_toml=rubric_text, salt=checkpoint["salt"])
    redactor = _Redactor(checkpoint["salt"])
    started = time.monotonic()
    scored = errors = 0
    engine = None
    if not checkpoint["complete"]:
        try:
            engine = make_engine(config.engine, options, config.workers, config.scheduler)
        except (OSError, TimeoutError) as exc:
            if config.scheduler:
                raise RunError(
                    f"cannot reach the Dask scheduler at {config.scheduler}: {exc}"
                ) from None
            raise RunError(f"cannot start the workers: {exc}") from None
        size = config.chunk_size or _auto_chunk(total, engine.workers)
        window = max(2, engine.workers * 3)
        progress = _Progress(config.progress, total, min(done_before, total))
        results_file = open(config.out / RESULTS, "ab")  # noqa: SIM115
        errors_file = open(config.out / ERRORS, "ab")  # noqa: SIM115
        pending: deque[tuple[list[Record | RawRecord | BadRecord], tuple[Any, int]]] = deque()
        committed_chunks = 0
        last_commit = time.monotonic()

        def commit(
            chunk: list[Record | RawRecord | BadRecord], outcome: list[tuple[str, bytes]]
        ) -> None:
            nonlocal scored, errors, committed_chunks, last_commit
            results_iter = iter(outcome)
            ok = bad = 0
            for unit in chunk:
                if isinstance(unit, BadRecord):
                    data = unit.to_dict()
                    data["conversation_id"] = redactor.name(unit.conversation_id)
                    errors_file.write(error_line(data) + b"\n")
                    bad += 1
                    continue
                status, line = next(results_iter)
                target = results_file if status == "ok" else errors_file
                target.write(line + b"\n")
                if status == "ok":
                    ok += 1
                else:
                    bad += 1
            for handle in (results_file, errors_file):
                handle.flush()
                os.fsync(handle.fileno())
            now = time.monotonic()
            checkpoint["done"] += len(chunk)
            checkpoint["scored"] += ok
            checkpoint["errors"] += bad
            checkpoint["results_bytes"] = results_file.tell()
            checkpoint["errors_bytes"] = errors_file.tell()
            checkpoint["seconds"] += now - last_commit
            last_commit = now
            _write_atomic(config.out / CHECKPOINT, json.dumps(checkpoint))
            scored += ok
            errors += bad
            progress.advance(len(chunk))
            committed_chunks += 1
            if (
                config.fail_after_chunks is not None
                and committed_chunks >= config.fail_after_chunks
            ):
                raise _Interrupted

        def outcome_of(
            chunk: list[Record | RawRecord | BadRecord], submitted: Any
        ) -> list[tuple[str, bytes]]:
            future, generation = submitted
            if future is None:
                return []
            try:
                return future.result()
            except BrokenProcessPool:
                # A worker process died (a crash in native code, an out-of-memory kill).
                # Find the conversation responsible, one by one, and carry on without it.
                if generation == engine.generation:
                    engine.restart()
                records = [u for u in chunk if not isinstance(u, BadRecord)]
                return _isolate(engine, records, redactor)
            except Exception as exc:  # noqa: BLE001 - score_chunk never raises for a record
                # The engine itself failed (a lost Dask worker or scheduler): stop cleanly;
                # every committed chunk is kept and the run resumes from there.
                raise RunError(
                    f"the {engine.name} engine failed ({type(exc).__name__}: {exc}); "
                    "finished chunks are saved, re-run the same command to continue"
                ) from None

        interrupted = True
        try:
            units: Iterator[Record | RawRecord | BadRecord] = _units(plans, config)
            if config.limit is not None:
                units = itertools.islice(units, config.limit)
            tail = (total, engine.workers) if config.chunk_size is None else (0, 0)
            for chunk in _chunks(units, done_before, size, *tail):
                records = [u for u in chunk if not isinstance(u, BadRecord)]
                future = engine.submit(records) if records else None
                pending.append((chunk, (future, getattr(engine, "generation", 0))))
                while len(pending) >= window:
                    head, fut = pending.popleft()
                    commit(head, outcome_of(head, fut))
            while pending:
                head, fut = pending.popleft()
                commit(head, outcome_of(head, fut))
            interrupted = False
        except _Interrupted:
            pass
        finally:
            progress.close()
            results_file.close()
            errors_file.close()
            engine.close(cancel=interrupted)
        if interrupted:
            raise KeyboardInterrupt("stopped after a committed chunk")
        # A run stopped by --limit is not complete: a later run without it continues.
        checkpoint["complete"] = config.limit is None or checkpoint["done"] < config.limit
        _write_atomic(config.out / CHECKPOINT, json.dumps(checkpoint))
    seconds = time.monotonic() - started
    if config.report:
        write_summary_and_report(
            config.out,
            inputs=[p.source for p in plans],
            run={
                "engine": config.engine,
                "workers": engine.workers if engine else None,
                "scoring_seconds": round(checkpoint["seconds"], 3),
                "records": checkpoint["done"],
            },
        )
    return RunResult(
        out=config.out,
        scored=scored,
        errors=errors,
        skipped_done=done_before,
        seconds=seconds,
        workers=engine.workers if engine else 0,
        engine=config.engine,
    )
