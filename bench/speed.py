"""Throughput and memory of the coach on the same 20,000 replies, with VADER as the peer.

    .venv/bin/python -m bench.speed [--data DIR] [--model MODEL_DIR] [--n 20000]

The replies are the EPITOME responses and ESConv supporter turns (train and dev), read at
run time and repeated in order if there are fewer than ``--n``. Measured in one process:
replies/second of the lexical path (``heard.coach.analyze``), of the semantic path
(``CoachModel.analyze_batch``: every head of the model given with ``--model``, else the
bundled encoder with untrained linear heads; torch on 2 threads; float32, bfloat16 or int8
as the model chose in training unless ``--precision`` says), of the same path given the
words each reply answers (the seeker post, the seeker's last turn: a model that reads
context reads more tokens), of the model's encoder alone, and of VADER. VADER and the
lexical path take turns over three passes and each keeps its fastest (regexes compiled on
first use and a shared machine's slow spells otherwise swing one pass by a quarter). Peak
resident memory (``ru_maxrss``) with the model loaded is measured in a fresh process that
loads the model and analyses all the replies, each with the words it answers, in one
batch, as a service would;
the peak of this benchmark's own process, which has also held the lexical path's 20,000
analyses and VADER's, is recorded beside it. The load average
is recorded beside the figures (the machine may be shared). Targets: lexical/VADER >= 3,
semantic >= 300 replies/s, peak < 1.5 GB. Results go to ``bench/results/speed.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import time
from pathlib import Path

from bench._common import (
    data_dir,
    lexical_engine,
    ratio,
    supporter_turns_with_context,
    write_result,
)


def replies_with_contexts(root: Path, n: int) -> tuple[list[str], list[str]]:
    """``n`` replies and, for each, what it answers: the EPITOME seeker post, or the
    seeker's last turn before an ESConv supporter turn."""
    pairs: list[tuple[str, str]] = []
    for split in ("train", "dev"):
        for stem in ("emotional-reactions",):  # the three files share their responses
            with (root / "epitome" / f"{stem}.{split}.csv").open(encoding="utf-8") as fh:
                pairs += [(r["response_post"], r["seeker_post"]) for r in csv.DictReader(fh)]
        with (root / "esconv" / f"{split}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    pairs += [
                        (t["text"], last)
                        for t, last in supporter_turns_with_context(json.loads(line))
                    ]
    pairs = [p for p in pairs if p[0].strip()]
    pairs = (pairs * (n // len(pairs) + 1))[:n]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def rate(fn, texts: list[str]) -> dict:
    t0 = time.perf_counter()
    fn(texts)
    seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 2), "replies_per_second": round(len(texts) / seconds, 1)}


def best_rates(paths: dict, texts: list[str], passes: int) -> dict[str, dict]:
    """Each path's fastest of ``passes`` passes over ``texts``, the paths taking turns pass by
    pass, so a slow spell of a shared machine falls on all of them alike (the minimum time,
    as ``timeit`` reports; every pass is recorded)."""
    runs: dict[str, list[dict]] = {name: [] for name in paths}
    for _ in range(passes):
        for name, fn in paths.items():
            runs[name].append(rate(fn, texts))
    out = {}
    for name, rs in runs.items():
        best = max(rs, key=lambda r: r["replies_per_second"])
        out[name] = best | {"passes": [r["replies_per_second"] for r in rs]}
    return out


