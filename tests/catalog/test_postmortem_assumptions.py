"""Assumptions from a postmortem: the linking page, and the section on the postmortem's own page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postmortems import assumption_services as services
from postmortems import models as m
from tests.browser.sample import build_rich_postmortem
from tests.catalog.conftest import involve
from tests.factories import AssumptionEvidenceFactory, AssumptionFactory, PostmortemFactory

pytestmark = pytest.mark.django_db


def _page(pm, name: str = "postmortem_assumptions", **kwargs) -> str:
    return reverse(f"postmortems:{name}", kwargs={"key": pm.key, **kwargs})


@pytest.fixture
def own_postmortem(member, catalog):
    """A postmortem the payments member wrote, involving checkout (origin) and the gateway."""
    pm = PostmortemFactory(title="Checkout retries overloaded the gateway", authors=[member])
    involve(pm, catalog.checkout, m.ServiceRole.ORIGIN)
    return involve(pm, catalog.gateway)


# ---- Who may use the page ------------------------------------------------------------------------------------


def test_linking_page_is_for_those_who_may_edit_the_postmortem(client, member, viewer, outsider, own_postmortem):
    client.force_login(member)
    assert client.get(_page(own_postmortem)).status_code == 200
    for person in (viewer, outsider):  # may read it, may not edit it
        client.force_login(person)
        assert client.get(_page(own_postmortem)).status_code == 403


def test_linking_page_is_a_404_for_a_postmortem_the_person_may_not_see(client, editor, secret_postmortem):
    client.force_login(editor)
    assert client.get(_page(secret_postmortem)).status_code == 404
    link = client.post(
        _page(secret_postmortem, "postmortem_assumption_link"), {"link-assumption": AssumptionFactory().pk}
    )
    assert link.status_code == 404
    assert not m.AssumptionEvidence.objects.exists()


def test_link_refused_to_someone_who_may_not_edit_writes_nothing(client, outsider, own_postmortem):
    assumption = AssumptionFactory()
    client.force_login(outsider)

    response = client.post(
        _page(own_postmortem, "postmortem_assumption_link"),
        {"link-assumption": assumption.pk, "link-evidence_type": "violated"},
    )

    assert response.status_code == 403
    assumption.refresh_from_db()
    assert assumption.status == "held" and not m.AssumptionEvidence.objects.exists()


# ---- Linking and recording -----------------------------------------------------------------------------------


def test_linking_page_suggests_current_assumptions_about_its_services(client, member, own_postmortem, catalog):
    AssumptionFactory(statement="The gateway answers in 500 ms", service=catalog.gateway)
    AssumptionFactory(statement="Old belief", service=catalog.gateway, status="retired")
    AssumptionFactory(statement="About the web", service=catalog.web)
    client.force_login(member)

    html = client.get(_page(own_postmortem)).content.decode()

    assert "The gateway answers in 500 ms" in html
    assert "Old belief" not in html and "About the web" not in html


def test_linking_page_searches_every_assumption(client, member, own_postmortem, catalog):
    AssumptionFactory(statement="Web sessions survive a deploy", service=catalog.web)
    client.force_login(member)

    html = client.get(_page(own_postmortem), {"q": "sessions deploy"}).content.decode()

    assert "Web sessions survive a deploy" in html
    assert "No unlinked assumption matches" in client.get(_page(own_postmortem), {"q": "zebra"}).content.decode()


def test_linking_as_violated_moves_a_held_assumption_and_records_it(client, member, own_postmortem, catalog):
    assumption = AssumptionFactory(service=catalog.gateway)
    client.force_login(member)

    response = client.post(
        _page(own_postmortem, "postmortem_assumption_link"),
        {"link-assumption": assumption.pk, "link-evidence_type": "violated", "link-excerpt": "p99 hit 4 s."},
    )

    assert response.status_code == 302
    assumption.refresh_from_db()
    assert assumption.status == "violated"
    change = assumption.history.get()
    assert (change.from_status, change.to_status, change.postmortem, change.changed_by) == (
        "held",
        "violated",
        own_postmortem,
        member,
    )
    assert m.AssumptionEvidence.objects.get().excerpt == "p99 hit 4 s."
    page = client.get(response["Location"]).content.decode()
    assert "The assumption was held and is now violated" in page


def test_linking_as_supported_leaves_the_status_alone(client, member, own_postmortem):
    assumption = AssumptionFactory()
    client.force_login(member)

    client.post(
        _page(own_postmortem, "postmortem_assumption_link"),
        {"link-assumption": assumption.pk, "link-evidence_type": "supported"},
    )

    assumption.refresh_from_db()
    assert assumption.status == "held" and not assumption.history.exists()


def test_linking_without_a_choice_is_a_form_error(client, member, own_postmortem, catalog):
    AssumptionFactory(service=catalog.gateway)
    client.force_login(member)

    response = client.post(_page(own_postmortem, "postmortem_assumption_link"), {"link-evidence_type": "violated"})

    assert response.status_code == 400
    assert "Choose the assumption to link." in response.content.decode()
    assert not m.AssumptionEvidence.objects.exists()


def test_recording_a_new_assumption_in_place(client, member, own_postmortem, catalog, team):
    client.force_login(member)

    response = client.post(
        _page(own_postmortem, "postmortem_assumption_create"),
        {
            "new-statement": "Checkout's retries are safe",
            "new-kind": "idempotency",
            "new-service": catalog.checkout.pk,
            "new-owner_team": team.pk,
            "new-evidence_type": "violated",
            "new-excerpt": "Duplicate charges.",
        },
    )

    assert response.status_code == 302
    assumption = m.Assumption.objects.get()
    assert (assumption.statement, assumption.status, assumption.created_by) == (
        "Checkout's retries are safe",
        "violated",
        member,
    )
    assert [(c.from_status, c.to_status) for c in assumption.history.order_by("id")] == [
        ("", "held"),
        ("held", "violated"),
    ]


def test_recording_in_place_needs_a_statement(client, member, own_postmortem):
    client.force_login(member)

    response = client.post(
        _page(own_postmortem, "postmortem_assumption_create"),
        {"new-statement": "", "new-kind": "latency", "new-evidence_type": "violated"},
    )

    assert response.status_code == 400
    assert "statement" in response.context["new_form"].errors
    assert not m.Assumption.objects.exists()


def test_recording_in_place_suggests_the_service_where_it_started(client, member, own_postmortem, catalog):
    client.force_login(member)

    form = client.get(_page(own_postmortem)).context["new_form"]

    assert form.initial["service"] == catalog.checkout


def test_changing_and_unlinking_evidence(client, member, own_postmortem):
    evidence = AssumptionEvidenceFactory(postmortem=own_postmortem, evidence_type="stressed", excerpt="Close call.")
    client.force_login(member)

    update = client.post(
        _page(own_postmortem, "postmortem_evidence_update", evidence_id=evidence.pk),
        {f"ev{evidence.pk}-evidence_type": "violated", f"ev{evidence.pk}-excerpt": "It broke."},
    )
    assert update.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.evidence_type, evidence.excerpt, evidence.assumption.status) == (
        "violated",
        "It broke.",
        "violated",
    )

    unlink = client.post(_page(own_postmortem, "postmortem_evidence_unlink", evidence_id=evidence.pk))
    assert unlink.status_code == 302
    assert not m.AssumptionEvidence.objects.exists()
    evidence.assumption.refresh_from_db()
    assert evidence.assumption.status == "violated"  # the history stands


def test_evidence_of_another_postmortem_is_a_404(client, member, own_postmortem):
    elsewhere = AssumptionEvidenceFactory()
    client.force_login(member)

    response = client.post(_page(own_postmortem, "postmortem_evidence_unlink", evidence_id=elsewhere.pk))

    assert response.status_code == 404
    assert m.AssumptionEvidence.objects.filter(pk=elsewhere.pk).exists()


def test_linking_routes_only_accept_post(client, member, own_postmortem):
    client.force_login(member)
    assert client.get(_page(own_postmortem, "postmortem_assumption_link")).status_code == 405


# ---- The postmortem's own page -------------------------------------------------------------------------------


def test_detail_shows_assumptions_about_its_services_violated_and_questioned_first(
    client, member, own_postmortem, catalog
):
    AssumptionFactory(statement="A held one", service=catalog.gateway)
    AssumptionFactory(statement="B questioned one", service=catalog.checkout, status="questioned")
    AssumptionFactory(statement="C violated one", service=catalog.gateway, status="violated")
    AssumptionFactory(statement="D retired one", service=catalog.gateway, status="retired")
    AssumptionFactory(statement="E about another service", service=catalog.web)
    client.force_login(member)

    html = client.get(own_postmortem.get_absolute_url()).content.decode()

    section = html[html.index('id="service-assumptions"') :]
    positions = [section.index(s) for s in ("C violated one", "B questioned one", "A held one")]
    assert positions == sorted(positions)
    assert "D retired one" not in section and "E about another service" not in section
    assert 'href="#service-assumptions"' in html
    assert "never validated" in section


def test_detail_without_services_has_no_such_section(client, member):
    pm = PostmortemFactory(authors=[member])
    client.force_login(member)

    html = client.get(pm.get_absolute_url()).content.decode()

    assert 'id="service-assumptions"' not in html


def test_detail_shows_what_it_tested_with_links_and_offers_linking_to_its_editors(
    client, member, viewer, own_postmortem
):
    assumption = AssumptionFactory(statement="The gateway absorbs 2x peak")
    services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=own_postmortem, evidence_type="near_miss", linked_by=member, excerpt="Close."
    )
    client.force_login(member)

    html = client.get(own_postmortem.get_absolute_url()).content.decode()

    tested = html[html.index('id="assumptions"') : html.index('id="service-assumptions"')]
    assert f'<span class="badge">Near miss</span> <a href="/assumptions/{assumption.pk}/">' in tested
    assert "Close." in tested
    assert f'href="{_page(own_postmortem)}"' in tested
    client.force_login(viewer)
    assert f'href="{_page(own_postmortem)}"' not in client.get(own_postmortem.get_absolute_url()).content.decode()


def test_detail_page_stays_within_twelve_queries_with_the_assumptions(client, member):
    # Session, user, profile, the postmortem, services, timeline, factors, factor services, action items,
    # authors, allowed teams, and one for the assumptions it tested and those about its services.
    pm = build_rich_postmortem(author=member)
    client.force_login(member)
    with CaptureQueriesContext(connection) as small:
        client.get(pm.get_absolute_url())
    for link in pm.service_links.all():
        for status in ("held", "questioned", "violated"):
            AssumptionFactory(service=link.service, status=status)
    for _ in range(5):
        AssumptionEvidenceFactory(postmortem=pm)
    with CaptureQueriesContext(connection) as large:
        html = client.get(pm.get_absolute_url()).content.decode()

    assert html.count('class="badge asm-status') >= 6
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_linking_page_query_count_is_constant(client, member, own_postmortem, catalog):
    client.force_login(member)
    with CaptureQueriesContext(connection) as small:
        client.get(_page(own_postmortem))
    for _ in range(8):
        AssumptionEvidenceFactory(postmortem=own_postmortem)
        AssumptionFactory(service=catalog.gateway)
    with CaptureQueriesContext(connection) as large:
        client.get(_page(own_postmortem))
    # Session, user, profile, the postmortem, its authors, its services, its evidence, the candidates, and the
    # new-assumption form's services and teams.
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
