"""Timeline events, contributing factors and action items in the editor: plain posts, htmx, and two editors."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from postmortems import services
from postmortems.models import (
    ActionItem,
    Assumption,
    AssumptionStatus,
    ContributingFactor,
    Factor,
    Revision,
    TimelineEvent,
)
from tests.authoring.conftest import STARTED
from tests.factories import PostmortemFactory, TimelineEventFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, pm, row=None) -> str:
    kwargs = {"key": pm.key} if row is None else {"key": pm.key, "row_id": row.pk}
    return reverse(f"postmortems:{name}", kwargs=kwargs)


def _event(prefix="event-new", **fields) -> dict:
    data = {"occurred_at": "2026-03-01T10:41", "kind": "decision", "text": "Rolled back the payment client"}
    data.update(fields)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def _versions(pm) -> list[int]:
    return sorted(Revision.objects.filter(postmortem=pm).values_list("version", flat=True))


def test_adding_an_event_without_javascript_redirects_to_it(client, member, draft):
    client.force_login(member)
    response = client.post(_url("timeline_add", draft), _event(why_it_made_sense="The deploy was the only change."))
    event = TimelineEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_url('edit', draft)}#event-{event.pk}"
    assert (event.kind, event.why_it_made_sense) == ("decision", "The deploy was the only change.")
    assert event.occurred_at == STARTED.replace(minute=41)  # 10:41 in Copenhagen
    assert _versions(draft) == [1, 2]


def test_adding_an_event_with_htmx_answers_the_timeline_and_moves_the_forms_version(client, member, draft):
    client.force_login(member)
    response = client.post(_url("timeline_add", draft), {**_event(), "version": "1"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="timeline"' in body and "Rolled back the payment client" in body
    assert '<input type="hidden" name="version" id="pm-version" value="2" hx-swap-oob="true">' in body
    assert 'id="checks" aria-labelledby="checks-title" hx-swap-oob="true"' in body
    assert "Timeline event added." in body
    # The form to add the next event stays open, and the cursor goes back to its first field.
    assert 'data-focus="id_event-new-occurred_at"' in body


def test_the_forms_version_stays_put_when_someone_else_changed_the_document_meanwhile(client, member, draft):
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=None, summary="Theirs.")
    client.force_login(member)
    response = client.post(_url("timeline_add", draft), {**_event(), "version": "1"}, **HTMX)
    assert 'id="pm-version"' not in response.content.decode()  # so the document save shows their change


def test_an_event_with_errors_is_not_added_and_keeps_what_was_typed(client, member, draft):
    client.force_login(member)
    response = client.post(_url("timeline_add", draft), _event(occurred_at="", text="Paged the DBA"), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "When did it happen?" in body and "Paged the DBA" in body
    assert 'data-focus="id_event-new-occurred_at"' in body  # the cursor goes to the field to fix
    assert not TimelineEvent.objects.exists() and _versions(draft) == [1]


def test_editing_an_event(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    client.force_login(member)
    prefix = f"event-{event.pk}"
    data = _event(prefix, text="Paged the DBA", loaded=services.row_fingerprint(event))
    response = client.post(_url("timeline_update", draft, event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.text == "Paged the DBA"


def test_editing_an_event_someone_deleted_says_so_and_offers_to_add_it_again(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    loaded = services.row_fingerprint(event)
    services.delete_timeline_event(event=event, deleted_by=None)
    client.force_login(member)
    data = _event(f"event-{event.pk}", text="Paged the DBA at 10:31", loaded=loaded)
    for extra in ({}, HTMX):
        response = client.post(_url("timeline_update", draft, event), data, **extra)
        assert response.status_code == 409
        body = response.content.decode()
        assert "was deleted by someone else while you were editing it" in body
        assert 'name="event-new-text"' in body and "Paged the DBA at 10:31" in body
    assert not TimelineEvent.objects.exists()


def test_editing_an_event_someone_changed_meanwhile_keeps_both_versions_in_view(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    loaded = services.row_fingerprint(event)
    services.update_timeline_event(event=event, changed_by=None, text="Paged the DBA (their words)")
    client.force_login(member)
    data = _event(f"event-{event.pk}", text="Paged the on-call DBA (mine)", loaded=loaded)
    response = client.post(_url("timeline_update", draft, event), data, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this timeline event since you opened the page" in body
    assert "Paged the DBA (their words)" in body and "Paged the on-call DBA (mine)" in body
    event.refresh_from_db()
    assert event.text == "Paged the DBA (their words)"
    # The form now carries the row as it is, so saving again replaces theirs on purpose.
    data[f"event-{event.pk}-loaded"] = services.row_fingerprint(event)
    assert client.post(_url("timeline_update", draft, event), data).status_code == 302
    event.refresh_from_db()
    assert event.text == "Paged the on-call DBA (mine)"


def test_deleting_an_event(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    client.force_login(member)
    response = client.post(_url("timeline_delete", draft, event), {"loaded": services.row_fingerprint(event)})
    assert response.status_code == 302
    assert not TimelineEvent.objects.exists()
    assert Revision.objects.get(postmortem=draft, version=3).snapshot["timeline"] == []


def test_deleting_an_event_someone_already_deleted_is_no_error(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    services.delete_timeline_event(event=event, deleted_by=None)
    client.force_login(member)
    response = client.post(_url("timeline_delete", draft, event), {}, **HTMX)
    assert response.status_code == 200
    assert "had already been deleted" in response.content.decode()


def test_deleting_an_event_someone_changed_meanwhile_is_refused(client, member, draft):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    loaded = services.row_fingerprint(event)
    services.update_timeline_event(event=event, changed_by=None, text="Paged the DBA")
    client.force_login(member)
    response = client.post(_url("timeline_delete", draft, event), {"loaded": loaded})
    assert response.status_code == 409
    assert "so it was not deleted" in response.content.decode()
    assert TimelineEvent.objects.exists()


def test_a_row_of_another_postmortem_is_not_reachable_through_this_one(client, member, draft):
    elsewhere = TimelineEventFactory(postmortem=PostmortemFactory(key="PM-2025-900"), text="Someone else's")
    client.force_login(member)
    response = client.post(_url("timeline_delete", draft, elsewhere), {}, follow=True)
    assert "That timeline event had already been deleted." in response.content.decode()
    assert TimelineEvent.objects.filter(pk=elsewhere.pk).exists()


def _factor(prefix="factor-new", **fields) -> dict:
    data = {
        "factor": "signals.misleading-signal",
        "role": "impediment",
        "narrative": "The status page stayed **green**.",
        "why_it_made_sense": "Green had always meant the provider was fine.",
        "services": ["checkout"],
        "evidence_type": "violated",
        "new_assumption_kind": "observability",
    }
    data.update(fields)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_adding_a_factor_with_a_new_assumption_and_an_event(client, member, draft, checkout):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Checked status")
    client.force_login(member)
    data = _factor(timeline_event=event.pk, new_assumption="A green status page means the provider is healthy")
    response = client.post(_url("factor_add", draft), data)
    assert response.status_code == 302
    tag = ContributingFactor.objects.get()
    assert (tag.factor.slug, tag.role, tag.timeline_event) == ("signals.misleading-signal", "impediment", event)
    assert tag.narrative_html == "<p>The status page stayed <strong>green</strong>.</p>"
    assert list(tag.services.all()) == [checkout]
    assumption = Assumption.objects.get()
    assert (tag.assumption, assumption.status, assumption.service) == (assumption, AssumptionStatus.VIOLATED, checkout)
    assert draft.assumption_evidence.get().evidence_type == "violated"


def test_the_same_factor_twice_with_different_roles(client, member, draft, checkout):
    client.force_login(member)
    for role in ("amplifier", "mitigator"):
        assert (
            client.post(
                _url("factor_add", draft), _factor(factor="automation.automation-surprise", role=role)
            ).status_code
            == 302
        )
    assert list(ContributingFactor.objects.values_list("factor__slug", "role")) == [
        ("automation.automation-surprise", "amplifier"),
        ("automation.automation-surprise", "mitigator"),
    ]


def test_a_factor_without_role_or_known_factor_writes_nothing(client, member, draft, checkout):
    client.force_login(member)
    response = client.post(_url("factor_add", draft), _factor(factor="human.error", role="root"), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "human.error is not a factor in the taxonomy" in body
    assert "Select a valid choice. root is not one of the available choices." in body
    assert not ContributingFactor.objects.exists() and not Assumption.objects.exists()


def test_the_factor_picker_explains_factors_and_roles_without_javascript(client, member, draft, checkout):
    client.force_login(member)
    body = client.get(_url("edit", draft)).content.decode()
    definition = Factor.objects.get(slug="load.retry-feedback-loop").definition
    assert definition.replace("'", "&#x27;") in body  # the glossary
    assert "How did demand and capacity interact over time?" in body  # a family's question
    assert "what kept it from being worse?" in body  # the mitigator role's explanation
    assert '<optgroup label="Load, saturation and feedback">' in body


def test_every_factor_row_offers_the_whole_taxonomy_with_its_definitions(client, member, draft):
    tag = services.add_contributing_factor(
        postmortem=draft, added_by=member, factor=Factor.objects.get(slug="load.hidden-limit"), role="amplifier"
    )
    client.force_login(member)
    body = client.get(_url("edit", draft)).content.decode()
    factors = list(Factor.objects.filter(is_active=True).select_related("family"))
    # Each factor is a choice in the row's list and in the add form's, and the glossary gives its definition and
    # its family's question.
    missing = [
        factor.slug
        for factor in factors
        if body.count(f'<option value="{factor.slug}"') != 2
        or escape(factor.definition) not in body
        or escape(factor.family.question) not in body
    ]
    assert len(factors) > 40 and missing == []
    assert f'id="id_factor-{tag.pk}-factor"' in body and '<option value="load.hidden-limit" selected>' in body


def test_the_editor_shows_the_taxonomy_as_it_is_now(client, member, draft):
    services.add_contributing_factor(
        postmortem=draft, added_by=member, factor=Factor.objects.get(slug="load.hidden-limit"), role="amplifier"
    )
    client.force_login(member)
    client.get(_url("edit", draft))
    factor = Factor.objects.select_related("family").get(slug="load.retry-feedback-loop")
    factor.name, factor.definition = "Retry storm", "Retries multiplied the load they were meant to ride out."
    factor.save()
    factor.family.name, factor.family.question = "Load and feedback", "What amplified the demand?"
    factor.family.save()
    Factor.objects.filter(slug="load.hidden-limit").update(is_active=False)
    body = client.get(_url("edit", draft)).content.decode()
    assert '<option value="load.retry-feedback-loop">Retry storm</option>' in body
    assert "Retries multiplied the load they were meant to ride out." in body
    assert '<optgroup label="Load and feedback">' in body and "What amplified the demand?" in body
    # A retired factor stays offered only where it is in use: its row's list and the add form's, marked.
    assert body.count('<option value="load.hidden-limit"') == 2 and "Hidden limit (retired)" in body


def test_a_factor_preview_without_javascript_saves_nothing(client, member, draft, checkout):
    client.force_login(member)
    response = client.post(_url("factor_add", draft), {**_factor(narrative="It *looked* fine."), "preview": "1"})
    assert response.status_code == 200
    assert "It <em>looked</em> fine." in response.content.decode()
    assert not ContributingFactor.objects.exists()


def test_editing_and_deleting_a_factor(client, member, draft, checkout):
    tag = services.add_contributing_factor(
        postmortem=draft, added_by=member, factor=Factor.objects.get(slug="load.hidden-limit"), role="amplifier"
    )
    client.force_login(member)
    prefix = f"factor-{tag.pk}"
    data = _factor(prefix, factor="load.hidden-limit", role="enabling", loaded=services.row_fingerprint(tag))
    assert client.post(_url("factor_update", draft, tag), data).status_code == 302
    tag.refresh_from_db()
    assert tag.role == "enabling"
    assert client.post(_url("factor_delete", draft, tag), {}).status_code == 302
    assert not ContributingFactor.objects.exists()
    assert _versions(draft) == [1, 2, 3, 4]


def test_adding_editing_and_deleting_an_action_item(client, member, draft, team):
    UserFactory(username="ola")
    client.force_login(member)
    data = {
        "action-new-title": "Alert when the pool is 80% used",
        "action-new-kind": "detect",
        "action-new-status": "open",
        "action-new-owner": "ola",
        "action-new-team": "payments",
        "action-new-due_date": "2026-04-01",
        "action-new-tracker_url": "https://tracker.example.com/OPS-7",
    }
    assert client.post(_url("action_add", draft), data).status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner.username, item.team, str(item.due_date)) == ("ola", team, "2026-04-01")
    edit = {key.replace("action-new", f"action-{item.pk}"): value for key, value in data.items()}
    edit[f"action-{item.pk}-status"] = "done"
    assert client.post(_url("action_update", draft, item), edit).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.done_at is not None
    assert client.post(_url("action_delete", draft, item), {}).status_code == 302
    assert not ActionItem.objects.exists()


def test_an_action_item_for_an_unknown_owner_is_not_added(client, member, draft):
    client.force_login(member)
    data = {
        "action-new-title": "Fix it",
        "action-new-kind": "prevent",
        "action-new-status": "open",
        "action-new-owner": "ghost",
    }
    response = client.post(_url("action_add", draft), data)
    assert response.status_code == 400
    assert "Nobody has the username ghost." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_viewers_cannot_write_rows(client, viewer, draft):
    client.force_login(viewer)
    assert client.post(_url("timeline_add", draft), _event()).status_code == 403
    assert not TimelineEvent.objects.exists()


def test_row_pages_answer_only_posts(client, member, draft):
    client.force_login(member)
    assert client.get(_url("timeline_add", draft)).status_code == 405
