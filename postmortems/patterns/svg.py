"""Geometry for the server-side SVG charts. Templates draw the shapes (so every label is autoescaped);
these functions only place them. Each chart on the page has a table with the same numbers beside it.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

BAR_WIDTH = 640
LABEL_WIDTH = 230
ROW_HEIGHT = 22


def _ticks(maximum: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to about `maximum`."""
    if maximum <= 0:
        return [0.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(maximum / step) + 1)]


def bar_chart(rows: Sequence[dict], *, value: str = "share", label: str = "label", percent: bool = True) -> dict:
    """Horizontal bars; `rows` carry a label, a value and a link. Values are shares (0..1) or counts."""
    plot = BAR_WIDTH - LABEL_WIDTH - 60
    maximum = max((r[value] for r in rows), default=0) or 1
    ticks = _ticks(maximum)
    scale_max = max(maximum, ticks[-1]) or 1
    bars = []
    for i, r in enumerate(rows):
        width = round(plot * r[value] / scale_max, 1)
        bars.append(
            {
                "y": i * ROW_HEIGHT,
                "width": width,
                "text_x": round(LABEL_WIDTH + width + 5, 1),
                "label": r[label],
                "text": f"{r[value] * 100:.0f}%" if percent else f"{r[value]:g}",
                "link": r.get("link"),
                "highlight": r.get("highlight", False),
            }
        )
    return {
        "width": BAR_WIDTH,
        "height": len(rows) * ROW_HEIGHT + 24,
        "label_width": LABEL_WIDTH,
        "plot_width": plot,
        "bars": bars,
        "ticks": [
            {"x": round(LABEL_WIDTH + plot * t / scale_max, 1), "text": f"{t * 100:.0f}%" if percent else f"{t:g}"}
            for t in ticks
        ],
        "axis_y": len(rows) * ROW_HEIGHT + 4,
    }


