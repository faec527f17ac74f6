"""View 5, near misses and incidents: factor pairs seen in near misses that later appear in incidents.

For each pair of factors tagged together in a near miss that started before the end of the period
(at any earlier time), count the incidents in the period that carry the same pair and started on a
later day than the pair's first near miss. Those near misses were leading indicators: the same
combination, without the harm, seen first.

The kind filter does not apply here (the view is about both kinds); the other filters do. Near misses
often carry no severity, so a severity filter usually leaves this view empty.
"""

from __future__ import annotations

import heapq
from datetime import date, timedelta

from postmortems.models import Kind
from postmortems.patterns.context import PatternContext
from postmortems.patterns.filters import Period, from_timestamp, to_timestamp
from postmortems.patterns.index import FACTOR

PAIR_LIMIT = 20


def leading_indicators(ctx: PatternContext) -> dict:
    period = ctx.filters.period
    near_period = Period(None, period.end)
    near = ctx.select(near_period, kinds=[Kind.NEAR_MISS])
    incidents = ctx.select(period, kinds=[Kind.INCIDENT])
    catalog = ctx.catalog
    near_factors = {f: near.fact(FACTOR, f) for f in sorted(near.keys(FACTOR)) if f in catalog.factors}
    near_factors = {f: s for f, s in near_factors.items() if s}
    incident_factors = {f: incidents.fact(FACTOR, f) for f in near_factors}

    # A pair cannot recur in more incidents than its rarer factor has. Trying pairs in order of that bound,
    # the search can stop once no remaining pair could reach the list, and the list is still exact.
    singles = {f: incident_factors[f].count() for f in near_factors}
    ids = sorted(f for f in near_factors if singles[f])
    pairs = sorted(
        ((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]),
        key=lambda pair: -min(singles[pair[0]], singles[pair[1]]),
    )
    found = []
    smallest_kept: list[int] = []  # min-heap of the PAIR_LIMIT largest counts so far
    next_days: dict[float, date] = {}
    for a, b in pairs:
        if len(smallest_kept) >= PAIR_LIMIT and min(singles[a], singles[b]) < smallest_kept[0]:
            break
        both_near = near_factors[a] & near_factors[b]
        first = both_near.earliest_start() if both_near else None
        if first is None:
            continue
        if first not in next_days:
            next_days[first] = from_timestamp(first) + timedelta(days=1)
        next_day = next_days[first]
        later = (incident_factors[a] & incident_factors[b]).started_at_or_after(to_timestamp(next_day))
        count = later.count()
        if count:
            found.append((a, b, both_near.count(), from_timestamp(first), next_day, count))
            heapq.heappush(smallest_kept, count)
            if len(smallest_kept) > PAIR_LIMIT:
                heapq.heappop(smallest_kept)
    found.sort(key=lambda r: (-r[5], -r[2], catalog.factors[r[0]].slug, catalog.factors[r[1]].slug))

    rows = []
    for a, b, near_count, first_day, next_day, count in found[:PAIR_LIMIT]:
        slugs = [catalog.factors[a].slug, catalog.factors[b].slug]
        incident_start = max(next_day, period.start) if period.start else next_day
        rows.append(
            {
                "factors": [{"slug": catalog.factors[f].slug, "name": catalog.factors[f].name} for f in (a, b)],
                "near_misses": near_count,
                "first_near_miss_on": first_day.isoformat(),
                "incidents": count,
                "near_miss_link": ctx.links.postmortems(period=near_period, kind=Kind.NEAR_MISS, factors=slugs),
                "incident_link": ctx.links.postmortems(
                    kind=Kind.INCIDENT, factors=slugs, started_after=incident_start.isoformat()
                ),
            }
        )
    return {
        "near_misses_analysed": near.size,
        "incidents_analysed": incidents.size,
        "near_miss_link": ctx.links.postmortems(period=near_period, kind=Kind.NEAR_MISS),
        "incident_link": ctx.links.postmortems(kind=Kind.INCIDENT),
        "kind_filter_applies": False,
        "pairs": rows,
    }
