"""The semantic path: lazy imports, embeddings, and the model's shapes, ranges and storage.

Only the bundled encoder is used (no downloads, no research data); torch-dependent tests are
marked ``semantic`` and skipped when the optional extra is not installed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from heard.coach.semantic import EPITOME_TASKS, STRATEGIES


def test_importing_the_module_does_not_import_torch():
    code = (
        "import sys, heard.coach.semantic, heard.coach.train; "
        "bad = [m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_label_sets():
    assert EPITOME_TASKS == ("emotional_reactions", "interpretations", "explorations")
    assert len(STRATEGIES) == 8 and "Reflection of feelings" in STRATEGIES


@pytest.fixture(scope="module")
def base_model():
    pytest.importorskip(
        "torch",
        reason="needs heard[semantic] (torch); ./scripts/test installs it, so it runs there and in CI",
    )
    from heard.coach.semantic import CoachModel

    return CoachModel.from_base()


@pytest.mark.semantic
def test_bundled_encoder_is_found_offline():
    pytest.importorskip(
        "torch",
        reason="needs heard[semantic] (torch); ./scripts/test installs it, so it runs there and in CI",
    )
    from heard.coach.semantic import base_model_path

    path = base_model_path()
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()


@pytest.mark.semantic
def test_embed_is_normalised_and_meaningful():
    pytest.importorskip(
        "torch",
        reason="needs heard[semantic] (torch); ./scripts/test installs it, so it runs there and in CI",
    )
    import numpy as np

    from heard.coach.semantic import embed

    vecs = embed(
        [
            "That sounds really frustrating.",
            "That must be so annoying.",
            "The invoice is attached.",
        ],
        batch_size=2,
    )
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert embed([]).shape == (0, 384)


@pytest.mark.semantic
def test_batching_does_not_change_results(base_model):
    import numpy as np

    texts = ["short", "a somewhat longer reply about a refund that never arrived", "ok then"]
    assert np.allclose(
        base_model.embed(texts, batch_size=1), base_model.embed(texts, batch_size=3), atol=1e-5
    )


@pytest.mark.semantic
def test_predictions_have_the_contract_shape(base_model):
    pairs = [("I can't sleep.", "I'm sorry. What keeps you up?"), ("", "Okay."), (None, "")]
    levels = base_model.epitome_levels(pairs)
    assert len(levels) == 3
    for lv in levels:
        assert list(lv) == list(EPITOME_TASKS)
        assert all(isinstance(v, int) and v in (0, 1, 2) for v in lv.values())
    strategies = base_model.strategies(["Have you asked HR?", "I felt the same once.", ""])
    assert len(strategies) == 3 and set(strategies) <= set(STRATEGIES)
    assert base_model.epitome_levels([]) == [] and base_model.strategies([]) == []
    batch = base_model.analyze_batch(["That sounds hard."])
    assert set(batch[0]) == {"epitome", "strategy"}


@pytest.mark.semantic
def test_save_load_round_trip(base_model, tmp_path):
    import numpy as np

    from heard.coach.semantic import CoachModel

    base_model.meta["bias"] = {"explorations": [0.0, 0.5, 0.25]}
    try:
        saved = base_model.save(tmp_path / "m")
        loaded = CoachModel.load(saved)
    finally:
        base_model.meta["bias"] = {}
    assert loaded.meta["bias"] == {"explorations": [0.0, 0.5, 0.25]}
    texts = ["What would help most right now?", "We apologise for any inconvenience."]
    assert np.allclose(loaded.embed(texts), base_model.embed(texts), atol=1e-5)
    assert loaded.strategies(texts) == base_model.strategies(texts)


@pytest.mark.semantic
def test_refuses_to_save_inside_the_package(base_model):
    import heard

    target = Path(heard.__file__).parent / "coach" / "trained"
    with pytest.raises(ValueError, match="inside the heard package"):
        base_model.save(target)
    assert not target.exists()


@pytest.mark.semantic
def test_load_rejects_a_directory_that_is_not_a_model(tmp_path):
    pytest.importorskip(
        "torch",
        reason="needs heard[semantic] (torch); ./scripts/test installs it, so it runs there and in CI",
    )
    from heard.coach.semantic import CoachModel

    with pytest.raises(FileNotFoundError, match="meta.json"):
        CoachModel.load(tmp_path)


@pytest.mark.semantic
def test_quantized_model_agrees_mostly(base_model):
    import numpy as np

    from heard.coach.semantic import CoachModel

    q = CoachModel(base_model.tokenizer, base_model.encoder, base_model.heads, {})
    texts = ["That sounds frustrating.", "Your refund is on its way.", "How are you feeling?"]
    full = base_model.embed(texts)
    q.quantize()
    assert q.meta["quantized"] and base_model.meta.get("quantized") is None
    # int8 weights move the vectors (cosine about 0.85-0.95 with the float ones here) but
    # each text stays nearest its own float vector.
    sims = q.embed(texts) @ full.T
    assert (sims.argmax(axis=1) == np.arange(len(texts))).all()
    assert (np.diag(sims) > 0.75).all()


@pytest.mark.semantic
def test_scoring_in_slices_gives_the_same_answers(base_model, monkeypatch):
    import heard.coach.semantic as semantic

    pairs = [("I lost my job.", f"That sounds hard ({i}). What happened?") for i in range(5)]
    whole = base_model.epitome_levels(pairs)
    monkeypatch.setattr(semantic, "SCORE_CHUNK", 2)
    assert base_model.epitome_levels(pairs) == whole
    assert len(base_model.analyze_batch([p[1] for p in pairs])) == 5


class _OnePass:
    """A model that answers levels and strategy together and records how it was asked."""

    def __init__(self):
        self.calls: list[tuple[list[str], list[str] | None]] = []

    def analyze_batch(self, texts, contexts=None):
        self.calls.append((list(texts), None if contexts is None else list(contexts)))
        return [
            {
                "epitome": {"emotional_reactions": 2, "interpretations": 0, "explorations": 1},
                "strategy": "Question",
            }
            for _ in texts
        ]

    def epitome_levels(self, pairs):  # pragma: no cover - must not be used
        raise AssertionError("levels and strategy come from one analyze_batch call")

    strategies = epitome_levels


def test_analyze_with_a_model_asks_it_once():
    from heard.coach import analyze

    model = _OnePass()
    a = analyze("How are you holding up?", context="I lost my job.", model=model)
    assert model.calls == [(["How are you holding up?"], ["I lost my job."])]
    assert a.epitome == {"emotional_reactions": 2, "interpretations": 0, "explorations": 1}
    assert a.strategy == "Question"


def test_a_conversation_asks_the_model_once_for_all_agent_turns():
    from heard.coach import analyze_conversation

    model = _OnePass()
    ca = analyze_conversation(
        [
            {"role": "customer", "text": "My order never came."},
            {"role": "agent", "text": "That is frustrating. When did you order?"},
            {"role": "customer", "text": "Last week."},
            {"role": "agent", "text": "Thanks, I will check."},
        ],
        model=model,
    )
    assert model.calls == [
        (
            ["That is frustrating. When did you order?", "Thanks, I will check."],
            ["My order never came.", "Last week."],
        )
    ]
    assert ca.turns[3].analysis.strategy == "Question"


@pytest.mark.semantic
def test_analyze_batch_agrees_with_the_separate_calls(base_model):
    pairs = [("I lost my job.", "That sounds scary. What happened?"), ("", "Okay."), (None, "")]
    both = base_model.analyze_batch([p[1] for p in pairs], [p[0] for p in pairs])
    assert [b["epitome"] for b in both] == base_model.epitome_levels(pairs)
    assert [b["strategy"] for b in both] == base_model.strategies([p[1] for p in pairs])


@pytest.mark.semantic
def test_heads_see_the_same_vectors_as_embed(base_model):
    """The one-pass encoder (token ids padded by hand) matches the reference pooling."""
    import numpy as np

    from heard.coach.semantic import _encode, _l2

    texts = ["a fairly long reply about a refund that never arrived, again", "ok", ""]
    pooled, logits = _encode(
        base_model.tokenizer,
        base_model.encoder,
        texts,
        None,
        max_length=16,
        batch_size=2,
        heads=base_model.heads,
    )
    ref = base_model.embed(texts)  # max_length 128: the long text differs only when cut
    assert np.allclose(_l2(pooled).numpy()[1:], ref[1:], atol=1e-5)
    assert set(logits) == {*EPITOME_TASKS, "strategy"}
    assert all(v.shape[0] == 3 for v in logits.values())


@pytest.mark.semantic
def test_load_follows_the_models_int8_choice_unless_told(base_model, tmp_path, monkeypatch):
    from heard.coach.semantic import CoachModel

    base_model.meta["int8"] = True
    try:
        saved = base_model.save(tmp_path / "m")
    finally:
        del base_model.meta["int8"]
    monkeypatch.delenv("HEARD_QUANTIZE", raising=False)
    assert CoachModel.load(saved).meta.get("quantized") is True
    assert CoachModel.load(saved, quantize=False).meta.get("quantized") is None
    monkeypatch.setenv("HEARD_QUANTIZE", "0")
    assert CoachModel.load(saved).meta.get("quantized") is None


@pytest.mark.semantic
def test_precision_follows_argument_then_environment_then_the_models_choice(monkeypatch):
    pytest.importorskip("torch", reason="needs heard[semantic] (torch)")
    from heard.coach.semantic import _requested_precision

    monkeypatch.delenv("HEARD_PRECISION", raising=False)
    monkeypatch.delenv("HEARD_QUANTIZE", raising=False)
    assert _requested_precision(None, None, {}) == "float"
    assert _requested_precision(None, None, {"int8": True}) == "int8"  # older models
    assert _requested_precision(None, None, {"precision": "bf16", "int8": False}) == "bf16"
    monkeypatch.setenv("HEARD_QUANTIZE", "1")
    assert _requested_precision(None, None, {"precision": "bf16"}) == "int8"
    monkeypatch.setenv("HEARD_PRECISION", "float")
    assert _requested_precision(None, None, {"precision": "bf16"}) == "float"
    assert _requested_precision(None, True, {}) == "int8"
    assert _requested_precision("bf16", True, {}) == "bf16"
    monkeypatch.setenv("HEARD_PRECISION", "half")
    with pytest.raises(ValueError, match="HEARD_PRECISION must be one of"):
        _requested_precision(None, None, {})


@pytest.mark.semantic
def test_bf16_falls_back_to_float_where_the_cpu_lacks_it_and_saves_the_choice(
    base_model, tmp_path, monkeypatch
):
    import heard.coach.semantic as semantic
    from heard.coach.semantic import CoachModel

    monkeypatch.setattr(semantic, "bf16_native", lambda: False)
    model = CoachModel(base_model.tokenizer, base_model.encoder, base_model.heads, {})
    model.set_precision("bf16")
    assert model.meta["precision"] == "float" and not model.bf16
    saved = model.save(tmp_path / "m")
    meta = __import__("json").loads((saved / "meta.json").read_text())
    assert meta["precision"] == "bf16"  # what was chosen, not this machine's fallback
    with pytest.raises(ValueError, match="precision must be one of"):
        model.set_precision("fp8")


@pytest.mark.semantic
def test_bf16_answers_agree_with_float(base_model):
    import numpy as np

    from heard.coach.semantic import CoachModel

    texts = [
        "That sounds exhausting, I'm sorry you've been dealing with it alone.",
        "Your refund is on its way.",
        "How are you feeling about the move now?",
        "I had the same thing happen and it took weeks to sort out.",
    ]
    full = CoachModel(base_model.tokenizer, base_model.encoder, base_model.heads, {})
    half = CoachModel(base_model.tokenizer, base_model.encoder, base_model.heads, {})
    half.set_precision("bf16", fallback=False)  # emulated where not native: slower, same maths
    assert half.bf16 and not full.bf16
    a, b = full.scores(texts), half.scores(texts)
    for name in a:
        assert a[name].dtype == np.float32 and b[name].shape == a[name].shape
        # bfloat16 keeps 8 bits of mantissa: logits move by hundredths, not more.
        assert np.abs(a[name] - b[name]).max() < 0.25, name
    emb_full, emb_half = full.embed(texts), half.embed(texts)
    assert (np.sum(emb_full * emb_half, axis=1) > 0.99).all()


@pytest.mark.semantic
def test_evidence_pooling_reads_the_phrase_the_tagger_marks_and_never_padding():
    torch = pytest.importorskip(
        "torch",
        reason="needs heard[semantic] (torch); ./scripts/test installs it, so it runs there and in CI",
    )
    from heard.coach.semantic import build_heads, head_logits

    hidden = 4
    heads = build_heads(hidden, dropout=0.0, extra=2, evidence=True).eval()
    # The widths: a mechanism reads pooled reply + lexical block + its evidence pool + peak;
    # the strategy reads the pooled reply and the lexical block only.
    assert all(heads[t][-1].in_features == 2 * hidden + 2 + 1 for t in EPITOME_TASKS)
    assert heads["strategy"][-1].in_features == hidden + 2
    with torch.no_grad():
        # The tagger scores a token by its first feature, for every mechanism.
        heads["evidence"].weight.zero_()
        heads["evidence"].weight[:, 0] = 50.0
        heads["evidence"].bias.zero_()
    states = torch.zeros((2, 5, hidden))
    states[0, :, 1] = torch.arange(5, dtype=torch.float32)
    states[0, 3, 0] = 1.0  # the one "evidence" token of the first reply
    states[1, 4, 0] = 9.0  # a padded position of the second reply: must be ignored
    states[1, 1, 0] = 0.5
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    extra = torch.ones((2, 2))

    captured = {}
    for t in EPITOME_TASKS:
        heads[t].register_forward_hook(lambda m, inp, out, t=t: captured.__setitem__(t, inp[0]))
    with torch.no_grad():
        out = head_logits(heads, states, mask, extra)
    assert set(out) == {*EPITOME_TASKS, "strategy", "evidence"}
    assert out["evidence"].shape == (2, 5, len(EPITOME_TASKS))
    for t in EPITOME_TASKS:
        row = captured[t]
        pooled = row[:, hidden + 2 : 2 * hidden + 2]
        peak = row[:, -1]
        # The first reply's pool is the marked token, not the average of its five tokens.
        assert torch.allclose(pooled[0], states[0, 3], atol=1e-4)
        assert peak[0] > 0.99
        # The second reply's pool is its strongest real token; padding has no weight.
        assert torch.allclose(pooled[1], states[1, 1], atol=1e-4)
        # The plain part of the input is the mean over real tokens and the lexical block.
        assert torch.allclose(row[1, :hidden], states[1, :3].mean(0))
        assert torch.equal(row[:, hidden : hidden + 2], extra)


@pytest.mark.semantic
def test_heads_without_a_tagger_read_the_pooled_reply_alone(base_model):
    torch = pytest.importorskip("torch", reason="needs heard[semantic] (torch)")
    from heard.coach.semantic import head_logits, mean_pool

    states = torch.randn((3, 6, base_model.encoder.config.hidden_size))
    mask = torch.tensor([[1] * 6, [1] * 4 + [0] * 2, [1] + [0] * 5])
    with torch.no_grad():
        out = head_logits(base_model.heads.eval(), states, mask)
        vec = mean_pool(states, mask)
        assert "evidence" not in out
        for name, head in base_model.heads.items():
            assert torch.allclose(out[name], head(vec))


@pytest.mark.semantic
def test_padding_batches_to_a_few_widths_changes_no_vector(base_model):
    import torch

    from heard.coach.semantic import WIDTH_STEP, _encode, mean_pool

    texts = ["Okay.", "That sounds really hard, I'm sorry. What happened after the meeting?"]
    pooled, _ = _encode(
        base_model.tokenizer, base_model.encoder, texts, None, max_length=64, batch_size=8
    )
    for i, text in enumerate(texts):
        enc = base_model.tokenizer([text], return_tensors="pt")
        assert enc["input_ids"].shape[1] % WIDTH_STEP  # these lengths do get padded
        with torch.inference_mode():
            states = base_model.encoder(**enc).last_hidden_state
        alone = mean_pool(states, enc["attention_mask"])[0]
        assert torch.allclose(pooled[i], alone, atol=1e-5)
