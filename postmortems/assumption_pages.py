"""What the assumption registry pages show: the list with its filters and counts, one assumption with its
history and evidence, and the assumptions around one postmortem.

Reads only, each in a fixed number of queries. Evidence and history that point at postmortems the viewer
may not see never show those postmortems: counts leave them out, and a history entry that came from one
keeps its date, person and statuses but loses its postmortem and its reason (which may quote the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from postmortems.models import (
    Assumption,
    AssumptionEvidence,
    AssumptionStatus,
    AssumptionStatusChange,
    EvidenceType,
    Postmortem,
    Service,
)
from postmortems.querysets import visibility_filter

User = AbstractBaseUser | AnonymousUser

# The order people act on: what failed, what is in doubt, what is believed, then history.
STATUS_ORDER = (
    AssumptionStatus.VIOLATED,
    AssumptionStatus.QUESTIONED,
    AssumptionStatus.HELD,
    AssumptionStatus.REVISED,
    AssumptionStatus.RETIRED,
)
# Statuses of assumptions that are still relied on (revised ones point at their successor).
CURRENT_STATUSES = (AssumptionStatus.VIOLATED, AssumptionStatus.QUESTIONED, AssumptionStatus.HELD)
REGISTRY_SORTS = {
    "status": ("rank", "statement", "pk"),
    "violations": ("-violations", "rank", "statement", "pk"),
    "recent": ("-updated_at", "-pk"),
    "statement": ("statement", "pk"),
}
EVIDENCE_LABELS = dict(EvidenceType.choices)
# How many assumptions about a postmortem's services its page lists, and a cap on the rows read for it.
ABOUT_SERVICES_SHOWN = 30
POSTMORTEM_ROWS_CAP = 300


def status_rank() -> Case:
    """0 for violated, 1 questioned, 2 held, 3 revised, 4 retired: the order lists use."""
    whens = [When(status=status, then=Value(i)) for i, status in enumerate(STATUS_ORDER)]
    return Case(*whens, default=Value(len(STATUS_ORDER)), output_field=IntegerField())


def _visible_evidence(user: User, evidence_type: str | None = None) -> QuerySet[AssumptionEvidence]:
    rows = AssumptionEvidence.objects.visible_to(user)
    return rows.filter(evidence_type=evidence_type) if evidence_type else rows


def visible_evidence_count(user: User, evidence_type: str | None = None) -> Coalesce:
    """Annotation: evidence links from postmortems the person may see (of one type, if given)."""
    counted = (
        _visible_evidence(user, evidence_type)
        .filter(assumption_id=OuterRef("pk"))
        .order_by()
        .values("assumption_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def registry_rows(user: User) -> QuerySet[Assumption]:
    """Assumptions with their service and team, status rank, and visible evidence counts."""
    return Assumption.objects.for_list().annotate(
        rank=status_rank(),
        violations=visible_evidence_count(user, EvidenceType.VIOLATED),
        evidence_count=visible_evidence_count(user),
    )


def filter_assumptions(rows: QuerySet[Assumption], user: User, data: dict[str, Any]) -> QuerySet[Assumption]:
    """Apply the registry's cleaned filters except status (the status counts are taken before it)."""
    if data.get("service"):
        rows = rows.filter(service__slug=data["service"])
    if data.get("kind"):
        rows = rows.filter(kind=data["kind"])
    if data.get("team"):
        rows = rows.filter(owner_team__slug=data["team"])
    if data.get("never_validated"):
        rows = rows.filter(last_validated_at__isnull=True)
    if data.get("repeatedly_violated"):
        repeated = (
            _visible_evidence(user, EvidenceType.VIOLATED)
            .order_by()
            .values("assumption_id")
            .annotate(n=Count("*"))
            .filter(n__gte=2)
            .values("assumption_id")
        )
        rows = rows.filter(pk__in=repeated)
    for word in (data.get("q") or "").split()[:10]:
        rows = rows.filter(Q(statement__icontains=word) | Q(where_encoded__icontains=word))
    return rows


def status_counts(rows: QuerySet[Assumption]) -> list[dict[str, Any]]:
    """How many of `rows` (filtered, not annotated) are in each status, in STATUS_ORDER (zeros included)."""
    counted = {row["status"]: row["n"] for row in rows.order_by().values("status").annotate(n=Count("pk"))}
    labels = dict(AssumptionStatus.choices)
    return [{"status": s, "label": labels[s], "count": counted.get(s, 0)} for s in STATUS_ORDER]


# ---- One assumption ---------------------------------------------------------------------------------------


