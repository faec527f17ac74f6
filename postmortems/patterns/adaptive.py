"""View 6, what went well: recurring mitigators, improvised adaptations, and who keeps being pulled in.

People named in timelines again and again are a sign that expertise is concentrated in a few heads
(and of invisible work), not a score: they are listed alphabetically, not ranked, once they appear in
PULLED_IN_MIN postmortems (one in two hundred of those analysed, when that is more). Past
PULLED_IN_LIMIT people, only the most often named are kept, still listed alphabetically.
"""

from __future__ import annotations

import math

from postmortems.models import ContributingFactor, FactorRole
from postmortems.patterns.context import PatternContext
from postmortems.patterns.factors import share
from postmortems.patterns.index import ACTOR, FACTOR, MITIGATOR, normalise_actor

PULLED_IN_MIN = 3
PULLED_IN_LIMIT = 60
RECURRING_MIN = 2
EXAMPLE_LIMIT = 8
IMPROVISED = "adaptive.improvised-adaptation"
EXPERTISE = ("coord.expertise-concentration", "adaptive.expertise-mobilized")


def pulled_in_threshold(total: int) -> int:
    """Three postmortems, or one in two hundred once there are many, so the list stays a short signal."""
    return max(PULLED_IN_MIN, math.ceil(total / 200))


def _factor_figure(ctx: PatternContext, slug: str) -> dict | None:
    factor = ctx.catalog.factor_by_slug(slug)
    if factor is None:
        return None
    count = ctx.current.count(FACTOR, factor.id)
    return {
        "factor": {"slug": factor.slug, "name": factor.name},
        "count": count,
        "share": share(count, ctx.current.size),
        "link": ctx.links.postmortems(factors=[factor.slug]),
    }


def adaptive_capacity(ctx: PatternContext) -> dict:
    current = ctx.current
    total = current.size
    catalog = ctx.catalog
    mitigators = []
    for factor_id in current.keys(MITIGATOR):
        factor = catalog.factors.get(factor_id)
        count = current.count(MITIGATOR, factor_id)
        if factor is not None and count:
            mitigators.append(
                {
                    "factor": {"slug": factor.slug, "name": factor.name},
                    "count": count,
                    "share": share(count, total),
                    "recurring": count >= RECURRING_MIN,
                    "link": ctx.links.postmortems(factors=[factor.slug], role=FactorRole.MITIGATOR),
                }
            )
    mitigators.sort(key=lambda r: (-r["count"], r["factor"]["slug"]))

    improvised = _factor_figure(ctx, IMPROVISED)
    if improvised is not None:
        factor = catalog.factor_by_slug(IMPROVISED)
        keys = current.fact(FACTOR, factor.id).newest_keys(EXAMPLE_LIMIT)
        improvised["examples"] = _examples(keys, factor.id)

    names: dict[str, str] = {}
    for window in current.windows:
        for name, written in window.index.actor_names.items():
            names.setdefault(name, written)
    threshold = pulled_in_threshold(total)
    # Timelines also name teams and systems ("platform", "checkout") as actors; they are not people.
    not_people = {normalise_actor(n) for t in catalog.teams.values() for n in (t.name, t.slug)}
    not_people |= {normalise_actor(n) for s in catalog.services.values() for n in (s.name, s.slug)}
    found = []
    for name in current.keys(ACTOR) - not_people:
        subset = current.fact(ACTOR, name)
        count = subset.count()
        if count >= threshold:
            found.append((names.get(name, name), count, subset))
    if len(found) > PULLED_IN_LIMIT:
        found = sorted(found, key=lambda p: (-p[1], p[0].casefold()))[:PULLED_IN_LIMIT]
    found.sort(key=lambda p: p[0].casefold())
    people = [{"name": name, "count": count, "link": ctx.links.keys(subset).url} for name, count, subset in found]
    return {
        "analysed": total,
        "thresholds": {"pulled_in_min": threshold, "recurring_min": RECURRING_MIN},
        "mitigators": mitigators,
        "improvised_adaptations": improvised,
        "pulled_in": people,
        "expertise": [figure for slug in EXPERTISE if (figure := _factor_figure(ctx, slug)) is not None],
    }


def _examples(keys: list[str], factor_id: int) -> list[dict]:
    """What the improvised adaptation was, in the most recent postmortems (keys come from the person's index)."""
    if not keys:
        return []
    rows = (
        ContributingFactor.objects.filter(postmortem__key__in=keys, factor_id=factor_id)
        .order_by("postmortem__started_at", "position", "id")
        .values_list("postmortem__key", "postmortem__title", "narrative")
    )
    by_key: dict[str, dict] = {}
    for key, title, narrative in rows:
        by_key.setdefault(key, {"key": key, "title": title, "narrative": " ".join(narrative.split())[:300]})
    return [by_key[key] for key in keys if key in by_key]
