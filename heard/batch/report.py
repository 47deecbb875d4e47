"""summary.json and report.html, built by streaming DIR/conversations.jsonl.

Building from the results file (not from the run's memory) makes a resumed run report
exactly what an uninterrupted one would, and keeps memory flat: the aggregates are
histograms and counters, plus a bounded sample of tone trajectories and evidence quotes.
Everything shown comes from the already-redacted results.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from heard.batch import charts

BINS = 20
TONE_POINTS = 10
SAMPLE_TRAJECTORIES = 40
MAX_AGENTS_SHOWN = 25
EXAMPLE_QUOTES = 3
REVIEW_FIRST = 10
MAX_ERROR_KINDS = 50


def _histogram_stats(counts: list[int], lo: float, hi: float) -> dict[str, float | None]:
    """Approximate quantiles from a histogram (bin midpoints)."""
    total = sum(counts)
    if not total:
        return {"p10": None, "median": None, "p90": None}
    out = {}
    for name, q in (("p10", 0.1), ("median", 0.5), ("p90", 0.9)):
        target, running = q * total, 0
        for i, count in enumerate(counts):
            running += count
            if running >= target:
                out[name] = round(lo + (hi - lo) * (i + 0.5) / len(counts), 3)
                break
    return out


@dataclass
class _Agent:
    n: int = 0
    empathy: float = 0.0
    rubric: float = 0.0
    rubric_n: int = 0
    tone_change: float = 0.0
    tone_n: int = 0
    pitfalls: Counter = field(default_factory=Counter)
    item_sum: dict[str, float] = field(default_factory=dict)  # normalised 0..1 per item
    item_n: Counter = field(default_factory=Counter)


@dataclass
class Aggregate:
    n: int = 0
    empathy_bins: list[int] = field(default_factory=lambda: [0] * BINS)
    rubric_bins: list[int] = field(default_factory=lambda: [0] * BINS)
    empathy_sum: float = 0.0
    rubric_sum: float = 0.0
    rubric_n: int = 0
    turns: int = 0
    moves: Counter = field(default_factory=Counter)
    pitfalls: Counter = field(default_factory=Counter)
    emotions: Counter = field(default_factory=Counter)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, _Agent] = field(default_factory=lambda: defaultdict(_Agent))
    tone_sum: list[float] = field(default_factory=lambda: [0.0] * TONE_POINTS)
    tone_n: list[int] = field(default_factory=lambda: [0] * TONE_POINTS)
    tone_direction: Counter = field(default_factory=Counter)
    tone_samples: list[list[float]] = field(default_factory=list)
    quotes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    error_kinds: Counter = field(default_factory=Counter)
    # the lowest-scoring conversations, kept as a bounded heap of (-score, order, entry)
    review: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, result: dict[str, Any]) -> None:
        self.n += 1
        self._consider_for_review(result)
        self.turns += int(result.get("turns") or 0)
        empathy = float(result.get("empathy_score") or 0.0)
        self.empathy_sum += empathy
        self.empathy_bins[min(BINS - 1, max(0, int(empathy * BINS)))] += 1
        rubric = result.get("rubric_overall")
        if rubric is not None:
            self.rubric_sum += rubric
            self.rubric_n += 1
            self.rubric_bins[min(BINS - 1, max(0, int(rubric * BINS)))] += 1
        self.moves.update(result.get("moves", {}).keys())
        self.pitfalls.update(result.get("pitfalls", {}).keys())
        self.emotions.update(result.get("customer_emotions", {}))
        for item in result.get("rubric", []):
            entry = self.items.setdefault(
                item["item"],
                {"title": item["title"], "scale": item["scale"], "counts": Counter(), "na": 0},
            )
            if item["score"] is None:
                entry["na"] += 1
            else:
                entry["counts"][item["score"]] += 1
                quotes = self.quotes[item["item"]]
                if len(quotes) < EXAMPLE_QUOTES and item["score"] >= item["scale"][1] - 1:
                    quote = next(
                        (e["quote"] for e in item["evidence"] if e["quote"] and e["effect"] > 0),
                        None,
                    )
                    if quote and quote not in quotes:
                        quotes.append(quote[:200])
        agent = self.agents[str(result.get("agent") or "(unknown)")]
        agent.n += 1
        agent.empathy += empathy
        if rubric is not None:
            agent.rubric += rubric
            agent.rubric_n += 1
        agent.pitfalls.update(result.get("pitfalls", {}).keys())
        for item in result.get("rubric", []):
            lo, hi = item["scale"]
            if item["score"] is not None and hi > lo:
                norm = (item["score"] - lo) / (hi - lo)
                agent.item_sum[item["item"]] = agent.item_sum.get(item["item"], 0.0) + norm
                agent.item_n[item["item"]] += 1
        tone = [float(v) for v in (result.get("metrics") or {}).get("tone_trajectory") or []]
        if tone:
            last = max(1, len(tone) - 1)
            for i, value in enumerate(tone):
                slot = round(i / last * (TONE_POINTS - 1)) if len(tone) > 1 else 0
                self.tone_sum[slot] += value
                self.tone_n[slot] += 1
        if len(tone) >= 2:
            change = tone[-1] - tone[0]
            agent.tone_change += change
            agent.tone_n += 1
            self.tone_direction[
                "improved" if change > 0.1 else "worsened" if change < -0.1 else "steady"
            ] += 1
            if len(self.tone_samples) < SAMPLE_TRAJECTORIES:
                self.tone_samples.append([round(v, 3) for v in tone])

    def _consider_for_review(self, result: dict[str, Any]) -> None:
        score = result.get("rubric_overall")
        if score is None:
            score = result.get("empathy_score") or 0.0
        entry = {
            "id": result.get("id"),
            "agent": result.get("agent"),
            "file": result.get("file"),
            "line": result.get("line"),
            "rubric_overall": result.get("rubric_overall"),
            "empathy_score": result.get("empathy_score"),
            "pitfalls": sorted(result.get("pitfalls", {})),
        }
        item = (-float(score), -self.n, entry)
        if len(self.review) < REVIEW_FIRST:
            heapq.heappush(self.review, item)
        elif item > self.review[0]:
            heapq.heapreplace(self.review, item)

    def add_error(self, error: dict[str, Any]) -> None:
        self.errors += 1
        kind = error_kind(str(error.get("error", "")))
        if kind not in self.error_kinds and len(self.error_kinds) >= MAX_ERROR_KINDS:
            kind = "other"  # keep the summary bounded however varied the errors are
        self.error_kinds[kind] += 1


def error_kind(reason: str) -> str:
    """Group error messages: 'turn 3: text of 25000 characters...' -> 'text of N characters...'."""
    reason = re.sub(r"^turn \d+: ", "", reason)
    if reason.startswith("malformed JSON"):
        return "malformed JSON"
    if reason.startswith("unknown role"):
        return "unknown role"
    if reason.startswith("analysis failed"):
        return reason[:80]
    return re.sub(r"\d+", "N", reason)[:80]


def _iter_jsonl(path: Path):
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def aggregate(out: Path) -> Aggregate:
    agg = Aggregate()
    for result in _iter_jsonl(out / "conversations.jsonl"):
        agg.add(result)
    for error in _iter_jsonl(out / "errors.jsonl"):
        agg.add_error(error)
    return agg


def build_summary(agg: Aggregate, *, inputs: list[str], run: dict[str, Any]) -> dict[str, Any]:
    n = agg.n or 1
    items = {}
    for item_id, entry in agg.items.items():
        lo, hi = entry["scale"]
        counts = entry["counts"]
        scored = sum(counts.values())
        items[item_id] = {
            "title": entry["title"],
            "scale": [lo, hi],
            "scored": scored,
            "not_applicable": entry["na"],
            "mean": round(sum(k * v for k, v in counts.items()) / scored, 3) if scored else None,
            "distribution": {str(k): counts.get(k, 0) for k in range(lo, hi + 1)},
            "examples": agg.quotes.get(item_id, []),
        }
    agents = {
        name: {
            "conversations": a.n,
            "mean_empathy": round(a.empathy / a.n, 4),
            "mean_rubric": round(a.rubric / a.rubric_n, 4) if a.rubric_n else None,
            "mean_tone_change": round(a.tone_change / a.tone_n, 4) if a.tone_n else None,
            "top_pitfalls": [label for label, _ in a.pitfalls.most_common(3)],
            # mean of each rubric item on 0..1 (comparable across scales)
            "rubric_items": {k: round(v / a.item_n[k], 4) for k, v in a.item_sum.items()},
        }
        for name, a in sorted(agg.agents.items(), key=lambda kv: (-kv[1].n, kv[0]))
    }
    mean_tone = [
        round(s / c, 4) if c else None for s, c in zip(agg.tone_sum, agg.tone_n, strict=True)
    ]
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
        "run": run,
        "conversations": agg.n,
        "turns": agg.turns,
        "errors": agg.errors,
        "error_kinds": dict(agg.error_kinds.most_common()),
        "empathy_score": {
            "mean": round(agg.empathy_sum / n, 4) if agg.n else None,
            **_histogram_stats(agg.empathy_bins, 0.0, 1.0),
            "histogram": agg.empathy_bins,
        },
        "rubric_overall": {
            "mean": round(agg.rubric_sum / agg.rubric_n, 4) if agg.rubric_n else None,
            **_histogram_stats(agg.rubric_bins, 0.0, 1.0),
            "histogram": agg.rubric_bins,
        },
        "rubric_items": items,
        "moves": {k: v for k, v in agg.moves.most_common()},
        "pitfalls": {k: v for k, v in agg.pitfalls.most_common()},
        "customer_emotions": {k: v for k, v in agg.emotions.most_common()},
        "agents": agents,
        "review_first": [entry for _, _, entry in sorted(agg.review, reverse=True)],
        "tone": {
            "mean_trajectory": mean_tone,
            "direction": dict(agg.tone_direction),
            "samples": agg.tone_samples,
        },
    }


# ---------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2933;margin:0;background:#f5f7fa}
main{max-width:760px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px #0001}
.kpis{display:flex;gap:12px;flex-wrap:wrap}.kpi{background:#fff;border-radius:8px;padding:12px 16px;
flex:1;min-width:120px;box-shadow:0 1px 2px #0001}.kpi b{display:block;font-size:22px}
.muted{color:#7b8794;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px}
td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #e4e7eb}blockquote{margin:4px 0;
padding:4px 10px;border-left:3px solid #2f9e77;color:#3e4c59;font-size:13px}
"""


