"""What the periodic beat task should start now: due teams and stalled digests.

Celery beat runs one entry (created by migration 0004, editable in the admin under Periodic tasks)
every 15 minutes. Each tick looks at every team's own reading day, time and time zone: a team whose
reading moment has passed this week and has no digest yet gets its run. The run itself is idempotent,
so a tick that fires twice, or a run that overlaps a manual `send_weekly_digest`, sends nobody a
second email. Ticks also restart digests whose retries were lost with a crashed worker.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q

from postmortems.models import DeliveryStatus, Digest, DigestDelivery, Team
from postmortems.reading.weeks import due_week

# A run that has not finished its first pass this long after starting is presumed lost.
STALL_GRACE = timedelta(minutes=30)


def due_team_weeks(now: datetime) -> list[tuple[Team, date]]:
    """Teams whose reading is due at `now` and whose digest for that week was never started (or was lost)."""
    due = [(team, week) for team in Team.objects.order_by("pk") if (week := due_week(team, now)) is not None]
    if not due:
        return []
    digests = {
        (digest.team_id, digest.week_start): digest
        for digest in Digest.objects.filter(team__in=[t for t, _ in due], week_start__in={w for _, w in due})
    }
    runs = []
    for team, week in due:
        digest = digests.get((team.pk, week))
        # A digest chosen but never through a pass belongs to a run that died: start it again.
        if digest is None or (digest.run_count == 0 and digest.created_at < now - STALL_GRACE):
            runs.append((team, week))
    return runs


def stalled_digest_ids(now: datetime) -> list[int]:
    """Digests with pending rows overdue by more than the grace: their scheduled retry never ran."""
    overdue = Q(next_attempt_at__lt=now - STALL_GRACE) | Q(
        next_attempt_at__isnull=True, created_at__lt=now - STALL_GRACE
    )
    rows = DigestDelivery.objects.filter(status=DeliveryStatus.PENDING, claimed_at__isnull=True).filter(overdue)
    return sorted(set(rows.values_list("digest_id", flat=True)))
