"""View 1, recurring factors: how many postmortems each factor and family appears in, the trend, and what is rising.

Counts are postmortems, not tags: a factor tagged twice in one postmortem counts once. Every count
comes with the number of postmortems analysed, because a count alone says nothing about a share.
"""

from __future__ import annotations

from django.utils import timezone

from postmortems.patterns.context import PatternContext
from postmortems.patterns.filters import (
    Period,
    add_months,
    automatic_granularity,
    buckets,
    from_timestamp,
    month_start,
)
from postmortems.patterns.index import FACTOR

# Rising: at least this many postmortems in the period, and a share of those analysed at least
# RISING_RATIO times the share in the previous period (or absent from it).
RISING_MIN_COUNT = 3
RISING_RATIO = 1.5
TREND_FACTORS = 6


def share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def is_rising(count: int, total: int, previous_count: int | None, previous_total: int | None) -> bool:
    if previous_total is None or not previous_total or count < RISING_MIN_COUNT:
        return False
    if previous_count == 0:
        return True
    return count / total >= RISING_RATIO * (previous_count / previous_total)


def _trend_period(ctx: PatternContext) -> Period | None:
    """The period the trend covers: the chosen one, with an open start closed at the first postmortem."""
    period = ctx.filters.period
    start, end = period.start, period.end
    if start is None:
        earliest = ctx.current.everything().earliest_start()
        if earliest is None:
            return None
        start = from_timestamp(earliest).replace(day=1)
    if end is None:
        end = add_months(month_start(timezone.localdate()), 1)
    return Period(start, end) if start < end else None


def recurring_factors(ctx: PatternContext) -> dict:
    current, previous = ctx.current, ctx.previous
    total = current.size
    previous_total = previous.size if previous is not None else None
    catalog = ctx.catalog

    def row(kind: str, info, current_subset, previous_subset, link_args: dict) -> dict:
        count = current_subset.count()
        previous_count = previous_subset.count() if previous_subset is not None else None
        return {
            kind: {"slug": info.slug, "name": info.name},
            "count": count,
            "share": share(count, total),
            "previous_count": previous_count,
            "previous_share": share(previous_count, previous_total) if previous_count is not None else None,
            "rising": is_rising(count, total, previous_count, previous_total),
            "link": ctx.links.postmortems(**link_args),
            "previous_link": ctx.links.postmortems(period=ctx.filters.previous, **link_args) if previous else None,
            "_subset": current_subset,
        }

    factor_rows = []
    for factor in catalog.factors.values():
        subset = current.fact(FACTOR, factor.id)
        before = previous.fact(FACTOR, factor.id) if previous is not None else None
        if subset or before:
            entry = row("factor", factor, subset, before, {"factors": [factor.slug]})
            entry["family"] = catalog.families[factor.family_id].slug
            factor_rows.append(entry)
    family_rows = []
    for family in sorted(catalog.families.values(), key=lambda f: f.position):
        members = catalog.factors_in_family(family.id)
        subset = current.any_of(FACTOR, members)
        before = previous.any_of(FACTOR, members) if previous is not None else None
        family_rows.append(row("family", family, subset, before, {"families": [family.slug]}))
    factor_rows.sort(key=lambda r: (-r["count"], r["factor"]["slug"]))
    trend = _trend(ctx, factor_rows, family_rows)
    for entry in factor_rows + family_rows:
        del entry["_subset"]
    return {
        "analysed": total,
        "previous_analysed": previous_total,
        "period": _period_json(ctx.filters.period),
        "previous_period": _period_json(ctx.filters.previous) if ctx.filters.previous else None,
        "rising_rule": {"min_count": RISING_MIN_COUNT, "ratio": RISING_RATIO},
        "factors": factor_rows,
        "families": family_rows,
        "rising": [r["factor"]["slug"] for r in factor_rows if r["rising"]],
        "trend": trend,
    }


def _period_json(period: Period) -> dict:
    return {
        "started_after": period.start.isoformat() if period.start else None,
        "started_before": period.end.isoformat() if period.end else None,
        "label": period.label(),
    }


def _trend(ctx: PatternContext, factor_rows: list[dict], family_rows: list[dict]) -> dict:
    """Counts per month, quarter or year for every family and the most frequent (and rising) factors."""
    period = _trend_period(ctx)
    if period is None:
        return {"granularity": None, "buckets": [], "series": []}
    granularity = ctx.filters.granularity or automatic_granularity(period.start, period.end)
    spans = buckets(period.start, period.end, granularity)
    windows = [ctx.started_within(ctx.current, Period(b.start, b.end)) for b in spans]
    shown = factor_rows[:TREND_FACTORS] + [r for r in factor_rows[TREND_FACTORS:] if r["rising"]]
    series = []
    for kind, rows in (("family", family_rows), ("factor", shown)):
        for entry in rows:
            subset = entry["_subset"]
            link_args = {"families": [entry[kind]["slug"]]} if kind == "family" else {"factors": [entry[kind]["slug"]]}
            series.append(
                {
                    kind: entry[kind],
                    "kind": kind,
                    "counts": [
                        {
                            "count": (subset & window).count(),
                            "link": ctx.links.postmortems(period=Period(span.start, span.end), **link_args),
                        }
                        for span, window in zip(spans, windows, strict=True)
                    ],
                }
            )
    return {
        "granularity": granularity,
        "buckets": [
            {
                "label": span.label,
                "started_after": span.start.isoformat(),
                "started_before": span.end.isoformat(),
                "analysed": window.count(),
                "link": ctx.links.postmortems(period=Period(span.start, span.end)),
            }
            for span, window in zip(spans, windows, strict=True)
        ],
        "series": series,
    }
