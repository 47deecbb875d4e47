"""`heard score` as the main CLI mounts it: register(subparsers) then args.func(args)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from heard.batch import cli
from tests.batch.helpers import ROOT, SAMPLES, read_jsonl


def _parser():
    parser = argparse.ArgumentParser(prog="heard")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli.register(subparsers)
    return parser


def test_register_adds_score_and_runs_it(tmp_path, capsys):
    args = _parser().parse_args(
        [
            "score",
            str(SAMPLES / "conversations.jsonl"),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "0",
        ]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "scored 20 conversations" in out
    assert len(read_jsonl(tmp_path / "out" / "conversations.jsonl")) == 20
    assert (tmp_path / "out" / "report.html").exists()


def test_column_flags_map_an_utterance_csv(tmp_path):
    args = _parser().parse_args(
        [
            "score", str(SAMPLES / "utterances.csv"), "--out", str(tmp_path / "out"),
            "--id-column", "conv", "--text-column", "message", "--role-column", "role",
            "--speaker-column", "author", "--time-column", "ts", "--workers", "0",
        ]
    )  # fmt: skip
    assert args.func(args) == 0
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert [r["id"] for r in rows] == ["S-1001", "S-1002", "S-1003", "S-1004", "S-1005"]
    assert rows[0]["metrics"]["seconds_to_first_acknowledgement"] is not None


def test_errors_that_stop_a_run_before_it_starts_exit_2(tmp_path, capsys):
    parser = _parser()
    missing = parser.parse_args(
        ["score", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")]
    )
    assert missing.func(missing) == 2
    assert "no such file" in capsys.readouterr().err
    unmapped = parser.parse_args(
        [
            "score",
            str(SAMPLES / "utterances.csv"),
            "--out",
            str(tmp_path / "o2"),
            "--text-column",
            "x",
        ]
    )
    assert unmapped.func(unmapped) == 2
    assert "--text-column" in capsys.readouterr().err
    scheduler = parser.parse_args(
        ["score", str(SAMPLES / "conversations.jsonl"), "--out", str(tmp_path / "o3"),
         "--scheduler", "tcp://127.0.0.1:1"]
    )  # fmt: skip
    assert scheduler.func(scheduler) == 2


def test_module_entry_point_is_quiet_without_a_terminal(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "heard.batch", "score", str(SAMPLES / "conversations.jsonl"),
         "--out", str(tmp_path / "out"), "--workers", "1"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""  # no progress bar when stderr is not a terminal
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["conversations"] == 20
