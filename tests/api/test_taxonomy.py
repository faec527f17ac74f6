"""Factor families and factors: anyone reads them, editors extend and retire them."""

import pytest

from postmortems.models import Factor

pytestmark = pytest.mark.django_db


def test_factor_families_list_the_seeded_taxonomy_in_order(api, member):
    body = api.as_user(member).get("/api/v1/factor-families/?page_size=200").json()
    assert body["count"] >= 5
    load = next(family for family in body["results"] if family["slug"] == "load")
    assert "load.retry-feedback-loop" in load["factors"]


def test_factor_detail_is_looked_up_by_a_slug_with_a_dot(api, member):
    response = api.as_user(member).get("/api/v1/factors/load.retry-feedback-loop/")
    assert response.status_code == 200
    assert response.json()["family"] == "load"


def test_factor_create_by_editor_needs_the_family_prefix(api, editor):
    client = api.as_user(editor)
    body = {"slug": "change.friday-freeze", "family": "load", "name": "Freeze", "definition": "d"}
    assert client.post("/api/v1/factors/", body, format="json").status_code == 400
    body["family"] = "change"
    response = client.post("/api/v1/factors/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Factor.objects.get(slug="change.friday-freeze").family.slug == "change"


def test_factor_retire_keeps_slug_and_family(api, editor):
    body = {"is_active": False, "slug": "load.renamed", "family": "change"}
    response = api.as_user(editor).patch("/api/v1/factors/load.retry-feedback-loop/", body, format="json")
    assert response.status_code == 200
    factor = Factor.objects.get(slug="load.retry-feedback-loop")
    assert (factor.is_active, factor.family.slug) == (False, "load")


def test_taxonomy_writes_are_forbidden_for_authors(api, member):
    body = {"slug": "people", "name": "People", "question": "q"}
    assert api.as_user(member).post("/api/v1/factor-families/", body, format="json").status_code == 403


def test_factors_cannot_be_deleted(api, admin_user):
    assert api.as_user(admin_user).delete("/api/v1/factors/load.retry-feedback-loop/").status_code == 405
