"""Small server-side SVG charts for the overview: findings per audit run over time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

SEVERITY_COLOURS = {"high": "#cf222e", "medium": "#d4a72c", "low": "#57606a"}


def findings_trend(runs: Sequence[dict[str, Any]], lang: str, width: int = 560, height: int = 160) -> str:
    """One line per severity across the stored audit runs (oldest left); empty when there are fewer than two."""
    runs = sorted(runs, key=lambda r: r["id"])
    if len(runs) < 2:
        return ""
    left, right, top, bottom = 36.0, 10.0, 10.0, 24.0
    peak = max(1, *(int(r.get(s, 0)) for r in runs for s in SEVERITY_COLOURS))
    step = (width - left - right) / (len(runs) - 1)

    def point(i: int, value: int) -> str:
        return f"{left + i * step:.1f},{top + (height - top - bottom) * (1 - value / peak):.1f}"

    lines = []
    for severity, colour in SEVERITY_COLOURS.items():
        points = " ".join(point(i, int(r.get(severity, 0))) for i, r in enumerate(runs))
        lines.append(f'<polyline class="trend {severity}" points="{points}" fill="none" stroke="{colour}" '
                     f'stroke-width="2"><title>{severity}</title></polyline>')
    dots = []
    for i, r in enumerate(runs):
        when = datetime.fromtimestamp(float(r["received_at"]), UTC).strftime("%Y-%m-%d %H:%M")
        label = escape(f"#{r['id']} {when} · high {r.get('high', 0)} · medium {r.get('medium', 0)} · "
                       f"low {r.get('low', 0)}")
        x = left + i * step
        dots.append(f'<rect x="{x - 4:.1f}" y="{top}" width="8" height="{height - top - bottom:.1f}" fill="#000"'
                    f' fill-opacity="0"><title>{label}</title></rect>')
    first = datetime.fromtimestamp(float(runs[0]["received_at"]), UTC).strftime("%m-%d %H:%M")
    last = datetime.fromtimestamp(float(runs[-1]["received_at"]), UTC).strftime("%m-%d %H:%M")
    axis = (f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#d0d7de"/>'
            f'<text x="{left}" y="{height - 6}">{first}</text>'
            f'<text x="{width - right}" y="{height - 6}" text-anchor="end">{last}</text>'
            f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{peak}</text>'
            f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>')
    legend = "".join(f'<text x="{width - right - 70 * (2 - i)}" y="{top + 10}" fill="{c}" text-anchor="end">{s}</text>'
                     for i, (s, c) in enumerate(SEVERITY_COLOURS.items()))
    title = "问题趋势（各次测评）" if lang == "zh" else "Findings per audit run"
    return (f'<svg class="trend-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{title}">{axis}{"".join(lines)}{legend}{"".join(dots)}</svg>')
