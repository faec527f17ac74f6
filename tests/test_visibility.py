"""A restricted postmortem is visible only to its allowed teams, its authors and reviewers, and admins.

Every interface that lists or shows postmortems is in the matrix at the end; add new ones there.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from postmortems import models as m
from postmortems.search import reindex_postmortems
from tests.factories import (
    ActionItemFactory,
    AssumptionEvidenceFactory,
    AssumptionFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ReviewCommentFactory,
    ServiceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_pm():
    return PostmortemFactory(key="PM-2026-001", title="Cache stampede after deploy")


@pytest.fixture
def restricted_pm(team):
    return PostmortemFactory(key="PM-2026-002", title="Card data exposure drill", restricted=True, allowed_teams=[team])


def _visible_keys(user):
    return set(m.Postmortem.objects.visible_to(user).values_list("key", flat=True))


def test_visible_to_hides_restricted_postmortem_from_outsider(open_pm, restricted_pm, outsider):
    assert _visible_keys(outsider) == {"PM-2026-001"}


def test_visible_to_shows_restricted_postmortem_to_allowed_team_member(open_pm, restricted_pm, member):
    assert _visible_keys(member) == {"PM-2026-001", "PM-2026-002"}


def test_visible_to_shows_restricted_postmortem_to_its_authors_and_reviewers(restricted_pm, outsider, viewer):
    restricted_pm.authors.add(outsider)
    restricted_pm.reviewers.add(viewer)
    assert "PM-2026-002" in _visible_keys(outsider)
    assert "PM-2026-002" in _visible_keys(viewer)


def test_visible_to_shows_everything_to_admins(open_pm, restricted_pm, admin_user):
    role_admin = UserFactory(username="role-admin", role="admin")
    assert _visible_keys(admin_user) == {"PM-2026-001", "PM-2026-002"}
    assert _visible_keys(role_admin) == {"PM-2026-001", "PM-2026-002"}


def test_visible_to_shows_nothing_to_anonymous_or_inactive_people(open_pm, member):
    member.is_active = False
    assert _visible_keys(AnonymousUser()) == set()
    assert _visible_keys(member) == set()


def test_visible_to_does_not_duplicate_rows_for_several_matching_teams(restricted_pm, member, other_team):
    restricted_pm.allowed_teams.add(other_team)
    m.Membership.objects.create(team=other_team, user=member)
    restricted_pm.authors.add(member)
    assert m.Postmortem.objects.visible_to(member).filter(key="PM-2026-002").count() == 1


def test_nested_rows_of_restricted_postmortem_are_hidden_too(restricted_pm, outsider, member):
    TimelineEventFactory(postmortem=restricted_pm)
    ContributingFactorFactory(postmortem=restricted_pm)
    assert not m.TimelineEvent.objects.visible_to(outsider).exists()
    assert not m.ContributingFactor.objects.visible_to(outsider).exists()
    assert m.TimelineEvent.objects.visible_to(member).count() == 1


def test_service_postmortem_counts_ignore_restricted_postmortems_for_outsiders(
    open_pm, restricted_pm, outsider, member
):
    service = ServiceFactory(slug="checkout")
    for pm in (open_pm, restricted_pm):
        m.PostmortemService.objects.create(postmortem=pm, service=service)
    assert m.Service.objects.with_postmortem_counts(outsider).get(pk=service.pk).postmortem_count == 1
    assert m.Service.objects.with_postmortem_counts(member).get(pk=service.pk).postmortem_count == 2


def _index_with_neighbour(pm):
    """Index `pm` and an open postmortem sharing a service with it, the source for similar incidents."""
    service = ServiceFactory(slug="visibility-shared")
    m.PostmortemService.objects.get_or_create(postmortem=pm, service=service)
    source = PostmortemFactory(key="PM-2026-900", title="Open postmortem", summary="Something else")
    m.PostmortemService.objects.create(postmortem=source, service=service)
    reindex_postmortems([pm.pk, source.pk])
    return source


def _search_page(client, pm):
    _index_with_neighbour(pm)
    word = max(pm.title.split(), key=len)  # one word of the title, so the query itself never shows the title
    return "".join(client.get(reverse("postmortems:search"), params).content.decode() for params in ({}, {"q": word}))


def _search_api(client, pm):
    _index_with_neighbour(pm)
    word = max(pm.title.split(), key=len)
    return "".join(client.get("/api/v1/search/", params).content.decode() for params in ({}, {"q": word}))


def _similar_page(client, pm):
    source = _index_with_neighbour(pm)
    return client.get(reverse("postmortems:similar", kwargs={"key": source.key})).content.decode()


def _similar_api(client, pm):
    source = _index_with_neighbour(pm)
    return client.get(f"/api/v1/postmortems/{source.key}/similar/").content.decode()


def _api_rows(client, url, row):
    """A row hanging off the postmortem, carrying its title, as the API lists it and shows it."""
    return client.get(url).content.decode() + client.get(f"{url}{row.pk}/").content.decode()


def _api_assumption(client, pm):
    assumption = AssumptionFactory()
    AssumptionEvidenceFactory(assumption=assumption, postmortem=pm, excerpt=pm.title)
    m.AssumptionStatusChange.objects.create(
        assumption=assumption, to_status="violated", changed_at=pm.started_at, reason=pm.title, postmortem=pm
    )
    return client.get(f"/api/v1/assumptions/{assumption.pk}/").content.decode()


def _patterns(client, pm, url):
    """Patterns count postmortems; the durations view also lists each one (with its title) once it has ended."""
    m.Postmortem.objects.filter(pk=pm.pk).update(resolved_at=pm.started_at + timedelta(hours=1))
    return client.get(url).content.decode()


# The matrix: each interface that lists or shows postmortems, for an outsider and for a member.
INTERFACES = {
    "list page": lambda client, pm: client.get(reverse("postmortems:list")).content.decode(),
    "detail page": lambda client, pm: client.get(pm.get_absolute_url()).content.decode(),
    "API list": lambda client, pm: client.get("/api/v1/postmortems/").content.decode(),
    "API list filtered": lambda client, pm: client.get("/api/v1/postmortems/?restricted=true").content.decode(),
    "API detail": lambda client, pm: client.get(f"/api/v1/postmortems/{pm.key}/").content.decode(),
    "API timeline events": lambda client, pm: _api_rows(
        client, "/api/v1/timeline-events/", TimelineEventFactory(postmortem=pm, text=pm.title)
    ),
    "API contributing factors": lambda client, pm: _api_rows(
        client, "/api/v1/contributing-factors/", ContributingFactorFactory(postmortem=pm, narrative=pm.title)
    ),
    "API action items": lambda client, pm: _api_rows(
        client, "/api/v1/action-items/", ActionItemFactory(postmortem=pm, title=pm.title)
    ),
    "API review comments": lambda client, pm: _api_rows(
        client, "/api/v1/review-comments/", ReviewCommentFactory(postmortem=pm, body=pm.title)
    ),
    "API assumption evidence": lambda client, pm: _api_rows(
        client, "/api/v1/assumption-evidence/", AssumptionEvidenceFactory(postmortem=pm, excerpt=pm.title)
    ),
    "API assumption history and evidence": _api_assumption,
    # Search reads its own index: the postmortem and its document are rebuilt first, as the services would.
    "search page": lambda client, pm: _search_page(client, pm),
    "search API": lambda client, pm: _search_api(client, pm),
    "similar page": lambda client, pm: _similar_page(client, pm),
    "similar API": lambda client, pm: _similar_api(client, pm),
    "patterns page": lambda client, pm: _patterns(client, pm, reverse("postmortems:patterns")),
    "patterns API": lambda client, pm: _patterns(client, pm, "/api/v1/patterns/durations/"),
    "review page": lambda client, pm: client.get(reverse("postmortems:review", args=[pm.key])).content.decode(),
    "history page": lambda client, pm: client.get(reverse("postmortems:history", args=[pm.key])).content.decode(),
    "revision comparison": lambda client, pm: client.get(
        reverse("postmortems:history_diff", args=[pm.key])
    ).content.decode(),
}


@pytest.mark.parametrize("interface", INTERFACES)
def test_restricted_postmortem_absent_for_outsider_in_every_interface(client, restricted_pm, outsider, interface):
    client.force_login(outsider)
    assert restricted_pm.title not in INTERFACES[interface](client, restricted_pm)


@pytest.mark.parametrize("interface", INTERFACES)
def test_restricted_postmortem_present_for_member_in_every_interface(client, restricted_pm, member, interface):
    client.force_login(member)
    assert restricted_pm.title in INTERFACES[interface](client, restricted_pm)


def test_restricted_detail_page_is_404_for_outsider(client, restricted_pm, outsider):
    client.force_login(outsider)
    assert client.get(restricted_pm.get_absolute_url()).status_code == 404
