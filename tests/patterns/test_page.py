"""The patterns page: what it shows, its errors, and a query count that does not grow with the data."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from postmortems.models import PostmortemService
from postmortems.patterns.snapshot import build_snapshot, forget_cached_index
from tests.factories import ContributingFactorFactory, PostmortemFactory, ServiceFactory, TimelineEventFactory
from tests.patterns.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_patterns_page_shows_every_section_with_the_number_analysed(client, library, today):
    client.force_login(library["outsider"])
    response = client.get(reverse("postmortems:patterns"))
    body = response.content.decode()
    assert response.status_code == 200
    for title in ("Recurring factors", "Factor combinations", "Service hot spots", "Assumptions", "Durations"):
        assert f">{title}</h2>" in body
    assert "<strong>9</strong> published postmortems analysed" in body
    assert "Figures were computed live" in body
    assert 'href="/?started_after=2025-07-01&amp;started_before=2026-07-01&amp;factor=change.config-change"' in body


def test_patterns_page_draws_charts_with_a_table_beside_each(client, library, today):
    client.force_login(library["outsider"])
    body = client.get(reverse("postmortems:patterns")).content.decode()
    assert body.count("<svg") == body.count('<figure class="chart">')
    assert body.count("<svg") >= 8
    assert body.count("<table") > body.count("<svg")


def test_patterns_page_answers_bad_filters_with_field_errors(client, library, today):
    client.force_login(library["outsider"])
    response = client.get(reverse("postmortems:patterns"), {"started_after": "2026-02-30", "severity": "7"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid date." in body
    assert "Select a valid choice." in body
    assert 'class="patterns-section"' not in body


def test_patterns_page_needs_a_login(client, db):
    response = client.get(reverse("postmortems:patterns"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_patterns_page_says_how_old_the_snapshot_is(client, library):
    forget_cached_index()
    with time_machine.travel(TODAY + timedelta(days=1), tick=False) as traveller:
        build_snapshot()
        traveller.shift(timedelta(minutes=7))
        client.force_login(library["member"])
        body = client.get(reverse("postmortems:patterns")).content.decode()
    forget_cached_index()
    assert "snapshot built 7 minutes ago" in body
    assert "with 1 postmortem changed since then or restricted to you counted live" in body


def _library_of(count: int, team) -> None:
    services = [ServiceFactory(slug=f"svc-{i}") for i in range(3)]
    for i in range(count):
        pm = PostmortemFactory(
            restricted=i % 5 == 0,
            allowed_teams=[team] if i % 5 == 0 else None,
            resolved_at=TODAY - timedelta(days=i),
            started_at=TODAY - timedelta(days=i, hours=2),
            kind="near_miss" if i % 4 == 0 else "incident",
        )
        PostmortemService.objects.create(postmortem=pm, service=services[i % 3])
        ContributingFactorFactory(postmortem=pm)
        TimelineEventFactory(postmortem=pm, actor=f"person {i % 4}")


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("with_snapshot", [False, True])
def test_patterns_page_query_budget_is_constant(
    client, member, team, django_assert_max_num_queries, count, with_snapshot
):
    with time_machine.travel(TODAY - timedelta(days=2), tick=False):
        _library_of(count, team)
    forget_cached_index()
    with time_machine.travel(TODAY, tick=False):
        if with_snapshot:
            build_snapshot()
        client.force_login(member)
        # session, user, profile (visibility rule), services and teams, factors and families, the snapshot's
        # header, its data (first use in this process), changed or restricted postmortems, their facts,
        # assumptions, improvised adaptations' stories, titles of the postmortems shown in durations.
        with django_assert_max_num_queries(12):
            response = client.get(reverse("postmortems:patterns"))
    forget_cached_index()
    assert response.status_code == 200
