"""The patterns page: every view's figures, plus the geometry of the charts drawn beside their tables."""

from __future__ import annotations

from django.urls import reverse

from postmortems.patterns import VIEWS, svg
from postmortems.patterns.context import PatternContext

FACTOR_BARS = 15


def _factor_charts(data: dict) -> dict:
    families = [
        {"label": r["family"]["name"], "share": r["share"], "link": r["link"], "highlight": r["rising"]}
        for r in data["families"]
    ]
    factors = [
        {"label": r["factor"]["name"], "share": r["share"], "link": r["link"], "highlight": r["rising"]}
        for r in data["factors"][:FACTOR_BARS]
    ]
    trend = data["trend"]
    return {
        "families": svg.bar_chart(families),
        "factors": svg.bar_chart(factors),
        "trend": svg.trend_grid(trend["series"], trend["buckets"]) if trend["buckets"] else None,
    }


def _charts(name: str, data: dict) -> dict:
    if name == "factors":
        return _factor_charts(data)
    if name == "combinations":
        return {"network": svg.network(data["pairs"])}
    if name == "hotspots":
        services = [{"label": r["service"]["name"], "share": r["share"], "link": r["link"]} for r in data["services"]]
        return {"services": svg.bar_chart(services), "heatmap": svg.heatmap(data["heatmap"])}
    if name == "adaptive-capacity":
        rows = [{"label": r["factor"]["name"], "share": r["share"], "link": r["link"]} for r in data["mitigators"]]
        return {"mitigators": svg.bar_chart(rows)}
    if name == "depth":
        measures = [{"label": m["label"], "share": m["share"], "link": m["link"]} for m in data["measures"]]
        return {"measures": svg.bar_chart(measures)}
    if name == "durations":
        return {"durations": svg.durations_chart(data["bins"], data["postmortems"])}
    return {}


def page_sections(ctx: PatternContext) -> list[dict]:
    """Each view in page order: name, title, figures and charts."""
    sections = []
    for name, (title, compute) in VIEWS.items():
        data = compute(ctx)
        sections.append(
            {
                "name": name,
                "id": f"patterns-{name}",
                "title": title,
                "template": f"postmortems/patterns/_{name.replace('-', '_')}.html",
                "api_url": reverse(f"patterns_api:{name}"),
                "data": data,
                "charts": _charts(name, data),
            }
        )
    return sections
