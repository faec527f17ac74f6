"""Writes with side effects: every interface (pages, API, commands, tasks) goes through these."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from postmortems.assumption_services import create_assumption, link_assumption_to_postmortem
from postmortems.models import (
    MARKDOWN_FIELDS,
    ActionItem,
    ActionStatus,
    ContributingFactor,
    Postmortem,
    PostmortemService,
    ReviewComment,
    Revision,
    Service,
    Status,
    TimelineEvent,
)
from postmortems.search.index import reindex_on_commit

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title",
    "kind",
    "severity",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "timezone",
    *MARKDOWN_FIELDS,
    "source_url",
    "in_library",
    "restricted",
    "metadata",
)


class EditConflict(Exception):
    """Someone else saved the postmortem since this edit began; nothing was written."""

    def __init__(self, postmortem: Postmortem):
        self.current = postmortem
        super().__init__(f"{postmortem.key} was changed by someone else (now version {postmortem.version})")


def next_postmortem_key(year: int) -> str:
    """The next free key for a year: PM-2026-001, PM-2026-002, ..."""
    prefix = f"PM-{year}-"
    numbers = [
        int(key.removeprefix(prefix))
        for key in Postmortem.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def snapshot_value(value: Any) -> Any:
    """A field value as plain JSON: times in UTC ISO 8601 (whatever zone they were entered in), dates ISO."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def timeline_event_snapshot(
    *, occurred_at: datetime, kind: str, text: str, actor: str, why_it_made_sense: str
) -> dict[str, Any]:
    """One timeline event in a revision (no id: revisions compare what was written, not row numbers)."""
    return {
        "occurred_at": snapshot_value(occurred_at),
        "kind": kind,
        "text": text,
        "actor": actor,
        "why_it_made_sense": why_it_made_sense,
    }


def contributing_factor_snapshot(
    *,
    factor: str | None,
    role: str,
    narrative: str,
    why_it_made_sense: str,
    services: Iterable[str],
    assumption: str | None,
    timeline_event: datetime | None,
) -> dict[str, Any]:
    """One contributing factor in a revision: factor slug, service slugs, the assumption's statement, the
    time of the timeline event it concerns."""
    return {
        "factor": factor,
        "role": role,
        "narrative": narrative,
        "why_it_made_sense": why_it_made_sense,
        "services": sorted(services),
        "assumption": assumption,
        "timeline_event": snapshot_value(timeline_event),
    }


def action_item_snapshot(
    *,
    title: str,
    kind: str,
    owner: str | None,
    team: str | None,
    status: str,
    due_date: date | None,
    tracker_url: str,
) -> dict[str, Any]:
    """One action item in a revision: owner by username, team by slug."""
    return {
        "title": title,
        "kind": kind,
        "owner": owner,
        "team": team,
        "status": status,
        "due_date": snapshot_value(due_date),
        "tracker_url": tracker_url,
    }


def _event_entry(event: TimelineEvent) -> dict[str, Any]:
    return timeline_event_snapshot(**{name: getattr(event, name) for name in TIMELINE_EVENT_FIELDS})


def _factor_entry(tag: ContributingFactor) -> dict[str, Any]:
    """Reads tag.factor, tag.assumption, tag.timeline_event and tag.services: join or prefetch them."""
    return contributing_factor_snapshot(
        factor=tag.factor.slug if tag.factor_id else None,
        role=tag.role,
        narrative=tag.narrative,
        why_it_made_sense=tag.why_it_made_sense,
        services=[service.slug for service in tag.services.all()],
        assumption=tag.assumption.statement if tag.assumption_id else None,
        timeline_event=tag.timeline_event.occurred_at if tag.timeline_event_id else None,
    )


def _action_entry(item: ActionItem) -> dict[str, Any]:
    """Reads item.owner and item.team: join them."""
    return action_item_snapshot(
        title=item.title,
        kind=item.kind,
        owner=item.owner.get_username() if item.owner_id else None,
        team=item.team.slug if item.team_id else None,
        status=item.status,
        due_date=item.due_date,
        tracker_url=item.tracker_url,
    )


def _factors_for_snapshot(queryset):
    return queryset.select_related("factor", "assumption", "timeline_event").prefetch_related("services")


