"""`heard coach train`: what it reads, what it refuses, and that a tiny model round-trips.

Everything here uses small synthetic data written into tmp_path: the tests are offline and
never read the shared research datasets.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pytest

from heard.coach.semantic import EPITOME_TASKS, STRATEGIES
from heard.coach.train import (
    NotTrainingData,
    TrainConfig,
    assert_training_file,
    macro_f1,
    read_research_epitome,
    read_research_esconv,
    read_training_data,
    register_train,
    train,
)

SENTINEL = "THIS LINE COMES FROM AN EVALUATION FILE"

REPLIES = {
    "emotional_reactions": ["Okay.", "That sounds hard.", "I am so sorry, that is awful for you."],
    "interpretations": ["", "I get it.", "I went through the same thing and understand."],
    "explorations": ["", "What happened?", "How are you feeling about it right now?"],
}


def _pair(i: int) -> tuple[str, dict[str, int]]:
    levels = {
        "emotional_reactions": i % 3,
        "interpretations": (i // 3) % 3,
        "explorations": (i // 9) % 3,
    }
    text = " ".join(REPLIES[t][levels[t]] for t in EPITOME_TASKS).strip()
    return text, levels


def write_research_layout(root: Path, n: int = 27) -> Path:
    (root / "epitome").mkdir(parents=True)
    (root / "esconv").mkdir()
    stems = {
        "emotional_reactions": "emotional-reactions",
        "interpretations": "interpretations",
        "explorations": "explorations",
    }
    for task, stem in stems.items():
        for split in ("train", "dev", "test"):
            with (root / "epitome" / f"{stem}.{split}.csv").open("w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(
                    ["sp_id", "rp_id", "seeker_post", "response_post", "level", "rationales"]
                )
                for i in range(n):
                    text, levels = _pair(i)
                    if split != "train":
                        text = SENTINEL
                    w.writerow(
                        [
                            f"s{i}",
                            f"r{i}",
                            "I lost my job today.",
                            text,
                            levels[task],
                            "sorry|" if levels[task] else "",
                        ]
                    )
    for split in ("train", "dev"):
        with (root / "esconv" / f"{split}.jsonl").open("w") as fh:
            for c in range(4):
                dialog = []
                for k, strategy in enumerate(STRATEGIES):
                    dialog.append({"speaker": "usr", "text": f"I feel stuck ({c}, {k})."})
                    text = SENTINEL if split != "train" else f"{strategy.lower()} reply {c}"
                    dialog.append({"speaker": "sys", "text": text, "strategy": strategy})
                fh.write(
                    json.dumps({"dialog": dialog, "survey_score": {"seeker": {"empathy": "4"}}})
                    + "\n"
                )
    return root


def write_generic_layout(root: Path, n: int = 27) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with (root / "epitome.train.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["seeker", "response", *EPITOME_TASKS, "emotional_reactions_rationales"])
        for i in range(n):
            text, levels = _pair(i)
            w.writerow(
                [
                    "My manager ignored me.",
                    text,
                    *(levels[t] for t in EPITOME_TASKS),
                    "so sorry|sounds hard",
                ]
            )
    with (root / "strategies.train.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "strategy"])
        for i in range(3 * len(STRATEGIES)):
            strategy = STRATEGIES[i % len(STRATEGIES)]
            w.writerow([f"{strategy} example {i}", strategy])
    return root


# -- what is read -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "dev.jsonl",
        "emotional-reactions.dev.csv",
        "explorations.test.csv",
        "valid.jsonl",
        "train_dev.csv",
        "heldout.train.csv",
        "epitome.csv",
        "notes.txt",
    ],
)
def test_refuses_anything_not_named_for_training(name):
    with pytest.raises(NotTrainingData):
        assert_training_file(Path("data") / name)


@pytest.mark.parametrize("name", ["train.jsonl", "explorations.train.csv", "strategies.train.csv"])
def test_accepts_training_files(name):
    assert assert_training_file(name).name == name


def test_readers_refuse_dev_and_test_paths_directly(tmp_path):
    root = write_research_layout(tmp_path / "data")
    with pytest.raises(NotTrainingData):
        read_research_esconv(root / "esconv" / "dev.jsonl")
    (tmp_path / "only-dev").mkdir()
    for stem in ("emotional-reactions", "interpretations", "explorations"):
        (root / "epitome" / f"{stem}.dev.csv").rename(tmp_path / "only-dev" / f"{stem}.dev.csv")
    with pytest.raises(FileNotFoundError):
        read_research_epitome(tmp_path / "only-dev")


def test_research_layout_reads_train_files_only(tmp_path):
    root = write_research_layout(tmp_path / "data")
    epitome, turns = read_training_data(root)
    assert len(epitome) == 27 and len(turns) == 4 * len(STRATEGIES)
    texts = [e.response for e in epitome] + [t.text for t in turns]
    assert all(SENTINEL not in t for t in texts)
    first = epitome[0]
    assert set(first.levels) == set(EPITOME_TASKS)
    assert turns[0].context.startswith("I feel stuck")
    assert {t.strategy for t in turns} == set(STRATEGIES)


def test_generic_layout(tmp_path):
    epitome, turns = read_training_data(write_generic_layout(tmp_path / "mine"))
    assert len(epitome) == 27 and len(turns) == 24
    assert epitome[4].rationales["emotional_reactions"] == ["so sorry", "sounds hard"]


def test_empty_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no training files"):
        read_training_data(tmp_path)


def test_refuses_to_write_into_the_package(tmp_path):
    import heard

    inside = Path(heard.__file__).parent / "coach" / "model"
    with pytest.raises(ValueError, match="inside the heard package"):
        train(write_generic_layout(tmp_path / "d"), inside)
    assert not inside.exists()


def test_macro_f1_matches_the_usual_definition():
    assert macro_f1([0, 1, 2], [0, 1, 2], range(3)) == 1.0
    assert macro_f1([0, 0, 1, 1], [0, 0, 0, 0], range(3)) == pytest.approx((2 / 3 + 0) / 2)


def test_registers_the_train_subcommand():
    parser = argparse.ArgumentParser(prog="heard coach")
    sub = parser.add_subparsers(dest="command")
    register_train(sub)
    args = parser.parse_args(["train", "--data", "d", "--out", "o", "--epochs", "2"])
    assert (args.command, args.data, args.out, args.epochs) == ("train", "d", "o", 2)
    assert callable(args.func)


# -- training (needs torch) ---------------------------------------------------------------
TINY = TrainConfig(mode="features", c_grid=(1.0,), cv_folds=2, max_length=32)


def _needs_torch():
    """torch, or skip: it comes with heard[semantic], which ./scripts/test installs, so these
    tests run there and in CI."""
    return pytest.importorskip("torch", reason="needs heard[semantic] (torch)")


TINY_FINETUNE = TrainConfig(
    mode="finetune",
    epochs=1,
    batch_size=8,
    max_length=32,
    val_fraction=0.0,
    layers=2,
    freeze_layers=1,
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    _needs_torch()
    root = tmp_path_factory.mktemp("train")
    data = write_generic_layout(root / "data")
    report = train(data, root / "model", cfg=TINY, log=lambda m: None)
    return root / "model", report


def _check_predictions(model_dir: Path, tmp_path: Path):
    from heard.coach.semantic import CoachModel

    model = CoachModel.load(model_dir)
    pairs = [("I lost my job.", "That sounds hard. What happened?"), (None, "Okay.")]
    levels = model.epitome_levels(pairs)
    assert len(levels) == 2
    assert all(list(lv) == list(EPITOME_TASKS) for lv in levels)
    assert all(set(lv.values()) <= {0, 1, 2} for lv in levels)
    texts = ["Have you tried talking to HR?", "I see."]
    strategies = model.strategies(texts)
    assert len(strategies) == 2 and set(strategies) <= set(STRATEGIES)

    again = CoachModel.load(model.save(tmp_path / "copy"))
    assert again.kind == model.kind
    assert again.epitome_levels(pairs) == levels
    assert again.strategies(texts) == strategies
    assert again.meta["bias"] == model.meta["bias"]
    return model


@pytest.mark.semantic
def test_training_writes_a_model_outside_the_package(tiny_model):
    model_dir, report = tiny_model
    names = {p.name for p in model_dir.iterdir()}
    assert {"meta.json", "heads.pkl", "training-report.json"} <= names
    assert report["epitome_pairs"] == 27 and report["strategy_turns"] == 24
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["kind"] == "features"
    assert set(meta["bias"]) == set(EPITOME_TASKS)
    assert all(len(b) == 3 for b in meta["bias"].values())
    # The features model keeps the shipped encoder: nothing of it is written.
    assert not (model_dir / "encoder").exists()


@pytest.mark.semantic
def test_trained_model_round_trips_and_predicts_in_range(tiny_model, tmp_path):
    model = _check_predictions(tiny_model[0], tmp_path)
    assert model.featurizer.token_head is not None  # the synthetic rows carry rationales


@pytest.mark.semantic
def test_training_learns_the_synthetic_cues(tiny_model):
    from heard.coach.semantic import CoachModel

    model = CoachModel.load(tiny_model[0])
    texts = [_pair(i)[0] for i in range(27)]
    levels = model.epitome_levels([("", t) for t in texts])
    right = sum(levels[i]["explorations"] == _pair(i)[1]["explorations"] for i in range(27))
    assert right >= 20


@pytest.mark.semantic
def test_finetune_mode_round_trips(tmp_path):
    _needs_torch()
    data = write_generic_layout(tmp_path / "data", n=12)
    report = train(data, tmp_path / "ft", cfg=TINY_FINETUNE, log=lambda m: None)
    assert report["best_epoch"] == 1
    assert (tmp_path / "ft" / "encoder" / "config.json").is_file()
    model = _check_predictions(tmp_path / "ft", tmp_path)
    assert model.kind == "finetuned"
    # Only the kept layers are stored and loaded: a smaller, faster encoder.
    config = json.loads((tmp_path / "ft" / "encoder" / "config.json").read_text())
    assert config["num_hidden_layers"] == 2 and len(model.encoder.encoder.layer) == 2
    assert report["selection"]["strategy"]["C"] == TINY_FINETUNE.strategy_c_grid[0]
    assert set(model.meta["bias"]) == set(EPITOME_TASKS)
    # The heads read the lexical engine's findings beside the pooled reply.
    from heard.coach.semantic import lexical_width

    labels = model.meta["lexical_labels"]
    assert isinstance(labels, list) and labels == sorted(labels)
    hidden = model.encoder.config.hidden_size
    width = hidden + lexical_width(labels)
    assert model.heads["strategy"][-1].in_features == width
    # Each mechanism also reads its evidence-weighted token pool and peak (the default).
    assert all(model.heads[t][-1].in_features == width + hidden + 1 for t in EPITOME_TASKS)
    assert model.meta["evidence_pool"] is True
    # The precision training chose is recorded and used when loading.
    assert model.meta["precision"] in {"float", "bf16", "int8"}
    assert (
        report["precision"] == json.loads((tmp_path / "ft" / "meta.json").read_text())["precision"]
    )


@pytest.mark.semantic
def test_finetune_without_lexical_findings_reads_the_encoder_alone_and_can_refit(tmp_path):
    _needs_torch()
    from dataclasses import replace

    data = write_generic_layout(tmp_path / "data", n=12)
    cfg = replace(
        TINY_FINETUNE,
        lexical=False,
        precision="float",
        refit=True,
        val_fraction=0.3,
        evidence_pool=False,
    )
    logged: list[str] = []
    report = train(data, tmp_path / "ft", cfg=cfg, log=logged.append)
    model = _check_predictions(tmp_path / "ft", tmp_path)
    assert "lexical_labels" not in model.meta and model.meta["precision"] == "float"
    # The epoch was chosen on the held-out part, then every pair was learned from.
    assert report["refit_on_all_pairs"] is True
    assert any(line.startswith("refit on all 12 pairs, epoch 1/1") for line in logged), logged
    hidden = model.encoder.config.hidden_size
    assert "evidence" not in model.heads and model.meta["evidence_pool"] is False
    assert report["config"]["evidence_pool"] is False
    assert all(model.heads[name][-1].in_features == hidden for name in model.heads)


@pytest.mark.semantic
@pytest.mark.parametrize("precision", ["float", "bf16"])
def test_cross_fitting_chooses_on_every_pair_then_trains_on_all(tmp_path, precision):
    _needs_torch()
    from dataclasses import replace

    data = write_generic_layout(tmp_path / "data", n=24)
    cfg = replace(TINY_FINETUNE, epochs=2, folds=3, precision=precision)
    logged: list[str] = []
    report = train(data, tmp_path / "ft", cfg=cfg, log=logged.append)
    model = _check_predictions(tmp_path / "ft", tmp_path)
    assert report["folds"] == 3 and model.meta["precision"] == precision
    # Each fold is held out once, for every epoch; together they cover all 24 pairs.
    per_fold = [h for h in report["history"] if "fold" in h]
    assert sorted({h["fold"] for h in per_fold}) == [1, 2, 3]
    assert len(per_fold) == 3 * cfg.epochs
    held = [int(line.split("(")[1].split()[0]) for line in logged if line.startswith("fold ")]
    assert sum(held) == 24 * cfg.epochs
    # The epoch is the one whose out-of-fold macro-F1 (offsets tuned) was best.
    oof = [h for h in report["history"] if "out_of_fold" in h]
    assert [h["epoch"] for h in oof] == [1, 2]
    means = [sum(h["out_of_fold_with_offsets"].values()) / 3 for h in oof]
    assert report["best_epoch"] == 1 + means.index(max(means))
    assert report["held_out"] == oof[report["best_epoch"] - 1]["out_of_fold_with_offsets"]
    # Then one run on every pair for that many epochs.
    final = [line for line in logged if line.startswith("training on all 24 pairs")]
    assert len(final) == report["best_epoch"]
    assert report["epitome_pairs"] == 24


def test_the_weights_of_several_runs_are_averaged_epoch_by_epoch():
    torch = _needs_torch()
    from heard.coach.train import _add_weights, _set_mean

    w = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(1, 2))]
    totals: list = []
    for run in ([1.0, 3.0], [5.0, 7.0]):  # two runs of two epochs: the weight at each epoch
        for epoch, value in enumerate(run):
            with torch.no_grad():
                for p in w:
                    p.fill_(value)
            _add_weights(totals, epoch, w)
    assert len(totals) == 2
    _set_mean(w, totals[0], 2)
    assert torch.equal(w[0], torch.full((2,), 3.0)) and torch.equal(w[1], torch.full((1, 2), 3.0))
    _set_mean(w, totals[1], 2)
    assert torch.equal(w[0], torch.full((2,), 5.0))
    # Summing never aliases the live weights.
    assert totals[1][0] is not w[0] and torch.equal(totals[1][0], torch.full((2,), 10.0))


@pytest.mark.semantic
def test_several_runs_train_one_model_of_the_same_size(tmp_path):
    torch = _needs_torch()
    from dataclasses import replace

    from heard.coach.semantic import CoachModel

    data = write_generic_layout(tmp_path / "data", n=12)
    logged: list[str] = []
    cfg = replace(TINY_FINETUNE, epochs=2, runs=2, val_fraction=0.3, precision="float")
    report = train(data, tmp_path / "two", cfg=cfg, log=logged.append)
    single = train(data, tmp_path / "one", cfg=replace(cfg, runs=1), log=lambda m: None)
    assert report["runs"] == 2 and single["runs"] == 1
    # Each run trains every epoch; the epoch is then judged on the mean of the two runs.
    for run in (1, 2):
        for epoch in (1, 2):
            assert any(f", run {run}/2, epoch {epoch}/2:" in line for line in logged), logged
    judged = [h for h in report["history"] if "held_out_with_offsets" in h]
    assert [h["epoch"] for h in judged] == [1, 2] and all(h["runs"] == 2 for h in judged)
    two = _check_predictions(tmp_path / "two", tmp_path)
    one = CoachModel.load(tmp_path / "one")
    # Same shape; the first run is the single run's, so the mean differs from it.
    a, b = two.encoder.state_dict(), one.encoder.state_dict()
    assert a.keys() == b.keys() and all(a[k].shape == b[k].shape for k in a)
    top = next(k for k in a if k.startswith("encoder.layer.1.") and k.endswith("weight"))
    assert not torch.allclose(a[top], b[top])
    assert not torch.allclose(
        two.heads["explorations"][-1].weight, one.heads["explorations"][-1].weight
    )


def test_runs_must_be_positive(tmp_path):
    data = write_generic_layout(tmp_path / "data", n=12)
    with pytest.raises(ValueError, match="runs must be at least 1"):
        train(data, tmp_path / "ft", cfg=TrainConfig(runs=0), log=lambda m: None)


def test_cross_fitting_keeps_a_seeker_post_in_one_fold():
    from heard.coach.train import _fold

    folds = {_fold(f"post{i}", 4, 13) for i in range(200)}
    assert folds == {0, 1, 2, 3}
    assert all(_fold("post7", 4, 13) == _fold("post7", 4, 13) for _ in range(3))


def test_folds_and_refit_cannot_be_combined(tmp_path):
    data = write_generic_layout(tmp_path / "data", n=12)
    with pytest.raises(ValueError, match="folds and refit cannot be combined"):
        train(data, tmp_path / "ft", cfg=TrainConfig(folds=3, refit=True), log=lambda m: None)


@pytest.mark.semantic
def test_strategy_head_copies_the_logistic_regression():
    _needs_torch()
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    from heard.coach.train import _linear_from_logistic

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)).astype(np.float32)
    for classes in ([0, 3, 5], [2, 6]):
        y = np.array([classes[i % len(classes)] for i in range(60)])
        X_shift = (X + y[:, None] * 0.3).astype(np.float32)
        clf = LogisticRegression(max_iter=500).fit(X_shift, y)
        linear = torch.nn.Linear(5, 8)
        _linear_from_logistic(linear, clf, 8)
        with torch.no_grad():
            logits = linear(torch.from_numpy(X_shift)).numpy()
        assert (logits.argmax(1) == clf.predict(X_shift)).all()
        probs = np.exp(logits - logits.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        assert np.allclose(probs[:, clf.classes_], clf.predict_proba(X_shift), atol=1e-4)


def test_cli_entry_reports_errors(tmp_path, capsys):
    from heard.coach.train import main

    assert main(["--data", str(tmp_path / "missing"), "--out", str(tmp_path / "m")]) == 2
    assert "no such data directory" in capsys.readouterr().err
    write_research_layout(tmp_path / "d")
    inside = Path(__import__("heard").__file__).parent / "m"
    assert main(["--data", str(tmp_path / "d"), "--out", str(inside)]) == 2
    assert "inside the heard package" in capsys.readouterr().err


def test_finetuning_is_the_default_and_its_options_parse():
    parser = argparse.ArgumentParser(prog="heard coach")
    register_train(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["train", "--data", "d", "--out", "o"])
    assert (args.mode, args.layers, args.max_length) == ("finetune", 4, 96)
    assert args.evidence_pool is True and args.runs == 1
    assert args.context_tokens == 32  # each reply read with the start of the seeker's words
    args = parser.parse_args(
        ["train", "--data", "d", "--out", "o", "--layers", "6", "--lr", "5e-5", "--runs", "3"]
    )
    assert (args.layers, args.lr, args.runs) == (6, 5e-5, 3)
    args = parser.parse_args(["train", "--data", "d", "--out", "o", "--context-tokens", "0"])
    assert args.context_tokens == 0
    args = parser.parse_args(["train", "--data", "d", "--out", "o", "--no-evidence-pool"])
    assert args.evidence_pool is False


@pytest.mark.semantic
def test_evidence_pooling_model_keeps_its_tagger_and_learns_the_marked_phrases(tmp_path):
    torch = _needs_torch()
    from dataclasses import replace

    from heard.coach.semantic import head_logits, lexical_width

    data = write_generic_layout(tmp_path / "data", n=27)
    cfg = replace(TINY_FINETUNE, epochs=4, precision="float", lr=1e-3)
    report = train(data, tmp_path / "ev", cfg=cfg, log=lambda m: None)
    assert report["config"]["evidence_pool"] is True
    model = _check_predictions(tmp_path / "ev", tmp_path)
    assert model.meta["evidence_pool"] is True and "evidence" in model.heads
    hidden = model.encoder.config.hidden_size
    assert model.heads["strategy"][-1].in_features == hidden + lexical_width(
        model.meta["lexical_labels"]
    )
    assert all(
        model.heads[t][-1].in_features == model.heads["strategy"][-1].in_features + hidden + 1
        for t in EPITOME_TASKS
    )
    # The tagger was trained on the annotators' phrases ("so sorry", "sounds hard"): their
    # tokens score higher for emotional reactions than the rest of the same replies.
    text = "That sounds hard. What happened?"
    enc = model.tokenizer([text], return_tensors="pt", return_offsets_mapping=True)
    with torch.no_grad():
        states = model.encoder(
            input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]
        ).last_hidden_state
        found = head_logits(model.heads, states, enc["attention_mask"], names=())
        scores = found["evidence"][0, :, 0]
    inside = [
        text.find("sounds hard") <= s < text.find("sounds hard") + 11 and e > s
        for s, e in enc["offset_mapping"][0].tolist()
    ]
    marked = scores[torch.tensor(inside)]
    rest = scores[~torch.tensor(inside)]
    assert marked.mean() > rest.mean()


@pytest.mark.semantic
def test_reply_then_context_keeps_the_reply_whole_and_cuts_the_context():
    _needs_torch()
    from heard.coach.semantic import load_encoder, reply_then_context

    tok, _ = load_encoder()
    reply, context = "That sounds hard.", "My manager ignored me again at the meeting today."
    alone = tok([reply])["input_ids"][0]
    ids, own = reply_then_context(
        tok, [reply, reply], [context, None], max_length=32, context_tokens=4
    )
    # The reply's ids come first, as without context; then four of the context's and [SEP].
    assert own == [len(alone), len(alone)]
    assert ids[0][: len(alone)] == alone
    assert ids[0][len(alone) :] == tok(context, add_special_tokens=False)["input_ids"][:4] + [
        tok.sep_token_id
    ]
    assert ids[1] == alone  # no context: the reply alone
    assert reply_then_context(tok, [reply], [context], max_length=32, context_tokens=0) == (
        [alone],
        [len(alone)],
    )


@pytest.mark.semantic
def test_a_model_trained_with_context_reads_it_and_pools_the_reply_alone(tmp_path):
    torch = _needs_torch()
    from dataclasses import replace

    from heard.coach.semantic import _encode, own_mask

    data = write_generic_layout(tmp_path / "data", n=12)
    cfg = replace(TINY_FINETUNE, context_tokens=8, precision="float")
    report = train(data, tmp_path / "ctx", cfg=cfg, log=lambda m: None)
    assert report["config"]["context_tokens"] == 8
    model = _check_predictions(tmp_path / "ctx", tmp_path)
    assert model.meta["context_tokens"] == 8
    reply = "That sounds hard. What happened?"
    # The context changes what the reply's tokens mean (they attend to it) ...
    with_context = model.scores([reply], ["I lost my job today and I'm scared."])
    without = model.scores([reply], [None])
    assert not all(
        torch.allclose(torch.from_numpy(with_context[t]), torch.from_numpy(without[t]))
        for t in EPITOME_TASKS
    )
    # Every head reads the same pass: the strategy too, with the context given.
    context = "I lost my job today and I'm scared."
    both = model.analyze_batch([reply], [context])
    assert model.strategies([reply], [context]) == [both[0]["strategy"]]
    assert model.epitome_levels([(context, reply)]) == [both[0]["epitome"]]
    # ... but only the reply's own tokens are pooled.
    assert own_mask(torch.ones((2, 5), dtype=torch.long), [3, 5]).tolist() == [
        [1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1],
    ]
    pooled, _ = _encode(
        model.tokenizer,
        model.encoder,
        [reply],
        [""],
        max_length=32,
        batch_size=8,
        context_tokens=8,
    )
    alone, _ = _encode(model.tokenizer, model.encoder, [reply], None, max_length=32, batch_size=8)
    assert torch.allclose(pooled, alone, atol=1e-5)  # an empty context adds nothing


@pytest.mark.semantic
@pytest.mark.parametrize("native_bf16", [True, False])
def test_int8_is_chosen_by_its_held_out_accuracy_and_on_bf16_cpus_by_its_speed(
    tmp_path, monkeypatch, native_bf16
):
    _needs_torch()
    import heard.coach.semantic as semantic

    if native_bf16 and not semantic.bf16_native():
        pytest.skip(
            "needs a CPU with native bfloat16 (AVX-512 BF16 or AMX), as the CI host has; the other branch runs everywhere"
        )
    # A CPU without native bfloat16, as the detection would find it.
    monkeypatch.setattr(semantic, "_bf16_native", [native_bf16])
    data = write_generic_layout(tmp_path / "data", n=12)
    report = train(data, tmp_path / "ft", cfg=TINY_FINETUNE, log=lambda m: None)
    check = report["int8"]
    base = "bf16" if native_bf16 else "float"
    assert set(check) == {base, "int8", "mean_drop", "speedup", "use"}
    assert check["speedup"] > 0
    within = check["mean_drop"] <= TINY_FINETUNE.int8_tolerance
    fast = not native_bf16 or check["speedup"] >= TINY_FINETUNE.int8_speedup
    assert check["use"] == (within and fast)
    assert report["precision"] == ("int8" if check["use"] else base)
    model = _check_predictions(tmp_path / "ft", tmp_path)
    assert model.meta["precision"] == report["precision"]
