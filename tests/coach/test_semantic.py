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
    pytest.importorskip("torch", reason="needs the semantic extra (torch)")
    from heard.coach.semantic import CoachModel

    return CoachModel.from_base()


@pytest.mark.semantic
def test_bundled_encoder_is_found_offline():
    pytest.importorskip("torch", reason="needs the semantic extra (torch)")
    from heard.coach.semantic import base_model_path

    path = base_model_path()
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()


@pytest.mark.semantic
def test_embed_is_normalised_and_meaningful():
    pytest.importorskip("torch", reason="needs the semantic extra (torch)")
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
    pytest.importorskip("torch", reason="needs the semantic extra (torch)")
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
