"""Small inline-SVG charts for the report: no scripts, no external files, opens offline.

Each function returns an ``<svg>`` string. All text is escaped; hover titles (``<title>``)
give exact values without any JavaScript.

>>> histogram([1, 3, 2], lo=0.0, hi=1.0, title="scores").startswith("<svg")
True
"""

from __future__ import annotations

from html import escape

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#e4e7eb"
GOOD = "#2f9e77"
BAD = "#d64545"
ACCENT = "#3b6fd4"
SCALE = ("#d64545", "#f0883e", "#e3c04a", "#8cc084", "#2f9e77")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_e(title)}" '
        f'style="max-width:{width}px;font-family:system-ui,sans-serif;font-size:12px">'
        f"<title>{_e(title)}</title>" + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return float(step * 5) if value > step * 4 else float(step * (int(value // step) + 1))
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float((int(value // magnitude) + 1) * magnitude)


def histogram(counts: list[int], *, lo: float, hi: float, title: str, color: str = ACCENT) -> str:
    """Vertical bars over equal-width bins of [lo, hi]."""
    width, height, left, bottom, top = 640, 240, 48, 32, 16
    plot_w, plot_h = width - left - 16, height - bottom - top
    peak = _nice_max(max(counts, default=0))
    body = []
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        body.append(
            f'<line x1="{left}" x2="{width - 16}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{value:g}</text>'
        )
    n = max(1, len(counts))
    bar_w = plot_w / n
    for i, count in enumerate(counts):
        h = plot_h * count / peak if peak else 0
        x = left + i * bar_w
        a, b = lo + (hi - lo) * i / n, lo + (hi - lo) * (i + 1) / n
        body.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="{color}"><title>{a:.2f}–{b:.2f}: {count}</title></rect>'
        )
    for i in range(0, n + 1, max(1, n // 5)):
        x = left + i * bar_w
        body.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" fill="{MUTED}">'
            f"{lo + (hi - lo) * i / n:.1f}</text>"
        )
    return _svg(width, height, body, title)


def hbars(
    rows: list[tuple[str, float, str]],
    *,
    title: str,
    max_value: float | None = None,
    fmt: str = "{:.0%}",
    colors: list[str] | None = None,
    markers: list[float | None] | None = None,
) -> str:
    """Horizontal bars: rows of (label, value, hover note); optional marker dot per row."""
    row_h, left, right, top = 22, 250, 60, 8
    width = 640
    height = top * 2 + row_h * max(1, len(rows))
    plot_w = width - left - right
    peak = max_value or max((v for _, v, _ in rows), default=1.0) or 1.0
    body = []
    for i, (label, value, note) in enumerate(rows):
        y = top + i * row_h
        w = plot_w * max(0.0, value) / peak
        color = colors[i] if colors else ACCENT
        shown = label if len(label) <= 36 else label[:35] + "…"
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">{_e(shown)}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{color}">'
            f"<title>{_e(label)}: {_e(note)}</title></rect>"
        )
        body.append(
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" fill="{MUTED}">{_e(fmt.format(value))}</text>'
        )
        if markers and markers[i] is not None:
            mx = left + plot_w * max(0.0, markers[i]) / peak
            body.append(
                f'<circle cx="{mx:.1f}" cy="{y + row_h / 2:.1f}" r="4" fill="{INK}">'
                f"<title>{_e(label)}: rubric {markers[i]:.2f}</title></circle>"
            )
    return _svg(width, height, body, title)


def stacked(
    rows: list[tuple[str, list[int]]], *, labels: list[str], title: str, colors: tuple = SCALE
) -> str:
    """One 100% stacked bar per row (e.g. how often each rubric point was given)."""
    row_h, left, right, top = 26, 250, 16, 8
    width = 640
    legend_h = 24
    height = top * 2 + row_h * max(1, len(rows)) + legend_h
    plot_w = width - left - right
    body = []
    for i, (label, counts) in enumerate(rows):
        y = top + i * row_h
        total = sum(counts) or 1
        x = float(left)
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">{_e(label)}</text>'
        )
        for j, count in enumerate(counts):
            w = plot_w * count / total
            if w <= 0:
                continue
            color = colors[min(j * (len(colors) - 1) // max(1, len(counts) - 1), len(colors) - 1)]
            body.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{color}">'
                f"<title>{_e(label)} — {_e(labels[j])}: {count}</title></rect>"
            )
            x += w
    y = top + len(rows) * row_h + 6
    x = float(left)
    for j, name in enumerate(labels):
        color = colors[min(j * (len(colors) - 1) // max(1, len(labels) - 1), len(colors) - 1)]
        body.append(f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14:.1f}" y="{y + 9}" fill="{MUTED}">{_e(name)}</text>')
        x += 14 + 7 * len(name) + 12
    return _svg(width, height, body, title)


def trajectories(lines: list[list[float]], mean: list[float | None], *, title: str) -> str:
    """Customer tone over the conversation (start → end), -1..1: faint samples, bold mean."""
    width, height, left, bottom, top, right = 640, 260, 48, 32, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(frac: float, tone: float) -> tuple[float, float]:
        tone = max(-1.0, min(1.0, tone))
        return left + plot_w * frac, top + plot_h * (1 - (tone + 1) / 2)

    body = []
    for tone in (-1.0, -0.5, 0.0, 0.5, 1.0):
        _, y = xy(0, tone)
        stroke = MUTED if tone == 0 else GRID
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{stroke}"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{tone:+.1f}</text>'
        )
    for line in lines:
        if len(line) < 2:
            continue
        points = " ".join(
            "{:.1f},{:.1f}".format(*xy(i / (len(line) - 1), v)) for i, v in enumerate(line)
        )
        color = GOOD if line[-1] > line[0] else BAD if line[-1] < line[0] else MUTED
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-opacity="0.35" '
            f'stroke-width="1.2"/>'
        )
    known = [(i, v) for i, v in enumerate(mean) if v is not None]
    if len(known) >= 2:
        n = max(1, len(mean) - 1)
        points = " ".join("{:.1f},{:.1f}".format(*xy(i / n, v)) for i, v in known)
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{INK}" stroke-width="3">'
            f"<title>mean customer tone</title></polyline>"
        )
    body.append(f'<text x="{left}" y="{height - 10}" fill="{MUTED}">start of conversation</text>')
    body.append(
        f'<text x="{width - right}" y="{height - 10}" text-anchor="end" fill="{MUTED}">end</text>'
    )
    return _svg(width, height, body, title)
