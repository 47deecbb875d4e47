"""`heard coach`: the report, JSON output and the batch mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heard.coach.cli import main


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["We apologise for any inconvenience.", "--context", "You charged me twice!"])
    out = capsys.readouterr().out
    assert code == 0
    assert "scripted_line" in out
    assert "Try" in out


def test_report_describes_their_state_in_plain_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per sentence, whatever the terminal
    assert main(["Okay.", "--context", "I am furious, this is ridiculous!"]) == 0
    out = capsys.readouterr().out
    assert "They seem angry (intensity" in out
    assert "need emotional resonance (they are upset): lead with the emotional dimension" in out


def test_report_names_what_their_message_discloses(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["Have you tried a walk?", "--context", "Some days I want to die."]) == 0
    out = capsys.readouterr().out
    assert "They disclosed a health matter (want to die)." in out
    assert "safe right now" in out and "crisis line" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["That sounds maddening. What happened?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"moves", "pitfalls", "epitome", "strategy", "empathy_score"} <= set(data)
    assert [m["label"] for m in data["moves"]] == ["emotion_labelling", "exploring_question"]


def test_batch_skips_bad_lines_and_keeps_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    dst = tmp_path / "out.jsonl"
    src.write_text(
        '{"id": 1, "text": "That sounds awful."}\n'
        "not json\n"
        '{"id": 2}\n'
        "\n"
        '{"id": "x", "text": "No rush.", "context": "I am so sad"}\n',
        encoding="utf-8",
    )
    code = main(["batch", "--in", str(src), "--out", str(dst)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{src}:2: not valid JSON" in err
    assert f'{src}:3: "text" must be a string' in err
    lines = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == [1, "x"]
    first = lines[0]
    assert set(first["epitome"]) == {"emotional_reactions", "interpretations", "explorations"}
    assert first["moves"] == ["emotion_labelling"]
    assert isinstance(first["strategy"], str) and 0 <= first["empathy_score"] <= 1
    assert lines[1]["state"]["emotion"] == "sadness"


def test_batch_all_good_exits_zero(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "Thanks for waiting."}\n', encoding="utf-8")
    assert main(["batch", "--in", str(src), "--out", str(tmp_path / "o.jsonl")]) == 0


def test_batch_missing_input(tmp_path: Path) -> None:
    assert main(["batch", "--in", str(tmp_path / "nope.jsonl"), "--out", "-"]) == 2


def test_batch_uses_a_model_when_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        def epitome_levels(self, pairs):
            return [{"emotional_reactions": 2, "interpretations": 2, "explorations": 2}] * len(
                pairs
            )

        def strategies(self, texts):
            return ["Information"] * len(texts)

    monkeypatch.setattr("heard.coach.load_model", lambda path: Fake())
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "Ok."}\n{"id": 2, "text": "Hm."}\n', encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    assert main(["batch", "--in", str(src), "--out", str(dst), "--model", "m"]) == 0
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["strategy"] for r in rows] == ["Information", "Information"]
    assert rows[0]["epitome"]["explorations"] == 2


def test_batch_asks_a_one_pass_model_once_per_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], list[str]]] = []

    class OnePass:
        def analyze_batch(self, texts, contexts):
            calls.append((list(texts), list(contexts)))
            levels = {"emotional_reactions": 1, "interpretations": 0, "explorations": 2}
            return [{"epitome": levels, "strategy": "Question"} for _ in texts]

    monkeypatch.setattr("heard.coach.load_model", lambda path: OnePass())
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "text": "Ok.", "context": "I lost my job."}\n{"id": 2, "text": "Hm."}\n',
        encoding="utf-8",
    )
    dst = tmp_path / "out.jsonl"
    assert main(["batch", "--in", str(src), "--out", str(dst), "--model", "m"]) == 0
    assert calls == [(["Ok.", "Hm."], ["I lost my job.", ""])]
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["strategy"] for r in rows] == ["Question", "Question"]
    assert rows[1]["epitome"] == {"emotional_reactions": 1, "interpretations": 0, "explorations": 2}


def test_the_heard_command_dispatches_to_the_coach() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "heard.coach.cli", "It sounds like you're worried.", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["moves"][0]["label"] == "emotion_labelling"


def test_register_adds_coach_to_a_parser() -> None:
    import argparse

    from heard.coach.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["coach", "batch", "--in", "a", "--out", "b"])
    assert args.args == ["batch", "--in", "a", "--out", "b"]


def test_batch_lists_what_each_context_discloses(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        '{"id": 1, "text": "Let me look.", "context": "I lost my job and can\'t pay the rent."}\n'
        '{"id": 2, "text": "Let me look.", "context": "Where is my parcel?"}\n'
        '{"id": 3, "text": "Let me look."}\n',
        encoding="utf-8",
    )
    assert main(["batch", "--in", str(src), "--out", str(dst)]) == 0
    lines = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["disclosures"] for r in lines] == [["money"], [], []]
