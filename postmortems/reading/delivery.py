"""Sending a week's digest: at most once per person per week, retried with backoff, counted.

How "at most once" holds:
1. Planning inserts one pending DigestDelivery per recipient in batches with ON CONFLICT DO NOTHING;
   the unique (user, week_start) constraint keeps a second row for the same person and week out,
   whichever run, retry or other team's digest tries to add it.
2. A sender claims rows with one conditional UPDATE (`... WHERE claimed_at IS NULL`) and only sends the
   rows it claimed, so two runs that overlap split the rows between them instead of both sending.
3. A row whose sender vanished mid-send (claimed long ago, never finished) is marked failed, not sent
   again automatically: the email may have gone out. An admin can retry it by hand.

Failed sends (SMTP errors, refused connections) are retried with exponential backoff and jitter until the
row's attempt budget is used up; then the row is failed and shows in the admin. A pass also stops after a
run of consecutive failures, so a dead mail server does not burn every row's budget at once.
"""

from __future__ import annotations

import logging
import random
import smtplib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from postmortems.models import DeliveryStatus, Digest, DigestDelivery, Membership, Team
from postmortems.reading.digests import create_weekly_digest, digest_recipients
from postmortems.reading.emails import DigestContent, build_digest_content, render_digest_email

logger = logging.getLogger(__name__)

# Defaults; each can be overridden by a Django setting of the same name (tests make them small).
READING_PLAN_BATCH = 500
READING_SEND_BATCH = 50
READING_MAX_ATTEMPTS = 5
READING_RETRY_BASE_SECONDS = 60.0
READING_RETRY_MAX_SECONDS = 3600.0
READING_MAX_CONSECUTIVE_FAILURES = 10
READING_STALE_CLAIM_SECONDS = 3600


def _setting(name: str):
    return getattr(settings, name, globals()[name])


@dataclass
class PassReport:
    """What one sending pass did; `next_attempt_at` is when rows left pending become due again."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    abandoned: int = 0
    next_attempt_at: datetime | None = None


@dataclass
class RunReport:
    digest: Digest
    created: bool
    passed: PassReport


def retry_delay(attempt: int, *, rng: random.Random | None = None) -> timedelta:
    """Backoff after the `attempt`-th failure: doubling steps up to a cap, half fixed and half random.

    The random half ("equal jitter") spreads the retries of many rows that failed together, so they do
    not hit a recovering mail server at the same moment.
    """
    step = min(_setting("READING_RETRY_MAX_SECONDS"), _setting("READING_RETRY_BASE_SECONDS") * 2 ** (attempt - 1))
    return timedelta(seconds=step / 2 + (rng or random).uniform(0, step / 2))


def plan_deliveries(*, digest: Digest) -> None:
    """One pending row per recipient, inserted a batch at a time so no transaction holds thousands of rows."""
    if not digest.items.exists():
        return
    recipients = digest_recipients(digest.team).order_by("pk").values_list("pk", flat=True)
    batch_size = _setting("READING_PLAN_BATCH")
    last_pk = 0
    while ids := list(recipients.filter(pk__gt=last_pk)[:batch_size]):
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(digest=digest, user_id=pk, week_start=digest.week_start) for pk in ids],
            ignore_conflicts=True,
        )
        last_pk = ids[-1]


def _claim_batch(digest: Digest, due_by: datetime) -> tuple[str, list[DigestDelivery]]:
    """Claim up to a batch of rows due by `due_by` (the start of the pass: a row failing now waits for the next)."""
    token = uuid.uuid4().hex
    ids = list(
        DigestDelivery.objects.filter(digest=digest)
        .due(due_by)
        .order_by("pk")
        .values_list("pk", flat=True)[: _setting("READING_SEND_BATCH")]
    )
    if not ids:
        return token, []
    # The condition is re-checked row by row by the UPDATE itself: a row another sender claimed first is left out.
    DigestDelivery.objects.filter(pk__in=ids).due(due_by).update(claimed_at=timezone.now(), claim_token=token)
    return token, list(DigestDelivery.objects.filter(claim_token=token).select_related("user").order_by("pk"))


def _finish(delivery: DigestDelivery, token: str, **fields) -> None:
    """Record an outcome, releasing the claim; matching the token keeps a stale sender from overwriting it."""
    DigestDelivery.objects.filter(pk=delivery.pk, claim_token=token).update(claimed_at=None, claim_token="", **fields)


def _is_permanent(exc: BaseException) -> bool:
    """5xx answers mean the server will never accept this message; retrying only delays the inevitable."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        pass


def _give_up_stale_claims(digest: Digest, now: datetime) -> int:
    before = now - timedelta(seconds=_setting("READING_STALE_CLAIM_SECONDS"))
    return (
        DigestDelivery.objects.filter(digest=digest)
        .stale_claims(before)
        .update(
            status=DeliveryStatus.FAILED,
            claimed_at=None,
            claim_token="",
            last_error="Outcome unknown: the sender stopped mid-send. Not retried automatically, so that nobody "
            "gets the digest twice; retry it from the admin if the person did not receive it.",
        )
    )


