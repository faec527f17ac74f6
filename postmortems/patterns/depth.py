"""View 7, depth of analysis: a health signal for the review process, never a score for a team.

- examined any organisational (`org`) or coordination (`coord`) factor: reviews rarely look at pressure,
  goals, staffing or how people worked together unless prompted;
- recorded at least one mitigator: what kept it from being worse;
- only one non-mitigating factor: a single cause is the "root cause smell";
- no classified factor at all: imported or unfinished analysis.
"""

from __future__ import annotations

from postmortems.models import FactorRole
from postmortems.patterns.context import PatternContext
from postmortems.patterns.factors import share
from postmortems.patterns.index import DEPTH, DEPTH_MITIGATOR, DEPTH_SINGLE, DEPTH_UNCLASSIFIED, FACTOR
from postmortems.patterns.selection import Selection, Subset

EXAMINED_FAMILIES = ("org", "coord")
MEASURES = [
    ("org_or_coord", "Examined an organisational or coordination factor"),
    ("with_mitigator", "Recorded at least one mitigator"),
    ("single_factor", "Only one non-mitigating factor (the root-cause smell)"),
    ("unclassified", "No classified factor"),
]


def _subsets(ctx: PatternContext, selection: Selection) -> dict[str, Subset]:
    examined = []
    for slug in EXAMINED_FAMILIES:
        family = ctx.catalog.family_by_slug(slug)
        if family is not None:
            examined.extend(ctx.catalog.factors_in_family(family.id))
    return {
        "org_or_coord": selection.any_of(FACTOR, examined),
        "with_mitigator": selection.fact(DEPTH, DEPTH_MITIGATOR),
        "single_factor": selection.fact(DEPTH, DEPTH_SINGLE),
        "unclassified": selection.fact(DEPTH, DEPTH_UNCLASSIFIED),
    }


def depth_of_analysis(ctx: PatternContext) -> dict:
    current, previous = ctx.current, ctx.previous
    total = current.size
    previous_total = previous.size if previous is not None else None
    now = _subsets(ctx, current)
    before = _subsets(ctx, previous) if previous is not None else {}
    measures = []
    for name, label in MEASURES:
        count = now[name].count()
        previous_count = before[name].count() if name in before else None
        if name == "org_or_coord":
            link = ctx.links.postmortems(families=list(EXAMINED_FAMILIES))
        elif name == "with_mitigator":
            link = ctx.links.postmortems(role=FactorRole.MITIGATOR)
        else:
            link = ctx.links.keys(now[name]).url
        measures.append(
            {
                "name": name,
                "label": label,
                "count": count,
                "share": share(count, total),
                "previous_count": previous_count,
                "previous_share": share(previous_count, previous_total) if previous_count is not None else None,
                "link": link,
            }
        )
    return {"analysed": total, "previous_analysed": previous_total, "measures": measures}
