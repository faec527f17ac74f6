"""Recurring patterns across postmortems: factors, combinations, services, assumptions, adaptive capacity.

Each view is a function from a PatternContext (filters, the person's population, names, links) to a
plain dict, which the API returns as JSON and the page renders with a chart and a table. Counts are
taken over the postmortems the person may see (see population.py); each figure carries the number
analysed and a link to the postmortems behind it.
"""

from __future__ import annotations

from collections.abc import Callable

from postmortems.patterns.adaptive import adaptive_capacity
from postmortems.patterns.assumptions import assumptions
from postmortems.patterns.combinations import combinations
from postmortems.patterns.context import PatternContext
from postmortems.patterns.depth import depth_of_analysis
from postmortems.patterns.durations import durations
from postmortems.patterns.factors import recurring_factors
from postmortems.patterns.hotspots import hotspots
from postmortems.patterns.leading import leading_indicators

# Name in the URL -> (title, function). The page shows them in this order.
VIEWS: dict[str, tuple[str, Callable[[PatternContext], dict]]] = {
    "factors": ("Recurring factors", recurring_factors),
    "combinations": ("Factor combinations", combinations),
    "hotspots": ("Service hot spots", hotspots),
    "assumptions": ("Assumptions", assumptions),
    "leading-indicators": ("Near misses and incidents", leading_indicators),
    "adaptive-capacity": ("What went well", adaptive_capacity),
    "depth": ("Depth of analysis", depth_of_analysis),
    "durations": ("Durations", durations),
}


def compute(name: str, ctx: PatternContext) -> dict:
    """One view's figures for the context's person and filters."""
    return VIEWS[name][1](ctx)


__all__ = ["VIEWS", "PatternContext", "compute"]
