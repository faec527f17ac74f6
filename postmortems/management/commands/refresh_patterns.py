"""Rebuild the precomputed pattern figures now: what the scheduled task does, for after a bulk import."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from postmortems.models import PatternSnapshot, Postmortem, SnapshotScope
from postmortems.patterns.snapshot import build_snapshot, snapshot_population


class Command(BaseCommand):
    help = (
        "Rebuild the pattern index the patterns page and API read (both visibility scopes). Pages stay correct "
        "without it (anything newer is counted live); a rebuild keeps them fast. Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be indexed; build nothing")

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            for scope in SnapshotScope:
                count = snapshot_population(scope).count()
                self.stdout.write(f"{scope.value}: would index {count} postmortems")
            self.stdout.write(f"{Postmortem.objects.count()} postmortems in all; nothing built")
            return
        build_snapshot()
        for scope in SnapshotScope:
            snapshot = PatternSnapshot.objects.filter(scope=scope).order_by("-built_at", "-id").first()
            self.stdout.write(
                f"{scope.value}: {snapshot.postmortem_count} postmortems indexed in {snapshot.build_seconds:.1f} s "
                f"({len(snapshot.data) / 1024:.0f} KiB)"
            )
