"""Load the demo company (Larder): teams, people, services, assumptions and postmortems.

Idempotent: teams and services are matched by slug, people by username, assumptions by
statement and postmortems by key. Anything that already exists is left exactly as it is
(someone may have edited it), including a postmortem's timeline, factors and action items.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery

from postmortems.demo.data import ASSUMPTIONS, DEPENDENCIES, POSTMORTEMS, SERVICES, TEAMS, USERS
from postmortems.markdown import render_markdown
from postmortems.models import (
    MARKDOWN_FIELDS,
    ActionItem,
    Assumption,
    AssumptionEvidence,
    AssumptionStatusChange,
    ContributingFactor,
    Dependency,
    Factor,
    Membership,
    Postmortem,
    Profile,
    ReviewComment,
    Revision,
    Service,
    Status,
    Team,
    TimelineEvent,
)
from postmortems.services import create_postmortem, snapshot

COUNT_KEYS = (
    "teams",
    "users",
    "memberships",
    "services",
    "dependencies",
    "assumptions",
    "assumption_status_changes",
    "postmortems",
    "timeline_events",
    "contributing_factors",
    "action_items",
    "assumption_evidence",
    "review_comments",
)

LONDON = ZoneInfo("Europe/London")
_BLOCK_START = re.compile(r"^([-*+]|\d+\.)\s|^[#|>]")


def prose(text: str) -> str:
    """Source text as written in the data modules (indented, hard-wrapped) to markdown with one line per paragraph.

    The markdown renderer turns single newlines into <br>, so wrapped lines are joined; blank lines,
    list items, headings and table rows keep their own lines.
    """
    lines: list[str] = []
    for raw in textwrap.dedent(text).strip().splitlines():
        line = raw.strip()
        previous = lines[-1] if lines else ""
        if line and previous and not _BLOCK_START.match(line) and not previous.startswith(("#", "|")):
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _when(value: str, zone: ZoneInfo, day: date | None = None) -> datetime:
    """'2025-03-04 18:20' (or '18:20' on `day`) in the postmortem's zone, as an aware datetime."""
    if len(value) == 5 and day is not None:
        return datetime.combine(day, time.fromisoformat(value), tzinfo=zone)
    return datetime.fromisoformat(value).replace(tzinfo=zone)


def _noon(value: str | None, zone: ZoneInfo) -> datetime | None:
    return datetime.combine(date.fromisoformat(value), time(12, 0), tzinfo=zone) if value else None