def _peak_mb_of_this_process() -> float:
    """Peak resident memory of this process's own address space (``VmHWM``; a spawned child
    would otherwise report its parent's peak, which Linux carries across ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _model_peak(
    model_dir: str | None, precision: str | None, texts: list[str], contexts: list[str], out
) -> None:
    from heard.coach.semantic import CoachModel

    if model_dir:
        model = CoachModel.load(model_dir, precision=precision)
    else:
        model = CoachModel.from_base()
        model.set_precision(precision or "float")
    model.analyze_batch(texts[:2000], contexts[:2000])
    model.analyze_batch(texts, contexts)
    out.put(_peak_mb_of_this_process())


def model_peak_mb(
    model_dir: str | None, precision: str | None, texts: list[str], contexts: list[str]
) -> float:
    """Peak resident memory (MB) of a fresh process that loads the model and analyses
    ``texts``, each with its context, in one batch."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_model_peak, args=(model_dir, precision, texts, contexts, out))
    child.start()
    peak = out.get()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"the memory measurement failed (exit code {child.exitcode})")
    return peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data")
    ap.add_argument("--model", help="a model written by `heard coach train`")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument(
        "--passes", type=int, default=3, help="passes of VADER and the lexical path (best kept)"
    )
    precision = ap.add_mutually_exclusive_group()
    precision.add_argument(
        "--precision",
        choices=("float", "bf16", "int8"),
        help="how the encoder computes (default: what the model chose in training)",
    )
    precision.add_argument("--quantize", action="store_true", help="same as --precision int8")
    precision.add_argument("--float", action="store_true", help="same as --precision float")
    args = ap.parse_args(argv)
    texts, contexts = replies_with_contexts(data_dir(args.data), args.n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    result: dict = {
        "replies": len(texts),
        "mean_words": round(words, 1),
        "targets": {"lexical_vs_vader": 3.0, "semantic_replies_per_second": 300, "peak_mb": 1536},
    }

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    # Both lexical scorers are warmed up on the first 500 replies, as the encoder is below:
    # one-off start-up (compiled pattern databases, regexes compiled on first use) is not
    # throughput.
    for t in texts[:500]:
        vader.polarity_scores(t)
    paths = {"vader": lambda ts: [vader.polarity_scores(t) for t in ts]}
    analyze, _, why = lexical_engine()
    if analyze is not None:
        for t in texts[:500]:
            analyze(t)
        paths["lexical"] = lambda ts: [analyze(t) for t in ts]
    result |= best_rates(paths, texts, args.passes)
    if analyze is None:
        result["lexical"] = {"unavailable": why}

    from heard.coach.semantic import CoachModel, _torch, bf16_native

    torch = _torch()
    wanted = args.precision or ("int8" if args.quantize else "float" if args.float else None)
    if args.model:
        model = CoachModel.load(args.model, precision=wanted)
    else:
        model = CoachModel.from_base()
        model.set_precision(wanted or "float")
    # Warm-up over 2,000 replies: first calls allocate, and in bfloat16 the CPU library
    # builds its kernels once per sequence width, which would otherwise be charged to
    # whichever path is timed first.
    model.analyze_batch(texts[:2000])
    model.analyze_batch(texts[:2000], contexts[:2000])
    # The encoder alone (mean-pooled embedding), to show what the heads and features add.
    result["embedding_only"] = rate(lambda ts: model.embed(ts), texts)
    result["semantic"] = rate(model.analyze_batch, texts) | {
        "threads": torch.get_num_threads(),
        "quantized": bool(model.meta.get("quantized")),
        "precision": model.meta.get("precision"),
        "bf16_native": bf16_native(),
        "model": args.model or "bundled encoder, untrained heads",
        "max_length": model.meta.get("max_length"),
        "layers": model.encoder.config.num_hidden_layers,
        "context_tokens": model.meta.get("context_tokens", 0),
    }
    # The same replies, each with the words it answers, as the Coach page and `heard score`
    # pass them: a model that reads context reads up to ``context_tokens`` more per reply.
    result["semantic_with_context"] = rate(lambda ts: model.analyze_batch(ts, contexts), texts)
    result["process_peak_mb"] = round(_peak_mb_of_this_process(), 1)
    peak_mb = model_peak_mb(args.model, wanted, texts, contexts)
    result["peak_mb"] = round(peak_mb, 1)
    result["peak_measured"] = (
        f"a fresh process: the model loaded, warmed up on 2,000 replies, then all "
        f"{len(texts):,} analysed in one batch, each with the words it answers"
    )
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]

    lex = result["lexical"].get("replies_per_second")
    vad = result["vader"]["replies_per_second"]
    sem = result["semantic"]["replies_per_second"]
    sem_ctx = result["semantic_with_context"]["replies_per_second"]
    result["ratios"] = {"lexical_vs_vader": ratio(lex, vad), "semantic_vs_vader": ratio(sem, vad)}
    print(f"{len(texts)} replies, {words:.1f} words on average")
    print(f"  VADER     {vad:>9.1f} replies/s")
    if lex:
        print(
            f"  lexical   {lex:>9.1f} replies/s   ratio vs VADER {result['ratios']['lexical_vs_vader']} (target >= 3)"
        )
    else:
        print(f"  lexical   unavailable: {why}")
    print(
        f"  semantic  {sem:>9.1f} replies/s   (target >= 300; {torch.get_num_threads()} threads, "
        f"{model.meta.get('precision')})"
    )
    print(
        f"  semantic, with the words each reply answers {sem_ctx:>9.1f} replies/s   "
        f"(target >= 300; {result['semantic']['context_tokens']} context tokens read)"
    )
    emb = result["embedding_only"]["replies_per_second"]
    print(f"  embedding {emb:>9.1f} replies/s   (encoder alone, same replies)")
    print(
        f"  peak memory with the model loaded {peak_mb:.0f} MB (target < 1536 MB); this "
        f"process, after all three paths: {result['process_peak_mb']:.0f} MB"
    )
    print(f"  load average {result['load_average']} on {os.cpu_count()} CPUs")
    print(f"wrote {write_result('speed', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
