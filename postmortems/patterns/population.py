"""Whose postmortems a person's figures count: the snapshot, corrected live, plus what only they may see.

Every figure is a sum over parts. The snapshot part covers published, unrestricted postmortems as of
its build, minus any that changed since (they might have been restricted, edited or unpublished).
The live part is built per request from the database, through the visibility rule, and holds:

- restricted postmortems this person may see (never in the "open" snapshot everyone but admins use);
- published postmortems changed since the snapshot, in their current state, if this person may see them.

Admins, who may see everything, use the "all" snapshot instead, so only changes are counted live for them.

So a restricted postmortem counts only for people who may see it, whatever the snapshot's age, and an
edit made through the services (which move `updated_at`, also for timeline, factor and evidence rows)
shows at once. What bypasses `updated_at` (a raw UPDATE, a deletion in the admin) waits for the next
build, at most the schedule's interval; restriction is checked on every request whatever the path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Case, CharField, DateTimeField, IntegerField, Q, QuerySet, Value, When

from postmortems.models import Postmortem, SnapshotScope, Status
from postmortems.patterns.index import (
    POSTMORTEM_COLUMNS,
    PatternIndex,
    PostmortemRow,
    bitset_of,
    build_index,
    fact_rows,
)
from postmortems.patterns.snapshot import SnapshotMeta, changed_since, latest_meta, load_index
from postmortems.querysets import visibility_filter


@dataclass
class Part:
    index: PatternIndex
    excluded: int = 0  # positions not to count: changed since the snapshot, counted live instead


@dataclass
class Population:
    parts: list[Part]
    snapshot: SnapshotMeta | None
    live_count: int  # postmortems counted from the database for this request

    @property
    def built_at(self) -> datetime | None:
        return self.snapshot.built_at if self.snapshot else None


def _visible_annotation(rule: Q | None) -> Case | Value:
    if rule is None:
        return Value(True, output_field=BooleanField())
    return Case(When(rule, then=Value(True)), default=Value(False), output_field=BooleanField())


def _restricted_ids() -> QuerySet:
    """Every restricted postmortem as a candidate row with only its id filled in."""
    blank = [CharField(), DateTimeField(), DateTimeField(), CharField(), IntegerField(), CharField()]
    return (
        Postmortem.objects.filter(restricted=True)
        .values_list("id", *(Value(None, output_field=f) for f in blank), Value(False, output_field=BooleanField()))
        .order_by()
    )


def population_for(user: AbstractBaseUser | AnonymousUser) -> Population:
    """The parts to count for this person: two queries with a snapshot in this process's cache, three with facts."""
    rule = visibility_filter(user)
    scope = SnapshotScope.ALL if rule is None else SnapshotScope.OPEN
    visible = rule if rule is not None else Q()
    published = Q(status=Status.PUBLISHED)
    meta = latest_meta(scope)
    snapshot = load_index(meta) if meta is not None else None
    if meta is None or snapshot is None:
        live_query = Postmortem.objects.filter(published & visible)
        live = build_index(_rows(live_query), fact_rows(live_query.values("id")))
        return Population([Part(live)], None, live.size)

    changed = changed_since(meta.cutoff)
    live_filter = changed if scope == SnapshotScope.ALL else changed | (Q(restricted=True) & visible)
    candidates = (
        Postmortem.objects.filter(live_filter)
        .annotate(is_visible=_visible_annotation(rule))
        .values_list(*POSTMORTEM_COLUMNS, "status", "is_visible")
        .order_by()
    )
    if scope == SnapshotScope.OPEN:
        # Every restricted postmortem's id, seen or not: one restricted after the build (by any path, even
        # one that left updated_at alone) must leave the open snapshot's counts for everyone. Ids only,
        # through the partial index on restricted rows.
        candidates = candidates.union(_restricted_ids(), all=True)
    positions = snapshot.positions
    excluded: list[int] = []
    live_rows: list[PostmortemRow] = []
    for *columns, status, is_visible in candidates:
        row = PostmortemRow(*columns)
        if row.id in positions:
            excluded.append(positions[row.id])
        if is_visible and status == Status.PUBLISHED:
            live_rows.append(row)
    live_rows = list({row.id: row for row in live_rows}.values())  # a changed restricted row comes once

    parts = [Part(snapshot, bitset_of(excluded, snapshot.size))]
    if live_rows:
        ids = _id_filter(live_rows, published & visible & live_filter)
        parts.append(Part(build_index(live_rows, fact_rows(ids))))
    return Population(parts, meta, live_count=len(live_rows))


def _id_filter(rows: list[PostmortemRow], rule: Q) -> list[int] | QuerySet:
    """The live postmortems' ids as a list, which the planner turns into index lookups; a subquery only
    when a list would pass the backend's parameter limit (the facts query repeats it five times)."""
    limit = connection.features.max_query_params
    if limit is None or 5 * len(rows) <= limit:
        return [row.id for row in rows]
    return Postmortem.objects.filter(rule).values("id")


def _rows(queryset: QuerySet) -> list[PostmortemRow]:
    return [PostmortemRow(*values) for values in queryset.values_list(*POSTMORTEM_COLUMNS)]