class _Sender:
    """One pass over a digest's due rows: claim a batch, send each, record each outcome."""

    def __init__(self, digest: Digest, report: PassReport):
        self.digest = digest
        self.report = report
        self.content: DigestContent | None = None
        self.consecutive_failures = 0

    def run(self) -> None:
        started = timezone.now()
        while True:
            token, batch = _claim_batch(self.digest, started)
            if not batch:
                return
            self.content = self.content or build_digest_content(self.digest)
            eligible = set(
                digest_recipients(self.digest.team)
                .filter(pk__in=[d.user_id for d in batch])
                .values_list("pk", flat=True)
            )
            connection = get_connection()
            try:
                for position, delivery in enumerate(batch):
                    if self.consecutive_failures >= _setting("READING_MAX_CONSECUTIVE_FAILURES"):
                        self._release(batch[position:], token)
                        return
                    self._send_one(delivery, token, connection, delivery.user_id in eligible)
            finally:
                _close_quietly(connection)

    def _send_one(self, delivery: DigestDelivery, token: str, connection, eligible: bool) -> None:
        items = self.content.items_for(delivery.user) if eligible else []
        if not items:
            reason = "Nothing this person may see" if eligible else "Unsubscribed or suppressed before sending"
            _finish(delivery, token, status=DeliveryStatus.SKIPPED, last_error=reason)
            self.report.skipped += 1
            return
        try:
            message = render_digest_email(content=self.content, recipient=delivery.user, items=items)
            message.connection = connection
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            self._failed(delivery, token, exc, permanent=_is_permanent(exc))
            _close_quietly(connection)  # the session may be half-way through a command; start afresh
            return
        except Exception as exc:  # a bug in rendering: record it on the row rather than strand the claim
            logger.exception("digest email could not be built", extra={"delivery": delivery.pk})
            self._failed(delivery, token, exc, permanent=True)
            return
        self.consecutive_failures = 0
        _finish(delivery, token, status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1)
        self.report.sent += 1

    def _failed(self, delivery: DigestDelivery, token: str, exc: BaseException, *, permanent: bool) -> None:
        self.consecutive_failures += 1
        attempt = delivery.attempts + 1
        error = f"attempt {attempt}: {type(exc).__name__}: {exc}"[:2000]
        if permanent or attempt >= _setting("READING_MAX_ATTEMPTS"):
            _finish(delivery, token, status=DeliveryStatus.FAILED, attempts=attempt, last_error=error)
            self.report.failed += 1
            logger.warning("digest delivery failed", extra={"delivery": delivery.pk, "error": error})
            return
        retry_at = timezone.now() + retry_delay(attempt)
        _finish(delivery, token, attempts=attempt, last_error=error, next_attempt_at=retry_at)
        self.report.retrying += 1

    def _release(self, rows: list[DigestDelivery], token: str) -> None:
        """Hand unsent rows back without spending their budget; they wait one backoff step like the failures."""
        retry_at = timezone.now() + retry_delay(1)
        DigestDelivery.objects.filter(pk__in=[d.pk for d in rows], claim_token=token).update(
            claimed_at=None, claim_token="", next_attempt_at=retry_at
        )


def send_pending_deliveries(*, digest: Digest) -> PassReport:
    """One pass: send every due pending row of the digest, in batches, then report what is left to retry."""
    report = PassReport(abandoned=_give_up_stale_claims(digest, timezone.now()))
    _Sender(digest, report).run()
    pending = DigestDelivery.objects.filter(digest=digest, status=DeliveryStatus.PENDING, claimed_at__isnull=True)
    report.next_attempt_at = pending.aggregate(next=Min("next_attempt_at"))["next"]
    if report.next_attempt_at is None and pending.exists():
        report.next_attempt_at = timezone.now()
    return report


def refresh_digest_counts(*, digest: Digest, report: PassReport) -> Digest:
    """Store the digest's totals (recounted from the rows, so overlapping runs never double count) and log the pass."""
    totals = digest.deliveries.aggregate(
        sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        reaching=Count("pk", filter=~Q(status=DeliveryStatus.SKIPPED)),
    )
    members = Membership.objects.filter(team=digest.team, user__is_active=True).count()
    # Skipped: members this digest does not reach (opted out, suppressed, no address, or already sent
    # another team's digest this week).
    skipped = max(members - totals["reaching"], 0)
    Digest.objects.filter(pk=digest.pk).update(
        sent_count=totals["sent"],
        failed_count=totals["failed"],
        skipped_count=skipped,
        run_count=F("run_count") + 1,
        last_run_at=timezone.now(),
    )
    digest.refresh_from_db()
    logger.info(
        "weekly digest pass",
        extra={
            "team": digest.team.slug,
            "week": f"{digest.week_start:%G-W%V}",
            "pass_sent": report.sent,
            "pass_failed": report.failed,
            "pass_skipped": report.skipped,
            "pass_retrying": report.retrying,
            "sent": digest.sent_count,
            "skipped": digest.skipped_count,
            "failed": digest.failed_count,
            "next_attempt_at": report.next_attempt_at,
        },
    )
    return digest


def deliver_digest_pass(*, digest: Digest) -> PassReport:
    report = send_pending_deliveries(digest=digest)
    refresh_digest_counts(digest=digest, report=report)
    return report


def run_team_digest(*, team: Team, week_start: date) -> RunReport:
    """The weekly run for one team: choose (once), plan the rows, send a pass, store the counts."""
    digest, created = create_weekly_digest(team=team, week_start=week_start)
    plan_deliveries(digest=digest)
    return RunReport(digest=digest, created=created, passed=deliver_digest_pass(digest=digest))


def retry_failed_deliveries(*, deliveries: QuerySet[DigestDelivery]) -> list[int]:
    """Give failed rows a fresh budget; returns the digests to run a pass for (the caller enqueues it)."""
    failed = deliveries.filter(status=DeliveryStatus.FAILED)
    digest_ids = sorted(set(failed.values_list("digest_id", flat=True)))
    failed.update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=None,
        claimed_at=None,
        claim_token="",
        last_error="",
    )
    return digest_ids
