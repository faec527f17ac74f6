"""manage.py rebuild_search_index."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from postmortems import models as m
from postmortems.search import SearchFilters, search_postmortems
from postmortems.search import sqlite as sqlite_backend
from tests.factories import PostmortemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rebuild(*args) -> str:
    out = StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rebuild_search_index_indexes_every_postmortem():
    PostmortemFactory(title="Quokka outage")
    PostmortemFactory(title="Other")
    assert "Rebuilt 2 search documents" in _rebuild()
    results = search_postmortems(user=UserFactory(role="viewer"), query="quokka", filters=SearchFilters())
    assert [hit.title for hit in results.hits] == ["Quokka outage"]


def test_rebuild_search_index_dry_run_changes_nothing():
    PostmortemFactory()
    assert "Would rebuild 1 search documents" in _rebuild("--dry-run")
    assert not m.SearchDocument.objects.exists()


def test_rebuild_search_index_refuses_a_bad_batch_size():
    with pytest.raises(CommandError, match="batch-size"):
        _rebuild("--batch-size", "0")


@pytest.mark.sqlite
def test_rebuild_search_index_restores_missing_sqlite_triggers():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER postmortems_search_fts_update")
    PostmortemFactory(title="Quokka outage")
    _rebuild()
    with connection.cursor() as cursor:
        assert sqlite_backend.missing_triggers(cursor) == []


@pytest.mark.postgres
def test_rebuild_search_index_puts_back_the_rum_index():
    from postmortems.search import postgres

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL server has no rum extension (Debian: postgresql-<version>-rum)")
        cursor.execute(f"DROP INDEX {postgres.RUM_INDEX}")  # undone with the test's transaction
    PostmortemFactory(title="Quokka outage")
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks, which CREATE INDEX refuses to run beside.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    err = StringIO()
    call_command("rebuild_search_index", stdout=StringIO(), stderr=err)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [postgres.RUM_INDEX])
        assert "USING rum" in cursor.fetchone()[0]
    assert "No RUM index" not in err.getvalue()
