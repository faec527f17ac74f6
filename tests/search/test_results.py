"""The page of results search_postmortems hands back: the rows it reads for each hit and what it shows of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from postmortems import models as m
from postmortems.search import SearchFilters, search_postmortems
from postmortems.search import engine as search_engine
from postmortems.search.snippets import MAX_SCAN
from postmortems.search.sql import hidden_postmortems
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", role="viewer")


def _search(user, query=""):
    return search_postmortems(user=user, query=query, filters=SearchFilters())


def test_search_hits_carry_labels_and_the_start_time_as_stored(indexed, reader):
    started = timezone.now().replace(microsecond=0) - timedelta(days=3)
    indexed(title="Gateway fault", kind=m.Kind.NEAR_MISS, status=m.Status.IN_REVIEW, started_at=started, severity=None)
    hit = _search(reader, "gateway").hits[0]
    assert (hit.kind, hit.kind_label, hit.status, hit.status_label) == (
        "near_miss",
        "Near miss",
        "in_review",
        "In review",
    )
    assert hit.started_at == started and hit.started_at.tzinfo is not None
    assert hit.severity is None


@pytest.mark.parametrize("length", [MAX_SCAN + 1000, 5 * MAX_SCAN])  # read whole on PostgreSQL, and cut there
def test_search_snippets_read_the_body_up_to_max_scan(indexed, reader, length):
    filler = ("filler " * length)[:length]
    indexed(key="PM-2026-001", summary="First.", narrative=filler[: MAX_SCAN - 2000] + " a stampede here " + filler)
    indexed(key="PM-2026-002", summary="Second.", narrative=filler + " a stampede there")
    hits = {hit.key: hit for hit in _search(reader, "stampede").hits}
    assert "a <mark>stampede</mark> here" in hits["PM-2026-001"].snippet_html
    assert hits["PM-2026-002"].snippet_html == "Second."


def test_search_page_rows_leave_out_postmortems_hidden_from_the_person(indexed, team, outsider):
    shown = indexed(key="PM-2026-001", title="Gateway fault")
    restricted = indexed(key="PM-2026-002", title="Gateway fault", restricted=True, allowed_teams=[team])
    ranked = [(restricted.pk, 2.0), (shown.pk, 1.0)]
    assert [hit.key for hit in search_engine._hits(ranked, None, hidden_postmortems(outsider))] == ["PM-2026-001"]
    assert [hit.key for hit in search_engine._hits(ranked, None, None)] == ["PM-2026-002", "PM-2026-001"]


@pytest.mark.postgres
def test_search_statement_reads_the_page_rows_as_they_would_be_read_apart(indexed, team, outsider):
    """On PostgreSQL the page's rows come with the page, in the same snapshot and through the same visibility
    rule; they are the rows the engine reads apart for a backend that does not."""
    from django.db import connection

    from postmortems.search import postgres
    from postmortems.search.query import parse_query

    long_body = "filler " * (MAX_SCAN // 4) + "gateway at the end"
    indexed(key="PM-2026-001", title="Gateway fault", services=["checkout"], narrative=long_body)
    indexed(key="PM-2026-002", title="Gateway timeout", summary="Gateway gateway", factors=["load.hidden-limit"])
    indexed(key="PM-2026-003", title="Gateway", restricted=True, allowed_teams=[team])
    hidden = hidden_postmortems(outsider)
    with connection.cursor() as cursor:
        page = postgres.search(
            cursor,
            parsed=parse_query("gateway"),
            filter_keys=[],
            hidden=hidden,
            limit=2,
            offset=0,
            columns=search_engine._hit_columns(),
        )
    rows = page.rows  # as the database returns them; the engine converts rows from either source alike
    assert [row[0] for row in rows] == [pk for pk, _ in page.ids] and len(rows) == 2
    assert sorted(rows) == sorted(search_engine._page_rows([pk for pk, _ in page.ids], hidden))
    assert {row[1] for row in rows} == {"PM-2026-001", "PM-2026-002"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_search_outside_a_transaction_keeps_its_settings_to_itself(indexed, reader):
    """Outside a transaction the settings travel with the search statement and end with it."""
    from django.db import connection

    indexed(key="PM-2026-001", title="Gateway fault")
    assert connection.get_autocommit()
    assert [hit.key for hit in _search(reader, "gateway").hits] == ["PM-2026-001"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
        assert cursor.fetchone() == ("on", "on")


@pytest.mark.postgres
def test_search_looks_for_the_rum_index_again_after_a_failed_statement(db, monkeypatch):
    from django.db import DatabaseError, connection

    from postmortems.search import postgres
    from postmortems.search.query import parse_query

    class FailingCursor:
        def __init__(self, cursor):
            self.db = cursor.db
            self.cursor = cursor

        def execute(self, sql, params=None):
            if "WITH" in sql:
                raise DatabaseError("the server went away")
            return self.cursor.execute(sql, params)

        def fetchone(self):
            return self.cursor.fetchone()

    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        postgres.prepare(cursor)
        assert name in postgres._RUM
        with pytest.raises(DatabaseError):
            postgres.search(
                FailingCursor(cursor), parsed=parse_query("gateway"), filter_keys=[], hidden=None, limit=5, offset=0
            )
    assert name not in postgres._RUM


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_search_outside_a_transaction_falls_back_when_the_database_rejects_it(indexed, reader, monkeypatch):
    """A statement the server refuses ends its own transaction; the fallback and later statements still run."""
    from django.db import connection

    from postmortems.search import postgres

    indexed(key="PM-2026-001", title="Gateway fault")
    monkeypatch.setattr(postgres, "CONFIG", "no_such_configuration")
    results = _search(reader, "gateway")
    assert results.mode == "basic" and [hit.key for hit in results.hits] == ["PM-2026-001"]
    assert connection.get_autocommit() and not connection.needs_rollback
    monkeypatch.undo()
    assert [hit.key for hit in _search(reader, "gateway").hits] == ["PM-2026-001"]