def _fmt(value: Any, pattern: str = "{:.2f}") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return pattern.format(value)


def render_html(summary: dict[str, Any]) -> str:
    e = escape
    n = summary["conversations"] or 0
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>Heard — conversation QA report</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Conversation QA report</h1>",
        f"<p class='muted'>{e(', '.join(summary['inputs']))} · generated "
        f"{e(summary['generated_at'])} · personal data redacted</p>",
        "<div class='kpis'>",
        f"<div class='kpi'><b>{n:,}</b>conversations</div>",
        f"<div class='kpi'><b>{_fmt(summary['empathy_score']['mean'])}</b>mean empathy score</div>",
        f"<div class='kpi'><b>{_fmt(summary['rubric_overall']['mean'], '{:.0%}')}</b>"
        "rubric (mean of items)</div>",
        f"<div class='kpi'><b>{summary['errors']:,}</b>records skipped</div>",
        "</div>",
    ]
    parts += [
        "<h2>Distribution of empathy scores</h2><section>",
        charts.histogram(
            summary["empathy_score"]["histogram"], lo=0.0, hi=1.0, title="Empathy score histogram"
        ),
        f"<p class='muted'>median ≈ {_fmt(summary['empathy_score']['median'])}, "
        f"10th–90th percentile ≈ {_fmt(summary['empathy_score']['p10'])}–"
        f"{_fmt(summary['empathy_score']['p90'])}</p></section>",
    ]
    items = summary["rubric_items"]
    if items:
        first = next(iter(items.values()))
        lo, hi = first["scale"]
        rows = [
            (v["title"], [v["distribution"][str(k)] for k in range(lo, hi + 1)])
            for v in items.values()
        ]
        parts += [
            "<h2>Rubric pre-scores</h2><section>",
            charts.stacked(rows, labels=[str(k) for k in range(lo, hi + 1)], title="Rubric items"),
            "<table><tr><th>item</th><th>mean</th><th>scored</th><th>not applicable</th></tr>",
        ]
        for v in items.values():
            parts.append(
                f"<tr><td>{e(v['title'])}</td><td>{_fmt(v['mean'])} / {v['scale'][1]}</td>"
                f"<td>{v['scored']:,}</td><td>{v['not_applicable']:,}</td></tr>"
            )
        parts.append("</table>")
        for v in items.values():
            if v["examples"]:
                parts.append(f"<p class='muted'>Evidence behind high scores — {e(v['title'])}:</p>")
                parts += [f"<blockquote>{e(q)}</blockquote>" for q in v["examples"]]
        parts.append("</section>")
    total = max(1, n)
    moves = [(k, c / total, f"{c:,} conversations") for k, c in summary["moves"].items()]
    pitfalls = [(k, c / total, f"{c:,} conversations") for k, c in summary["pitfalls"].items()]
    rows = [(f"✓ {k}", v, note) for k, v, note in moves] + [
        (f"✗ {k}", v, note) for k, v, note in pitfalls
    ]
    colors = [charts.GOOD] * len(moves) + [charts.BAD] * len(pitfalls)
    parts += [
        "<h2>Moves and pitfalls by frequency</h2><section>",
        "<p class='muted'>Share of conversations in which the agent used each move (green) or "
        "fell into each pitfall (red).</p>",
        charts.hbars(rows, title="Moves and pitfalls", max_value=1.0, colors=colors)
        if rows
        else "<p>No findings.</p>",
        "</section>",
    ]
    agents = list(summary["agents"].items())[:MAX_AGENTS_SHOWN]
    agents.sort(key=lambda kv: -kv[1]["mean_empathy"])
    parts += [
        "<h2>Per-agent comparison</h2><section>",
        "<p class='muted'>Mean empathy score per agent (bar) and mean rubric score (dot); "
        f"the {len(agents)} agents with the most conversations. Compare with care: agents "
        "see different customers.</p>",
        charts.hbars(
            [
                (name, a["mean_empathy"], f"{a['conversations']} conversations")
                for name, a in agents
            ],
            title="Per-agent comparison",
            max_value=1.0,
            fmt="{:.2f}",
            markers=[a["mean_rubric"] for _, a in agents],
        )
        if agents
        else "<p>No agents.</p>",
        "<table><tr><th>agent</th><th>conversations</th><th>empathy</th><th>rubric</th>"
        "<th>tone change</th><th>most frequent pitfalls</th></tr>",
    ]
    for name, a in agents:
        parts.append(
            f"<tr><td>{e(name)}</td><td>{a['conversations']:,}</td><td>{_fmt(a['mean_empathy'])}</td>"
            f"<td>{_fmt(a['mean_rubric'], '{:.0%}')}</td><td>{_fmt(a['mean_tone_change'], '{:+.2f}')}</td>"
            f"<td>{e(', '.join(a['top_pitfalls']) or '–')}</td></tr>"
        )
    parts.append("</table>")
    if agents and items:
        parts.append(
            "<p class='muted'>Rubric items per agent (mean, 0–100% of the scale; darker is "
            "stronger).</p><table><tr><th>agent</th>"
            + "".join(f"<th>{e(v['title'])}</th>" for v in items.values())
            + "</tr>"
        )
        for name, a in agents:
            cells = []
            for item_id in items:
                value = a.get("rubric_items", {}).get(item_id)
                if value is None:
                    cells.append("<td>–</td>")
                    continue
                alpha = 0.12 + 0.78 * value
                ink = "#fff" if value > 0.55 else "#1f2933"
                cells.append(
                    f"<td style='background:rgba(47,158,119,{alpha:.2f});color:{ink}'>"
                    f"{value:.0%}</td>"
                )
            parts.append(f"<tr><td>{e(name)}</td>{''.join(cells)}</tr>")
        parts.append("</table>")
    parts.append("</section>")
    tone = summary["tone"]
    direction = tone["direction"]
    parts += [
        "<h2>Customer tone trajectories</h2><section>",
        charts.trajectories(tone["samples"], tone["mean_trajectory"], title="Customer tone"),
        f"<p class='muted'>Bold: mean customer tone across all conversations; thin: "
        f"{len(tone['samples'])} sample conversations (green ended warmer, red colder). "
        f"Improved {direction.get('improved', 0):,} · steady {direction.get('steady', 0):,} · "
        f"worsened {direction.get('worsened', 0):,}.</p></section>",
    ]
    if summary["review_first"]:
        parts += [
            "<h2>Conversations to review first</h2><section>",
            "<p class='muted'>The lowest rubric pre-scores: a person should look at these "
            "first.</p><table><tr><th>conversation</th><th>agent</th><th>rubric</th>"
            "<th>empathy</th><th>pitfalls</th><th>source</th></tr>",
        ]
        for r in summary["review_first"]:
            parts.append(
                f"<tr><td>{e(str(r['id']))}</td><td>{e(str(r['agent'] or '–'))}</td>"
                f"<td>{_fmt(r['rubric_overall'], '{:.0%}')}</td><td>{_fmt(r['empathy_score'])}</td>"
                f"<td>{e(', '.join(r['pitfalls']) or '–')}</td>"
                f"<td>{e(Path(str(r['file'])).name)}:{r['line']}</td></tr>"
            )
        parts.append("</table></section>")
    if summary["errors"]:
        parts += [
            "<h2>Skipped records</h2><section><table><tr><th>reason</th><th>records</th></tr>",
            *[f"<tr><td>{e(k)}</td><td>{v:,}</td></tr>" for k, v in summary["error_kinds"].items()],
            "</table><p class='muted'>Each one is listed with its file and line in "
            "errors.jsonl.</p></section>",
        ]
    parts.append(
        "<p class='muted'>Pre-scores are the coach's reading with its evidence; they are a "
        "starting point for a person's review, not a verdict.</p></main></body></html>"
    )
    return "".join(parts)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_summary_and_report(
    out: Path, *, inputs: list[str], run: dict[str, Any]
) -> dict[str, Any]:
    summary = build_summary(aggregate(out), inputs=inputs, run=run)
    _write_atomic(out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    _write_atomic(out / "report.html", render_html(summary))
    return summary
