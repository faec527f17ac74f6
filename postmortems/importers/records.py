"""The typed records an import works with: a checked postmortem and the rows that hang off it.

`documents.clean_document` makes them; the resolver, the planner and the writer read them. They pickle as
plain tuples, because parsing workers send thousands of them back to the process that writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from postmortems.importers.problems import NO_LOCATOR, Locator

TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
# Bookkeeping kept in Postmortem.metadata under this key; exports leave it out.
IMPORT_METADATA_KEY = "_import"


@dataclass(slots=True)
class EventIn:
    occurred_at: datetime
    kind: str
    text: str
    actor: str = ""
    why_it_made_sense: str = ""


@dataclass(slots=True)
class FactorIn:
    factor: str | None
    role: str
    narrative: str
    narrative_html: str
    why_it_made_sense: str
    why_it_made_sense_html: str
    services: list[str] = field(default_factory=list)
    assumption: str | None = None
    timeline_event: int | None = None
    path: str = ""


@dataclass(slots=True)
class EvidenceIn:
    statement: str
    evidence_type: str
    excerpt: str
    path: str = ""


@dataclass(slots=True)
class ActionIn:
    title: str
    kind: str
    status: str
    owner: str | None
    team: str | None
    due_date: date | None
    tracker_url: str
    done_at: datetime | None
    path: str = ""


@dataclass(slots=True)
class PostmortemIn:
    """A checked postmortem ready to be matched and written; names still need resolving to rows."""

    file: str
    label: str
    key: str | None
    title: str
    kind: str
    severity: int | None
    status: str
    timezone: str
    times: dict[str, datetime | None]
    published_at: datetime | None
    texts: dict[str, str]
    html: dict[str, str]
    source_url: str
    in_library: bool
    restricted: bool
    teams: list[str]
    authors: list[str]
    services: list[tuple[str, str]]
    timeline: list[EventIn]
    factors: list[FactorIn]
    assumptions: list[EvidenceIn]
    action_items: list[ActionIn]
    metadata: dict[str, Any]
    fingerprint: str = ""
    publish_now: bool = False  # --publish: stamp published_at with the import time when the file gives none
    locator: Locator = NO_LOCATOR
    path_prefix: str = ""
    source_index: int = -1  # set when parsed in a worker process, to re-attach the locator

    def where(self, path: str) -> str:
        return self.locator.where(f"{self.path_prefix}{path}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Parsing workers send thousands of these back; plain tuples pickle and load several times faster
        # than one object per timeline event, factor and action item.
        return (
            _rebuild,
            (
                tuple(getattr(self, name) for name in _PLAIN_FIELDS),
                [tuple(getattr(item, name) for name in _FIELDS[EventIn]) for item in self.timeline],
                [tuple(getattr(item, name) for name in _FIELDS[FactorIn]) for item in self.factors],
                [tuple(getattr(item, name) for name in _FIELDS[EvidenceIn]) for item in self.assumptions],
                [tuple(getattr(item, name) for name in _FIELDS[ActionIn]) for item in self.action_items],
            ),
        )


_NESTED = ("timeline", "factors", "assumptions", "action_items")
_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (EventIn, FactorIn, EvidenceIn, ActionIn)}
_PLAIN_FIELDS = tuple(f.name for f in fields(PostmortemIn) if f.name not in _NESTED)


def _rebuild(plain: tuple, events: list, factors: list, evidence: list, actions: list) -> PostmortemIn:
    return PostmortemIn(
        **dict(zip(_PLAIN_FIELDS, plain, strict=True)),
        timeline=[EventIn(*values) for values in events],
        factors=[FactorIn(*values) for values in factors],
        assumptions=[EvidenceIn(*values) for values in evidence],
        action_items=[ActionIn(*values) for values in actions],
    )


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def fingerprint(pm: PostmortemIn) -> str:
    """A hash of everything the document says except its key, so an unchanged file is recognised."""
    content = {
        "title": pm.title,
        "kind": pm.kind,
        "severity": pm.severity,
        "status": pm.status,
        "timezone": pm.timezone,
        "times": {name: _iso(value) for name, value in pm.times.items()},
        "published_at": _iso(pm.published_at),
        "texts": pm.texts,
        "source_url": pm.source_url,
        "flags": [pm.in_library, pm.restricted],
        "teams": pm.teams,
        "authors": pm.authors,
        "services": pm.services,
        "timeline": [[_iso(e.occurred_at), e.kind, e.text, e.actor, e.why_it_made_sense] for e in pm.timeline],
        "factors": [
            [f.factor, f.role, f.narrative, f.why_it_made_sense, f.services, f.assumption, f.timeline_event]
            for f in pm.factors
        ],
        "assumptions": [[a.statement, a.evidence_type, a.excerpt] for a in pm.assumptions],
        "action_items": [
            [a.title, a.kind, a.status, a.owner, a.team, _iso(a.due_date), a.tracker_url, _iso(a.done_at)]
            for a in pm.action_items
        ],
        "metadata": pm.metadata,
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]
