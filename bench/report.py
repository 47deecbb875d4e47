"""Write BENCHMARKS.md from the latest bench/results/*.json.

.venv/bin/python -m bench.report
"""

from __future__ import annotations

import json

from bench._common import REPO, RESULTS

TASKS = ("emotional_reactions", "interpretations", "explorations")
COMMANDS = """\
```sh
# the learned model (train files only; written outside the repository), timed
/usr/bin/time -v .venv/bin/heard coach train --data /work/shared/data --out /tmp/models/coach
.venv/bin/python -m bench.epitome --model /tmp/models/coach   # without --model it trains first
.venv/bin/python -m bench.esconv  --model /tmp/models/coach
.venv/bin/python -m bench.state                               # reading the other person's feeling
.venv/bin/python -m bench.speed   --model /tmp/models/coach
.venv/bin/python bench/batch.py --no-profile                  # heard score throughput
.venv/bin/python -m bench.report                              # rewrites this file
```"""


def _load(name: str) -> dict:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _f(x, digits=3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def ci_s(ci) -> str:
    return f"{ci[0]:.3f} – {ci[1]:.3f}" if ci else "n/a"


def render() -> str:
    ep, es, sp = _load("epitome"), _load("esconv"), _load("speed")
    out = [
        "# Benchmarks",
        "",
        "Figures of the coach on public, human-labelled data that nobody on the project wrote,",
        "each beside a named peer measured or published for the same task. The data sets are read",
        "at run time from `../shared/data` (never committed); the learned heads are trained on the",
        "*train* files only and scored on *dev*. Raw results: `bench/results/*.json`.",
        "",
        "## Commands",
        "",
        COMMANDS,
        "",
    ]
    if ep:
        tr = ep["systems"]["trained"]
        lex = ep["systems"]["lexical"]
        out += [
            f"## EPITOME dev (`bench/results/epitome.json`, {ep['machine']['when']}, commit "
            f"{ep['machine']['commit']})",
            "",
            "Accuracy / macro-F1 per mechanism (levels 0/1/2), "
            f"{ep['dev_rows']['emotional_reactions']} dev rows each. Target: the higher published "
            "macro-F1 (Sharma et al. 2020, or the reproduction in the authors' issue 4).",
            "",
            "| mechanism | lexical (shipped) | learned model | learned macro-F1, 95 % bootstrap "
            "interval | target macro-F1 | learned / target | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for t in TASKS:
            pub = max(f1 for _, f1 in ep["published"][t].values())
            lx = lex.get(t)
            lx_s = f"{lx['accuracy']:.3f} / {lx['macro_f1']:.3f}" if lx else "n/a"
            ratio = tr[t]["macro_f1"] / pub
            out.append(
                f"| {t.replace('_', ' ')} | {lx_s} | {tr[t]['accuracy']:.3f} / "
                f"{tr[t]['macro_f1']:.3f} | {ci_s(tr[t].get('macro_f1_95ci'))} | {pub:.4g} | "
                f"{ratio:.3f} | "
                f"{'yes' if tr[t]['macro_f1'] >= pub else 'no'} |"
            )
        out.append("")
        info = tr.get("model", {})
        secs = info.get("trained")
        if secs:
            load = info.get("training_load_average")
            load_s = f"load average {load[0]:.1f} on 2 cores when it ended" if load else "2 cores"
            out += [
                f"Model: {info.get('layers')} encoder layers, "
                f"{'with' if info.get('lexical_features') else 'without'} the lexical engine's "
                f"findings beside the pooled reply"
                f"{', each mechanism also reading its evidence-weighted tokens' if info.get('evidence_pool') else ''}"
                f", answering in {info.get('precision')}; best "
                f"epoch {info.get('best_epoch')} {_chosen_on(info)}. "
                f"Training time: {secs / 60:.1f} min ({load_s}); the budget is 15 min.",
                "",
            ]
    if es:
        st = es.get("strategy", {})
        corr = es.get("empathy_correlation", {})
        out += [
            f"## ESConv dev (`bench/results/esconv.json`, {es['machine']['when']})",
            "",
            f"Strategy of {es['supporter_turns']} supporter turns (8 classes):",
            "",
            "| system | accuracy | macro-F1 |",
            "|---|---|---|",
        ]
        for name, v in st.items():
            if "macro_f1" in v:
                out.append(f"| {name} | {v['accuracy']:.3f} | {v['macro_f1']:.3f} |")
        out += [
            "",
            f"Spearman correlation with the seeker's own empathy rating "
            f"({es['rated_conversations']} conversations); peer: VADER mean compound of the "
            "supporter's turns (published ≈ 0.15):",
            "",
            "| score | rho | p | ratio vs VADER (same run) |",
            "|---|---|---|---|",
        ]
        for name, v in corr.items():
            if "rho" in v:
                r = es.get("ratios", {}).get(name)
                out.append(f"| {name} | {v['rho']:+.3f} | {v['p']:.2g} | {_f(r)} |")
        out.append("")
        tr = es.get("train_split_correlation")
        if tr:
            v, lx = tr["vader_mean_compound"], tr["lexical_empathy_score"]
            out += [
                f"The same two untrained scores on the train split ({tr['conversations']} rated "
                "conversations; the lexical score is fitted to neither split), a steadier "
                f"reading: VADER {v['rho']:+.3f} (p {v['p']:.2g}), lexical empathy score "
                f"{lx['rho']:+.3f} (p {lx['p']:.2g}), ratio {_f(lx['rho'] / v['rho'] if v['rho'] else None)}.",
                "",
            ]
    out += _state_section(_load("state"))
    if sp:
        lex = sp.get("lexical", {})
        sem = sp.get("semantic", {})
        emb = sp.get("embedding_only", {})
        out += [
            f"## Speed (`bench/results/speed.json`, {sp['machine']['when']}, "
            f"{sp['machine']['cpus']} CPUs)",
            "",
            f"The same {sp['replies']} replies (mean {sp['mean_words']} words) through each path, "
            "one process"
            + (
                f"; VADER and the lexical path took turns over {len(lex['passes'])} passes and "
                f"each keeps its fastest (lexical passes: "
                f"{', '.join(_f(x, 0) for x in lex['passes'])}; VADER: "
                f"{', '.join(_f(x, 0) for x in sp['vader']['passes'])})."
                if lex.get("passes") and sp["vader"].get("passes")
                else "."
            ),
            "",
            "| path | replies/s | target |",
            "|---|---|---|",
            f"| VADER (peer) | {_f(sp['vader'].get('replies_per_second'), 1)} | |",
            f"| lexical `analyze` | {_f(lex.get('replies_per_second'), 1)} | ≥ 3 × VADER "
            f"(ratio {_f(sp['ratios'].get('lexical_vs_vader'), 2)}) |",
            f"| semantic: fine-tuned encoder + heads ({sem.get('threads')} threads, "
            f"{sem.get('precision', 'float')}) | "
            f"{_f(sem.get('replies_per_second'), 1)} | ≥ 300 |",
            *(
                [
                    f"| semantic, each reply with the words it answers (up to "
                    f"{sem.get('context_tokens')} tokens of them read) | "
                    f"{_f(sp['semantic_with_context'].get('replies_per_second'), 1)} | ≥ 300 |"
                ]
                if "semantic_with_context" in sp
                else []
            ),
            f"| encoder alone (embedding) | {_f(emb.get('replies_per_second'), 1)} | |",
            "",
            f"Peak resident memory with the model loaded: {sp['peak_mb']:.0f} MB (target < 1536 MB), "
            f"measured in {sp.get('peak_measured', 'the benchmark process')}"
            + (
                f"; the benchmark's own process, after all three paths: "
                f"{sp['process_peak_mb']:.0f} MB."
                if "process_peak_mb" in sp
                else "."
            ),
            "",
            f"Model: {sem.get('model', 'n/a')}, {sem.get('layers')} layers, precision "
            f"{sem.get('precision', 'float')} (native bfloat16 on this CPU: "
            f"{sem.get('bf16_native', 'n/a')}); load average during the run "
            f"{sp.get('load_average', 'n/a')}.",
            "",
        ]
    out += _batch_section(_load("batch"))
    return "\n".join(out)


def _chosen_on(info: dict) -> str:
    """How the epoch and offsets were chosen, and the train-side estimate that chose them."""
    held = info.get("held_out") or {}
    estimate = ", ".join(f"{t.split('_')[0]} {v:.3f}" for t, v in held.items())
    folds = info.get("folds") or 1
    runs = info.get("runs") or 1
    mean = f"the mean weights of {runs} runs in different data orders; " if runs > 1 else ""
    if folds > 1:
        how = (
            f"chosen by {folds}-fold cross-fitting on train (out-of-fold macro-F1 with offsets: "
            f"{estimate}), then trained on all train pairs"
        )
    else:
        how = f"chosen on the held-out 15 % of train (macro-F1 with offsets there: {estimate})"
        if info.get("refit_on_all_pairs"):
            how += ", then refit on all train pairs"
    return mean + how


def _wall(run: dict) -> str:
    """The rate over the whole run, start-up of the worker processes included."""
    if "wall_conversations_per_second" not in run:
        return "wall rate not recorded"
    return f"{run['wall_conversations_per_second']:.1f} conv/s with start-up"


def _state_section(st: dict) -> list[str]:
    if not st:
        return []
    out = [
        f"## The other person's feeling (`bench/results/state.json`, {st['machine']['when']}, "
        f"commit {st['machine']['commit']})",
        "",
        "The coach's emotion reading of words whose writer chose the emotion: the speaker's first",
        "turn in EmpatheticDialogues (its 32 emotions mapped to the coach's families where one",
        "fits; the *watch* half may be read when writing lexicons, the *check* half is only",
        "reported) and the seeker's situation in ESConv. Family and group (anger, fear, sadness,",
        "shame, good feelings) accuracy and macro-F1, with `neutral` counted wrong; valence",
        "beside the peer, VADER's compound sentiment, on the same texts.",
        "",
        "| texts | n | a feeling named | family acc / macro-F1 (majority class) | group acc / macro-F1 "
        "| valence: coach / VADER (ratio) |",
        "|---|---|---|---|---|---|",
    ]
    rows = [
        (f"EmpatheticDialogues {part}", r) for part, r in st.get("empathetic_dialogues", {}).items()
    ] + [(f"ESConv {split}", r) for split, r in st.get("esconv", {}).items()]
    for name, r in rows:
        fam, grp, val = r["family"], r["group"], r["valence"]
        out.append(
            f"| {name} | {r['texts']} | {r['named_a_feeling']:.0%} | {fam['accuracy']:.3f} / "
            f"{fam['macro_f1']:.3f} ({r['family_majority_class']['macro_f1']:.3f}) | "
            f"{grp['accuracy']:.3f} / {grp['macro_f1']:.3f} | {val['coach_accuracy']:.3f} / "
            f"{val['vader_accuracy']:.3f} ({_f(val['coach_vs_vader'])}) |"
        )
    out += ["", "Spearman correlation of intensity with the seeker's own rating (ESConv, 1-5):", ""]
    for split, r in st.get("esconv", {}).items():
        i = r.get("intensity")
        if i:
            out.append(
                f"- {split} (n={i['n']}): coach {i['coach_rho']:+.3f}, VADER negativity "
                f"{i['vader_neg_rho']:+.3f}"
            )
    return [*out, ""]


def _batch_section(b: dict) -> list[str]:
    if not b:
        return []
    w1, w2, mem, peer = b["workers_1"], b["workers_2"], b["memory"], b["vader_peer"]
    target = b["targets"]
    return [
        f"## Batch QA: `heard score` (`bench/results/batch.json`, `{b['command']}`)",
        "",
        f"{b['input']['conversations']:,} synthetic conversations of "
        f"{b['input']['turns_per_conversation']} turns ({b['input']['utterances']:,} utterances, "
        f"{b['input']['generator']}); load average after the runs "
        f"{b['machine'].get('load_average_1min_after_runs', 'n/a')} on {b['machine']['cpus']} CPUs.",
        "",
        "| measure | figure | target |",
        "|---|---|---|",
        f"| 1 worker | {w1['conversations_per_second']:.1f} conv/s scoring, {_wall(w1)} | |",
        f"| 2 workers | {w2['conversations_per_second']:.1f} conv/s scoring, "
        f"{_wall(w2)} | ≥ {target['conversations_per_second_2_workers']:,.0f} "
        f"({'met' if target['met_rate'] else 'not met'}) |",
        f"| scaling efficiency 1 → 2 workers | {b['scaling_efficiency']:.2f} | "
        f"≥ {target['scaling_efficiency']} ({'met' if target['met_efficiency'] else 'not met'}) |",
        f"| peak RSS, {mem['small_conversations']:,} → {mem['large_conversations']:,} conversations "
        f"| {mem['small_peak_rss_mib']:.0f} → {mem['large_peak_rss_mib']:.0f} MiB "
        f"(×{mem['growth_for_10x_input']:.2f}) | flat |",
        f"| VADER over the same utterances (peer, 1 core) | {peer['conversations_per_second']:.1f} "
        f"conv/s | |",
        f"| ratio heard (1 worker) / VADER | {b['peer_ratio_heard1_over_vader']:.3f} | |",
        "",
    ]


def main() -> int:
    text = render()
    (REPO / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