def snapshot(postmortem: Postmortem) -> dict[str, Any]:
    """The editable state of a postmortem as plain JSON, for revisions and comparisons.

    Document fields by name, then services, authors and allowed teams, then the timeline, contributing
    factors and action items as lists in the order the detail page shows them. Read fresh from the
    database (seven queries), never from prefetched rows that the save may have changed.
    """
    data: dict[str, Any] = {
        "key": postmortem.key,
        "status": postmortem.status,
        "version": postmortem.version,
    }
    for name in EDITABLE_FIELDS:
        data[name] = snapshot_value(getattr(postmortem, name))
    data["services"] = sorted(
        f"{link.service.slug}:{link.role}" for link in postmortem.service_links.select_related("service")
    )
    data["authors"] = sorted(postmortem.authors.values_list("username", flat=True))
    data["allowed_teams"] = sorted(postmortem.allowed_teams.values_list("slug", flat=True))
    events = TimelineEvent.objects.filter(postmortem_id=postmortem.pk).order_by("occurred_at", "id")
    data["timeline"] = [_event_entry(event) for event in events]
    tags = _factors_for_snapshot(ContributingFactor.objects.filter(postmortem_id=postmortem.pk))
    data["contributing_factors"] = [_factor_entry(tag) for tag in tags.order_by("position", "id")]
    items = ActionItem.objects.filter(postmortem_id=postmortem.pk).select_related("owner", "team")
    data["action_items"] = [_action_entry(item) for item in items.order_by("created_at", "id")]
    return data


def row_fingerprint(row: TimelineEvent | ContributingFactor | ActionItem) -> str:
    """A short digest of what a child row says, so an edit can tell whether the row changed since it was loaded."""
    if isinstance(row, TimelineEvent):
        entry = _event_entry(row)
    elif isinstance(row, ContributingFactor):
        entry = _factor_entry(row)
    else:
        entry = _action_entry(row)
    return hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()[:16]


def _record_revision(postmortem: Postmortem, author: AbstractBaseUser | None) -> Revision:
    return Revision.objects.create(
        postmortem=postmortem,
        version=postmortem.version,
        author=author,
        snapshot=snapshot(postmortem),
    )


def _set_services(postmortem: Postmortem, services: Iterable[tuple[Service, str]]) -> None:
    PostmortemService.objects.filter(postmortem=postmortem).delete()
    PostmortemService.objects.bulk_create(
        PostmortemService(postmortem=postmortem, service=service, role=role) for service, role in services
    )


