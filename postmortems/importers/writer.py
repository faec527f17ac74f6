"""Stage three of an import: write everything in bulk, inside the caller's transaction.

Rows are built as plain dicts and inserted a table at a time by `RowInserter` (multi-row statements,
COPY on PostgreSQL), so the number of queries grows with the number of tables, not of postmortems.
`Postmortem.save()` is bypassed, so the HTML twins come from the parsing stage (same renderer output)
and this module records one Revision per created or updated postmortem itself, with the snapshot
`services.snapshot` would take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError
from django.utils import timezone

from postmortems.importers.bulk_sql import RowInserter, chunks
from postmortems.importers.records import IMPORT_METADATA_KEY, TIME_FIELDS, PostmortemIn
from postmortems.importers.resolve import Catalog
from postmortems.models import (
    MARKDOWN_FIELDS,
    ActionItem,
    Assumption,
    AssumptionEvidence,
    ContributingFactor,
    Postmortem,
    PostmortemService,
    Revision,
    Service,
    Status,
    Team,
    TimelineEvent,
)
from postmortems.services import (
    EDITABLE_FIELDS,
    action_item_snapshot,
    contributing_factor_snapshot,
    snapshot_value,
    timeline_event_snapshot,
)

_UPDATED_FIELDS = [
    "title",
    "kind",
    "severity",
    "status",
    *TIME_FIELDS,
    "timezone",
    *MARKDOWN_FIELDS,
    *(f"{name}_html" for name in MARKDOWN_FIELDS),
    "source_url",
    "in_library",
    "restricted",
    "metadata",
    "version",
    "published_at",
    "updated_at",
]


class ChangedDuringImport(DatabaseError):
    """A postmortem matched during checking was deleted before the write; nothing was written."""


def create_catalog(catalog: Catalog) -> None:
    """The pending teams, then services (which may name a new team), then assumptions (which may name both)."""
    teams = [Team(**data) for data in catalog.new_teams.values()]
    Team.objects.bulk_create(teams)
    catalog.teams.update({team.slug: team.pk for team in teams})
    services = [
        Service(
            slug=data["slug"],
            name=data["name"],
            description=data.get("description", ""),
            tier=data.get("tier", 3),
            team_id=catalog.teams.get(data["team"]) if data.get("team") else None,
            lifecycle=data.get("lifecycle", "production"),
            service_type=data.get("service_type", ""),
        )
        for data in catalog.new_services.values()
    ]
    Service.objects.bulk_create(services)
    catalog.services.update({service.slug: service.pk for service in services})
    assumptions = [
        Assumption(
            statement=data["statement"],
            kind=data["kind"],
            status=data["status"],
            service_id=catalog.services.get(data["service"]) if data["service"] else None,
            owner_team_id=catalog.teams.get(data["owner_team"]) if data["owner_team"] else None,
            where_encoded=data["where_encoded"],
        )
        for data in catalog.new_assumptions.values()
    ]
    Assumption.objects.bulk_create(assumptions)
    catalog.assumptions.update({a.statement: a.pk for a in assumptions})
    # Created now: later chunks find them in the maps above.
    catalog.new_teams.clear()
    catalog.new_services.clear()
    catalog.new_assumptions.clear()


def _fields(pm: PostmortemIn, now: datetime, published_before: datetime | None = None) -> dict[str, Any]:
    """The Postmortem columns a document sets (everything but key, version and who created it)."""
    fields: dict[str, Any] = {
        "title": pm.title,
        "kind": pm.kind,
        "severity": pm.severity,
        "status": pm.status,
        "timezone": pm.timezone,
        **pm.times,
        "source_url": pm.source_url,
        "in_library": pm.in_library,
        "restricted": pm.restricted,
        "metadata": {**pm.metadata, IMPORT_METADATA_KEY: {"fingerprint": pm.fingerprint}},
        "published_at": pm.published_at,
        "updated_at": now,
    }
    if pm.status == Status.PUBLISHED and pm.published_at is None:
        # A file that says nothing keeps the date already known; only --publish stamps the import time.
        fields["published_at"] = published_before or (now if pm.publish_now else None)
    for name in MARKDOWN_FIELDS:
        fields[name] = pm.texts[name]
        fields[f"{name}_html"] = pm.html[name]
    return fields


def write_postmortems(
    *,
    creates: list[PostmortemIn],
    updates: list[tuple[PostmortemIn, int]],
    catalog: Catalog,
    user: AbstractBaseUser | None,
) -> list[int]:
    """Insert new postmortems and replace the content of updated ones; the caller holds the transaction.

    Returns the ids written.
    """
    now = timezone.now()
    written: list[Written] = []
    if updates:
        written += _update(updates, now)
    rows = []
    for pm in creates:
        fields = _fields(pm, now)
        rows.append({**fields, "key": pm.key, "version": 1, "created_by_id": user.pk if user else None})
    RowInserter(Postmortem).insert(rows)
    ids = _ids_by_key([pm.key for pm in creates])
    written += [Written(ids[row["key"]], pm, row) for pm, row in zip(creates, rows, strict=True)]
    _write_children(written, catalog, user)
    _write_revisions(written, user)
    return [item.pk for item in written]


@dataclass
class Written:
    pk: int
    pm: PostmortemIn
    row: dict[str, Any]  # the Postmortem columns as written, for the revision snapshot


def _ids_by_key(keys: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in chunks(keys):
        ids.update(Postmortem.objects.filter(key__in=chunk).values_list("key", "id"))
    return ids


def _update(updates: list[tuple[PostmortemIn, int]], now: datetime) -> list[Written]:
    ids = [pk for _pm, pk in updates]
    # Locks the rows on PostgreSQL so an editor's save cannot interleave; SQLite locks the whole file.
    rows = Postmortem.objects.select_for_update().in_bulk(ids)
    if len(rows) != len(ids):
        raise ChangedDuringImport("a postmortem was deleted while the import ran; run it again")
    written = []
    for pm, pk in updates:
        obj = rows[pk]
        fields = _fields(pm, now, obj.published_at)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.version += 1
        written.append(Written(pk, pm, {**fields, "key": obj.key, "version": obj.version}))
    Postmortem.objects.bulk_update(list(rows.values()), _UPDATED_FIELDS, batch_size=500)
    for model in (PostmortemService, TimelineEvent, ContributingFactor, ActionItem, AssumptionEvidence):
        model.objects.filter(postmortem_id__in=ids).delete()
    Postmortem.authors.through.objects.filter(postmortem_id__in=ids).delete()
    Postmortem.allowed_teams.through.objects.filter(postmortem_id__in=ids).delete()
    return written


def _write_children(written: list[Written], catalog: Catalog, user: Any) -> None:
    links, authors, teams, events, evidence, actions = [], [], [], [], [], []
    for item in written:
        pk, pm = item.pk, item.pm
        links += [{"postmortem_id": pk, "service_id": catalog.services[s], "role": r} for s, r in pm.services]
        authors += [{"postmortem_id": pk, "user_id": catalog.users[name]} for name in pm.authors]
        teams += [{"postmortem_id": pk, "team_id": catalog.teams[slug]} for slug in pm.teams]
        events += [
            {
                "postmortem_id": pk,
                "occurred_at": e.occurred_at,
                "kind": e.kind,
                "text": e.text,
                "actor": e.actor,
                "why_it_made_sense": e.why_it_made_sense,
            }
            for e in pm.timeline
        ]
        evidence += [
            {
                "postmortem_id": pk,
                "assumption_id": catalog.assumptions[ev.statement],
                "evidence_type": ev.evidence_type,
                "excerpt": ev.excerpt,
            }
            for ev in pm.assumptions
        ]
        actions += [
            {
                "postmortem_id": pk,
                "title": a.title,
                "kind": a.kind,
                "status": a.status,
                "owner_id": catalog.users.get(a.owner) if a.owner else None,
                "team_id": catalog.teams.get(a.team) if a.team else None,
                "due_date": a.due_date,
                "tracker_url": a.tracker_url,
                "done_at": a.done_at,
            }
            for a in pm.action_items
        ]
    RowInserter(PostmortemService).insert(links)
    RowInserter(Postmortem.authors.through).insert(authors)
    RowInserter(Postmortem.allowed_teams.through).insert(teams)
    RowInserter(TimelineEvent).insert(events)
    RowInserter(AssumptionEvidence).insert(evidence)
    RowInserter(ActionItem).insert(actions)
    _write_factors(written, catalog, user)


def _child_ids(model: type, postmortem_ids: list[int]) -> dict[int, list[int]]:
    """Ids of a child table's rows per postmortem, in insertion (id) order."""
    found: dict[int, list[int]] = {}
    for chunk in chunks(sorted(set(postmortem_ids))):
        rows = model.objects.filter(postmortem_id__in=chunk).order_by("id").values_list("postmortem_id", "id")
        for postmortem_id, pk in rows:
            found.setdefault(postmortem_id, []).append(pk)
    return found


