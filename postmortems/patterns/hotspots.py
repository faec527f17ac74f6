"""View 3, service hot spots: services by postmortems, a service x factor-family heat map, and service pairs.

Pairs of services that keep appearing in the same postmortem mark seams between components or teams.
They are found exactly, largest first, without trying every pair: a pair cannot occur more often than
its less frequent service, so the search stops once no remaining service could beat the current list.
"""

from __future__ import annotations

import heapq

from postmortems.patterns.combinations import lift
from postmortems.patterns.context import PatternContext
from postmortems.patterns.factors import share
from postmortems.patterns.index import FACTOR, SERVICE

SERVICE_LIMIT = 20
HEATMAP_SERVICES = 12
SERVICE_PAIR_LIMIT = 20
SERVICE_PAIR_MIN = 2


def hotspots(ctx: PatternContext) -> dict:
    current = ctx.current
    total = current.size
    catalog = ctx.catalog
    subsets = {}
    for service_id in current.keys(SERVICE):
        if service_id in catalog.services:
            subset = current.fact(SERVICE, service_id)
            if subset:
                subsets[service_id] = subset
    counts = {service_id: subset.count() for service_id, subset in subsets.items()}
    ranked = sorted(counts, key=lambda s: (-counts[s], catalog.services[s].name))

    def service_json(service_id: int) -> dict:
        service = catalog.services[service_id]
        team = catalog.teams.get(service.team_id) if service.team_id else None
        return {"slug": service.slug, "name": service.name, "team": team.name if team else None}

    services = [
        {
            "service": service_json(s),
            "count": counts[s],
            "share": share(counts[s], total),
            "link": ctx.links.postmortems(services=[catalog.services[s].slug]),
        }
        for s in ranked[:SERVICE_LIMIT]
    ]

    families = sorted(catalog.families.values(), key=lambda f: f.position)
    family_subsets = {f.id: current.any_of(FACTOR, catalog.factors_in_family(f.id)) for f in families}
    heatmap_rows = []
    for s in ranked[:HEATMAP_SERVICES]:
        cells = []
        for family in families:
            count = (subsets[s] & family_subsets[family.id]).count()
            cells.append(
                {
                    "family": family.slug,
                    "count": count,
                    "share": share(count, counts[s]),
                    "link": ctx.links.postmortems(services=[catalog.services[s].slug], families=[family.slug]),
                }
            )
        heatmap_rows.append({"service": service_json(s), "count": counts[s], "cells": cells})

    pairs = []
    for (a, b), count in _top_pairs(ranked, subsets, counts):
        expected, ratio = lift(count, total, counts[a], counts[b])
        pairs.append(
            {
                "services": [service_json(a), service_json(b)],
                "count": count,
                "expected": round(expected, 2),
                "lift": round(ratio, 2),
                "link": ctx.links.postmortems(services=[catalog.services[a].slug, catalog.services[b].slug]),
            }
        )
    return {
        "analysed": total,
        "services": services,
        "heatmap": {
            "families": [{"slug": f.slug, "name": f.name} for f in families],
            "rows": heatmap_rows,
        },
        "service_pairs": pairs,
    }


def _top_pairs(ranked: list[int], subsets: dict, counts: dict[int, int]) -> list[tuple[tuple[int, int], int]]:
    """The SERVICE_PAIR_LIMIT most frequent pairs with at least SERVICE_PAIR_MIN postmortems, exactly."""
    best: list[tuple[int, tuple[int, int]]] = []  # min-heap of (count, pair)

    def floor() -> int:
        return best[0][0] if len(best) >= SERVICE_PAIR_LIMIT else SERVICE_PAIR_MIN

    for i, a in enumerate(ranked):
        if counts[a] < floor():
            break  # every later service is rarer still, so no pair with it can enter the list
        for b in ranked[i + 1 :]:
            if counts[b] < floor():
                break
            count = (subsets[a] & subsets[b]).count()
            if count >= floor():
                pair = (a, b) if a < b else (b, a)
                heapq.heappush(best, (count, pair))
                if len(best) > SERVICE_PAIR_LIMIT:
                    heapq.heappop(best)
    return [(pair, count) for count, pair in sorted(best, key=lambda item: (-item[0], item[1]))]
