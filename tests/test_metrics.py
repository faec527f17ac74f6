"""The /metrics endpoint: who may read it, and that it reports real events and totals."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from postmortems.importers.service import import_postmortems
from postmortems.importers.sources import SourceFile
from postmortems.models import ActionStatus
from postmortems.search import search_postmortems
from tests.factories import ActionItemFactory, PostmortemFactory

pytestmark = pytest.mark.django_db


def _samples(body: bytes) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from Prometheus's text format."""
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _scrape(client, settings, token="s3cret") -> dict:
    settings.METRICS_TOKEN = token
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return _samples(response.content)


def test_it_is_hidden_without_the_token(client, settings, member):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.force_login(member)  # logged in, but not an admin
    assert client.get("/metrics").status_code == 404


def test_it_is_hidden_when_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_an_admin_may_look_without_a_token(client, settings, admin_user):
    settings.METRICS_TOKEN = ""
    client.force_login(admin_user)
    response = client.get("/metrics")
    assert response.status_code == 200 and b"kb_postmortems" in response.content


def test_it_counts_postmortems_and_overdue_action_items_from_the_database(client, settings):
    PostmortemFactory(status="published", kind="incident")
    PostmortemFactory(status="published", kind="incident")
    pm = PostmortemFactory(status="draft", kind="near_miss")
    yesterday = timezone.now().date() - timedelta(days=1)
    ActionItemFactory(postmortem=pm, status=ActionStatus.OPEN, due_date=yesterday)
    ActionItemFactory(postmortem=pm, status=ActionStatus.DONE, due_date=yesterday)
    samples = _scrape(client, settings)
    assert samples[("kb_postmortems", (("kind", "incident"), ("status", "published")))] == 2
    assert samples[("kb_postmortems", (("kind", "near_miss"), ("status", "draft")))] == 1
    assert samples[("kb_action_items_overdue", ())] == 1
    assert samples[("kb_database_up", ())] == 1


def test_it_counts_searches_and_their_duration(client, settings, admin_user):
    PostmortemFactory(title="DNS timeout at the edge")
    before = _scrape(client, settings)
    search_postmortems(user=admin_user, query="dns timeout")
    after = _scrape(client, settings)
    backend = search_postmortems(user=admin_user, query="").backend
    key = ("kb_searches_total", (("backend", backend), ("mode", "full")))
    assert after.get(key, 0) - before.get(key, 0) == 1
    assert after[("kb_search_duration_seconds_count", ())] - before[("kb_search_duration_seconds_count", ())] == 1


def test_it_counts_requests_by_view_name_not_path(client, settings, member):
    client.force_login(member)
    before = _scrape(client, settings)
    assert client.get("/postmortems/PM-2020-999/").status_code == 404
    after = _scrape(client, settings)
    key = ("kb_http_requests_total", (("method", "GET"), ("status", "4xx"), ("view", "postmortems:detail")))
    assert after.get(key, 0) - before.get(key, 0) == 1
    assert not any("PM-2020-999" in str(labels) for _name, labels in after)


def test_it_counts_imports_by_outcome(client, settings):
    doc = "---\ntitle: Cache stampede\nkey: PM-2024-001\n---\nThe cache went cold.\n"
    before = _scrape(client, settings)
    import_postmortems(sources=[SourceFile("a.md", doc)])
    import_postmortems(sources=[SourceFile("a.md", doc)])
    import_postmortems(sources=[SourceFile("b.md", "---\ntitle: [\n---\n")])
    after = _scrape(client, settings)

    def grew(name, labels=()):
        return after.get((name, labels), 0) - before.get((name, labels), 0)

    assert grew("kb_imported_postmortems_total", (("outcome", "created"),)) == 1
    assert grew("kb_imported_postmortems_total", (("outcome", "unchanged"),)) == 1
    assert grew("kb_import_failures_total") == 1


def test_a_database_outage_is_reported_not_raised(client, settings, mocker):
    mocker.patch("postmortems.metrics._database_totals", side_effect=DatabaseError("connection refused"))
    samples = _scrape(client, settings)
    assert samples[("kb_database_up", ())] == 0