def _write_factors(written: list[Written], catalog: Catalog, user: Any) -> None:
    linked = [item.pk for item in written if any(f.timeline_event is not None for f in item.pm.factors)]
    event_ids = _child_ids(TimelineEvent, linked) if linked else {}
    rows = []
    for item in written:
        for position, f in enumerate(item.pm.factors):
            rows.append(
                {
                    "postmortem_id": item.pk,
                    "factor_id": catalog.factors[f.factor] if f.factor else None,
                    "role": f.role,
                    "narrative": f.narrative,
                    "narrative_html": f.narrative_html,
                    "why_it_made_sense": f.why_it_made_sense,
                    "why_it_made_sense_html": f.why_it_made_sense_html,
                    "assumption_id": catalog.assumptions[f.assumption] if f.assumption else None,
                    "timeline_event_id": (
                        event_ids[item.pk][f.timeline_event] if f.timeline_event is not None else None
                    ),
                    "position": position,
                    "created_by_id": user.pk if user else None,
                }
            )
    RowInserter(ContributingFactor).insert(rows)
    with_services = [item for item in written if any(f.services for f in item.pm.factors)]
    if not with_services:
        return
    factor_ids = _child_ids(ContributingFactor, [item.pk for item in with_services])
    through = ContributingFactor.services.through
    RowInserter(through).insert(
        {"contributingfactor_id": factor_ids[item.pk][position], "service_id": catalog.services[slug]}
        for item in with_services
        for position, f in enumerate(item.pm.factors)
        for slug in f.services
    )


