"""`manage.py rebuild_search_index`: rewrite every search document and refresh the full-text index."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from postmortems.models import Postmortem, SearchDocument
from postmortems.search import postgres as postgres_backend
from postmortems.search import rebuild_index
from postmortems.search import sqlite as sqlite_backend
from postmortems.search.index import BATCH_SIZE


def _check_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = %s AND column_name IN (%s, %s)",
            [SearchDocument._meta.db_table, "rank_vector", "match_vector"],
        )
        if cursor.fetchone()[0] != 2:
            raise CommandError("the search vector columns are missing; run `manage.py migrate` first")


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the postmortems: every search document is rewritten (PostgreSQL "
        "recomputes its vectors and the RUM index is added if it can be), and on SQLite the FTS5 table is rebuilt "
        "and its triggers checked. "
        "Idempotent; search keeps working while it runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only say how many documents would be rebuilt.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Postmortems per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        total = Postmortem.objects.count()
        if dry_run:
            self.stdout.write(f"Would rebuild {total} search documents on {connection.vendor}.")
            return
        if connection.vendor == "postgresql":
            _check_postgresql()
            with connection.cursor() as cursor:
                if not postgres_backend.ensure_rum_index(cursor):
                    self.stderr.write(
                        self.style.WARNING(
                            "No RUM index (the rum extension is not installed, or this user may not create it): "
                            "searches for very common words are slower; see docs/search.md"
                        )
                    )
        started = time.perf_counter()
        written = rebuild_index(batch_size=batch_size)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                if not sqlite_backend.has_fts_table(cursor):
                    raise CommandError("the FTS5 table is missing; run `manage.py migrate` first")
                restored = sqlite_backend.restore_triggers(cursor)
                if restored:
                    self.stderr.write(self.style.WARNING(f"Restored missing triggers: {', '.join(restored)}"))
                sqlite_backend.rebuild_fts(cursor)
        elif connection.vendor != "postgresql":
            self.stderr.write(self.style.WARNING(f"{connection.vendor} has no full-text index; search uses substrings"))
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {written} search documents in {seconds:.1f}s."))
