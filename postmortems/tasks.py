"""Celery tasks. Each takes ids, holds the retry policy, and calls plain functions that do the work."""

from __future__ import annotations

import logging
from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from postmortems.models import Digest, Team
from postmortems.patterns.snapshot import refresh_snapshot
from postmortems.reading.delivery import deliver_digest_pass, run_team_digest
from postmortems.reading.schedule import due_team_weeks, stalled_digest_ids
from postmortems.reading.weeks import parse_iso_week, week_label
from postmortems.review_emails import send_change_requests, send_review_requests
from postmortems.search.tasks import reindex_postmortems_task  # noqa: F401 - registers the search task

logger = logging.getLogger(__name__)

# A database that is briefly away (failover, locked SQLite file) is worth waiting for; the work is idempotent.
_RETRY_POLICY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
# An email task also retries a mail server that fails; its work gives back what it could not send.
_MAIL_RETRY_POLICY = {**_RETRY_POLICY, "autoretry_for": (*_RETRY_POLICY["autoretry_for"], SMTPException, OSError)}


def _queue(task) -> str | None:
    """The queue the running task came from, so follow-up work stays with the same workers."""
    info = task.request.delivery_info or {}
    return info.get("routing_key")


def _schedule_next_pass(task, digest_id: int, when: datetime | None) -> None:
    # Eagerly run tasks (the embedded default) cannot wait; send_weekly_digest retries in process instead.
    if when is None or task.request.is_eager:
        return
    deliver_digest.apply_async((digest_id,), eta=max(when, timezone.now()), queue=_queue(task))


@shared_task(bind=True, **_RETRY_POLICY)
def send_due_digests(self) -> dict:
    """Beat's tick: start the weekly run of every team whose reading time has passed, and restart stalled ones."""
    now = timezone.now()
    runs = due_team_weeks(now)
    for team, week in runs:
        send_team_digest.apply_async((team.pk, week_label(week)), queue=_queue(self))
    stalled = stalled_digest_ids(now)
    for digest_id in stalled:
        deliver_digest.apply_async((digest_id,), queue=_queue(self))
    return {"teams": [team.slug for team, _ in runs], "stalled_digests": stalled}


@shared_task(bind=True, **_RETRY_POLICY)
def send_team_digest(self, team_id: int, week: str) -> dict:
    """One team's weekly run for `week` ('2026-W07'); running it twice sends nobody a second email."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        logger.warning("weekly digest for a team that no longer exists", extra={"team_id": team_id})
        return {}
    report = run_team_digest(team=team, week_start=parse_iso_week(week))
    _schedule_next_pass(self, report.digest.pk, report.passed.next_attempt_at)
    return {"digest": report.digest.pk, "sent": report.passed.sent, "retrying": report.passed.retrying}


@shared_task(bind=True, **_RETRY_POLICY)
def deliver_digest(self, digest_id: int) -> dict:
    """A sending pass over a digest's due rows: the retries, and the admin's "retry failed"."""
    digest = Digest.objects.select_related("team").filter(pk=digest_id).first()
    if digest is None:
        return {}
    report = deliver_digest_pass(digest=digest)
    _schedule_next_pass(self, digest.pk, report.next_attempt_at)
    return {"digest": digest.pk, "sent": report.sent, "retrying": report.retrying}


def _delay(task, *args, if_down: str, extra: dict | None = None) -> None:
    """Queue `task`; with the broker down, log `if_down` and return (each caller's work is picked up later)."""
    try:
        task.delay(*args)
    except BrokerError:
        logger.warning("broker unavailable; %s", if_down, extra=extra or {})


def enqueue_digest_pass(digest_id: int) -> None:
    """Queue a pass; with the broker down the rows stay pending and the next beat tick picks them up."""
    _delay(deliver_digest, digest_id, if_down="the next beat tick will send this digest", extra={"digest": digest_id})


@shared_task(bind=True, **_RETRY_POLICY)
def refresh_pattern_snapshot(self, requested_at: str | None = None) -> dict:
    """Rebuild the precomputed pattern figures; a no-op when a build newer than the request exists."""
    when = datetime.fromisoformat(requested_at) if requested_at else None
    snapshot = refresh_snapshot(requested_after=when)
    if snapshot is None:
        return {"skipped": True}
    return {"snapshot": snapshot.pk, "postmortems": snapshot.postmortem_count, "seconds": snapshot.build_seconds}


@shared_task(bind=True, **_MAIL_RETRY_POLICY)
def notify_reviewers(self, postmortem_id: int) -> dict:
    """Email the people asked to review a postmortem; running it twice emails nobody twice."""
    report = send_review_requests(postmortem_id=postmortem_id)
    return {"sent": report.sent, "skipped": report.skipped}


def enqueue_reviewer_emails(postmortem_id: int) -> None:
    """Queue the review emails; with the broker down the requests stay pending (see docs/review.md)."""
    _delay(notify_reviewers, postmortem_id, if_down="review emails not queued", extra={"postmortem_id": postmortem_id})


@shared_task(bind=True, **_MAIL_RETRY_POLICY)
def notify_authors(self, postmortem_id: int) -> dict:
    """Email the authors of a postmortem sent back for changes; running it twice emails nobody twice."""
    report = send_change_requests(postmortem_id=postmortem_id)
    return {"sent": report.sent, "skipped": report.skipped}


def enqueue_author_emails(postmortem_id: int) -> None:
    """Queue the emails to the authors; with the broker down the notices stay pending (see docs/review.md)."""
    _delay(notify_authors, postmortem_id, if_down="author emails not queued", extra={"postmortem_id": postmortem_id})


def enqueue_pattern_refresh() -> None:
    """Queue a refresh; with the broker down, the scheduled run catches up (pages stay correct meanwhile)."""
    _delay(
        refresh_pattern_snapshot,
        timezone.now().isoformat(),
        if_down="the scheduled run will refresh the pattern figures",
    )
