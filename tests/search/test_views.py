"""The search page, the similar-incidents fragments and their inputs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_client(client):
    client.force_login(UserFactory(username="reader", role="viewer"))
    return client


def test_search_page_needs_login(client):
    response = client.get(reverse("postmortems:search"), {"q": "cache"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_search_page_shows_hits_with_marked_snippets(reader_client, indexed):
    indexed(key="PM-2026-001", title="Cache stampede", summary="The cache was cold after the deploy.")
    response = reader_client.get(reverse("postmortems:search"), {"q": "cache"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 postmortem for “cache”" in page
    assert "The <mark>cache</mark> was cold after the deploy." in page
    assert 'href="/postmortems/PM-2026-001/"' in page


def test_search_page_escapes_stored_text_and_the_query(reader_client, indexed):
    indexed(title="<script>alert(1)</script> outage", summary="<img src=x onerror=alert(2)> outage")
    page = reader_client.get(reverse("postmortems:search"), {"q": "outage"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>outage</mark>" in page
    page = reader_client.get(reverse("postmortems:search"), {"q": '"><b>bold</b>'}).content.decode()
    assert "<b>bold" not in page
    assert "&quot;&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_search_page_answers_htmx_with_the_results_fragment(reader_client, indexed):
    indexed(title="Cache stampede")
    response = reader_client.get(reverse("postmortems:search"), {"q": "cache"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'class="search-layout"' in response.content


def test_search_page_toggles_facets_in_links(reader_client, indexed):
    indexed(services=["checkout"])
    page = reader_client.get(reverse("postmortems:search"), {"q": "", "service": "checkout"}).content.decode()
    assert 'href="?q=" hx-get="?q="' in page  # clicking the selected value removes it
    assert 'aria-current="true" class="selected"' in page


def test_search_page_rejects_bad_filters_with_a_message(reader_client):
    response = reader_client.get(reverse("postmortems:search"), {"severity": "9", "page": "0", "service": "a b"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "severity:" in page and "page:" in page and "service:" in page


def test_search_page_rejects_a_null_character(reader_client):
    assert reader_client.get(reverse("postmortems:search"), {"q": "cache\x00"}).status_code == 400


def test_search_page_browses_without_a_query(reader_client, indexed):
    indexed(key="PM-2026-001", title="First")
    indexed(key="PM-2026-002", title="Second")
    page = reader_client.get(reverse("postmortems:search")).content.decode()
    assert "2 postmortems" in page


def _queries_for_search_page(client, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("postmortems:search"), {"q": query}).status_code == 200
    return len(captured)


def test_search_page_issues_the_same_number_of_queries_whatever_the_data_size(reader_client, indexed):
    indexed(title="Gateway fault one", services=["checkout"], factors=["load.hidden-limit"])
    # The first search of a process also reads the synonyms into the cache (and, on PostgreSQL, whether
    # the RUM index is there); the counts below are for the searches after it.
    _queries_for_search_page(reader_client, "warm-up")
    few = _queries_for_search_page(reader_client, "gateway")
    for n in range(12):
        indexed(
            title=f"Gateway fault {n}",
            services=[f"service-{n}", "payments"],
            factors=["load.hidden-limit", "change.config-change"],
            events=["Gateway paged"],
            actions=["Fix the gateway"],
        )
    many = _queries_for_search_page(reader_client, "gateway")
    # Session, user with profile, the search in a savepoint of the test's transaction (on PostgreSQL one
    # statement for the page's rows, the total and the facets; on SQLite the page of ids, the counts, then
    # the rows), the names of services, factors and teams: the same for 1 result as for 13.
    assert few == many <= (6 if connection.vendor == "postgresql" else 8)


def test_similar_fragment_lists_similar_postmortems(reader_client, indexed):
    source = indexed(key="PM-2026-001", services=["checkout"])
    indexed(key="PM-2026-002", title="Checkout again", services=["checkout"])
    url = reverse("postmortems:similar", kwargs={"key": source.key})
    response = reader_client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert "Checkout again" in response.content.decode()
    assert "Also involved Checkout" in response.content.decode()


def test_similar_page_without_htmx_is_a_whole_page(reader_client, indexed):
    source = indexed(key="PM-2026-001")
    response = reader_client.get(reverse("postmortems:similar", kwargs={"key": source.key}))
    assert response.status_code == 200
    assert b"<html" in response.content


def test_similar_of_a_restricted_postmortem_is_404_for_outsiders(client, indexed, team, outsider):
    restricted = indexed(key="PM-2026-001", restricted=True, allowed_teams=[team])
    client.force_login(outsider)
    assert client.get(reverse("postmortems:similar", kwargs={"key": restricted.key})).status_code == 404
    assert client.get(reverse("postmortems:similar", kwargs={"key": "PM-" + "9" * 40})).status_code == 404


def test_similar_to_draft_answers_post_and_get(reader_client, indexed):
    indexed(key="PM-2026-001", title="Kafka consumer lag", summary="Consumers fell behind")
    url = reverse("postmortems:similar_draft")
    posted = reader_client.post(url, {"summary": "consumer lag again", "factors": ["load.hidden-limit"]})
    fetched = reader_client.get(url, {"summary": "consumer lag again"})
    for response in (posted, fetched):
        assert response.status_code == 200
        assert "Kafka consumer lag" in response.content.decode()


def test_similar_to_draft_rejects_bad_input(reader_client):
    response = reader_client.post(reverse("postmortems:similar_draft"), {"factors": ["not a slug"], "exclude": "x"})
    assert response.status_code == 400
    assert "factors" in response.content.decode() and "exclude" in response.content.decode()


def test_detail_page_loads_similar_incidents_after_the_page(reader_client, indexed):
    pm = indexed(key="PM-2026-001")
    page = reader_client.get(pm.get_absolute_url()).content.decode()
    assert f'hx-get="{reverse("postmortems:similar", kwargs={"key": pm.key})}"' in page


@pytest.mark.postgres
def test_search_page_says_at_least_when_a_phrase_was_checked_in_the_newest_postmortems_only(
    reader_client, indexed, monkeypatch
):
    from postmortems.search import postgres

    monkeypatch.setattr(postgres, "PHRASE_SCOPE", 1)
    for n in range(3):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Outage {n}", narrative="The connection pool was full.")
    page = reader_client.get(reverse("postmortems:search"), {"q": '"connection pool"'}).content.decode()
    assert "At least 2 postmortems for “&quot;connection pool&quot;”" in page
    assert "most recent ones holding all their words" in page
