"""The Dask engine on a real LocalCluster of two worker processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from heard.batch.run import RunConfig, run_score
from heard.batch.synth import generate_conversations
from tests.batch.helpers import read_jsonl, write_mixed_input

distributed = pytest.importorskip("distributed")


def _strip(rows):
    # The same inputs must give the same results on every engine (salted pseudonyms aside).
    return [{k: v for k, v in r.items() if k not in ("id",)} for r in rows]


def test_dask_cluster_scores_the_same_as_the_local_pool(tmp_path):
    good = list(generate_conversations(120, seed=21))
    expected = write_mixed_input(tmp_path / "in.jsonl", good)
    local = tmp_path / "local"
    run_score(
        RunConfig(inputs=[str(tmp_path / "in.jsonl")], out=local, workers=0, progress="never")
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_score(
            RunConfig(
                inputs=[str(tmp_path / "in.jsonl")],
                out=tmp_path / "dask",
                engine="dask",
                scheduler=cluster.scheduler_address,
                chunk_size=16,
                progress="never",
            )
        )
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert result.workers == 2 and result.engine == "dask"
    rows = read_jsonl(tmp_path / "dask" / "conversations.jsonl")
    assert [r["id"] for r in rows] == expected["good_ids"]  # gathered in input order
    assert _strip(rows) == _strip(read_jsonl(local / "conversations.jsonl"))
    errors = read_jsonl(tmp_path / "dask" / "errors.jsonl")
    assert sorted(e["line"] for e in errors) == sorted(expected["bad_lines"])
    assert (tmp_path / "dask" / "report.html").exists()


def test_dask_without_a_scheduler_starts_a_local_cluster(tmp_path):
    path = tmp_path / "in.jsonl"
    write_mixed_input(path, list(generate_conversations(10, seed=2)))
    result = run_score(
        RunConfig(
            inputs=[str(path)],
            out=Path(tmp_path / "out"),
            engine="dask",
            workers=2,
            progress="never",
        )
    )
    assert result.scored == 10 and result.errors == 4