def _history(user: User, assumption: Assumption) -> list[AssumptionStatusChange]:
    """The history, oldest first, each entry flagged with whether its postmortem may be shown."""
    rule = visibility_filter(user, pk_ref="postmortem_id")
    visible = Value(True) if rule is None else ExpressionWrapper(Q(postmortem__isnull=True) | rule, BooleanField())
    changes = (
        AssumptionStatusChange.objects.filter(assumption=assumption)
        .select_related("changed_by")
        .annotate(postmortem_key=F("postmortem__key"), postmortem_title=F("postmortem__title"), shown=visible)
        .order_by("changed_at", "id")
    )
    history = list(changes)
    for change in history:
        if not change.shown:  # never reaches the template: neither the key nor a reason that may quote it
            change.postmortem_key = change.postmortem_title = None
            change.reason = change.evidence = ""
    return history


def _evidence(user: User, assumption: Assumption) -> list[AssumptionEvidence]:
    rows = (
        AssumptionEvidence.objects.visible_to(user)
        .filter(assumption=assumption)
        .select_related("postmortem")
        .only(
            "evidence_type",
            "excerpt",
            "created_at",
            "assumption_id",
            "postmortem__key",
            "postmortem__title",
            "postmortem__kind",
            "postmortem__started_at",
            "postmortem__restricted",
        )
        .order_by("-postmortem__started_at", "-id")
    )
    return list(rows)


def _chain(assumption: Assumption) -> tuple[list[Assumption], list[Assumption]]:
    """What it replaced (nearest first, transitively) and what replaced it (next first, to the latest).

    Two queries: every (assumption, successor) pair, walked in memory with visited sets so a bad loop
    ends, then the rows on the chain.
    """
    successor_of = dict(Assumption.objects.filter(superseded_by__isnull=False).values_list("pk", "superseded_by_id"))
    predecessors_of: dict[int, list[int]] = {}
    for pk, successor in successor_of.items():
        predecessors_of.setdefault(successor, []).append(pk)
    later: list[int] = []
    current = successor_of.get(assumption.pk)
    while current is not None and current != assumption.pk and current not in later:
        later.append(current)
        current = successor_of.get(current)
    earlier: list[int] = []
    frontier = [assumption.pk]
    while frontier:
        frontier = [p for pk in frontier for p in sorted(predecessors_of.get(pk, ())) if p not in earlier]
        frontier = [p for p in frontier if p != assumption.pk and p not in later]
        earlier.extend(frontier)
    if not later and not earlier:
        return [], []
    rows = Assumption.objects.in_bulk(later + earlier)
    return [rows[pk] for pk in earlier if pk in rows], [rows[pk] for pk in later if pk in rows]


def assumption_page(user: User, assumption: Assumption) -> dict[str, Any]:
    """The detail page's data; `assumption` comes with service, team, successor and relied-on services."""
    evidence = _evidence(user, assumption)
    replaced, replaced_by = _chain(assumption)
    return {
        "assumption": assumption,
        "history": _history(user, assumption),
        "evidence": evidence,
        "violations": sum(1 for e in evidence if e.evidence_type == EvidenceType.VIOLATED),
        "replaced": replaced,
        "replaced_by": replaced_by,
    }


# ---- Around one postmortem --------------------------------------------------------------------------------


@dataclass
class PostmortemAssumptions:
    """What a postmortem tested (with its evidence), and the current assumptions about its services."""

    tested: list[Assumption] = field(default_factory=list)
    about_services: list[Assumption] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


def postmortem_assumptions(postmortem: Postmortem) -> PostmortemAssumptions:
    """Both lists in one query. The postmortem's services come from `service_links` (prefetched on the
    detail page), and each assumption carries this postmortem's evidence, if any, as `evidence_*`."""
    services = [link.service for link in postmortem.service_links.all()]
    this = FilteredRelation("evidence", condition=Q(evidence__postmortem_id=postmortem.pk))
    about = Q(service_id__in=[s.pk for s in services], status__in=CURRENT_STATUSES)
    rows = (
        Assumption.objects.annotate(this_evidence=this)
        .filter(about | Q(this_evidence__id__isnull=False))
        .select_related("service")
        .annotate(
            evidence_id=F("this_evidence__id"),
            evidence_type=F("this_evidence__evidence_type"),
            evidence_excerpt=F("this_evidence__excerpt"),
            rank=status_rank(),
            untested=Case(When(this_evidence__id__isnull=False, then=Value(0)), default=Value(1)),
        )
        .order_by("untested", "rank", "statement", "pk")
    )
    result = PostmortemAssumptions(services=services)
    service_ids = {s.pk for s in services}
    for row in rows[:POSTMORTEM_ROWS_CAP]:  # the tested ones come first, then those about the services
        row.evidence_label = EVIDENCE_LABELS.get(row.evidence_type, "")
        if row.evidence_id is not None:
            result.tested.append(row)
        if row.service_id in service_ids and row.status in CURRENT_STATUSES:
            result.about_services.append(row)
    result.tested.sort(key=lambda a: a.evidence_id)
    result.about_services = result.about_services[:ABOUT_SERVICES_SHOWN]
    return result