def _write_revisions(written: list[Written], user: Any) -> None:
    RowInserter(Revision).insert(
        {
            "postmortem_id": item.pk,
            "version": item.row["version"],
            "author_id": user.pk if user else None,
            "snapshot": snapshot_of(item.row, item.pm),
        }
        for item in written
    )


def snapshot_of(row: dict[str, Any], pm: PostmortemIn) -> dict[str, Any]:
    """What `services.snapshot` returns for this postmortem, built from memory instead of seven queries."""
    data: dict[str, Any] = {"key": row["key"], "status": row["status"], "version": row["version"]}
    for name in EDITABLE_FIELDS:
        data[name] = snapshot_value(row[name])
    data["services"] = sorted(f"{slug}:{role}" for slug, role in pm.services)
    data["authors"] = sorted(pm.authors)
    data["allowed_teams"] = sorted(pm.teams)
    # The same order as the database gives: events by time (ties in file order), factors and actions as written.
    events = sorted(pm.timeline, key=lambda e: e.occurred_at)
    data["timeline"] = [
        timeline_event_snapshot(
            occurred_at=e.occurred_at, kind=e.kind, text=e.text, actor=e.actor, why_it_made_sense=e.why_it_made_sense
        )
        for e in events
    ]
    data["contributing_factors"] = [
        contributing_factor_snapshot(
            factor=f.factor,
            role=f.role,
            narrative=f.narrative,
            why_it_made_sense=f.why_it_made_sense,
            services=f.services,
            assumption=f.assumption,
            timeline_event=pm.timeline[f.timeline_event].occurred_at if f.timeline_event is not None else None,
        )
        for f in pm.factors
    ]
    data["action_items"] = [
        action_item_snapshot(
            title=a.title,
            kind=a.kind,
            owner=a.owner,
            team=a.team,
            status=a.status,
            due_date=a.due_date,
            tracker_url=a.tracker_url,
        )
        for a in pm.action_items
    ]
    return data
