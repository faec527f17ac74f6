"""A postmortem as the plain document the importers read back: the shape behind the JSON and Markdown exports.

Times are written in the postmortem's own zone with their offset; rows are named by slug, statement or
username, never by database id, so an export can be imported into another database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from postmortems.filters import filter_postmortems
from postmortems.importers.records import IMPORT_METADATA_KEY
from postmortems.models import (
    MARKDOWN_FIELDS,
    ActionItem,
    Assumption,
    AssumptionEvidence,
    ContributingFactor,
    Postmortem,
    PostmortemService,
    Service,
    Team,
)

CHUNK_SIZE = 200


class FilterError(ValueError):
    """The filter parameters were malformed; `errors` maps each parameter to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


def export_queryset(user: AbstractBaseUser | AnonymousUser | None, params: dict[str, Any] | None = None) -> QuerySet:
    """Postmortems `user` may see (everything when user is None: the command), filtered like the list page."""
    queryset = Postmortem.objects.all() if user is None else Postmortem.objects.visible_to(user)
    queryset, errors = filter_postmortems(queryset, params or {})
    if errors:
        raise FilterError(errors)
    return queryset.order_by("key")


def service_links() -> Prefetch:
    links = PostmortemService.objects.select_related("service").order_by("role", "id")
    return Prefetch("service_links", queryset=links)


def with_everything(queryset: QuerySet) -> QuerySet:
    """Everything a document holds, in a fixed number of queries per chunk of postmortems."""
    factors = ContributingFactor.objects.select_related("factor", "assumption").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id", "slug"))
    )
    evidence = AssumptionEvidence.objects.select_related("assumption").order_by("id")
    return queryset.prefetch_related(
        service_links(),
        "timeline",
        Prefetch("contributing_factors", queryset=factors),
        Prefetch("assumption_evidence", queryset=evidence),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "team")),
        "authors",
        "allowed_teams",
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _moment(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class References:
    """What the exported postmortems name, so the catalog part of a JSON export lists exactly those."""

    services: set[int] = field(default_factory=set)
    teams: set[int] = field(default_factory=set)
    assumptions: set[int] = field(default_factory=set)


def document(pm: Postmortem, refs: References | None = None) -> dict[str, Any]:
    """The postmortem as a JSON-ready dictionary, in the key order docs/import-export.md shows."""
    zone = _zone(pm.timezone)
    events = list(pm.timeline.all())
    event_index = {event.pk: index for index, event in enumerate(events)}
    links = list(pm.service_links.all())
    factors = list(pm.contributing_factors.all())
    evidence = list(pm.assumption_evidence.all())
    actions = list(pm.action_items.all())
    teams = sorted(pm.allowed_teams.all(), key=lambda team: team.slug)
    if refs is not None:
        refs.services |= {link.service_id for link in links} | {s.pk for f in factors for s in f.services.all()}
        refs.teams |= {team.pk for team in teams} | {a.team_id for a in actions if a.team_id}
        refs.assumptions |= {e.assumption_id for e in evidence} | {f.assumption_id for f in factors if f.assumption_id}
    doc: dict[str, Any] = {
        "key": pm.key,
        "title": pm.title,
        "kind": pm.kind,
        "severity": pm.severity,
        "status": pm.status,
        "timezone": pm.timezone,
        "started_at": _moment(pm.started_at, zone),
        "detected_at": _moment(pm.detected_at, zone),
        "mitigated_at": _moment(pm.mitigated_at, zone),
        "resolved_at": _moment(pm.resolved_at, zone),
        "published_at": _moment(pm.published_at, zone),
        "source_url": pm.source_url,
        "in_library": pm.in_library,
        "restricted": pm.restricted,
        "teams": [team.slug for team in teams],
        "authors": sorted(user.get_username() for user in pm.authors.all()),
        "services": [{"service": link.service.slug, "role": link.role} for link in links],
    }
    for name in MARKDOWN_FIELDS:
        doc[name] = getattr(pm, name)
    doc["timeline"] = [
        {
            "at": _moment(e.occurred_at, zone),
            "kind": e.kind,
            "text": e.text,
            "actor": e.actor,
            "why_it_made_sense": e.why_it_made_sense,
        }
        for e in events
    ]
    doc["factors"] = [
        {
            "factor": f.factor.slug if f.factor else None,
            "role": f.role,
            "narrative": f.narrative,
            "why_it_made_sense": f.why_it_made_sense,
            "services": sorted(s.slug for s in f.services.all()),
            "assumption": f.assumption.statement if f.assumption else None,
            "timeline_event": event_index.get(f.timeline_event_id),
        }
        for f in factors
    ]
    doc["assumptions"] = [
        {"statement": e.assumption.statement, "evidence": e.evidence_type, "excerpt": e.excerpt} for e in evidence
    ]
    doc["action_items"] = [
        {
            "title": a.title,
            "kind": a.kind,
            "status": a.status,
            "owner": a.owner.get_username() if a.owner else None,
            "team": a.team.slug if a.team else None,
            "due_date": _day(a.due_date),
            "tracker_url": a.tracker_url,
            "done_at": _moment(a.done_at, zone),
        }
        for a in actions
    ]
    doc["metadata"] = {k: v for k, v in (pm.metadata or {}).items() if k != IMPORT_METADATA_KEY}
    return doc


def documents(queryset: QuerySet, refs: References | None = None) -> Iterator[dict[str, Any]]:
    """Documents for every postmortem in the queryset, read in chunks so memory stays flat."""
    for pm in with_everything(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield document(pm, refs)


def catalog(refs: References) -> dict[str, list[dict[str, Any]]]:
    """The teams, services and assumptions the exported postmortems name, sorted for stable output."""
    assumptions = list(
        Assumption.objects.filter(pk__in=refs.assumptions)
        .select_related("service", "owner_team")
        .order_by("statement", "id")
    )
    service_ids = set(refs.services) | {a.service_id for a in assumptions if a.service_id}
    services = list(Service.objects.filter(pk__in=service_ids).select_related("team").order_by("slug"))
    team_ids = set(refs.teams) | {s.team_id for s in services if s.team_id}
    team_ids |= {a.owner_team_id for a in assumptions if a.owner_team_id}
    return {
        "teams": [
            {"slug": t.slug, "name": t.name, "description": t.description}
            for t in Team.objects.filter(pk__in=team_ids).order_by("slug")
        ],
        "services": [
            {
                "slug": s.slug,
                "name": s.name,
                "description": s.description,
                "tier": s.tier,
                "team": s.team.slug if s.team else None,
                "lifecycle": s.lifecycle,
                "service_type": s.service_type,
            }
            for s in services
        ],
        "assumptions": [
            {
                "statement": a.statement,
                "kind": a.kind,
                "status": a.status,
                "service": a.service.slug if a.service else None,
                "owner_team": a.owner_team.slug if a.owner_team else None,
                "where_encoded": a.where_encoded,
            }
            for a in assumptions
        ],
    }
