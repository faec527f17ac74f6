"""View 2, factor combinations: pairs and triads that occur in the same postmortem, with lift against chance.

lift(A, B) = n(A and B) * N / (n(A) * n(B)): how many times more often the two occur together than
they would if they were independent, N being the postmortems analysed. Two common factors meet often
by chance alone; a lift near 1 says that is all it is. For triads the expectation under independence
is n(A) n(B) n(C) / N^2. A combination needs MIN_SUPPORT occurrences (more for large N) to be shown,
so a single coincidence in a small set is not called a pattern.

Every pair is counted; triads are searched among extensions of the strongest TRIAD_SEED_PAIRS pairs
(a triad cannot occur more often than any of its pairs), which keeps this fast at 100,000 postmortems.
"""

from __future__ import annotations

import math

from postmortems.patterns.context import PatternContext
from postmortems.patterns.index import FACTOR

MIN_SUPPORT = 2
PAIR_LIMIT = 30
TRIAD_LIMIT = 20
TRIAD_SEED_PAIRS = 40


def min_support(total: int) -> int:
    """At least MIN_SUPPORT, and one postmortem in two hundred once there are many."""
    return max(MIN_SUPPORT, math.ceil(total / 200))


def lift(count: int, total: int, *singles: int) -> tuple[float, float]:
    """(expected count under independence, lift)."""
    expected = float(total)
    for n in singles:
        expected *= n / total
    return expected, (count / expected if expected else 0.0)


def combinations(ctx: PatternContext) -> dict:
    current = ctx.current
    total = current.size
    support = min_support(total)
    catalog = ctx.catalog
    subsets = {}
    for factor_id in sorted(current.keys(FACTOR)):
        subset = current.fact(FACTOR, factor_id)
        if subset.count() >= support and factor_id in catalog.factors:
            subsets[factor_id] = subset
    singles = {factor_id: subset.count() for factor_id, subset in subsets.items()}

    pairs = []
    ids = sorted(subsets)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            both = subsets[a] & subsets[b]
            count = both.count()
            if count >= support:
                expected, ratio = lift(count, total, singles[a], singles[b])
                pairs.append(((a, b), count, expected, ratio, both))
    pairs.sort(key=lambda p: (-p[3], -p[1], p[0]))

    seen: set[tuple[int, ...]] = set()
    triads = []
    for (a, b), _count, _expected, _ratio, both in pairs[:TRIAD_SEED_PAIRS]:
        for c in ids:
            combo = tuple(sorted((a, b, c)))
            if c in (a, b) or combo in seen:
                continue
            seen.add(combo)
            count = (both & subsets[c]).count()
            if count >= support:
                expected, ratio = lift(count, total, *(singles[f] for f in combo))
                triads.append((combo, count, expected, ratio))
    triads.sort(key=lambda t: (-t[3], -t[1], t[0]))

    def entry(combo, count, expected, ratio) -> dict:
        factors = [catalog.factors[f] for f in combo]
        return {
            "factors": [
                {"slug": f.slug, "name": f.name, "family": catalog.families[f.family_id].slug, "count": singles[f.id]}
                for f in factors
            ],
            "count": count,
            "expected": round(expected, 2),
            "lift": round(ratio, 2),
            "link": ctx.links.postmortems(factors=[f.slug for f in factors]),
        }

    return {
        "analysed": total,
        "min_support": support,
        "triad_seed_pairs": TRIAD_SEED_PAIRS,
        "pairs": [entry(combo, count, expected, ratio) for combo, count, expected, ratio, _ in pairs[:PAIR_LIMIT]],
        "triads": [entry(*triad) for triad in triads[:TRIAD_LIMIT]],
    }
