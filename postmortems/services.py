"""Writes with side effects: every interface (pages, API, commands, tasks) goes through these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from postmortems.models import (
    MARKDOWN_FIELDS,
    Postmortem,
    PostmortemService,
    Revision,
    Service,
    Status,
)

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
    return postmortem
