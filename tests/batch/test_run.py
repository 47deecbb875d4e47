"""`heard score` end to end: outputs, bad records, redaction, report, resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from heard.batch.run import RunConfig, RunError, read_checkpoint, run_score
from heard.batch.synth import generate_conversations
from tests.batch.helpers import (
    ROOT,
    SAMPLES,
    SECRETS,
    personal_data_conversations,
    read_jsonl,
    write_mixed_input,
)


def score(inputs, out, **kwargs) -> object:
    kwargs.setdefault("workers", 0)
    kwargs.setdefault("progress", "never")
    return run_score(RunConfig(inputs=[str(i) for i in inputs], out=Path(out), **kwargs))


def test_sample_file_is_scored_with_rubric_and_metrics(tmp_path):
    result = score([SAMPLES / "conversations.jsonl"], tmp_path / "out")
    assert result.scored == 20 and result.errors == 0
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert [r["line"] for r in rows] == list(range(1, 21))
    first = rows[0]
    assert first["id"] == "S-1001" and first["agent"] == "maya"
    assert 0.0 <= first["empathy_score"] <= 1.0
    assert [i["item"] for i in first["rubric"]] == [
        "genuine_acknowledgement",
        "concrete_apology",
        "clarity_under_constraints",
        "boundaries_and_handoffs",
        "compliance",
    ]
    assert any(e["quote"] for i in first["rubric"] for e in i["evidence"])
    assert set(first["metrics"]) >= {"tone_trajectory", "talk_share", "transfers"}
    assert isinstance(first["moves"], dict) and isinstance(first["pitfalls"], dict)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["conversations"] == 20 and summary["errors"] == 0
    assert sum(summary["empathy_score"]["histogram"]) == 20
    assert set(summary["agents"]) == {"maya", "tom", "priya", "leo", "alex", "jun", "sam"}
    # The warm agents come out ahead of the scripted and defensive ones.
    agents = summary["agents"]
    assert agents["maya"]["mean_rubric"] > agents["tom"]["mean_rubric"]
    assert agents["priya"]["mean_rubric"] > agents["leo"]["mean_rubric"]
    assert set(agents["maya"]["rubric_items"]) == {i["item"] for i in first["rubric"]}
    assert all(0.0 <= v <= 1.0 for v in agents["tom"]["rubric_items"].values())


def test_bad_records_are_listed_and_every_good_record_is_kept(tmp_path):
    good = list(generate_conversations(40, seed=3))
    expected = write_mixed_input(tmp_path / "mixed.jsonl", good)
    result = score([tmp_path / "mixed.jsonl"], tmp_path / "out")
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert [r["id"] for r in rows] == expected["good_ids"]
    errors = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert {e["line"]: e["file"] for e in errors} == {
        line: str(tmp_path / "mixed.jsonl") for line in expected["bad_lines"]
    }
    reasons = {e["line"]: e["error"] for e in errors}
    kinds = {line: kind for line, kind in expected["bad_lines"].items()}
    for line, kind in kinds.items():
        reason = reasons[line]
        if kind == "malformed":
            assert reason.startswith("malformed JSON")
        elif kind == "missing turns":
            assert "missing field 'turns'" in reason
        elif kind == "missing text":
            assert "missing field 'text'" in reason
        else:
            assert "over the limit of 20000" in reason
    assert result.errors == 4 and result.scored == 40
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["errors"] == 4


def test_personal_data_never_reaches_any_output(tmp_path):
    path = tmp_path / "pii.jsonl"
    convs = personal_data_conversations()
    lines = [json.dumps(c) for c in convs]
    lines.append(json.dumps({"id": "bad-" + convs[0]["customer_email"]}))  # a bad record
    path.write_text("\n".join(lines) + "\n")
    score([path], tmp_path / "out")
    out = tmp_path / "out"
    for name in ("conversations.jsonl", "errors.jsonl", "summary.json", "report.html"):
        text = (out / name).read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into {name}"
    rows = read_jsonl(out / "conversations.jsonl")
    redacted = rows[0]
    assert redacted["id"].startswith("email-") and redacted["agent"].startswith("email-")
    assert "customer_email" not in redacted["metadata"]  # personal fields are dropped
    transcript = redacted["transcript"]
    assert "[CARD]" in transcript[0]["text"] and "[EMAIL]" in transcript[0]["text"]
    assert "[EMAIL]" in transcript[1]["text"] and "[PHONE]" in transcript[1]["text"]
    assert transcript[0]["speaker"] == "customer"
    assert set(redacted["metrics"]["talk_share"]) == {"customer", redacted["agent"]}
    (error,) = read_jsonl(out / "errors.jsonl")
    assert error["conversation_id"].startswith("email-")


def test_every_span_indexes_the_redacted_transcript(tmp_path):
    path = tmp_path / "pii.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in personal_data_conversations()))
    score([SAMPLES / "conversations.jsonl", path], tmp_path / "out")
    spans = 0
    for row in read_jsonl(tmp_path / "out" / "conversations.jsonl"):
        texts = [t["text"] for t in row["transcript"]]
        for item in row["rubric"]:
            for ev in item["evidence"]:
                if ev["start"] is not None:
                    assert texts[ev["turn"]][ev["start"] : ev["end"]] == ev["quote"]
                    spans += 1
        for turn in row["transcript"]:
            for finding in turn.get("moves", []) + turn.get("pitfalls", []):
                assert 0 <= finding["start"] < finding["end"] <= len(turn["text"])
                spans += 1
    assert spans > 50


def test_results_import_into_the_studio(tmp_path):
    qa_records = pytest.importorskip("heard.drills.qa_records")
    path = tmp_path / "pii.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in personal_data_conversations()))
    score([SAMPLES / "conversations.jsonl", path], tmp_path / "out")
    lines = (tmp_path / "out" / "conversations.jsonl").read_bytes().splitlines()
    assert len(lines) == 22
    for line in lines:
        record = qa_records.check_scored_line(line)  # raises on anything it would refuse
        assert record["transcript"]


def test_evidence_quotes_are_redacted_against_the_whole_turn():
    from heard.batch.scoring import _Redactor

    text = "Write to dana.whitfield@example.com and I will reply."
    redactor = _Redactor("salt")
    start = text.index("dana")
    # A span that cuts the address in half still loses the whole address.
    assert redactor.quote(0, text, 0, start + 6) == "Write to [EMAIL]"
    assert redactor.turn(0, text).text == "Write to [EMAIL] and I will reply."
    assert redactor.quote(0, text, 0, len(text)) == "Write to [EMAIL] and I will reply."
    assert redactor.quote(0, text, start + 30, len(text)) == text[start + 30 :]
    assert redactor.name("maya") == "maya"
    assert re.fullmatch(r"email-[0-9a-f]{8}", redactor.name("jo@example.com"))


def test_report_is_self_contained_with_the_four_charts(tmp_path):
    score([SAMPLES / "conversations.jsonl"], tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    assert "@import" not in html and "url(" not in html
    assert html.count("<svg") >= 5
    for heading in (
        "Distribution of empathy scores",
        "Moves and pitfalls by frequency",
        "Per-agent comparison",
        "Customer tone trajectories",
        "Rubric pre-scores",
        "Conversations to review first",
    ):
        assert heading in html
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    review = summary["review_first"]
    assert len(review) == 10
    scores = [r["rubric_overall"] for r in review]
    assert scores == sorted(scores)
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert scores[0] == min(r["rubric_overall"] for r in rows)


def test_an_injected_failure_then_a_rerun_completes_without_duplicates(tmp_path):
    good = list(generate_conversations(60, seed=5))
    expected = write_mixed_input(tmp_path / "in.jsonl", good)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        score([tmp_path / "in.jsonl"], out, chunk_size=10, fail_after_chunks=2)
    checkpoint = read_checkpoint(out)
    assert checkpoint["done"] == 20 and not checkpoint["complete"]
    assert not (out / "report.html").exists()
    # A torn write after the last commit (as if killed mid-append) is discarded.
    with open(out / "conversations.jsonl", "ab") as handle:
        handle.write(b'{"id": "torn", "empathy')
    result = score([tmp_path / "in.jsonl"], out, chunk_size=10)
    assert result.skipped_done == 20
    assert result.scored + result.errors == len(good) + 4 - 20
    rows = read_jsonl(out / "conversations.jsonl")
    assert [r["id"] for r in rows] == expected["good_ids"]
    assert sorted(e["line"] for e in read_jsonl(out / "errors.jsonl")) == sorted(
        expected["bad_lines"]
    )
    # A third run finds nothing to do and scores nothing.
    again = score([tmp_path / "in.jsonl"], out)
    assert again.scored == 0 and read_jsonl(out / "conversations.jsonl") == rows


def test_a_checkpoint_for_other_inputs_is_refused_unless_fresh(tmp_path):
    out = tmp_path / "out"
    score([SAMPLES / "conversations.jsonl"], out)
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(personal_data_conversations()[1]) + "\n")
    with pytest.raises(RunError, match="different inputs"):
        score([other], out)
    result = score([other], out, fresh=True)
    assert result.scored == 1
    assert len(read_jsonl(out / "conversations.jsonl")) == 1


def _wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_run_killed_for_real_resumes_where_it_stopped(tmp_path):
    good = list(generate_conversations(500, seed=11))
    expected = write_mixed_input(tmp_path / "in.jsonl", good)
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "heard.batch", "score", str(tmp_path / "in.jsonl"),
        "--out", str(out), "--workers", "1", "--chunk-size", "10", "--progress", "never",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip

    def progressed():
        try:
            return (read_checkpoint(out) or {}).get("done", 0) >= 60
        except RunError:
            return False  # caught mid-replace; try again

    try:
        assert _wait_for(progressed), process.communicate(timeout=5)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the driver, its pool and its forkserver
        process.wait()
    done_at_kill = read_checkpoint(out)["done"]
    assert 60 <= done_at_kill < len(good) + 4, "the run should be stopped mid-way"
    assert not (out / "summary.json").exists()

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done_at_kill:,} already done" in rerun.stdout
    rows = read_jsonl(out / "conversations.jsonl")
    assert [r["id"] for r in rows] == expected["good_ids"]  # none lost, none twice, in order
    errors = read_jsonl(out / "errors.jsonl")
    assert sorted(e["line"] for e in errors) == sorted(expected["bad_lines"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["conversations"] == len(good) and summary["errors"] == 4


def test_a_conversation_that_kills_its_worker_is_isolated_and_the_run_goes_on(tmp_path):
    good = list(generate_conversations(80, seed=13))
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in good))
    victim = good[37]["id"]
    completed = subprocess.run(
        [sys.executable, "-m", "heard.batch", "score", str(path), "--out", str(tmp_path / "out"),
         "--workers", "2", "--chunk-size", "10"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "HEARD_BATCH_TEST_CRASH_ID": victim},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert [r["id"] for r in rows] == [c["id"] for c in good if c["id"] != victim]
    (error,) = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["line"] == 38 and "worker process died" in error["error"]


def test_interleaved_utterance_rows_are_scored_whole(tmp_path):
    path = tmp_path / "rows.csv"
    rows = ["conversation_id,speaker,role,text,timestamp"]
    convs = list(generate_conversations(6, seed=4, turns=4))
    for turn_index in range(4):  # every conversation's turn 0, then every turn 1, ...
        for conv in convs:
            t = conv["turns"][turn_index]
            text = t["text"].replace('"', "'")
            rows.append(f'{conv["id"]},{t["speaker"]},{t["role"]},"{text}",{t["t"]}')
    path.write_text("\n".join(rows) + "\n")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "heard-spill-stale").mkdir()  # from a run killed while spilling
    result = score([path], tmp_path / "out")
    assert result.scored == 6 and result.errors == 0
    got = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert sorted(r["id"] for r in got) == sorted(c["id"] for c in convs)
    assert all(r["turns"] == 4 for r in got)
    assert not list((tmp_path / "out").glob("heard-spill-*"))


def test_work_in_flight_is_bounded_whatever_the_input_size(tmp_path, monkeypatch):
    """Memory stays flat: the driver never holds more than a fixed window of chunks."""
    import heard.batch.run as run_module
    from heard.batch.engines import InlineEngine

    in_flight = {"now": 0, "peak": 0, "submitted": 0}

    class CountingFuture:
        def __init__(self, inner):
            self.inner = inner

        def result(self):
            in_flight["now"] -= 1
            return self.inner.result()

    class CountingEngine(InlineEngine):
        def submit(self, records):
            in_flight["now"] += 1
            in_flight["submitted"] += 1
            in_flight["peak"] = max(in_flight["peak"], in_flight["now"])
            return CountingFuture(super().submit(records))

    monkeypatch.setattr(
        run_module,
        "make_engine",
        lambda engine, options, workers, scheduler: CountingEngine(options),
    )
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in generate_conversations(300, seed=8)))
    score([path], tmp_path / "out", chunk_size=5)
    assert in_flight["submitted"] == 60
    assert in_flight["peak"] <= 3  # window = 3 x workers chunks (1 worker here)


def test_limit_scores_a_prefix_and_a_later_run_continues(tmp_path):
    path = tmp_path / "in.jsonl"
    convs = list(generate_conversations(30, seed=17))
    path.write_text("".join(json.dumps(c) + "\n" for c in convs))
    first = score([path], tmp_path / "out", limit=12, chunk_size=5)
    assert first.scored == 12
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["conversations"] == 12
    assert not read_checkpoint(tmp_path / "out")["complete"]
    rest = score([path], tmp_path / "out", chunk_size=5)
    assert rest.skipped_done == 12 and rest.scored == 18
    rows = read_jsonl(tmp_path / "out" / "conversations.jsonl")
    assert [r["id"] for r in rows] == [c["id"] for c in convs]


def test_a_results_file_cut_short_behind_the_checkpoint_is_refused(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in generate_conversations(20, seed=2)))
    with pytest.raises(KeyboardInterrupt):
        score([path], tmp_path / "out", chunk_size=5, fail_after_chunks=2)
    results = tmp_path / "out" / "conversations.jsonl"
    results.write_bytes(results.read_bytes()[:100])
    with pytest.raises(RunError, match="shorter than its checkpoint"):
        score([path], tmp_path / "out")
    assert score([path], tmp_path / "out", fresh=True).scored == 20


def test_chunks_shrink_near_the_end_so_workers_finish_together():
    from heard.batch.run import _chunks

    sizes = [len(c) for c in _chunks(iter(range(2000)), 0, 128, total=2000, workers=2)]
    assert sum(sizes) == 2000
    assert sizes[0] == 128 and max(sizes) == 128
    assert all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))  # never growing
    assert sizes[-2] == 16 and sizes[-1] <= 16
    # Resuming skips what is done and cuts the rest the same way.
    resumed = [len(c) for c in _chunks(iter(range(2000)), 1500, 128, total=2000, workers=2)]
    assert sum(resumed) == 500 and max(resumed) <= 62
    # An explicit chunk size (no total) is kept to the end.
    assert [len(c) for c in _chunks(iter(range(300)), 0, 5)] == [5] * 60