def create_postmortem(
    *,
    created_by: AbstractBaseUser | None,
    title: str,
    key: str | None = None,
    authors: Iterable[AbstractBaseUser] = (),
    services: Iterable[tuple[Service, str]] = (),
    allowed_teams: Iterable = (),
    **fields: Any,
) -> Postmortem:
    """Create a draft (or imported) postmortem with a fresh key and its first revision."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"status"}
    if unknown:
        raise TypeError(f"unknown postmortem fields: {', '.join(sorted(unknown))}")
    year = (fields.get("started_at") or timezone.now()).year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                postmortem = Postmortem(
                    key=key or next_postmortem_key(year),
                    title=title,
                    created_by=created_by,
                )
                for name, value in fields.items():
                    setattr(postmortem, name, value)
                if postmortem.status == Status.PUBLISHED:
                    postmortem.published_at = timezone.now()
                postmortem.save()
                postmortem.authors.set(list(authors) or ([created_by] if created_by else []))
                postmortem.allowed_teams.set(list(allowed_teams))
                _set_services(postmortem, services)
                _record_revision(postmortem, created_by)
                reindex_on_commit([postmortem.pk])
                return postmortem
        except IntegrityError:
            if key is not None or Postmortem.objects.filter(key=postmortem.key).count() == 0:
                raise
            # Another writer took the same key between reading and inserting: take the next one.
    raise IntegrityError("could not allocate a postmortem key after 5 attempts")


def update_postmortem(
    *,
    postmortem: Postmortem,
    expected_version: int,
    changed_by: AbstractBaseUser | None,
    services: Iterable[tuple[Service, str]] | None = None,
    authors: Iterable[AbstractBaseUser] | None = None,
    allowed_teams: Iterable | None = None,
    **fields: Any,
) -> Postmortem:
    """Save an edit made from `expected_version`; raise EditConflict if someone saved in between."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown postmortem fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        # The conditional UPDATE is the lock: only one writer can move the version on from expected_version.
        bumped = Postmortem.objects.filter(pk=postmortem.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if not bumped:
            raise EditConflict(Postmortem.objects.get(pk=postmortem.pk))
        postmortem.refresh_from_db(fields=["version"])
        for name, value in fields.items():
            setattr(postmortem, name, value)
        postmortem.save()
        if services is not None:
            _set_services(postmortem, services)
        if authors is not None:
            postmortem.authors.set(list(authors))
        if allowed_teams is not None:
            postmortem.allowed_teams.set(list(allowed_teams))
        _record_revision(postmortem, changed_by)
        reindex_on_commit([postmortem.pk])
    return postmortem


def change_status(*, postmortem: Postmortem, status: str, changed_by: AbstractBaseUser | None, **columns: Any) -> bool:
    """Move a postmortem to `status` like any other save: the version moves on and a revision is recorded.

    Returns False, writing nothing, when it already has that status. The caller holds the transaction.
    """
    moved = (
        Postmortem.objects.filter(pk=postmortem.pk)
        .exclude(status=status)
        .update(status=status, version=F("version") + 1, updated_at=timezone.now(), **columns)
    )
    if moved:
        postmortem.refresh_from_db()
        _record_revision(postmortem, changed_by)
        reindex_on_commit([postmortem.pk])  # status is a search facet
    return bool(moved)


def publish_postmortem(*, postmortem: Postmortem, published_by: AbstractBaseUser | None) -> Postmortem:
    """Publish a postmortem; publishing again is a no-op."""
    with transaction.atomic():
        published = change_status(
            postmortem=postmortem, status=Status.PUBLISHED, changed_by=published_by, published_at=timezone.now()
        )
        if published:
            _refresh_patterns_on_commit()
    return postmortem


def _refresh_patterns_on_commit() -> None:
    """Ask for fresh pattern figures once the publication is committed (pages count it live until then)."""
    from postmortems.tasks import enqueue_pattern_refresh  # tasks import modules that import this one

    transaction.on_commit(enqueue_pattern_refresh)


def delete_postmortem(*, postmortem: Postmortem, deleted_by: AbstractBaseUser | None) -> None:
    """Delete a postmortem with its timeline, factors, action items, comments and revisions."""
    with transaction.atomic():
        _log_write("deleted", postmortem, deleted_by)
        was_published = postmortem.status == Status.PUBLISHED
        postmortem.delete()
        if was_published:
            _refresh_patterns_on_commit()  # a deletion leaves no trace to count live


# ---------------------------------------------------------------------------------------------------------
# What hangs off a postmortem: timeline events, contributing factors, action items, review comments.
#
# A write of a timeline event, contributing factor or action item is a save of the postmortem: it moves the
# version on by one and records a revision, as an edit of the text does. The version moves first in each
# transaction, and that UPDATE's row lock makes writers of one postmortem take turns, so every revision sees
# the one before it. These writes take no expected version (one person adds events while another edits the
# narrative); instead an edit or deletion of a row may say what the row looked like when it was loaded
# (`loaded`, from row_fingerprint) and is then refused with RowChanged if someone changed it since, and with
# RowGone if someone deleted it. Review comments are talk about the document, not part of it: no version.

TIMELINE_EVENT_FIELDS = ("occurred_at", "kind", "text", "actor", "why_it_made_sense")
CONTRIBUTING_FACTOR_FIELDS = (
    "factor",
    "role",
    "narrative",
    "why_it_made_sense",
    "assumption",
    "timeline_event",
    "position",
)
ACTION_ITEM_FIELDS = ("title", "kind", "owner", "team", "status", "due_date", "tracker_url")
REVIEW_COMMENT_FIELDS = ("section", "body")


class RowGone(ObjectDoesNotExist):
    """The row (or its postmortem) was deleted before this write; nothing was written."""


class RowChanged(Exception):
    """The row changed since it was loaded; nothing was written. `current` is the row as it is now."""

    def __init__(self, current: TimelineEvent | ContributingFactor | ActionItem):
        self.current = current
        super().__init__(f"{type(current).__name__} {current.pk} was changed by someone else")


def _check_fields(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {', '.join(sorted(unknown))}")


def _begin_save(postmortem_id: int) -> Postmortem:
    """Move the postmortem on one version and read it back; the row stays locked until the transaction ends."""
    moved = Postmortem.objects.filter(pk=postmortem_id).update(version=F("version") + 1, updated_at=timezone.now())
    if not moved:
        raise RowGone(f"postmortem {postmortem_id} no longer exists")
    return Postmortem.objects.get(pk=postmortem_id)


def _finish_save(postmortem: Postmortem, user: AbstractBaseUser | None) -> None:
    _record_revision(postmortem, user)
    # Timeline, factors and action items are part of the search document: refresh it once this commits.
    reindex_on_commit([postmortem.pk])


def _keep_up(postmortem: Postmortem, fresh: Postmortem) -> None:
    """The caller's copy of the postmortem learns its new version, so its next save does not conflict."""
    postmortem.version = fresh.version
    postmortem.updated_at = fresh.updated_at


def _current_row(queryset: Any, pk: int, loaded: str | None) -> Any:
    """The row as it is now (read under the postmortem's lock); refuse if it is gone or changed since `loaded`."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise RowGone(f"{queryset.model.__name__} {pk} no longer exists")
    if loaded is not None and row_fingerprint(row) != loaded:
        raise RowChanged(row)
    return row


def _log_write(action: str, row: Any, user: AbstractBaseUser | None) -> None:
    logger.info(
        "%s %s %s", action, type(row).__name__, row.pk, extra={"user_id": getattr(user, "pk", None), "row_id": row.pk}
    )


def add_timeline_event(
    *, postmortem: Postmortem, added_by: AbstractBaseUser | None, occurred_at: datetime, text: str, **fields: Any
) -> TimelineEvent:
    """Add one event to a postmortem's timeline."""
    _check_fields(fields, TIMELINE_EVENT_FIELDS, "timeline event")
    with transaction.atomic():
        fresh = _begin_save(postmortem.pk)
        event = TimelineEvent.objects.create(postmortem=fresh, occurred_at=occurred_at, text=text, **fields)
        _finish_save(fresh, added_by)
    _keep_up(postmortem, fresh)
    _log_write("added", event, added_by)
    return event


def add_timeline_events(
    *, postmortem: Postmortem, added_by: AbstractBaseUser | None, events: Iterable[dict[str, Any]]
) -> list[TimelineEvent]:
    """Add several events at once (a pasted block): all or none, as one save with one revision."""
    rows = []
    for fields in events:
        _check_fields(fields, TIMELINE_EVENT_FIELDS, "timeline event")
        rows.append(TimelineEvent(postmortem_id=postmortem.pk, **fields))
    if not rows:
        return []
    with transaction.atomic():
        fresh = _begin_save(postmortem.pk)
        created = TimelineEvent.objects.bulk_create(rows)
        _finish_save(fresh, added_by)
    _keep_up(postmortem, fresh)
    logger.info("added %d timeline events to %s", len(created), postmortem.key, extra={"row_id": postmortem.pk})
    return created


def update_timeline_event(
    *, event: TimelineEvent, changed_by: AbstractBaseUser | None, loaded: str | None = None, **fields: Any
) -> TimelineEvent:
    """Change an event; RowGone if it was deleted, RowChanged if `loaded` is given and it changed since."""
    _check_fields(fields, TIMELINE_EVENT_FIELDS, "timeline event")
    with transaction.atomic():
        fresh = _begin_save(event.postmortem_id)
        current = _current_row(TimelineEvent.objects, event.pk, loaded)
        for name, value in fields.items():
            setattr(current, name, value)
        current.save()
        _finish_save(fresh, changed_by)
    current.postmortem = fresh
    _log_write("changed", current, changed_by)
    return current


def delete_timeline_event(
    *, event: TimelineEvent, deleted_by: AbstractBaseUser | None, loaded: str | None = None
) -> None:
    """Remove an event; contributing factors that pointed at it keep their story and lose only the link."""
    with transaction.atomic():
        fresh = _begin_save(event.postmortem_id)
        current = _current_row(TimelineEvent.objects, event.pk, loaded)
        _log_write("deleted", current, deleted_by)
        current.delete()
        _finish_save(fresh, deleted_by)


def _validate_contributing_factor(tag: ContributingFactor) -> None:
    errors: dict[str, str] = {}
    if tag.factor_id is not None and not tag.role:
        errors["role"] = "A classified contributing factor needs a role."
    if tag.role and tag.factor_id is None:
        errors["factor"] = "Choose a factor for a contributing factor with a role."
    if tag.timeline_event_id is not None and tag.timeline_event.postmortem_id != tag.postmortem_id:
        errors["timeline_event"] = "The timeline event belongs to another postmortem."
    if errors:
        raise ValidationError(errors)


def _attach_assumption(
    fields: dict[str, Any], user: AbstractBaseUser | None, new_assumption: dict[str, Any] | None
) -> None:
    """Record a new assumption in place, for the factor to point at."""
    if new_assumption is not None:
        fields["assumption"] = create_assumption(created_by=user, **new_assumption)


def _record_evidence(
    tag: ContributingFactor, postmortem: Postmortem, user: AbstractBaseUser | None, evidence_type: str | None
) -> None:
    """What the postmortem showed about the factor's assumption (a violated one moves to violated)."""
    if evidence_type and tag.assumption_id is not None:
        link_assumption_to_postmortem(
            assumption=tag.assumption, postmortem=postmortem, evidence_type=evidence_type, linked_by=user
        )


def add_contributing_factor(
    *,
    postmortem: Postmortem,
    added_by: AbstractBaseUser | None,
    services: Iterable[Service] = (),
    new_assumption: dict[str, Any] | None = None,
    evidence_type: str | None = None,
    **fields: Any,
) -> ContributingFactor:
    """Tag a postmortem with a contributing factor, its role and its second story.

    `new_assumption` (keyword arguments of create_assumption) records the assumption the factor revealed in
    the same transaction; with `evidence_type`, the postmortem is linked to the factor's assumption as evidence.
    """
    _check_fields(fields, CONTRIBUTING_FACTOR_FIELDS, "contributing factor")
    factor = fields.get("factor")
    if factor is not None and not factor.is_active:
        raise ValidationError({"factor": f"{factor.slug} is retired; choose an active factor."})
    with transaction.atomic():
        fresh = _begin_save(postmortem.pk)
        _attach_assumption(fields, added_by, new_assumption)
        tag = ContributingFactor(postmortem=fresh, created_by=added_by, **fields)
        if "position" not in fields:
            tag.position = ContributingFactor.objects.filter(postmortem_id=fresh.pk).count()
        _validate_contributing_factor(tag)
        tag.save()
        tag.services.set(list(services))
        _record_evidence(tag, fresh, added_by, evidence_type)
        _finish_save(fresh, added_by)
    _keep_up(postmortem, fresh)
    _log_write("added", tag, added_by)
    return tag


def update_contributing_factor(
    *,
    tag: ContributingFactor,
    changed_by: AbstractBaseUser | None,
    services: Iterable[Service] | None = None,
    loaded: str | None = None,
    new_assumption: dict[str, Any] | None = None,
    evidence_type: str | None = None,
    **fields: Any,
) -> ContributingFactor:
    """Change a contributing factor; RowGone if it was deleted, RowChanged if `loaded` is given and it changed.

    A new assumption and evidence work as in add_contributing_factor; the evidence of an assumption the factor
    no longer points at stays, since it records what the postmortem showed.
    """
    _check_fields(fields, CONTRIBUTING_FACTOR_FIELDS, "contributing factor")
    factor = fields.get("factor")
    if factor is not None and factor.pk != tag.factor_id and not factor.is_active:
        raise ValidationError({"factor": f"{factor.slug} is retired; choose an active factor."})
    with transaction.atomic():
        fresh = _begin_save(tag.postmortem_id)
        current = _current_row(_factors_for_snapshot(ContributingFactor.objects), tag.pk, loaded)
        _attach_assumption(fields, changed_by, new_assumption)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate_contributing_factor(current)
        current.save()
        if services is not None:
            current.services.set(list(services))
        _record_evidence(current, fresh, changed_by, evidence_type)
        _finish_save(fresh, changed_by)
    current.postmortem = fresh
    _log_write("changed", current, changed_by)
    return current


def delete_contributing_factor(
    *, tag: ContributingFactor, deleted_by: AbstractBaseUser | None, loaded: str | None = None
) -> None:
    with transaction.atomic():
        fresh = _begin_save(tag.postmortem_id)
        current = _current_row(_factors_for_snapshot(ContributingFactor.objects), tag.pk, loaded)
        _log_write("deleted", current, deleted_by)
        current.delete()
        _finish_save(fresh, deleted_by)


def _sync_done_at(item: ActionItem) -> None:
    """done_at records when an item became done; it goes away if the item is reopened."""
    if item.status == ActionStatus.DONE and item.done_at is None:
        item.done_at = timezone.now()
    elif item.status != ActionStatus.DONE:
        item.done_at = None


def add_action_item(
    *, postmortem: Postmortem, added_by: AbstractBaseUser | None, title: str, **fields: Any
) -> ActionItem:
    """Record something to do about what the incident showed."""
    _check_fields(fields, ACTION_ITEM_FIELDS, "action item")
    with transaction.atomic():
        fresh = _begin_save(postmortem.pk)
        item = ActionItem(postmortem=fresh, title=title, **fields)
        _sync_done_at(item)
        item.save()
        _finish_save(fresh, added_by)
    _keep_up(postmortem, fresh)
    _log_write("added", item, added_by)
    return item


def update_action_item(
    *, item: ActionItem, changed_by: AbstractBaseUser | None, loaded: str | None = None, **fields: Any
) -> ActionItem:
    """Change an action item; RowGone if it was deleted, RowChanged if `loaded` is given and it changed since."""
    _check_fields(fields, ACTION_ITEM_FIELDS, "action item")
    with transaction.atomic():
        fresh = _begin_save(item.postmortem_id)
        current = _current_row(ActionItem.objects.select_related("owner", "team"), item.pk, loaded)
        for name, value in fields.items():
            setattr(current, name, value)
        _sync_done_at(current)
        current.save()
        _finish_save(fresh, changed_by)
    current.postmortem = fresh
    _log_write("changed", current, changed_by)
    return current


def delete_action_item(*, item: ActionItem, deleted_by: AbstractBaseUser | None, loaded: str | None = None) -> None:
    with transaction.atomic():
        fresh = _begin_save(item.postmortem_id)
        current = _current_row(ActionItem.objects.select_related("owner", "team"), item.pk, loaded)
        _log_write("deleted", current, deleted_by)
        current.delete()
        _finish_save(fresh, deleted_by)


def add_review_comment(
    *, postmortem: Postmortem, author: AbstractBaseUser, body: str, section: str = ""
) -> ReviewComment:
    """A reviewer's remark on a postmortem."""
    if not body.strip():
        raise ValidationError({"body": "A comment needs some text."})
    comment = ReviewComment.objects.create(postmortem=postmortem, author=author, body=body, section=section)
    _log_write("added", comment, author)
    return comment


def update_review_comment(*, comment: ReviewComment, changed_by: AbstractBaseUser, **fields: Any) -> ReviewComment:
    _check_fields(fields, REVIEW_COMMENT_FIELDS, "review comment")
    if "body" in fields and not fields["body"].strip():
        raise ValidationError({"body": "A comment needs some text."})
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.save()
    _log_write("changed", comment, changed_by)
    return comment


def resolve_review_comment(*, comment: ReviewComment, resolved_by: AbstractBaseUser) -> ReviewComment:
    """Mark a comment as dealt with; resolving it again keeps the first resolution."""
    ReviewComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=resolved_by
    )
    comment.refresh_from_db(fields=["resolved_at", "resolved_by"])
    _log_write("resolved", comment, resolved_by)
    return comment


def reopen_review_comment(*, comment: ReviewComment, reopened_by: AbstractBaseUser) -> ReviewComment:
    ReviewComment.objects.filter(pk=comment.pk).update(resolved_at=None, resolved_by=None)
    comment.refresh_from_db(fields=["resolved_at", "resolved_by"])
    _log_write("reopened", comment, reopened_by)
    return comment


def delete_review_comment(*, comment: ReviewComment, deleted_by: AbstractBaseUser) -> None:
    _log_write("deleted", comment, deleted_by)
    comment.delete()
