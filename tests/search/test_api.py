"""GET /api/v1/search/ and GET /api/v1/postmortems/{key}/similar/."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(username="reader", role="viewer"))
    return client


def test_search_api_routes_are_mounted_under_api_v1():
    assert reverse("search_api:search") == SEARCH
    assert reverse("search_api:similar", kwargs={"key": "PM-2026-001"}) == "/api/v1/postmortems/PM-2026-001/similar/"


def test_search_api_returns_results_total_and_facets(api, indexed):
    indexed(
        key="PM-2026-001",
        title="Cache stampede",
        summary="The cache was cold.",
        services=["checkout"],
        source_url="https://example.com/a",
    )
    indexed(key="PM-2026-002", title="Disk full")

    body = api.get(SEARCH, {"q": "cache"}).json()

    assert body["total"] == 1 and body["mode"] == "full" and body["query"] == "cache"
    result = body["results"][0]
    assert set(result) >= {"key", "title", "kind", "source_url", "started_at", "snippet", "score"}
    assert result["key"] == "PM-2026-001"
    assert result["source_url"] == "https://example.com/a"
    assert result["snippet"] == "The <mark>cache</mark> was cold."
    assert result["score"] > 0
    assert body["facets"]["service"] == [{"value": "checkout", "label": "Checkout", "count": 1, "selected": False}]
    assert set(body["facets"]) == {"service", "factor", "family", "kind", "severity", "status", "team", "year"}


def test_search_api_filters_without_a_query(api, indexed):
    indexed(key="PM-2026-001", severity=1)
    indexed(key="PM-2026-002", severity=3)
    body = api.get(SEARCH, {"severity": ["1", "2"]}).json()
    assert [r["key"] for r in body["results"]] == ["PM-2026-001"]


def test_search_api_pages(api, indexed):
    for n in range(3):
        indexed(key=f"PM-2026-00{n + 1}", title="Gateway fault")
    body = api.get(SEARCH, {"q": "gateway", "page": 2, "page_size": 2}).json()
    assert (body["total"], body["page"], body["num_pages"], len(body["results"])) == (3, 2, 2, 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 501}, "q"),
        ({"severity": "7"}, "severity"),
        ({"kind": "meteor"}, "kind"),
        ({"year": "last"}, "year"),
        ({"service": "Not A Slug"}, "service"),
        ({"page": "-1"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_search_api_answers_bad_input_with_400_and_the_field(api, params, field):
    response = api.get(SEARCH, params)
    assert response.status_code == 400
    assert field in response.json()


def test_search_api_says_when_it_simplified_the_query(api, indexed, monkeypatch):
    from django.db import DatabaseError

    from postmortems.search import engine

    indexed(key="PM-2026-001", title="Pool exhausted")
    backend = engine.BACKENDS[engine.backend_name()]
    monkeypatch.setattr(backend, "search", lambda cursor, **kw: (_ for _ in ()).throw(DatabaseError("bad")))
    response = api.get(SEARCH, {"q": "pool"})
    assert response.status_code == 200
    assert response.json()["mode"] == "basic"
    assert response.json()["notices"]


def test_search_api_needs_authentication(client):
    assert APIClient().get(SEARCH, {"q": "x"}).status_code in (401, 403)
    assert client.get(SEARCH).status_code in (401, 403)  # no login redirect for the API


def test_search_api_accepts_a_token(indexed):
    user = UserFactory(username="token-user", role="viewer")
    token = Token.objects.create(user=user)
    indexed(key="PM-2026-001", title="Cache stampede")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(SEARCH, {"q": "cache"}).json()["total"] == 1


def test_similar_api_lists_reasons(api, indexed):
    source = indexed(key="PM-2026-001", title="Alpha", summary="a", services=["checkout"])
    indexed(key="PM-2026-002", title="Beta", summary="b", services=["checkout"])
    body = api.get(f"/api/v1/postmortems/{source.key}/similar/").json()
    assert body["key"] == "PM-2026-001"
    assert body["results"][0]["key"] == "PM-2026-002"
    assert body["results"][0]["reasons"] == ["Also involved Checkout"]
    assert body["results"][0]["url"] == "/postmortems/PM-2026-002/"


def test_similar_api_is_404_for_unknown_and_restricted_postmortems(indexed, team, outsider):
    restricted = indexed(key="PM-2026-001", restricted=True, allowed_teams=[team])
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/postmortems/{restricted.key}/similar/").status_code == 404
    assert client.get("/api/v1/postmortems/PM-2026-999/similar/").status_code == 404
    assert client.get(f"/api/v1/postmortems/{'x' * 300}/similar/").status_code == 404


def test_search_api_appears_in_the_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert "/api/v1/search/" in paths
    assert "/api/v1/postmortems/{key}/similar/" in paths


def test_search_api_result_urls_are_the_detail_pages(api, indexed):
    for key in ("PM-2026-001", "PM-2026-0042"):
        indexed(key=key, title="Gateway fault")
    results = api.get(SEARCH, {"q": "gateway"}).json()["results"]
    assert sorted(r["url"] for r in results) == ["/postmortems/PM-2026-001/", "/postmortems/PM-2026-0042/"]


@pytest.mark.parametrize("prefix", ["/", "/kb/", "/kb/key-placeholder/"])
def test_detail_urls_are_what_reverse_gives_for_any_key_and_script_prefix(prefix):
    from django.urls import get_script_prefix, set_script_prefix

    from postmortems.api_search import _detail_urls

    keys = ["PM-2026-001", "pm_2026.1~x", "PM 2026 ä", "PM%41", "PM:@!$&'()*+,;=", "key-placeholder", "..", "-"]
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        assert _detail_urls(keys) == [reverse("postmortems:detail", kwargs={"key": key}) for key in keys]
        assert _detail_urls(keys)[0] == f"{prefix}postmortems/PM-2026-001/"
    finally:
        set_script_prefix(before)
