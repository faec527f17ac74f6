"""Service catalogue pages: list, detail, create and edit, dependencies, and the catalogue graph."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postmortems import models as m
from tests.catalog.conftest import involve
from tests.factories import (
    AssumptionEvidenceFactory,
    AssumptionFactory,
    ContributingFactorFactory,
    DependencyFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

SERVICES = reverse("postmortems:services")
GRAPH = reverse("postmortems:service_graph")


def _service_url(service) -> str:
    return reverse("postmortems:service", kwargs={"slug": service.slug})


def _rows(html: str) -> list[str]:
    """The service names in the list's table, in order."""
    return re.findall(r'<td class="title"><a href="/services/[^/]+/">([^<]+)</a>', html)


# ---- List ----------------------------------------------------------------------------------------------------


def test_service_list_shows_services_with_team_tier_and_counts(client, member, catalog):
    involve(PostmortemFactory(), catalog.checkout)
    involve(PostmortemFactory(), catalog.checkout)
    AssumptionFactory(service=catalog.checkout, status=m.AssumptionStatus.VIOLATED)
    AssumptionFactory(service=catalog.checkout)
    client.force_login(member)

    html = client.get(SERVICES).content.decode()

    assert _rows(html) == ["Checkout", "Orders DB", "Payment gateway", "Web storefront"]
    assert 'aria-label="2 postmortems involving Checkout">2</a>' in html
    assert 'aria-label="2 assumptions about Checkout">2</a> <span class="open-count">(1 in doubt)</span>' in html
    assert '<span class="badge tier-1">Tier 1</span>' in html


def test_service_list_counts_only_postmortems_the_person_may_see(client, member, viewer, catalog, secret_postmortem):
    client.force_login(viewer)
    html = client.get(SERVICES).content.decode()
    assert "postmortem involving Payment gateway" not in html
    assert "Secret outage" not in html

    client.force_login(member)  # on the payments team, not the storefront team the postmortem is shared with
    assert "postmortem involving Payment gateway" not in client.get(SERVICES).content.decode()


def test_service_list_filters_by_team_tier_lifecycle_and_words(client, member, catalog, team):
    ServiceFactory(name="Legacy payments", slug="legacy-payments", team=team, lifecycle=m.Lifecycle.DEPRECATED)
    client.force_login(member)

    assert _rows(client.get(SERVICES, {"team": "payments"}).content.decode()) == [
        "Checkout",
        "Legacy payments",
        "Payment gateway",
    ]
    assert _rows(client.get(SERVICES, {"tier": "1"}).content.decode()) == ["Checkout"]
    assert _rows(client.get(SERVICES, {"lifecycle": "deprecated"}).content.decode()) == ["Legacy payments"]
    assert _rows(client.get(SERVICES, {"q": "gate"}).content.decode()) == ["Payment gateway"]


def test_service_list_sorts_by_postmortems(client, member, catalog):
    involve(PostmortemFactory(), catalog.web)
    client.force_login(member)

    assert _rows(client.get(SERVICES, {"sort": "postmortems"}).content.decode())[0] == "Web storefront"


