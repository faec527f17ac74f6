"""The editor costs the same number of queries whatever the number of events, factors and action items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postmortems import services
from postmortems.models import Factor
from tests.authoring.conftest import STARTED
from tests.factories import AssumptionFactory, ServiceFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _grow(pm, member, n: int) -> None:
    factors = list(Factor.objects.all()[:n])
    for i in range(n):
        service = ServiceFactory(slug=f"svc-{pm.pk}-{i}")
        event = services.add_timeline_event(postmortem=pm, added_by=member, occurred_at=STARTED, text=f"E{i}")
        services.add_contributing_factor(
            postmortem=pm,
            added_by=member,
            factor=factors[i],
            role="amplifier",
            services=[service],
            assumption=AssumptionFactory(),
            timeline_event=event,
        )
        owner = UserFactory(username=f"owner{pm.pk}-{i}")
        services.add_action_item(postmortem=pm, added_by=member, title=f"A{i}", owner=owner, team=TeamFactory())


def _count(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if not kwargs else client.post(url, **kwargs)
        assert response.status_code in (200, 302), response.status_code
    return len(queries)


# Queries of the editor page:
#  1 session, 2 user, 3 profile (role), 4 the postmortem (visibility filter),
#  5 service links with services, 6 timeline, 7 contributing factors (factor, family, assumption and event
#  joined), 8 their services, 9 action items (owner, team joined), 10 authors, 11 reviewers, 12 allowed teams,
#  then what the controls offer: 13 services, 14 teams, 15 the taxonomy's factors with their families,
#  16 assumptions, 17 people (the owner suggestions).
EDITOR_BUDGET = 17


def test_editor_page_query_budget(client, member, draft, django_assert_max_num_queries):
    _grow(draft, member, 1)
    client.force_login(member)
    url = reverse("postmortems:edit", kwargs={"key": draft.key})
    with django_assert_max_num_queries(EDITOR_BUDGET):
        assert client.get(url).status_code == 200


def test_editor_page_queries_do_not_grow_with_rows(client, member, draft):
    client.force_login(member)
    url = reverse("postmortems:edit", kwargs={"key": draft.key})
    _grow(draft, member, 1)
    few = _count(client, url)
    _grow(draft, member, 8)
    assert _count(client, url) == few


# The new-postmortem page: session, user, profile, services, teams.
def test_create_page_query_budget(client, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("postmortems:create")).status_code == 200


def test_an_htmx_row_save_answers_in_constant_queries(client, member, draft):
    client.force_login(member)
    url = reverse("postmortems:timeline_add", kwargs={"key": draft.key})

    def add() -> int:
        data = {"event-new-occurred_at": "2026-03-01T10:41", "event-new-kind": "action", "event-new-text": "x"}
        return _count(client, url, data={**data, "version": "1"}, HTTP_HX_REQUEST="true")

    _grow(draft, member, 1)
    few = add()
    _grow(draft, member, 6)
    assert add() == few