def trend_grid(series: Sequence[dict], buckets: Sequence[dict]) -> dict:
    """Small multiples: one row of bars per series, bar height = share of that bucket's postmortems."""
    cell = max(6, min(28, (BAR_WIDTH - LABEL_WIDTH) // max(1, len(buckets))))
    row_height = 30
    shares = []
    for s in series:
        pairs = zip(s["counts"], buckets, strict=True)
        shares.append([c["count"] / b["analysed"] if b["analysed"] else 0 for c, b in pairs])
    top = max((v for row in shares for v in row), default=0) or 1
    rows = []
    for i, (s, values) in enumerate(zip(series, shares, strict=True)):
        bars = []
        for j, (v, c) in enumerate(zip(values, s["counts"], strict=True)):
            height = round((row_height - 6) * v / top, 1)
            bars.append(
                {
                    "x": j * cell,
                    "y": row_height - 2 - height,
                    "width": cell - 2,
                    "height": height,
                    "count": c["count"],
                    "analysed": buckets[j]["analysed"],
                    "bucket": buckets[j]["label"],
                    "link": c["link"],
                }
            )
        name = s.get("family") or s.get("factor")
        rows.append({"y": i * row_height, "label": name["name"], "bars": bars})
    return {
        "width": LABEL_WIDTH + cell * len(buckets) + 10,
        "height": len(series) * row_height + 20,
        "label_width": LABEL_WIDTH,
        "rows": rows,
        "first": buckets[0]["label"] if buckets else "",
        "last": buckets[-1]["label"] if buckets else "",
        "axis_y": len(series) * row_height + 14,
        "last_x": cell * (len(buckets) - 1),
    }


def heatmap(heat: dict) -> dict:
    """Services down, families across; a cell's shade is the share of the service's postmortems."""
    cell_w, cell_h, label_w, head_h = 62, 26, 190, 70
    rows = []
    for i, row in enumerate(heat["rows"]):
        cells = []
        for j, c in enumerate(row["cells"]):
            cells.append(
                {
                    "x": label_w + j * cell_w,
                    "opacity": round(0.08 + 0.92 * c["share"], 2) if c["count"] else 0,
                    "count": c["count"],
                    "link": c["link"],
                    "family": heat["families"][j]["name"],
                }
            )
        rows.append({"y": head_h + i * cell_h, "label": row["service"]["name"], "count": row["count"], "cells": cells})
    return {
        "width": label_w + cell_w * len(heat["families"]) + 10,
        "height": head_h + cell_h * len(heat["rows"]) + 10,
        "cell_width": cell_w,
        "cell_height": cell_h,
        "label_width": label_w,
        "head_height": head_h,
        "columns": [
            {"x": label_w + j * cell_w + cell_w / 2, "label": f["name"], "slug": f["slug"]}
            for j, f in enumerate(heat["families"])
        ],
        "rows": rows,
    }


def network(pairs: Sequence[dict], limit: int = 12) -> dict:
    """The strongest pairs as a graph: factors on a circle, an edge per pair, thicker for more postmortems."""
    chosen = [p for p in pairs if p["lift"] > 1][:limit]
    names: dict[str, str] = {}
    for p in chosen:
        for f in p["factors"]:
            names.setdefault(f["slug"], f["name"])
    slugs = sorted(names)
    size, radius = 560, 170
    centre = size / 2
    positions = {}
    for i, slug in enumerate(slugs):
        angle = 2 * math.pi * i / max(1, len(slugs)) - math.pi / 2
        positions[slug] = (round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1))
    top = max((p["count"] for p in chosen), default=1)
    edges = []
    for p in chosen:
        (x1, y1), (x2, y2) = (positions[f["slug"]] for f in p["factors"])
        edges.append(
            {
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "width": round(1.5 + 6 * p["count"] / top, 1),
                "label": f"{p['factors'][0]['name']} and {p['factors'][1]['name']}: "
                f"{p['count']} postmortems, lift {p['lift']}",
                "link": p["link"],
            }
        )
    nodes = []
    for slug in slugs:
        x, y = positions[slug]
        anchor = "start" if x > centre + 1 else "end" if x < centre - 1 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        nodes.append({"x": x, "y": y, "label": names[slug], "anchor": anchor, "label_x": x + dx, "label_y": y + 4})
    return {"width": size + 260, "height": size, "offset": 130, "edges": edges, "nodes": nodes}


def durations_chart(bins: Sequence[dict], dots: Sequence[dict]) -> dict:
    """A histogram of duration bands, and under it every shown postmortem as a dot on a log time axis."""
    width, plot_left, bar_area = 660, 40, 150
    column = (width - plot_left) / max(1, len(bins))
    top = max((b["count"] for b in bins), default=0) or 1
    bars = [
        {
            "x": round(plot_left + i * column + 2, 1),
            "y": round(10 + bar_area - bar_area * b["count"] / top, 1),
            "width": round(column - 4, 1),
            "height": round(bar_area * b["count"] / top, 1),
            "count": b["count"],
            "label": b["label"],
            "short_label": b.get("short_label", b["label"]),
            "label_x": round(plot_left + i * column + column / 2, 1),
            "link": b["link"],
        }
        for i, b in enumerate(bins)
    ]
    strip_top = bar_area + 60
    low, high = math.log10(1), math.log10(60 * 24 * 14)
    placed = []
    for d in dots:
        minutes = min(max(d["minutes"], 1), 60 * 24 * 14)
        x = plot_left + (width - plot_left - 10) * (math.log10(minutes) - low) / (high - low)
        jitter = zlib.crc32(d["key"].encode()) % 40  # stable per postmortem, so the picture does not shuffle
        placed.append({"x": round(x, 1), "y": strip_top + 6 + jitter, **d})
    axis = []
    for minutes, text in ((1, "1 min"), (10, "10 min"), (60, "1 h"), (600, "10 h"), (1440, "1 day"), (10080, "1 week")):
        x = plot_left + (width - plot_left - 10) * (math.log10(minutes) - low) / (high - low)
        axis.append({"x": round(x, 1), "text": text})
    return {
        "width": width,
        "height": strip_top + 70,
        "bars": bars,
        "bar_base": 10 + bar_area,
        "strip_top": strip_top,
        "strip_axis": strip_top + 56,
        "dots": placed,
        "axis": axis,
    }
