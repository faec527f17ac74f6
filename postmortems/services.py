"""Writes with side effects: every interface (pages, API, commands, tasks) goes through these."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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


def snapshot(postmortem: Postmortem) -> dict[str, Any]:
    """The editable state of a postmortem as plain JSON, for revisions and comparisons."""
    data: dict[str, Any] = {
        "key": postmortem.key,
        "status": postmortem.status,
        "version": postmortem.version,
    }
    for name in EDITABLE_FIELDS:
        value = getattr(postmortem, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    data["services"] = sorted(
        f"{link.service.slug}:{link.role}" for link in postmortem.service_links.select_related("service")
    )
    data["authors"] = sorted(postmortem.authors.values_list("username", flat=True))
    data["allowed_teams"] = sorted(postmortem.allowed_teams.values_list("slug", flat=True))
    return data


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


def publish_postmortem(*, postmortem: Postmortem, published_by: AbstractBaseUser | None) -> Postmortem:
    """Publish a postmortem; publishing again is a no-op."""
    with transaction.atomic():
        updated = Postmortem.objects.filter(pk=postmortem.pk).exclude(status=Status.PUBLISHED)
        if updated.update(
            status=Status.PUBLISHED,
            published_at=timezone.now(),
            version=F("version") + 1,
        ):
            postmortem.refresh_from_db()
            _record_revision(postmortem, published_by)
            reindex_on_commit([postmortem.pk])
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
# These rows are edited one at a time, so they do not take the postmortem's version; they do move its
# updated_at, so "recently changed" stays true.

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


def _check_fields(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {', '.join(sorted(unknown))}")


def _touch(postmortem: Postmortem) -> None:
    Postmortem.objects.filter(pk=postmortem.pk).update(updated_at=timezone.now())
    # Timeline, factors and action items are part of the search document: refresh it once this commits.
    reindex_on_commit([postmortem.pk])


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
        event = TimelineEvent.objects.create(postmortem=postmortem, occurred_at=occurred_at, text=text, **fields)
        _touch(postmortem)
    _log_write("added", event, added_by)
    return event


def update_timeline_event(*, event: TimelineEvent, changed_by: AbstractBaseUser | None, **fields: Any) -> TimelineEvent:
    _check_fields(fields, TIMELINE_EVENT_FIELDS, "timeline event")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        _touch(event.postmortem)
    _log_write("changed", event, changed_by)
    return event


def delete_timeline_event(*, event: TimelineEvent, deleted_by: AbstractBaseUser | None) -> None:
    """Remove an event; contributing factors that pointed at it keep their story and lose only the link."""
    with transaction.atomic():
        _log_write("deleted", event, deleted_by)
        event.delete()
        _touch(event.postmortem)


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


def add_contributing_factor(
    *,
    postmortem: Postmortem,
    added_by: AbstractBaseUser | None,
    services: Iterable[Service] = (),
    **fields: Any,
) -> ContributingFactor:
    """Tag a postmortem with a contributing factor, its role and its second story."""
    _check_fields(fields, CONTRIBUTING_FACTOR_FIELDS, "contributing factor")
    factor = fields.get("factor")
    if factor is not None and not factor.is_active:
        raise ValidationError({"factor": f"{factor.slug} is retired; choose an active factor."})
    with transaction.atomic():
        tag = ContributingFactor(postmortem=postmortem, created_by=added_by, **fields)
        if "position" not in fields:
            tag.position = postmortem.contributing_factors.count()
        _validate_contributing_factor(tag)
        tag.save()
        tag.services.set(list(services))
        _touch(postmortem)
    _log_write("added", tag, added_by)
    return tag


def update_contributing_factor(
    *,
    tag: ContributingFactor,
    changed_by: AbstractBaseUser | None,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> ContributingFactor:
    _check_fields(fields, CONTRIBUTING_FACTOR_FIELDS, "contributing factor")
    factor = fields.get("factor")
    if factor is not None and factor.pk != tag.factor_id and not factor.is_active:
        raise ValidationError({"factor": f"{factor.slug} is retired; choose an active factor."})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(tag, name, value)
        _validate_contributing_factor(tag)
        tag.save()
        if services is not None:
            tag.services.set(list(services))
        _touch(tag.postmortem)
    _log_write("changed", tag, changed_by)
    return tag


def delete_contributing_factor(*, tag: ContributingFactor, deleted_by: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        _log_write("deleted", tag, deleted_by)
        tag.delete()
        _touch(tag.postmortem)


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
        item = ActionItem(postmortem=postmortem, title=title, **fields)
        _sync_done_at(item)
        item.save()
        _touch(postmortem)
    _log_write("added", item, added_by)
    return item


def update_action_item(*, item: ActionItem, changed_by: AbstractBaseUser | None, **fields: Any) -> ActionItem:
    _check_fields(fields, ACTION_ITEM_FIELDS, "action item")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(item, name, value)
        _sync_done_at(item)
        item.save()
        _touch(item.postmortem)
    _log_write("changed", item, changed_by)
    return item


def delete_action_item(*, item: ActionItem, deleted_by: AbstractBaseUser | None) -> None:
    with transaction.atomic():
        _log_write("deleted", item, deleted_by)
        item.delete()
        _touch(item.postmortem)


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
