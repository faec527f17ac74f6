"""The postmortem list: the filter form, sorting, pagination that keeps filters, htmx updates, exports, queries."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from postmortems import models as m
from tests.factories import (
    ContributingFactorFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("postmortems:list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _titles(response) -> list[str]:
    return re.findall(r'<td class="title">\s*<a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def corpus(team):
    """Five postmortems that differ in every filtered attribute."""
    checkout = ServiceFactory(name="Checkout", slug="checkout", team=team)
    search = ServiceFactory(name="Search", slug="search", team=TeamFactory(name="Discovery", slug="discovery"))
    rows = {
        "alpha": PostmortemFactory(
            title="Alpha outage", severity=1, status="published", started_at=datetime(2026, 1, 10, tzinfo=UTC)
        ),
        "bravo": PostmortemFactory(
            title="bravo near miss", kind="near_miss", severity=None, status="draft", started_at=None
        ),
        "charlie": PostmortemFactory(
            title="Charlie slowdown", severity=3, status="in_review", started_at=datetime(2026, 2, 20, tzinfo=UTC)
        ),
        "delta": PostmortemFactory(
            title="Delta cache stampede", severity=2, status="published", started_at=datetime(2025, 12, 1, tzinfo=UTC)
        ),
        "echo": PostmortemFactory(
            title="Echo public outage", kind="external", severity=4, status="published",
            started_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
    }  # fmt: skip
    m.PostmortemService.objects.create(postmortem=rows["alpha"], service=checkout, role="impacted")
    m.PostmortemService.objects.create(postmortem=rows["delta"], service=search, role="origin")
    ContributingFactorFactory(postmortem=rows["charlie"])  # load.retry-feedback-loop
    m.Postmortem.objects.filter(pk=rows["echo"].pk).update(updated_at=datetime(2027, 1, 1, tzinfo=UTC))
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=published", ["Echo public outage", "Alpha outage", "Delta cache stampede"]),
        ("kind=near_miss", ["bravo near miss"]),
        ("severity=3", ["Charlie slowdown"]),
        ("service=checkout", ["Alpha outage"]),
        ("team=discovery", ["Delta cache stampede"]),
        ("factor=load.retry-feedback-loop", ["Charlie slowdown"]),
        ("started_after=2026-01-01&started_before=2026-03-01", ["Charlie slowdown", "Alpha outage"]),
        ("status=published&severity=1", ["Alpha outage"]),
    ],
)
def test_list_filters(client, member, corpus, query, expected):
    client.force_login(member)
    assert _titles(client.get(f"{LIST}?{query}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Echo", "Charlie", "Alpha", "Delta", "bravo"]),  # newest incident; undated last
        ("oldest", ["Delta", "Alpha", "Charlie", "Echo", "bravo"]),
        ("severity", ["Alpha", "Delta", "Charlie", "Echo", "bravo"]),
        ("updated", ["Echo"]),  # the most recently updated first; the rest were made in the same instant
        ("title", ["Alpha", "bravo", "Charlie", "Delta", "Echo"]),  # case-insensitive
        ("nonsense", ["Echo", "Charlie", "Alpha", "Delta", "bravo"]),
    ],
)
def test_list_sorts(client, member, corpus, sort, expected):
    client.force_login(member)
    titles = [title.split()[0] for title in _titles(client.get(f"{LIST}?sort={sort}"))]
    assert titles[: len(expected)] == expected


def test_list_form_shows_the_filters_in_force(client, member, corpus):
    client.force_login(member)
    html = client.get(f"{LIST}?status=in_review&service=checkout&sort=title&started_after=2026-01-01").content.decode()
    assert '<option value="in_review" selected>In review</option>' in html
    assert '<option value="checkout" selected>Checkout</option>' in html
    assert '<option value="title" selected>Title, A to Z</option>' in html
    assert 'name="started_after" value="2026-01-01"' in html
    group = html.split('<optgroup label="Load, saturation and feedback">')[1].split("</optgroup>")[0]
    assert '<option value="load.retry-feedback-loop">' in group  # factors grouped by family
    for name in ("status", "kind", "severity", "service", "team", "factor", "started_after", "started_before", "sort"):
        assert f'<label for="filter-{name}">' in html
    assert "match the filters, by title." in html


def test_list_form_keeps_a_value_that_matches_nothing(client, member, corpus):
    client.force_login(member)
    html = client.get(f"{LIST}?service=retired-thing").content.decode()
    assert '<option value="retired-thing" selected>retired-thing (matches nothing)</option>' in html
    assert "No postmortem you may read matches these filters." in html


def test_list_shows_field_errors_for_bad_values(client, member, corpus):
    client.force_login(member)
    html = client.get(f"{LIST}?started_after=yesterday").content.decode()
    assert 'aria-invalid="true" aria-describedby="filter-started_after-error"' in html
    assert '<p class="field-error" id="filter-started_after-error">Enter a valid date.</p>' in html
    assert len(_titles(client.get(f"{LIST}?started_after=yesterday"))) == 5  # the bad filter is not applied


def test_pagination_keeps_filters_and_sort(client, member, mocker):
    mocker.patch("postmortems.views.PAGE_SIZE", 2)
    PostmortemFactory.create_batch(5, status="draft")
    client.force_login(member)
    html = client.get(f"{LIST}?status=draft&sort=title").content.decode()
    assert 'href="?status=draft&amp;sort=title&amp;page=2" rel="next"' in html


def test_export_links_keep_the_filters(client, member, corpus):
    client.force_login(member)
    html = client.get(f"{LIST}?status=published&severity=1").content.decode()
    for name in ("export_json", "export_markdown", "export_csv"):
        assert f'href="{reverse(f"postmortems:{name}")}?status=published&amp;severity=1"' in html
    response = client.get(reverse("postmortems:export_json") + "?status=published&severity=1")
    exported = b"".join(response.streaming_content).decode()
    assert "Alpha outage" in exported and "Delta cache stampede" not in exported


def test_htmx_gets_only_the_results_with_the_count_out_of_band(client, member, corpus):
    client.force_login(member)
    response = client.get(f"{LIST}?status=published", **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert '<div id="pm-results" class="pm-results">' in html
    assert '<p id="list-count" hx-swap-oob="innerHTML">3 postmortems match the filters' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, member, corpus):
    client.force_login(member)
    html = client.get(f"{LIST}?status=published", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX).content.decode()
    assert "<html" in html and 'class="list-filters"' in html


def test_list_form_updates_with_htmx_and_works_as_a_plain_form(client, member, corpus):
    client.force_login(member)
    html = client.get(LIST).content.decode()
    form = re.search(r'<form method="get" action="/" class="list-filters"[^>]*>', html).group(0)
    assert 'hx-get="/"' in form and 'hx-trigger="change, submit"' in form and 'hx-push-url="true"' in form
    assert '<button type="submit">Apply</button>' in html


def test_patterns_link_parameters_are_applied_and_carried_by_the_form(client, member, corpus):
    client.force_login(member)
    keys = f"{corpus['alpha'].key},{corpus['charlie'].key}"
    response = client.get(f"{LIST}?key={keys}&factor=load.retry-feedback-loop&factor=latent.dark-debt&role=amplifier")
    html = response.content.decode()
    assert _titles(response) == []  # charlie lacks dark debt
    assert f'<input type="hidden" name="key" value="{keys}">' in html
    assert '<input type="hidden" name="factor" value="load.retry-feedback-loop">' in html
    assert '<option value="latent.dark-debt" selected>' in html  # the last factor is the form's
    assert "Drop these" in html
    single = client.get(f"{LIST}?key={keys}&factor=load.retry-feedback-loop&role=amplifier")
    assert _titles(single) == ["Charlie slowdown"]


def test_list_never_offers_what_the_person_may_not_see(client, outsider, team):
    PostmortemFactory(title="Restricted card data drill", restricted=True, allowed_teams=[team], status="draft")
    client.force_login(outsider)
    html = client.get(f"{LIST}?status=draft").content.decode()
    assert "Restricted card data drill" not in html
    assert "0 postmortems match" in html


def test_list_page_links_to_the_review_queue(client, member, corpus):
    client.force_login(member)
    assert f'<a href="{reverse("postmortems:reviews")}">Your reviews</a>' in client.get(LIST).content.decode()


def test_list_query_count_is_constant_with_filters(client, member, team, django_assert_max_num_queries):
    # Session, user, profile, the form's services, teams and factors (one UNION), COUNT, the page, its services.
    client.force_login(member)
    query = f"{LIST}?status=published&team=payments&sort=severity&started_after=2020-01-01"
    with django_assert_max_num_queries(7):
        assert client.get(query).status_code == 200
    for index in range(30):
        pm = PostmortemFactory(severity=index % 4 + 1)
        service = ServiceFactory(team=team)
        m.PostmortemService.objects.create(postmortem=pm, service=service)
        TeamFactory()
    with django_assert_max_num_queries(7):
        response = client.get(query)
    assert len(_titles(response)) == 25


def test_list_htmx_query_count_skips_the_form(client, member, django_assert_max_num_queries):
    # Session, user, profile, COUNT, the page, its services: htmx does not redraw the form.
    PostmortemFactory.create_batch(30)
    client.force_login(member)
    with django_assert_max_num_queries(6):
        assert client.get(f"{LIST}?sort=title", **HTMX).status_code == 200
