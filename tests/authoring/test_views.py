"""Writing and editing postmortems through the pages: create, edit, field errors, permissions, previews, checks."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from postmortems import services
from postmortems.models import Postmortem, Revision, Status
from tests.authoring.conftest import form_data
from tests.factories import MembershipFactory, PostmortemFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("postmortems:create")


def _edit(pm) -> str:
    return reverse("postmortems:edit", kwargs={"key": pm.key})


def _new_postmortem(member, **changes) -> dict:
    data = {
        "title": "Card payments declined after a certificate rotation",
        "kind": "incident",
        "severity": "2",
        "timezone": "America/New_York",
        "started_at": "2026-03-01T09:00",
        "mitigated_at": "2026-03-01T09:40",
        "services_origin": ["checkout"],
        "authors": member.username,
        "summary": "Card payments failed for **forty minutes**.",
        "impact": "About 3,000 orders could not be paid.",
    }
    data.update(changes)
    return data


def test_create_page_offers_the_sections_with_their_prompts(client, member):
    client.force_login(member)
    response = client.get(CREATE)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Summary", "Impact", "Narrative", "What went well", "Where we got lucky", "Open questions"):
        assert f">{label}</label>" in body
    assert "What kept it from being worse, and who made that happen?" in body
    assert 'value="mira"' in body  # the writer is its first author
    assert "root_cause" not in body and ">Root cause" not in body  # no root-cause field, by design


def test_create_saves_a_draft_with_its_facts_and_goes_to_the_editor(client, member, checkout):
    client.force_login(member)
    response = client.post(CREATE, _new_postmortem(member))
    pm = Postmortem.objects.get()
    assert response.status_code == 302 and response["Location"] == _edit(pm)
    assert (pm.key, pm.status, pm.created_by) == ("PM-2026-001", Status.DRAFT, member)
    # 09:00 in New York (EST, UTC-5) is 14:00 UTC.
    assert pm.started_at == datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    assert pm.timezone == "America/New_York"
    assert pm.summary_html == "<p>Card payments failed for <strong>forty minutes</strong>.</p>"
    assert list(pm.service_links.values_list("service__slug", "role")) == [("checkout", "origin")]
    assert list(pm.authors.all()) == [member]
    assert pm.revisions.get().version == 1


def test_create_with_field_errors_writes_nothing_and_keeps_the_text(client, member, checkout):
    client.force_login(member)
    data = _new_postmortem(member, title="", resolved_at="2026-03-01T08:00", kind="outage")
    response = client.post(CREATE, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the postmortem a title." in body
    assert "an end cannot come before its start" in body
    assert "Select a valid choice" in body
    assert "Card payments failed for **forty minutes**." in body  # what was typed is still there
    assert not Postmortem.objects.exists()


def test_preview_renders_the_sections_without_saving(client, member):
    client.force_login(member)
    data = _new_postmortem(
        member, title="", narrative="We *thought* <script>alert(1)</script> it was DNS.", preview="1"
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "We <em>thought</em>" in body
    assert "<script>alert(1)</script>" not in body
    assert "Give the postmortem a title." not in body  # a preview is not a save: no errors yet
    assert not Postmortem.objects.exists()


def test_the_editor_starts_each_preview_as_the_postmortems_page_shows_it(client, member, draft):
    Postmortem.objects.filter(pk=draft.pk).update(impact_html="<p>As <strong>published</strong>.</p>")
    client.force_login(member)
    body = client.get(_edit(draft)).content.decode()
    assert 'id="id_impact_preview"><p>As <strong>published</strong>.</p>' in body
    # Text that is not the saved text is rendered as typed.
    body = client.post(_edit(draft), form_data(draft, impact="Now *typed*.", preview="1")).content.decode()
    assert 'id="id_impact_preview"><p>Now <em>typed</em>.</p>' in body


def test_viewers_may_not_write_or_edit(client, viewer, draft):
    client.force_login(viewer)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"title": "x"}).status_code == 403
    assert client.get(_edit(draft)).status_code == 403
    assert client.post(_edit(draft), form_data(draft, title="Hijacked")).status_code == 403
    assert Postmortem.objects.get().title != "Hijacked"


def test_an_author_not_named_on_a_postmortem_may_read_but_not_edit_it(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(_edit(draft)).status_code == 403


def test_a_restricted_postmortems_editor_is_a_404_for_outsiders(client, outsider, editor, team):
    hidden = PostmortemFactory(key="PM-2026-050", restricted=True, allowed_teams=[team], title="Payroll secrets")
    for user in (outsider, editor):
        client.force_login(user)
        for url in (_edit(hidden), reverse("postmortems:timeline_add", kwargs={"key": hidden.key})):
            response = client.get(url) if url == _edit(hidden) else client.post(url, {})
            assert response.status_code == 404
            assert "Payroll secrets" not in response.content.decode()


def test_editors_edit_any_postmortem_they_may_see(client, editor, draft):
    client.force_login(editor)
    response = client.post(_edit(draft), form_data(draft, title="Checkout errors (edited)"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Checkout errors (edited)", 2)
    assert Revision.objects.get(postmortem=draft, version=2).author == editor


def test_edit_shows_the_saved_values_in_the_postmortems_zone(client, member, draft):
    client.force_login(member)
    body = client.get(_edit(draft)).content.decode()
    assert 'value="2026-03-01T10:30"' in body  # 09:30 UTC in Copenhagen
    assert '<option value="Europe/Copenhagen" selected>' in body
    assert 'id="pm-version" value="1"' in body


def test_edit_saves_a_revision_and_stays_in_the_editor(client, member, draft):
    client.force_login(member)
    response = client.post(_edit(draft), form_data(draft, narrative="The client retried **three** times."))
    assert response.status_code == 302 and response["Location"] == _edit(draft)
    draft.refresh_from_db()
    assert draft.narrative_html == "<p>The client retried <strong>three</strong> times.</p>"
    assert draft.revisions.first().snapshot["narrative"] == "The client retried **three** times."
    page = client.get(response["Location"]).content.decode()
    assert f"Saved: {draft.key} is at version 2." in page


def test_edit_with_field_errors_writes_nothing(client, member, draft):
    client.force_login(member)
    data = form_data(draft, title=" ", detected_at="2026-03-01T09:00", authors="mira, ghost")
    response = client.post(_edit(draft), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nothing was saved: 3 fields need a look" in body
    assert "Nobody has the username ghost." in body
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Checkout errors after the payment client upgrade", 1)


def test_near_misses_may_leave_severity_empty(client, member, draft):
    client.force_login(member)
    assert client.post(_edit(draft), form_data(draft, kind="near_miss", severity="")).status_code == 302
    draft.refresh_from_db()
    assert (draft.kind, draft.severity) == ("near_miss", None)


def test_restricting_a_postmortem_to_a_team(client, member, draft, team):
    client.force_login(member)
    response = client.post(_edit(draft), form_data(draft, restricted="on", allowed_teams=["payments"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.restricted and list(draft.allowed_teams.all()) == [team]


def test_the_detail_page_links_to_the_editor_for_those_who_may_edit(client, member, viewer, draft):
    client.force_login(member)
    assert "Edit this postmortem" in client.get(draft.get_absolute_url()).content.decode()
    client.force_login(viewer)
    assert "Edit this postmortem" not in client.get(draft.get_absolute_url()).content.decode()


def test_the_write_entry_appears_in_the_navigation_for_writers_only(client, member, viewer):
    client.force_login(member)
    assert f'href="{CREATE}"' in client.get("/").content.decode()
    client.force_login(viewer)
    assert f'href="{CREATE}"' not in client.get("/").content.decode()


def test_markdown_preview_is_sanitised(client, member):
    client.force_login(member)
    body = {"field": "narrative", "narrative": "**Bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))"}
    response = client.post(reverse("postmortems:markdown_preview"), body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "onerror" not in html and "javascript:" not in html


def test_markdown_preview_of_a_factor_field_and_of_an_unknown_one(client, member):
    client.force_login(member)
    ok = client.post(
        reverse("postmortems:markdown_preview"), {"field": "factor-12-narrative", "factor-12-narrative": "*x*"}
    )
    assert "<em>x</em>" in ok.content.decode()
    bad = client.post(reverse("postmortems:markdown_preview"), {"field": "password", "password": "x"})
    assert bad.status_code == 400


def test_markdown_preview_needs_a_writer(client, viewer):
    client.force_login(viewer)
    assert client.post(reverse("postmortems:markdown_preview"), {"field": "summary"}).status_code == 403


def test_writing_checks_read_the_text_as_typed(client, member, draft):
    client.force_login(member)
    url = reverse("postmortems:edit_checks", kwargs={"key": draft.key})
    response = client.post(url, {"summary": "The engineer should have checked the dashboard.", "impact": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Counterfactual wording" in body and "should have checked the dashboard" in body
    assert 'href="#field-summary"' in body
    assert "Impact is empty" in body
    draft.refresh_from_db()
    assert draft.summary == "Checkout failed for some customers."  # checking saves nothing


def test_writing_checks_on_the_new_postmortem_page(client, member):
    client.force_login(member)
    response = client.post(reverse("postmortems:draft_checks"), {"narrative": "It was obviously human error."})
    body = response.content.decode()
    assert "Minimising wording" in body and "&#x27;Human error&#x27; and blaming the person" in body
    assert "No mitigator" not in body  # factors come after the first save


def test_writing_checks_on_the_editor_page(client, member, draft):
    services.add_timeline_event(
        postmortem=draft, added_by=member, occurred_at=draft.started_at, text="Rolled back", kind="decision"
    )
    client.force_login(member)
    body = client.get(_edit(draft)).content.decode()
    assert "Decision without why it made sense" in body
    assert "Fewer than two contributing conditions" in body


def test_an_author_on_the_team_of_a_restricted_postmortem_still_needs_to_be_named_to_edit(client, team, draft):
    colleague = UserFactory(username="cole")
    MembershipFactory(team=team, user=colleague)
    draft.restricted = True
    draft.save()
    draft.allowed_teams.set([team])
    client.force_login(colleague)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(_edit(draft)).status_code == 403


def test_a_save_without_the_version_it_was_loaded_at_is_refused(client, member, draft):
    client.force_login(member)
    data = form_data(draft, title="New title")
    del data["version"]
    response = client.post(_edit(draft), data)
    assert response.status_code == 400
    assert "does not say which version of the postmortem it was opened at" in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == 1
