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
