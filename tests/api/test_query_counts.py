"""Every list endpoint costs a fixed number of queries, whatever the number of rows."""

import pytest

from postmortems.models import Membership, PostmortemService
from tests.factories import (
    ActionItemFactory,
    AssumptionEvidenceFactory,
    AssumptionFactory,
    ContributingFactorFactory,
    DependencyFactory,
    PostmortemFactory,
    ReviewCommentFactory,
    ServiceFactory,
    TeamFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Queries common to all: the token with its user (1), and for anything filtered by visibility, the person's
# profile to tell whether they are an admin (1). Then the page's COUNT and its rows (2), then one per prefetch.
BUDGETS = {
    "/api/v1/postmortems/": 6,  # token, profile, count, rows, services with their links, authors
    "/api/v1/timeline-events/": 4,  # token, profile, count, rows (postmortem key joined)
    "/api/v1/contributing-factors/": 5,  # ... rows (postmortem, factor, family, assumption joined), services
    "/api/v1/action-items/": 4,  # ... rows (postmortem, owner, team joined)
    "/api/v1/review-comments/": 4,  # ... rows (postmortem, author, resolver joined)
    "/api/v1/assumption-evidence/": 4,  # ... rows (postmortem joined)
    "/api/v1/services/": 6,  # token, profile, count, rows (team joined; visible counts), depends on, dependents
    "/api/v1/dependencies/": 3,  # token, count, rows (both services joined)
    "/api/v1/teams/": 5,  # token, count, rows, members, services
    "/api/v1/assumptions/": 4,  # token, count, rows (service, team, creator joined), relied on by
    "/api/v1/factor-families/": 4,  # token, count, rows, factors
    "/api/v1/factors/": 3,  # token, count, rows (family, team joined)
}


def _make_rows(count: int) -> None:
    for _ in range(count):
        team = TeamFactory()
        user = UserFactory()
        Membership.objects.create(team=team, user=user)
        service, other = ServiceFactory(team=team), ServiceFactory()
        DependencyFactory(source=service, target=other)
        pm = PostmortemFactory(authors=[user])
        PostmortemService.objects.create(postmortem=pm, service=service)
        TimelineEventFactory(postmortem=pm)
        assumption = AssumptionFactory(service=service, owner_team=team)
        assumption.relied_on_by.set([service, other])
        ContributingFactorFactory(postmortem=pm, services=[service, other], assumption=assumption)
        ActionItemFactory(postmortem=pm, owner=user, team=team)
        ReviewCommentFactory(postmortem=pm, author=user, resolved_by=user)
        AssumptionEvidenceFactory(assumption=assumption, postmortem=pm)


@pytest.mark.parametrize("rows", [1, 6])
def test_list_endpoint_query_budgets_are_constant(api, member, django_assert_max_num_queries, rows):
    _make_rows(rows)  # once for all endpoints: building the rows is the slow part
    client = api.as_user(member)
    for url, budget in BUDGETS.items():
        with django_assert_max_num_queries(budget, info=url):
            response = client.get(url)
        assert response.status_code == 200
        assert response.json()["count"] >= rows, url


@pytest.mark.parametrize("rows", [1, 6])
def test_postmortem_detail_query_budget_is_constant(api, member, django_assert_max_num_queries, rows):
    pm = PostmortemFactory(key="PM-2026-900", authors=[member])
    for _ in range(rows):
        service = ServiceFactory()
        PostmortemService.objects.create(postmortem=pm, service=service)
        TimelineEventFactory(postmortem=pm)
        ContributingFactorFactory(postmortem=pm, services=[service], assumption=AssumptionFactory())
        ActionItemFactory(postmortem=pm, owner=member)
        AssumptionEvidenceFactory(postmortem=pm)
    client = api.as_user(member)
    # token, profile, the row (creator joined), then one per prefetch: services, timeline, factors (factor,
    # family and assumption joined), their services, evidence (assumption joined), action items (owner and team
    # joined), authors, reviewers, allowed teams.
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/postmortems/{pm.key}/")
    assert len(response.json()["timeline"]) == rows