def test_service_list_shows_bad_filters_as_errors_and_keeps_the_good_ones(client, member, catalog):
    client.force_login(member)

    response = client.get(SERVICES, {"tier": "9", "team": "payments"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were not understood" in html
    assert _rows(html) == ["Checkout", "Payment gateway"]


def test_service_list_paginates(client, member):
    for i in range(55):
        ServiceFactory(name=f"Service {i:02d}", slug=f"s-{i:02d}")
    client.force_login(member)

    first = client.get(SERVICES).content.decode()
    second = client.get(SERVICES, {"page": 2}).content.decode()

    assert len(_rows(first)) == 50 and len(_rows(second)) == 5
    assert "Showing 1–50 of 55" in first


def test_service_list_offers_adding_only_to_editors(client, viewer, editor):
    client.force_login(viewer)
    assert "Add a service" not in client.get(SERVICES).content.decode()
    client.force_login(editor)
    assert "Add a service" in client.get(SERVICES).content.decode()


def test_service_list_appears_in_the_navigation(client, member):
    client.force_login(member)

    html = client.get(SERVICES).content.decode()

    assert f'<a href="{SERVICES}" aria-current="page">Services</a>' in html


# ---- Detail --------------------------------------------------------------------------------------------------


def test_service_detail_shows_facts_and_dependencies_both_ways(client, member, catalog):
    client.force_login(member)

    html = client.get(_service_url(catalog.checkout)).content.decode()

    assert '<h1 id="service-title">Checkout</h1>' in html
    assert "Tier 1 (critical)" in html and "Payments" in html
    upstream = html[html.index('id="upstream-title"') : html.index('id="downstream-title"')]
    downstream = html[html.index('id="downstream-title"') : html.index('id="postmortems"')]
    assert "Payment gateway" in upstream and "Three retries, 2 s timeout." in upstream
    assert "Orders DB" in upstream and "Data store" in upstream
    assert "Web storefront" in downstream and "Payment gateway" not in downstream


def test_service_detail_draws_the_two_hop_graph_with_links(client, member, catalog):
    bank = ServiceFactory(name="Bank", slug="bank")
    far = ServiceFactory(name="Far away", slug="far")
    DependencyFactory(source=catalog.gateway, target=bank)
    DependencyFactory(source=bank, target=far)  # three hops from checkout
    client.force_login(member)

    html = client.get(_service_url(catalog.checkout)).content.decode()

    svg = html[html.index('<svg class="graph-svg"') : html.index("</svg>", html.index("graph-svg"))]
    for name in ("Checkout", "Payment gateway", "Bank", "Web storefront", "Orders DB"):
        assert f">{name}</text>" in svg
    assert "Far away" not in svg
    assert 'href="/services/bank/"' in svg
    assert 'class="graph-edge edge-datastore"' in svg
    assert "Checkout depends on Orders DB (Data store)" in svg
    assert 'Payment gateway</a> depends on <a href="/services/bank/">Bank</a>' in html  # the text alternative


def test_service_detail_without_dependencies_says_so(client, member):
    lonely = ServiceFactory(name="Lonely", slug="lonely")
    client.force_login(member)

    html = client.get(_service_url(lonely)).content.decode()

    assert "No dependencies recorded yet" in html
    assert "graph-svg" not in html


def test_service_detail_lists_postmortems_with_roles_capped_with_a_link(client, member, catalog):
    for i in range(12):
        involve(PostmortemFactory(title=f"Outage {i}"), catalog.checkout, m.ServiceRole.ORIGIN)
    client.force_login(member)

    html = client.get(_service_url(catalog.checkout)).content.decode()

    section = html[html.index('id="postmortems"') : html.index('id="factors"')]
    assert section.count("Where it started") == 10
    assert 'href="/?service=checkout">All 12 postmortems involving Checkout</a>' in section


def test_service_detail_groups_factors_by_family_with_links_to_the_list(client, member, catalog):
    pm = involve(PostmortemFactory(), catalog.checkout)
    ContributingFactorFactory(postmortem=pm)  # load.retry-feedback-loop
    ContributingFactorFactory(postmortem=pm, factor=m.Factor.objects.get(slug="load.capacity-saturation"))
    other = involve(PostmortemFactory(), catalog.checkout)
    ContributingFactorFactory(postmortem=other)
    client.force_login(member)

    html = client.get(_service_url(catalog.checkout)).content.decode()

    section = html[html.index('id="factors"') : html.index('id="assumptions"')]
    family = m.FactorFamily.objects.get(slug="load")
    assert f'<a href="/?service=checkout&amp;family=load">{family.name}</a>' in section
    assert 'href="/?service=checkout&amp;factor=load.retry-feedback-loop">' in section
    assert "2 postmortems" in section and "1 postmortem<" in section


def test_service_detail_hides_restricted_postmortems_and_their_factors(client, viewer, catalog, secret_postmortem):
    ContributingFactorFactory(postmortem=secret_postmortem)
    client.force_login(viewer)

    html = client.get(_service_url(catalog.gateway)).content.decode()

    assert "Secret outage" not in html and "PM-2026-900" not in html
    assert "retry-feedback-loop" not in html
    assert "No postmortem you may read involves Payment gateway." in html


def test_service_detail_lists_assumptions_about_it_and_relied_on_violated_first(client, member, catalog):
    held = AssumptionFactory(statement="The gateway answers in 500 ms", service=catalog.gateway)
    violated = AssumptionFactory(
        statement="Gateway retries are idempotent", service=catalog.gateway, status=m.AssumptionStatus.VIOLATED
    )
    relied = AssumptionFactory(statement="The bank settles daily", service=catalog.orders_db)
    relied.relied_on_by.set([catalog.gateway])
    AssumptionEvidenceFactory(assumption=violated, postmortem=involve(PostmortemFactory(), catalog.gateway))
    client.force_login(member)

    html = client.get(_service_url(catalog.gateway)).content.decode()

    section = html[html.index('id="assumptions"') :]
    order = [section.index(a.statement) for a in (violated, held, relied)]
    assert order == sorted(order)
    assert "Payment gateway relies on it; about Orders DB" in section


def test_service_detail_is_a_404_for_an_unknown_slug(client, member):
    client.force_login(member)
    assert client.get(reverse("postmortems:service", kwargs={"slug": "nope"})).status_code == 404


# ---- Create and edit -----------------------------------------------------------------------------------------


def test_service_create_is_for_editors(client, viewer, member):
    for person in (viewer, member):
        client.force_login(person)
        assert client.get(reverse("postmortems:service_create")).status_code == 403
        response = client.post(
            reverse("postmortems:service_create"), {"name": "X", "tier": 2, "lifecycle": "production"}
        )
        assert response.status_code == 403
    assert not m.Service.objects.exists()


def test_service_create_makes_the_slug_from_the_name(client, editor, team):
    client.force_login(editor)

    response = client.post(
        reverse("postmortems:service_create"),
        {
            "name": "Fraud Check",
            "slug": "",
            "tier": 1,
            "team": team.pk,
            "lifecycle": "production",
            "service_type": "service",
        },
    )

    assert response.status_code == 302
    service = m.Service.objects.get()
    assert (service.slug, service.team, service.tier) == ("fraud-check", team, 1)
    assert response["Location"] == "/services/fraud-check/"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Checkout"}, "name", "Service with this Name already exists."),
        ({"name": "Other", "slug": "checkout"}, "slug", "Service with this Slug already exists."),
        ({"name": "Graph page"}, "slug", None),
        ({"name": "Other", "slug": "graph"}, "slug", "is the name of a page"),
        ({"name": "Other", "tier": 7}, "tier", "Select a valid choice"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_service_create_shows_field_errors_and_writes_nothing(client, editor, catalog, data, field, message):
    client.force_login(editor)
    before = m.Service.objects.count()
    posted = {"tier": 2, "lifecycle": "production", **data}

    response = client.post(reverse("postmortems:service_create"), posted)

    if message is None:  # "graph-page" is a fine slug
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert m.Service.objects.count() == before


def test_service_edit_changes_fields_but_never_the_slug(client, editor, catalog, other_team):
    client.force_login(editor)
    url = reverse("postmortems:service_edit", kwargs={"slug": "checkout"})
    form = {"name": "Checkout API", "slug": "renamed", "tier": 2, "team": other_team.pk, "lifecycle": "deprecated"}

    response = client.post(url, form)

    assert response.status_code == 302
    catalog.checkout.refresh_from_db()
    assert (catalog.checkout.name, catalog.checkout.slug, catalog.checkout.team) == (
        "Checkout API",
        "checkout",
        other_team,
    )
    assert catalog.checkout.lifecycle == "deprecated"


def test_service_edit_is_for_editors(client, member, catalog):
    client.force_login(member)
    assert client.get(reverse("postmortems:service_edit", kwargs={"slug": "checkout"})).status_code == 403


# ---- Dependencies --------------------------------------------------------------------------------------------


def _add_dependency(client, service, **data):
    url = reverse("postmortems:dependency_create", kwargs={"slug": service.slug})
    return client.post(url, {"direction": "depends_on", "kind": "sync", "notes": "", **data})


def test_dependency_add_either_way_with_kind_and_notes(client, editor, catalog):
    client.force_login(editor)

    assert (
        _add_dependency(
            client, catalog.gateway, other=catalog.orders_db.pk, kind="async", notes="Ledger events"
        ).status_code
        == 302
    )
    assert _add_dependency(client, catalog.gateway, other=catalog.web.pk, direction="depended_on_by").status_code == 302

    dep = m.Dependency.objects.get(source=catalog.gateway, target=catalog.orders_db)
    assert (dep.kind, dep.notes) == ("async", "Ledger events")
    assert m.Dependency.objects.filter(source=catalog.web, target=catalog.gateway).exists()


@pytest.mark.parametrize(
    ("other", "message"),
    [("checkout", "A service cannot depend on itself."), ("gateway", "checkout already depends on payment-gateway.")],
)
def test_dependency_add_refuses_self_and_duplicates_as_form_errors(client, editor, catalog, other, message):
    client.force_login(editor)
    before = m.Dependency.objects.count()

    response = _add_dependency(client, catalog.checkout, other=getattr(catalog, other).pk)

    assert response.status_code == 400
    assert response.context["form"].errors["other"] == [message]
    assert message in response.content.decode()
    assert m.Dependency.objects.count() == before


def test_dependency_edit_changes_kind_and_notes(client, editor, catalog):
    dep = m.Dependency.objects.get(source=catalog.checkout, target=catalog.gateway)
    client.force_login(editor)
    url = reverse("postmortems:dependency_edit", kwargs={"slug": "payment-gateway", "pk": dep.pk})

    assert client.post(url, {"kind": "infrastructure", "notes": "Via the mesh."}).status_code == 302

    dep.refresh_from_db()
    assert (dep.kind, dep.notes) == ("infrastructure", "Via the mesh.")


def test_dependency_remove_asks_then_deletes_on_post(client, editor, catalog):
    dep = m.Dependency.objects.get(source=catalog.checkout, target=catalog.gateway)
    client.force_login(editor)
    url = reverse("postmortems:dependency_delete", kwargs={"slug": "checkout", "pk": dep.pk})

    assert "Remove this dependency?" in client.get(url).content.decode()
    assert m.Dependency.objects.filter(pk=dep.pk).exists()
    assert client.post(url).status_code == 302
    assert not m.Dependency.objects.filter(pk=dep.pk).exists()


def test_dependency_pages_are_404_from_an_unrelated_service(client, editor, catalog):
    dep = m.Dependency.objects.get(source=catalog.checkout, target=catalog.gateway)
    client.force_login(editor)

    for name in ("dependency_edit", "dependency_delete"):
        assert client.get(reverse(f"postmortems:{name}", kwargs={"slug": "web", "pk": dep.pk})).status_code == 404


def test_dependency_changes_are_for_editors(client, member, catalog):
    dep = m.Dependency.objects.get(source=catalog.checkout, target=catalog.gateway)
    client.force_login(member)

    assert _add_dependency(client, catalog.checkout, other=catalog.web.pk).status_code == 403
    assert (
        client.post(reverse("postmortems:dependency_delete", kwargs={"slug": "checkout", "pk": dep.pk})).status_code
        == 403
    )
    assert m.Dependency.objects.count() == 3


def test_service_detail_offers_editing_only_to_editors(client, member, editor, catalog):
    client.force_login(member)
    assert "Add a dependency" not in client.get(_service_url(catalog.checkout)).content.decode()
    client.force_login(editor)
    html = client.get(_service_url(catalog.checkout)).content.decode()
    assert "Add a dependency" in html and 'aria-label="Remove the dependency on Payment gateway"' in html


# ---- The catalogue graph -------------------------------------------------------------------------------------


def _drawn(html: str) -> set[str]:
    return set(re.findall(r'<text class="graph-label"[^>]*>([^<]+)</text>', html))


def test_graph_page_draws_the_catalogue_with_a_table_and_the_unconnected_listed(client, member, catalog):
    ServiceFactory(name="Island", slug="island")
    client.force_login(member)

    html = client.get(GRAPH).content.decode()

    assert _drawn(html) == {"Checkout", "Payment gateway", "Web storefront", "Orders DB"}
    assert "Not drawn: no dependencies" in html and 'href="/services/island/">Island</a>' in html
    table = html[html.index("The graph as a table") :]
    assert "Checkout</a>" in table and "(data store)" in table


def test_graph_page_by_team_shows_its_services_and_their_neighbours_muted(client, member, catalog, other_team):
    client.force_login(member)

    html = client.get(GRAPH, {"team": other_team.slug}).content.decode()

    assert _drawn(html) == {"Web storefront", "Orders DB", "Checkout"}
    assert html.count("is-muted") == 1  # checkout belongs to payments
    assert "(shown for context)" in html


def test_graph_page_focuses_on_a_service_within_hops(client, member, catalog):
    client.force_login(member)

    assert _drawn(client.get(GRAPH, {"focus": "web", "depth": 1}).content.decode()) == {"Web storefront", "Checkout"}
    assert len(_drawn(client.get(GRAPH, {"focus": "web", "depth": 2}).content.decode())) == 4


def test_graph_page_filters_by_kind_of_dependency(client, member, catalog):
    client.force_login(member)

    assert _drawn(client.get(GRAPH, {"kinds": "datastore"}).content.decode()) == {"Checkout", "Orders DB"}


def test_graph_page_asks_to_narrow_a_large_catalogue(client, member):
    services = [ServiceFactory(name=f"S{i:03d}", slug=f"s{i:03d}") for i in range(90)]
    for a, b in zip(services, services[1:], strict=False):
        DependencyFactory(source=a, target=b)
    client.force_login(member)

    html = client.get(GRAPH).content.decode()
    assert "graph-svg" not in html and "Choose a team or a service to draw around" in html
    assert html.count("<tr") == 91  # the table still lists them all
    assert "graph-svg" in client.get(GRAPH, {"draw_all": "on"}).content.decode()


def test_graph_page_counts_only_visible_postmortems_for_the_highlight(client, viewer, catalog, secret_postmortem):
    client.force_login(viewer)

    html = client.get(GRAPH).content.decode()

    assert "Payment gateway: 0 postmortems" in html
    assert 'class="graph-count"' not in html


def test_graph_page_survives_a_cycle(client, member, catalog):
    DependencyFactory(source=catalog.gateway, target=catalog.web)
    client.force_login(member)

    response = client.get(GRAPH)

    assert response.status_code == 200
    assert "is-loop" in response.content.decode()


# ---- Query budgets -------------------------------------------------------------------------------------------
# Counted for an author on a team (the visibility rule runs as subqueries). Every page starts with the session,
# the user and the profile.


def _grow(catalog, n: int) -> None:
    """More of everything the pages show: services, dependencies, postmortems, factors, assumptions."""
    team = TeamFactory()
    for _ in range(n):
        service = ServiceFactory(team=team)
        DependencyFactory(source=catalog.checkout, target=service)
        DependencyFactory(source=service, target=catalog.gateway)
        pm = involve(PostmortemFactory(), catalog.checkout)
        involve(pm, service)
        ContributingFactorFactory(postmortem=pm)
        AssumptionEvidenceFactory(assumption=AssumptionFactory(service=catalog.checkout), postmortem=pm)


def _queries(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url", "params", "budget"),
    [
        # + teams for the filter, COUNT for the paginator, the page of services (counts as subqueries).
        (SERVICES, {"team": "payments", "sort": "postmortems"}, 6),
        # + the service, two hops of the walk, the edges between what it reached, those services with their
        # counts, the direct dependencies with notes, its postmortems, factors by family, its assumptions.
        ("/services/checkout/", None, 12),
        # + every service (with counts), teams for the filters, every dependency.
        (GRAPH, None, 6),
        (GRAPH, {"focus": "checkout", "depth": 3, "kinds": ["sync", "datastore"]}, 6),
    ],
)
def test_catalog_pages_query_count_is_constant(client, member, catalog, url, params, budget):
    client.force_login(member)
    small = _queries(client, url, params)
    _grow(catalog, 15)
    large = _queries(client, url, params)

    assert large == small
    assert small <= budget
