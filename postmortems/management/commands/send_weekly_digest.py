"""Send the weekly reading by hand: what the beat task does, for one team or all, now."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from postmortems.models import DeliveryStatus, Digest, Team
from postmortems.reading.delivery import deliver_digest_pass, run_team_digest
from postmortems.reading.digests import digest_recipients
from postmortems.reading.rotation import choose_facilitator
from postmortems.reading.selection import select_postmortems
from postmortems.reading.weeks import current_week, parse_iso_week, week_label


class Command(BaseCommand):
    help = (
        "Choose and send the weekly postmortem reading. Without --team, every team; without --week, each "
        "team's current ISO week. Safe to repeat: nobody gets a week's digest twice. Send failures are retried "
        "here (embedded default) or handed to the Celery worker when a broker is configured."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", metavar="SLUG", help="only this team (its slug)")
        parser.add_argument("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W07")
        parser.add_argument("--dry-run", action="store_true", help="show the choice and recipients; send nothing")

    def handle(self, *args, team: str | None, week: str | None, dry_run: bool, **options) -> None:
        teams = Team.objects.order_by("name")
        if team:
            teams = teams.filter(slug=team)
            if not teams.exists():
                raise CommandError(f"no team with slug {team!r}")
        try:
            week_start = parse_iso_week(week) if week else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for each in teams:
            start = week_start or current_week(each, timezone.now())
            if dry_run:
                self._preview(each, start)
            else:
                self._send(each, start)

    def _preview(self, team: Team, week_start) -> None:
        stored = Digest.objects.filter(team=team, week_start=week_start).first()
        if stored is not None:
            lines = [
                (i.postmortem.key, i.postmortem.title, i.get_reason_display(), i.explanation)
                for i in stored.items.all()
            ]
            facilitator, note = stored.facilitator, " (already chosen)"
        else:
            picks = select_postmortems(team, week_start)
            lines = [(p.postmortem.key, p.postmortem.title, p.reason.label, p.explanation) for p in picks]
            facilitator, note = choose_facilitator(team, week_start), ""
        self.stdout.write(
            f"{team.name} {week_label(week_start)}{note}: would send to {digest_recipients(team).count()}"
        )
        self.stdout.write(f"  facilitator: {facilitator.get_username() if facilitator else '-'}")
        for key, title, reason, explanation in lines or [("-", "nothing to read this week", "", "")]:
            self.stdout.write(f"  {key} {title}" + (f" [{reason}] {explanation}" if reason else ""))

    def _send(self, team: Team, week_start) -> None:
        report = run_team_digest(team=team, week_start=week_start)
        digest, next_at = report.digest, report.passed.next_attempt_at
        while next_at is not None:
            if settings.CELERY_BROKER_URL:
                from postmortems.tasks import deliver_digest

                deliver_digest.apply_async((digest.pk,), eta=next_at)
                self.stdout.write(f"  retries handed to the worker, next at {next_at:%H:%M:%S}")
                break
            # Embedded default: no worker to hand retries to, so wait for the backoff here.
            wait = max((next_at - timezone.now()).total_seconds(), 0)
            self.stdout.write(f"  retrying {self._pending(digest)} in {wait:.0f}s")
            time.sleep(wait)
            next_at = deliver_digest_pass(digest=digest).next_attempt_at
        digest.refresh_from_db()
        self.stdout.write(
            f"{team.name} {week_label(week_start)}: {digest.items.count()} postmortems, "
            f"sent {digest.sent_count}, skipped {digest.skipped_count}, failed {digest.failed_count}"
        )

    @staticmethod
    def _pending(digest: Digest) -> int:
        return digest.deliveries.filter(status=DeliveryStatus.PENDING).count()
