"""Teams (admins), services and dependencies (editors), and the counts they show."""

import pytest

from postmortems.models import Dependency, Membership, PostmortemService, Service, Team
from tests.factories import DependencyFactory, PostmortemFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_service_create_by_editor(api, editor, team):
    body = {"name": "Checkout", "slug": "checkout", "tier": 1, "team": "payments", "lifecycle": "production"}
    response = api.as_user(editor).post("/api/v1/services/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Service.objects.get(slug="checkout").team == team


def test_service_writes_are_forbidden_below_editor(api, member):
    ServiceFactory(slug="checkout")
    client = api.as_user(member)
    assert client.post("/api/v1/services/", {"name": "x", "slug": "x"}, format="json").status_code == 403
    assert client.patch("/api/v1/services/checkout/", {"tier": 1}, format="json").status_code == 403
    assert client.delete("/api/v1/services/checkout/").status_code == 403


def test_service_create_refuses_a_taken_slug_and_a_bad_tier(api, editor):
    ServiceFactory(slug="checkout")
    body = {"name": "Checkout 2", "slug": "checkout", "tier": 9}
    response = api.as_user(editor).post("/api/v1/services/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"slug", "tier"}


def test_service_slug_cannot_change(api, editor):
    ServiceFactory(slug="checkout")
    response = api.as_user(editor).patch("/api/v1/services/checkout/", {"slug": "till", "tier": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["slug"] == "checkout"


def test_service_delete_while_postmortems_mention_it_is_409(api, editor):
    service = ServiceFactory(slug="checkout")
    PostmortemService.objects.create(postmortem=PostmortemFactory(), service=service)
    response = api.as_user(editor).delete("/api/v1/services/checkout/")
    assert response.status_code == 409
    assert "retired" in response.json()["detail"]
    assert Service.objects.filter(slug="checkout").exists()


def test_service_postmortem_count_ignores_postmortems_you_may_not_see(api, outsider, member, team):
    service = ServiceFactory(slug="checkout")
    for pm in (PostmortemFactory(), PostmortemFactory(restricted=True, allowed_teams=[team])):
        PostmortemService.objects.create(postmortem=pm, service=service)
    assert api.as_user(outsider).get("/api/v1/services/checkout/").json()["postmortem_count"] == 1
    assert api.as_user(member).get("/api/v1/services/checkout/").json()["postmortem_count"] == 2


def test_service_shows_its_dependencies_both_ways(api, member):
    checkout, payments = ServiceFactory(slug="checkout"), ServiceFactory(slug="payments")
    DependencyFactory(source=checkout, target=payments, kind="sync")
    client = api.as_user(member)
    assert client.get("/api/v1/services/checkout/").json()["depends_on"][0]["service"] == "payments"
    assert client.get("/api/v1/services/payments/").json()["dependents"][0]["service"] == "checkout"


def test_dependency_refuses_self_loops_and_duplicates(api, editor):
    checkout, payments = ServiceFactory(slug="checkout"), ServiceFactory(slug="payments")
    DependencyFactory(source=checkout, target=payments)
    client = api.as_user(editor)
    loop = client.post("/api/v1/dependencies/", {"source": "checkout", "target": "checkout"}, format="json")
    duplicate = client.post("/api/v1/dependencies/", {"source": "checkout", "target": "payments"}, format="json")
    assert (loop.status_code, duplicate.status_code) == (400, 400)
    assert loop.json() == {"target": ["A service cannot depend on itself."]}
    assert Dependency.objects.count() == 1


def test_dependency_update_and_filter(api, editor):
    dependency = DependencyFactory(source=ServiceFactory(slug="checkout"), target=ServiceFactory(slug="payments"))
    client = api.as_user(editor)
    response = client.patch(f"/api/v1/dependencies/{dependency.pk}/", {"kind": "async"}, format="json")
    assert response.json()["kind"] == "async"
    assert client.get("/api/v1/dependencies/?source=checkout").json()["count"] == 1
    assert client.get("/api/v1/dependencies/?source=payments").json()["count"] == 0


def test_team_writes_are_for_admins_only(api, editor):
    body = {"name": "Search", "slug": "search"}
    assert api.as_user(editor).post("/api/v1/teams/", body, format="json").status_code == 403


def test_team_members_are_replaced_as_a_list(api, admin_user, team, member, viewer):
    client = api.as_user(admin_user)
    response = client.patch("/api/v1/teams/payments/", {"members": ["vera"]}, format="json")
    assert response.status_code == 200
    assert response.json()["members"] == ["vera"]
    assert list(Membership.objects.filter(team=team).values_list("user__username", flat=True)) == ["vera"]


def test_team_create_checks_the_reading_time_zone(api, admin_user):
    body = {"name": "Search", "slug": "search", "reading_timezone": "Mars/Olympus", "reading_time": "25:00"}
    response = api.as_user(admin_user).post("/api/v1/teams/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"reading_timezone", "reading_time"}
    assert not Team.objects.filter(slug="search").exists()
