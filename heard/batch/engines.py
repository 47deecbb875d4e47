"""Where chunks are scored: in-process, a local process pool, or a Dask cluster.

Each engine has the same small shape: ``submit(records) -> future`` (anything with
``.result()``) and ``close()``. The driver keeps a bounded window of submitted chunks and
takes results in submission order, so output order is input order on every engine and the
memory in flight is ``window x chunk size`` conversations, whatever the input size.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from heard.batch.records import Record
from heard.batch.scoring import ScoreOptions, score_chunk, warm_up

ENGINES = ("local", "dask")


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class InlineEngine:
    """Scores in the calling process (``--workers 0``): for debugging and profiling."""

    name = "inline"

    def __init__(self, options: ScoreOptions) -> None:
        self.options = options
        self.workers = 1

    def submit(self, records: list[Record]) -> Future:
        future: Future = Future()
        try:
            future.set_result(score_chunk(records, self.options))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future

    def close(self, cancel: bool = False) -> None:
        pass


def _ready() -> None:
    """A no-op task: its result says a worker is up."""


class PoolEngine:
    """A local process pool (one process per core by default)."""

    name = "local"

    def __init__(self, options: ScoreOptions, workers: int) -> None:
        self.options = options
        self.workers = workers
        # forkserver: workers fork from a clean server process, never from a driver that may
        # be running threads (progress bar, Dask client), which makes fork unsafe.
        try:
            self._context = multiprocessing.get_context("forkserver")
            # The forkserver compiles the coach's patterns once (heard.batch.preload); each
            # worker forked from it starts warm instead of compiling them again.
            self._context.set_forkserver_preload(["heard.batch.preload"])
        except ValueError:  # platforms without forkserver
            self._context = multiprocessing.get_context("spawn")
        self._pool = self._new_pool()
        self.generation = 0  # bumped by restart(): futures of older pools are all broken

    def _new_pool(self) -> ProcessPoolExecutor:
        # warm_up in each worker: only the run's rubric when forked warm, everything after a
        # spawn. The workers start now, before the first chunk is read, so the first
        # conversations do not wait for them.
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._context,
            initializer=warm_up,
            initargs=(self.options,),
        )
        for future in [pool.submit(_ready) for _ in range(self.workers)]:
            future.result()
        return pool

    def submit(self, records: list[Record]) -> Future:
        try:
            return self._pool.submit(score_chunk, records, self.options)
        except BrokenProcessPool as exc:
            # The pool broke since the last result was taken: hand the failure back through
            # the future, where the driver isolates the culprit, instead of raising here.
            future: Future = Future()
            future.set_exception(exc)
            return future

    def restart(self) -> None:
        """Replace a pool broken by a dead worker process (all its futures fail)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self.generation += 1

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


class DaskEngine:
    """A dask.distributed cluster: ``scheduler`` address, or a LocalCluster when None.

    Each chunk of the input is one task (a partition); the driver reads the files and ships
    the records, so workers need the ``heard`` package but not the input files.
    """

    name = "dask"

    def __init__(self, options: ScoreOptions, workers: int, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self.options = options
        self._cluster: Any = None
        if scheduler:
            self._client = Client(scheduler, timeout="15s")
        else:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)
        info = self._client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = max(1, threads)
        self._options_future = self._client.scatter(options, broadcast=True)

    def submit(self, records: list[Record]) -> Any:
        return self._client.submit(score_chunk, records, self._options_future, pure=False)

    def close(self, cancel: bool = False) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(
    engine: str, options: ScoreOptions, workers: int | None, scheduler: str | None = None
) -> InlineEngine | PoolEngine | DaskEngine:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (local|dask)")
    count = available_cores() if workers is None else workers
    if engine == "dask":
        return DaskEngine(options, max(1, count), scheduler)
    if count <= 0:
        return InlineEngine(options)
    return PoolEngine(options, count)
