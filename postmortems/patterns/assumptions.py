"""View 4, assumptions: beliefs violated or stressed again and again, relied on but never checked, or just broken.

Evidence counts come from the index, so they count only postmortems the person may see and that match
the filters. The assumption records themselves (statement, status, who relies on them) are read live.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When

from postmortems.models import Assumption, AssumptionStatus
from postmortems.patterns.context import PatternContext
from postmortems.patterns.filters import from_timestamp
from postmortems.patterns.index import EVIDENCE, NO_START, VIOLATED

REPEATED_MIN = 2  # "violated or stressed in two or more postmortems"
RELIED_ON_MIN = 2  # "relied on by many services"
LIST_LIMIT = 15
RECENT_LIMIT = 10
STILL_RELIED_ON = (AssumptionStatus.HELD, AssumptionStatus.QUESTIONED, AssumptionStatus.VIOLATED)


def _records(ctx: PatternContext, with_evidence: set[int]) -> list[dict]:
    """Assumptions with evidence in the selection, and the never-validated ones many services rely on."""
    never_validated = Q(last_validated_at__isnull=True, status__in=STILL_RELIED_ON, relied__gte=RELIED_ON_MIN)
    service_ids = _filtered_services(ctx)
    if service_ids is not None:
        relied = Assumption.relied_on_by.through.objects.filter(
            assumption_id=OuterRef("pk"), service_id__in=service_ids
        )
        never_validated &= Q(service_id__in=service_ids) | Exists(relied)
    return list(
        Assumption.objects.annotate(relied=Count("relied_on_by", distinct=True))
        .annotate(
            never_validated=Case(
                When(never_validated, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .filter(Q(id__in=with_evidence) | Q(never_validated=True))
        .values("id", "statement", "status", "last_validated_at", "relied", "never_validated", "service__name")
    )


def _filtered_services(ctx: PatternContext) -> set[int] | None:
    sets = ctx.service_sets()
    if not sets:
        return None
    chosen = sets[0]
    for other in sets[1:]:
        chosen = chosen & other
    return chosen


def assumptions(ctx: PatternContext) -> dict:
    current = ctx.current
    evidence = {}
    for assumption_id in current.keys(EVIDENCE):
        subset = current.fact(EVIDENCE, assumption_id)
        if subset:
            evidence[assumption_id] = (subset, current.fact(VIOLATED, assumption_id))
    records = {r["id"]: r for r in _records(ctx, set(evidence))}

    def base(record: dict) -> dict:
        return {
            "id": record["id"],
            "statement": record["statement"],
            "status": record["status"],
            "service": record["service__name"],
            "last_validated_at": record["last_validated_at"].isoformat() if record["last_validated_at"] else None,
            "relied_on_by": record["relied"],
        }

    repeated, recent = [], []
    for assumption_id, (subset, violated) in evidence.items():
        record = records.get(assumption_id)
        if record is None:
            continue
        count = subset.count()
        if count >= REPEATED_MIN:
            repeated.append((record, subset, violated, count))
        if violated:
            (started, key, _w, _p), *_ = violated.newest(1)
            recent.append((record, violated, key, from_timestamp(started).isoformat() if started != NO_START else None))
    repeated.sort(key=lambda r: (-r[3], r[0]["statement"]))
    recent.sort(key=lambda r: (r[3] or "", r[0]["statement"]), reverse=True)

    never = [r for r in records.values() if r["never_validated"]]
    never_counts = {r["id"]: evidence[r["id"]][0].count() if r["id"] in evidence else 0 for r in never}
    never.sort(key=lambda r: (-r["relied"], -never_counts[r["id"]], r["statement"]))

    # Links cost a little each: only for the rows shown.
    repeated_rows = []
    for record, subset, violated, count in repeated[:LIST_LIMIT]:
        link = ctx.links.keys(subset)
        violated_count = violated.count()
        repeated_rows.append(
            base(record)
            | {
                "count": count,
                "violated": violated_count,
                "stressed": count - violated_count,
                "link": link.url,
                "link_truncated": link.truncated,
            }
        )
    recent_rows = [
        base(record)
        | {
            "violated": violated.count(),
            "last_violated_in": key,
            "last_violated_on": day,
            "link": ctx.links.keys(violated).url,
        }
        for record, violated, key, day in recent[:RECENT_LIMIT]
    ]
    never_rows = [
        base(record)
        | {
            "evidence_count": never_counts[record["id"]],
            "link": ctx.links.keys(evidence[record["id"]][0]).url if record["id"] in evidence else None,
        }
        for record in never[:LIST_LIMIT]
    ]
    return {
        "analysed": current.size,
        "thresholds": {"repeated_min": REPEATED_MIN, "relied_on_min": RELIED_ON_MIN},
        "repeatedly_violated": repeated_rows,
        "never_validated": never_rows,
        "recently_violated": recent_rows,
    }
