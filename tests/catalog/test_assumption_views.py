"""The assumption registry: the list with its filters and counts, one assumption, recording, editing, status."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postmortems import assumption_services as services
from postmortems import models as m
from tests.catalog.conftest import involve
from tests.factories import AssumptionEvidenceFactory, AssumptionFactory, PostmortemFactory

pytestmark = pytest.mark.django_db

REGISTRY = reverse("postmortems:assumptions")


def _url(assumption, name: str = "assumption") -> str:
    return reverse(f"postmortems:{name}", kwargs={"pk": assumption.pk})


def _statements(html: str) -> list[str]:
    return re.findall(r'<td class="title"><a href="/assumptions/\d+/">([^<]+)</a>', html)


@pytest.fixture
def registry(catalog, team, other_team):
    """Four assumptions across statuses, services and teams; one violated in two postmortems."""
    violated = AssumptionFactory(
        statement="Retries are idempotent",
        service=catalog.gateway,
        owner_team=team,
        status="violated",
        kind=m.AssumptionKind.IDEMPOTENCY,
    )
    questioned = AssumptionFactory(
        statement="The cache is always warm",
        service=catalog.checkout,
        owner_team=team,
        status="questioned",
        kind=m.AssumptionKind.CAPACITY,
        last_validated_at=date(2026, 1, 5),
    )
    held = AssumptionFactory(statement="Replicas lag under a second", service=catalog.orders_db, owner_team=other_team)
    retired = AssumptionFactory(statement="Nobody uses the v1 API", status="retired")
    for _ in range(2):
        AssumptionEvidenceFactory(assumption=violated, postmortem=involve(PostmortemFactory(), catalog.gateway))
    return {"violated": violated, "questioned": questioned, "held": held, "retired": retired}


# ---- List ----------------------------------------------------------------------------------------------------


def test_registry_lists_violated_first_with_counts_per_status(client, member, registry):
    client.force_login(member)

    html = client.get(REGISTRY).content.decode()

    assert _statements(html) == [
        "Retries are idempotent",
        "The cache is always warm",
        "Replicas lag under a second",
        "Nobody uses the v1 API",
    ]
    for label, count in (("All", 4), ("Violated", 1), ("Questioned", 1), ("Held", 1), ("Revised", 0), ("Retired", 1)):
        assert f'{label} <span class="count">{count}</span>' in html
    assert "<strong>2</strong>" in html  # violated in two postmortems
    assert '<span class="never">never</span>' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "violated"}, ["Retries are idempotent"]),
        ({"service": "checkout"}, ["The cache is always warm"]),
        ({"kind": "capacity"}, ["The cache is always warm"]),
        ({"team": "storefront"}, ["Replicas lag under a second"]),
        (
            {"never_validated": "on"},
            ["Retries are idempotent", "Replicas lag under a second", "Nobody uses the v1 API"],
        ),
        ({"repeatedly_violated": "on"}, ["Retries are idempotent"]),
        ({"q": "cache warm"}, ["The cache is always warm"]),
        (
            {"sort": "statement"},
            [
                "Nobody uses the v1 API",
                "Replicas lag under a second",
                "Retries are idempotent",
                "The cache is always warm",
            ],
        ),
    ],
)
def test_registry_filters(client, member, registry, params, expected):
    client.force_login(member)

    assert _statements(client.get(REGISTRY, params).content.decode()) == expected


def test_registry_status_counts_follow_the_other_filters(client, member, registry):
    client.force_login(member)

    html = client.get(REGISTRY, {"team": "payments", "status": "held"}).content.decode()

    assert 'All <span class="count">2</span>' in html
    assert 'Held <span class="count">0</span>' in html
    assert _statements(html) == []
    assert 'href="?team=payments&amp;status=violated"' in html


def test_registry_counts_only_violations_the_person_may_see(client, member, viewer, registry, other_team):
    hidden = PostmortemFactory(restricted=True)
    hidden.allowed_teams.set([other_team])
    AssumptionEvidenceFactory(assumption=registry["questioned"], postmortem=hidden)
    AssumptionEvidenceFactory(assumption=registry["questioned"], postmortem=PostmortemFactory())
    client.force_login(viewer)

    assert _statements(client.get(REGISTRY, {"repeatedly_violated": "on"}).content.decode()) == [
        "Retries are idempotent"
    ]


def test_registry_paginates(client, member):
    for i in range(60):
        AssumptionFactory(statement=f"Belief {i:02d}")
    client.force_login(member)

    assert len(_statements(client.get(REGISTRY).content.decode())) == 50
    assert len(_statements(client.get(REGISTRY, {"page": 2}).content.decode())) == 10


def test_registry_is_in_the_navigation_and_offers_recording_to_editors(client, member, editor):
    client.force_login(member)
    html = client.get(REGISTRY).content.decode()
    assert f'<a href="{REGISTRY}" aria-current="page">Assumptions</a>' in html
    assert "Record an assumption" not in html
    client.force_login(editor)
    assert "Record an assumption" in client.get(REGISTRY).content.decode()


# ---- Detail --------------------------------------------------------------------------------------------------


def test_assumption_detail_shows_what_it_is_about_and_its_evidence(client, member, catalog):
    assumption = services.create_assumption(
        created_by=member,
        statement="The gateway answers within 500 ms",
        service=catalog.gateway,
        relied_on_by=[catalog.checkout, catalog.web],
        where_encoded="client timeout config",
        last_validated_at=date(2026, 2, 1),
        validation_method="load test https://wiki.example.com/lt-7",
    )
    pm = PostmortemFactory(title="Gateway slow for an hour")
    services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=pm, evidence_type="violated", linked_by=member, excerpt="p99 reached 4 s."
    )
    client.force_login(member)

    html = client.get(_url(assumption)).content.decode()

    assert "The gateway answers within 500 ms" in html
    assert 'href="/services/payment-gateway/">Payment gateway</a>' in html
    assert "Checkout</a>, <a" in html and "Web storefront" in html
    assert "client timeout config" in html
    assert '<a href="https://wiki.example.com/lt-7"' in html
    assert "Gateway slow for an hour" in html and "p99 reached 4 s." in html
    assert f"Violated in {pm.key}." in html  # the history entry the link wrote
    assert "Recorded as" in html and "Held → " in html


def test_assumption_detail_never_validated_says_so(client, member):
    client.force_login(member)
    assert "“held” may only mean nobody looked" in client.get(_url(AssumptionFactory())).content.decode()


def test_assumption_detail_hides_restricted_evidence_and_history(client, member, editor, other_team):
    assumption = AssumptionFactory(statement="Replicas are fresh")
    secret = PostmortemFactory(key="PM-2026-777", title="Secret replica incident", restricted=True)
    secret.allowed_teams.set([other_team])
    services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=secret, evidence_type="violated", linked_by=editor, excerpt="Lag hit 40 s."
    )
    services.change_assumption_status(
        assumption=assumption,
        to_status="questioned",
        changed_by=editor,
        reason="Secret follow-up",
        evidence="see the incident doc",
        postmortem=secret,
    )
    client.force_login(editor)  # an editor outside the storefront team may not see it

    html = client.get(_url(assumption)).content.decode()

    for leak in ("PM-2026-777", "Secret replica incident", "Lag hit 40 s.", "Secret follow-up", "see the incident doc"):
        assert leak not in html
    assert html.count("Prompted by a postmortem you may not read") == 2
    assert "0 postmortems you may read" in html


def test_assumption_detail_shows_restricted_evidence_to_those_who_may_see_it(client, other_team, editor):
    from tests.factories import MembershipFactory

    MembershipFactory(team=other_team, user=editor)
    assumption = AssumptionFactory()
    secret = PostmortemFactory(key="PM-2026-777", restricted=True)
    secret.allowed_teams.set([other_team])
    services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=secret, evidence_type="violated", linked_by=editor
    )
    client.force_login(editor)

    assert "PM-2026-777" in client.get(_url(assumption)).content.decode()


def test_assumption_detail_shows_the_revision_chain_both_ways(client, member, editor):
    first = AssumptionFactory(statement="Retries are safe")
    second = services.revise_assumption(
        assumption=first, changed_by=editor, reason="r", new_statement="Retries with a key are safe"
    )
    third = services.revise_assumption(
        assumption=second, changed_by=editor, reason="r", new_statement="Keyed retries within 24 h are safe"
    )
    client.force_login(member)

    html = client.get(_url(second)).content.decode()

    chain = html[html.index('id="chain"') : html.index('id="evidence"')]
    assert chain.index(first.statement) < chain.index("(this one)") < chain.index(third.statement)
    assert f'Replaced by <a href="/assumptions/{third.pk}/">' in html


def test_assumption_detail_is_a_404_for_an_unknown_id(client, member):
    client.force_login(member)
    assert client.get(reverse("postmortems:assumption", kwargs={"pk": 999})).status_code == 404


# ---- Record, edit, change status -----------------------------------------------------------------------------


def test_assumption_create_by_an_editor_records_it_with_its_first_history_entry(client, editor, catalog, team):
    client.force_login(editor)

    response = client.post(
        reverse("postmortems:assumption_create"),
        {
            "statement": "  The   gateway answers within 500 ms ",
            "kind": "latency",
            "service": catalog.gateway.pk,
            "owner_team": team.pk,
            "relied_on_by": [catalog.checkout.pk],
            "status": "held",
        },
    )

    assumption = m.Assumption.objects.get()
    assert response["Location"] == _url(assumption)
    assert assumption.statement == "The gateway answers within 500 ms"
    assert list(assumption.relied_on_by.all()) == [catalog.checkout]
    assert list(assumption.history.values_list("to_status", "changed_by")) == [("held", editor.pk)]


def test_assumption_create_starts_from_a_service(client, editor, catalog):
    client.force_login(editor)

    form = client.get(reverse("postmortems:assumption_create"), {"service": "checkout"}).context["form"]

    assert form.initial["service"] == catalog.checkout


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"statement": ""}, "statement"),
        ({"kind": "vibes"}, "kind"),
        ({"status": "revised"}, "status"),
        ({"statement": "x" * 301}, "statement"),
    ],
)
def test_assumption_create_shows_field_errors_and_writes_nothing(client, editor, data, field):
    client.force_login(editor)

    response = client.post(
        reverse("postmortems:assumption_create"), {"statement": "s", "kind": "latency", "status": "held", **data}
    )

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not m.Assumption.objects.exists()


def test_assumption_pages_that_write_are_for_editors(client, member):
    assumption = AssumptionFactory()
    client.force_login(member)

    for url in (
        reverse("postmortems:assumption_create"),
        _url(assumption, "assumption_edit"),
        _url(assumption, "assumption_status"),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"statement": "x", "to_status": "retired", "reason": "r"}).status_code == 403
    assumption.refresh_from_db()
    assert assumption.status == "held"


def test_assumption_edit_changes_it_but_not_its_status(client, editor, catalog):
    assumption = AssumptionFactory(statement="Old", status="violated")
    client.force_login(editor)

    response = client.post(
        _url(assumption, "assumption_edit"),
        {
            "statement": "New",
            "kind": "latency",
            "last_validated_at": "2026-03-01",
            "validation_method": "game day",
            "status": "held",
        },
    )

    assert response.status_code == 302
    assumption.refresh_from_db()
    assert (assumption.statement, assumption.status, assumption.last_validated_at) == (
        "New",
        "violated",
        date(2026, 3, 1),
    )


def test_assumption_status_change_needs_a_reason_and_appends_history(client, editor):
    assumption = AssumptionFactory()
    client.force_login(editor)
    url = _url(assumption, "assumption_status")

    refused = client.post(url, {"to_status": "questioned", "reason": ""})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors

    response = client.post(
        url, {"to_status": "questioned", "reason": "A near miss last week.", "evidence": "https://x.example/1"}
    )

    assert response["Location"] == _url(assumption) + "#history"
    change = assumption.history.get()
    assert (change.from_status, change.to_status, change.reason, change.evidence) == (
        "held",
        "questioned",
        "A near miss last week.",
        "https://x.example/1",
    )
    assert change.changed_by == editor


def test_assumption_status_change_offers_only_other_statuses(client, editor):
    assumption = AssumptionFactory(status="questioned")
    client.force_login(editor)

    form = client.get(_url(assumption, "assumption_status")).context["form"]

    assert "questioned" not in dict(form.fields["to_status"].choices)


def test_assumption_status_change_accepts_only_postmortems_the_person_may_see(client, editor, other_team):
    assumption = AssumptionFactory()
    secret = PostmortemFactory(key="PM-2026-777", restricted=True)
    secret.allowed_teams.set([other_team])
    client.force_login(editor)
    url = _url(assumption, "assumption_status")

    hidden = client.post(url, {"to_status": "questioned", "reason": "r", "postmortem": "PM-2026-777"})
    missing = client.post(url, {"to_status": "questioned", "reason": "r", "postmortem": "PM-2026-778"})

    assert hidden.context["form"].errors["postmortem"] == ["No postmortem PM-2026-777 that you may see."]
    assert missing.context["form"].errors["postmortem"] == ["No postmortem PM-2026-778 that you may see."]
    visible = PostmortemFactory()
    assert (
        client.post(url, {"to_status": "questioned", "reason": "r", "postmortem": visible.key.lower()}).status_code
        == 302
    )
    assert assumption.history.get().postmortem == visible


def test_assumption_revised_needs_its_replacement(client, editor):
    assumption = AssumptionFactory()
    client.force_login(editor)

    response = client.post(_url(assumption, "assumption_status"), {"to_status": "revised", "reason": "Restated"})

    assert response.status_code == 400
    assert "needs its replacement" in str(response.context["form"].errors["replacement"])
    assert m.Assumption.objects.count() == 1


def test_assumption_revised_with_a_new_statement_creates_its_successor(client, editor, catalog):
    assumption = AssumptionFactory(service=catalog.gateway)
    client.force_login(editor)

    response = client.post(
        _url(assumption, "assumption_status"),
        {
            "to_status": "revised",
            "reason": "Restated with bounds",
            "new_statement": "p99 < 500 ms except in PSP incidents",
        },
    )

    assert response.status_code == 302
    assumption.refresh_from_db()
    successor = assumption.superseded_by
    assert (assumption.status, successor.statement, successor.service) == (
        "revised",
        "p99 < 500 ms except in PSP incidents",
        catalog.gateway,
    )


def test_assumption_revised_by_an_existing_one_of_the_same_service(client, editor, catalog):
    assumption = AssumptionFactory(service=catalog.gateway)
    successor = AssumptionFactory(service=catalog.gateway)
    elsewhere = AssumptionFactory(service=catalog.checkout)
    client.force_login(editor)
    url = _url(assumption, "assumption_status")

    choices = [c.pk for c in client.get(url).context["form"].fields["replacement"].queryset]
    assert choices == [successor.pk]
    assert client.post(url, {"to_status": "revised", "reason": "r", "replacement": elsewhere.pk}).status_code == 400
    assert client.post(url, {"to_status": "revised", "reason": "r", "replacement": successor.pk}).status_code == 302
    assumption.refresh_from_db()
    assert assumption.superseded_by == successor


# ---- Query budgets -------------------------------------------------------------------------------------------


def _grow(catalog, n: int) -> None:
    for i in range(n):
        assumption = AssumptionFactory(service=catalog.gateway, status="violated" if i % 2 else "held")
        assumption.relied_on_by.set([catalog.checkout, catalog.web])
        pm = involve(PostmortemFactory(), catalog.gateway)
        services.link_assumption_to_postmortem(
            assumption=assumption, postmortem=pm, evidence_type="stressed", linked_by=None
        )


def _queries(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("params", "budget"),
    [
        # + services and teams for the filters, counts per status, COUNT for the paginator, the page (with service,
        # team and the visible evidence counts as subqueries).
        ({}, 8),
        ({"repeatedly_violated": "on", "never_validated": "on", "status": "violated", "sort": "violations"}, 8),
    ],
)
def test_registry_query_count_is_constant(client, member, catalog, registry, params, budget):
    client.force_login(member)
    small = _queries(client, REGISTRY, params)
    _grow(catalog, 12)
    large = _queries(client, REGISTRY, params)

    assert large == small
    assert small <= budget


def test_assumption_detail_query_count_is_constant(client, member, catalog, editor):
    assumption = AssumptionFactory(service=catalog.gateway)
    assumption.relied_on_by.set([catalog.checkout])
    client.force_login(member)
    small = _queries(client, _url(assumption))
    for i in range(10):
        pm = PostmortemFactory()
        services.link_assumption_to_postmortem(
            assumption=assumption, postmortem=pm, evidence_type="violated", linked_by=editor
        )
        services.change_assumption_status(
            assumption=assumption, to_status="questioned" if i % 2 == 0 else "violated", changed_by=editor, reason="r"
        )
    services.revise_assumption(assumption=assumption, changed_by=editor, reason="r", new_statement="Next")
    # Session, user, profile, the assumption (service, team, successor, creator joined), the services relying on
    # it, its visible evidence, every (assumption, successor) pair, the rows of its chain, its history.
    large = _queries(client, _url(assumption))

    assert large == small + 1  # the chain's rows are read only when there is a chain
    assert large <= 9


def test_assumption_form_pages_query_count_is_small(client, editor, catalog, django_assert_max_num_queries):
    assumption = AssumptionFactory(service=catalog.gateway)
    client.force_login(editor)
    # Session, user, profile, the assumption, the services relying on it (the initial choice), then the choices:
    # services (twice: about, relied on by) and teams.
    with django_assert_max_num_queries(8):
        client.get(_url(assumption, "assumption_edit"))
    # Session, user, profile, the assumption, the replacements to choose from.
    with django_assert_max_num_queries(5):
        client.get(_url(assumption, "assumption_status"))
