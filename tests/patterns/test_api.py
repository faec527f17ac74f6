"""GET /api/v1/patterns/<name>/: one endpoint per view, the page's filters, 400 per field, authentication."""

import pytest
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from postmortems.patterns import VIEWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", list(VIEWS))
def test_patterns_api_answers_each_view(client, library, today, name):
    client.force_login(library["outsider"])
    response = client.get(f"/api/v1/patterns/{name}/", {"service": "checkout"})
    assert response.status_code == 200
    body = response.json()
    assert body["view"] == name
    assert body["filters"]["service"] == "checkout"
    assert body["snapshot"] == {"built_at": None, "live_postmortems": 12}
    assert body["figures"]


def test_patterns_api_gives_the_figures_of_the_page(client, library, today):
    client.force_login(library["member"])
    factors = client.get("/api/v1/patterns/factors/").json()["figures"]
    assert factors["analysed"] == 10
    assert "change.config-change" in factors["rising"]


def test_patterns_api_answers_bad_filters_with_400_per_field(client, library, today):
    client.force_login(library["outsider"])
    response = client.get(
        "/api/v1/patterns/combinations/", {"started_after": "yesterday", "team": "x", "granularity": "day"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"started_after", "team", "granularity"}


def test_patterns_api_needs_credentials(client, db):
    response = client.get("/api/v1/patterns/factors/")
    assert response.status_code == 401


def test_patterns_api_accepts_a_token(client, library, today):
    token = Token.objects.create(user=library["outsider"])
    response = client.get("/api/v1/patterns/depth/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["figures"]["analysed"] == 9


def test_patterns_api_unknown_view_is_a_json_404(client, library):
    client.force_login(library["outsider"])
    response = client.get("/api/v1/patterns/mttr/")
    assert response.status_code == 404


def test_patterns_api_schema_documents_every_view_without_warnings():
    from postmortems.api_patterns_urls import urlpatterns

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned or failed while documenting the patterns API"
    assert {f"/patterns/{name}/" for name in VIEWS} <= set(schema["paths"])
    factors = schema["paths"]["/patterns/factors/"]["get"]
    assert {p["name"] for p in factors["parameters"]} >= {"period", "started_after", "team", "service", "severity"}


def test_patterns_page_links_to_its_json(client, library, today):
    client.force_login(library["outsider"])
    body = client.get(reverse("postmortems:patterns"), {"period": "3m"}).content.decode()
    assert 'href="/api/v1/patterns/factors/?period=3m"' in body