def load_demo(*, password: str = "demo") -> dict[str, int]:
    """Create whatever part of the demo is missing, in one transaction; return how many rows of each kind it made."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    with transaction.atomic():
        teams = _load_teams(counts)
        users = _load_users(password, teams, counts)
        services = _load_services(teams, counts)
        _load_dependencies(services, counts)
        assumptions, new_assumptions = _load_assumptions(services, teams, users, counts)
        _load_postmortems(users, teams, services, assumptions, counts)
        _load_assumption_history(new_assumptions, users, counts)
    return counts


def _load_teams(counts: dict[str, int]) -> dict[str, Team]:
    teams = {team.slug: team for team in Team.objects.filter(slug__in=[t["slug"] for t in TEAMS])}
    missing = [
        Team(**{**data, "description": prose(data["description"])}) for data in TEAMS if data["slug"] not in teams
    ]
    for team in Team.objects.bulk_create(missing):
        teams[team.slug] = team
    counts["teams"] += len(missing)
    return teams


def _load_users(password: str, teams: dict[str, Team], counts: dict[str, int]) -> dict[str, Any]:
    user_model = get_user_model()
    users = {user.username: user for user in user_model.objects.filter(username__in=[u["username"] for u in USERS])}
    hashed = None
    for data in USERS:
        if data["username"] in users:
            continue
        # One hash for all: they share the demo password, and hashing is deliberately slow.
        hashed = hashed or make_password(password)
        user = user_model(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_staff=data.get("is_superuser", False),
            is_superuser=data.get("is_superuser", False),
            password=hashed,
        )
        user.save()
        users[user.username] = user
        counts["users"] += 1

    with_profile = set(Profile.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    Profile.objects.bulk_create(
        Profile(user=users[data["username"]], role=data["role"])
        for data in USERS
        if users[data["username"]].pk not in with_profile
    )

    existing = set(Membership.objects.filter(user__in=users.values()).values_list("user_id", "team_id"))
    memberships = [
        Membership(user=users[data["username"]], team=teams[slug])
        for data in USERS
        for slug in data["teams"]
        if (users[data["username"]].pk, teams[slug].pk) not in existing
    ]
    Membership.objects.bulk_create(memberships)
    counts["memberships"] += len(memberships)
    return users


def _load_services(teams: dict[str, Team], counts: dict[str, int]) -> dict[str, Service]:
    services = {s.slug: s for s in Service.objects.filter(slug__in=[s["slug"] for s in SERVICES])}
    missing = [
        Service(**{**data, "team": teams[data["team"]], "description": prose(data["description"])})
        for data in SERVICES
        if data["slug"] not in services
    ]
    for service in Service.objects.bulk_create(missing):
        services[service.slug] = service
    counts["services"] += len(missing)
    return services


def _load_dependencies(services: dict[str, Service], counts: dict[str, int]) -> None:
    existing = set(Dependency.objects.filter(source__in=services.values()).values_list("source_id", "target_id"))
    missing = [
        Dependency(source=services[source], target=services[target], kind=kind, notes=notes)
        for source, target, kind, notes in DEPENDENCIES
        if (services[source].pk, services[target].pk) not in existing
    ]
    Dependency.objects.bulk_create(missing)
    counts["dependencies"] += len(missing)


def _load_assumptions(
    services: dict[str, Service], teams: dict[str, Team], users: dict[str, Any], counts: dict[str, int]
) -> tuple[dict[str, Assumption], list[tuple[Assumption, dict]]]:
    """Assumptions by their data ref; new ones get their status from the last entry of their history."""
    by_statement = {
        a.statement: a for a in Assumption.objects.filter(statement__in=[a["statement"] for a in ASSUMPTIONS])
    }
    assumptions: dict[str, Assumption] = {}
    created: list[tuple[Assumption, dict]] = []
    for data in ASSUMPTIONS:
        assumption = by_statement.get(data["statement"])
        if assumption is None:
            validated = data.get("last_validated_at")
            assumption = Assumption.objects.create(
                statement=data["statement"],
                kind=data["kind"],
                service=services.get(data.get("service")),
                owner_team=teams[data["owner_team"]],
                where_encoded=data.get("where_encoded", ""),
                status=data["history"][-1][1],
                last_validated_at=date.fromisoformat(validated) if validated else None,
                validation_method=data.get("validation_method", ""),
                created_by=users["demo"],
            )
            # auto_now_add stamps today; the register should look as old as its first history entry.
            Assumption.objects.filter(pk=assumption.pk).update(created_at=_noon(data["history"][0][0], LONDON))
            created.append((assumption, data))
        assumptions[data["ref"]] = assumption

    through = Assumption.relied_on_by.through
    through.objects.bulk_create(
        through(assumption_id=assumption.pk, service_id=services[slug].pk)
        for assumption, data in created
        for slug in data.get("relied_on_by", ())
    )
    for assumption, data in created:
        if data.get("superseded_by"):
            assumption.superseded_by = assumptions[data["superseded_by"]]
            assumption.save(update_fields=["superseded_by"])
    counts["assumptions"] += len(created)
    return assumptions, created


def _load_assumption_history(
    created: list[tuple[Assumption, dict]], users: dict[str, Any], counts: dict[str, int]
) -> None:
    keys = {entry[3] for _, data in created for entry in data["history"] if entry[3]}
    postmortems = dict(Postmortem.objects.filter(key__in=keys).values_list("key", "pk"))
    changes = []
    for assumption, data in created:
        previous = ""
        for day, status, reason, key, username in data["history"]:
            changes.append(
                AssumptionStatusChange(
                    assumption=assumption,
                    from_status=previous,
                    to_status=status,
                    changed_by=users[username],
                    changed_at=_noon(day, LONDON),
                    reason=prose(reason),
                    postmortem_id=postmortems.get(key),
                )
            )
            previous = status
    AssumptionStatusChange.objects.bulk_create(changes)
    counts["assumption_status_changes"] += len(changes)


def _load_postmortems(
    users: dict[str, Any],
    teams: dict[str, Team],
    services: dict[str, Service],
    assumptions: dict[str, Assumption],
    counts: dict[str, int],
) -> None:
    """Create each missing postmortem, then all of their children in a few bulk inserts."""
    existing = set(Postmortem.objects.filter(key__in=[p["key"] for p in POSTMORTEMS]).values_list("key", flat=True))
    children = _Children(
        users=users,
        teams=teams,
        services=services,
        assumptions=assumptions,
        factors={factor.slug: factor for factor in Factor.objects.all()},
    )
    for data in POSTMORTEMS:
        if data["key"] not in existing:
            children.add(_create_postmortem(data, users, teams, services), data)
            counts["postmortems"] += 1
    children.save(counts)


@dataclass
class _Children:
    """Timeline events, factors, action items, evidence and comments of new postmortems, saved in bulk."""

    users: dict[str, Any]
    teams: dict[str, Team]
    services: dict[str, Service]
    assumptions: dict[str, Assumption]
    factors: dict[str, Factor]
    events: list[TimelineEvent] = field(default_factory=list)
    tags: list[tuple[ContributingFactor, list[str]]] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    evidence: list[AssumptionEvidence] = field(default_factory=list)
    comments: list[tuple[ReviewComment, datetime]] = field(default_factory=list)

    def add(self, postmortem: Postmortem, data: dict) -> None:
        zone = ZoneInfo(postmortem.timezone)
        day = postmortem.started_at.astimezone(zone).date()
        for when, kind, text, actor, why in data.get("timeline", ()):
            self.events.append(
                TimelineEvent(
                    postmortem=postmortem,
                    occurred_at=_when(when, zone, day),
                    kind=kind,
                    text=prose(text),
                    actor=actor,
                    why_it_made_sense=prose(why),
                )
            )
        for position, item in enumerate(data["factors"]):
            self.tags.append((self._factor(postmortem, item, position), item.get("services", [])))
        self.actions += [self._action_item(postmortem, item, zone) for item in data.get("actions", ())]
        self.evidence += [
            AssumptionEvidence(
                assumption=self.assumptions[ref], postmortem=postmortem, evidence_type=kind, excerpt=prose(text)
            )
            for ref, kind, text in data.get("evidence", ())
        ]
        written = _noon(data["written"], zone)
        for number, item in enumerate(data.get("comments", ())):
            at = written + timedelta(days=1, hours=number)
            self.comments.append((self._review_comment(postmortem, item, at), at))

    def save(self, counts: dict[str, int]) -> None:
        TimelineEvent.objects.bulk_create(self.events)
        ContributingFactor.objects.bulk_create(tag for tag, _ in self.tags)
        through = ContributingFactor.services.through
        through.objects.bulk_create(
            through(contributingfactor_id=tag.pk, service_id=self.services[slug].pk)
            for tag, slugs in self.tags
            for slug in slugs
        )
        ActionItem.objects.bulk_create(self.actions)
        AssumptionEvidence.objects.bulk_create(self.evidence)
        ReviewComment.objects.bulk_create(comment for comment, _ in self.comments)
        # bulk_create stamps auto_now_add fields with today; the demo should read as written after each incident.
        _backdate_children({tag.postmortem_id for tag, _ in self.tags})
        for comment, at in self.comments:
            ReviewComment.objects.filter(pk=comment.pk).update(created_at=at)
        # The first revision was taken before these rows existed; take it again so that history starts complete.
        for postmortem in {row.postmortem for row in [*self.events, *self.actions, *(tag for tag, _ in self.tags)]}:
            Revision.objects.filter(postmortem=postmortem, version=1).update(snapshot=snapshot(postmortem))
        counts["timeline_events"] += len(self.events)
        counts["contributing_factors"] += len(self.tags)
        counts["action_items"] += len(self.actions)
        counts["assumption_evidence"] += len(self.evidence)
        counts["review_comments"] += len(self.comments)

    def _factor(self, postmortem: Postmortem, item: dict, position: int) -> ContributingFactor:
        narrative, why = prose(item["narrative"]), prose(item["why"])
        # bulk_create skips save(), which is where the HTML twins are normally rendered.
        return ContributingFactor(
            postmortem=postmortem,
            factor=self.factors[item["factor"]],
            role=item["role"],
            narrative=narrative,
            narrative_html=render_markdown(narrative),
            why_it_made_sense=why,
            why_it_made_sense_html=render_markdown(why),
            assumption=self.assumptions[item["assumption"]] if item.get("assumption") else None,
            position=position,
            created_by=postmortem.created_by,
        )

    def _action_item(self, postmortem: Postmortem, item: dict, zone: ZoneInfo) -> ActionItem:
        return ActionItem(
            postmortem=postmortem,
            title=item["title"],
            kind=item["kind"],
            owner=self.users.get(item.get("owner")),
            team=self.teams.get(item.get("team")),
            status=item.get("status", "open"),
            due_date=date.fromisoformat(item["due"]) if item.get("due") else None,
            tracker_url=item.get("tracker_url", ""),
            done_at=_noon(item.get("done"), zone),
        )

    def _review_comment(self, postmortem: Postmortem, item: tuple, at: datetime) -> ReviewComment:
        username, section, body, resolved_by = item
        body = prose(body)
        return ReviewComment(
            postmortem=postmortem,
            author=self.users[username],
            section=section,
            body=body,
            body_html=render_markdown(body),
            resolved_by=self.users[resolved_by] if resolved_by else None,
            resolved_at=at + timedelta(days=1) if resolved_by else None,
        )


def _backdate_children(postmortem_ids: set[int]) -> None:
    """Give new factors, action items and evidence their postmortem's creation time instead of today's."""
    written = Subquery(Postmortem.objects.filter(pk=OuterRef("postmortem_id")).values("created_at")[:1])
    for model in (ContributingFactor, ActionItem, AssumptionEvidence):
        model.objects.filter(postmortem_id__in=postmortem_ids).update(created_at=written)


def _create_postmortem(
    data: dict, users: dict[str, Any], teams: dict[str, Team], services: dict[str, Service]
) -> Postmortem:
    """The postmortem itself through the authoring service, then dated as if written after the incident."""
    zone = ZoneInfo(data.get("timezone", "Europe/London"))
    started = _when(data["started"], zone)
    day = started.date()
    times = {
        f"{name}_at": _when(data[name], zone, day) if data.get(name) else None
        for name in ("detected", "mitigated", "resolved")
    }
    restricted_to = data.get("restricted_to", ())
    postmortem = create_postmortem(
        created_by=users[data["authors"][0]],
        title=data["title"],
        key=data["key"],
        authors=[users[name] for name in data["authors"]],
        services=[(services[slug], role) for slug, role in data.get("services", ())],
        allowed_teams=[teams[slug] for slug in restricted_to],
        kind=data.get("kind", "incident"),
        severity=data.get("severity"),
        status=data.get("status", Status.PUBLISHED),
        started_at=started,
        timezone=str(zone),
        source_url=data.get("source_url", ""),
        in_library=data.get("in_library", False),
        restricted=bool(restricted_to),
        **times,
        **{name: prose(data.get(name, "")) for name in MARKDOWN_FIELDS},
    )
    if data.get("reviewers"):
        postmortem.reviewers.set([users[name] for name in data["reviewers"]])
    # Backdate: the demo should read as written days after each incident, not all on the day it was loaded.
    written = _noon(data["written"], zone)
    published = _noon(data.get("published"), zone) if postmortem.status == Status.PUBLISHED else None
    Postmortem.objects.filter(pk=postmortem.pk).update(
        created_at=written, updated_at=published or written, published_at=published
    )
    Revision.objects.filter(postmortem=postmortem).update(created_at=written)
    return postmortem
