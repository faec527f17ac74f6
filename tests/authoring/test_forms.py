"""The editor's forms: times in the postmortem's zone, field errors, and values compared with revisions."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from postmortems import services
from postmortems.forms_authoring import EditorChoices, PostmortemForm, canonical_snapshot
from postmortems.forms_editor_rows import ActionItemForm, ContributingFactorForm, TimelineEventForm
from postmortems.models import Factor, Postmortem, Revision
from tests.authoring.conftest import as_query, form_data
from tests.factories import (
    AssumptionFactory,
    MembershipFactory,
    PostmortemFactory,
    TeamFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _form(user, data, postmortem=None) -> PostmortemForm:
    form = PostmortemForm(
        as_query(data), choices=EditorChoices(postmortem=postmortem), user=user, postmortem=postmortem
    )
    form.is_valid()
    return form


def _new(member, **changes) -> dict:
    data = {
        "title": "Checkout errors",
        "kind": "incident",
        "severity": "2",
        "timezone": "Europe/Copenhagen",
        "started_at": "2026-03-01T10:30",
        "authors": member.username,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_times_are_read_in_the_postmortems_zone_and_stored_aware(member):
    form = _form(member, _new(member, detected_at="2026-03-01T10:42"))
    assert form.errors == {}
    assert form.cleaned_data["started_at"] == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert form.cleaned_data["detected_at"] == datetime(2026, 3, 1, 9, 42, tzinfo=UTC)


def test_times_are_shown_back_in_the_postmortems_zone(draft):
    pm = Postmortem.objects.for_editor().get(pk=draft.pk)
    assert PostmortemForm.initial_for(pm)["started_at"] == datetime(2026, 3, 1, 10, 30)
    assert PostmortemForm.data_for(pm)["started_at"] == "2026-03-01T10:30"


@pytest.mark.parametrize("field", ["detected_at", "mitigated_at", "resolved_at"])
def test_a_time_before_the_start_is_a_field_error(member, field):
    form = _form(member, _new(member, **{field: "2026-03-01T10:00"}))
    assert "before the time it started" in form.errors[field][0]


def test_resolved_before_mitigated_is_a_field_error(member):
    form = _form(member, _new(member, mitigated_at="2026-03-01T12:00", resolved_at="2026-03-01T11:00"))
    assert list(form.errors) == ["resolved_at"]


def test_a_time_the_clocks_skipped_is_refused(member):
    # Copenhagen went from 02:00 to 03:00 on 29 March 2026.
    form = _form(member, _new(member, started_at="2026-03-29T02:30"))
    assert "does not exist in Europe/Copenhagen" in form.errors["started_at"][0]


def test_an_empty_title_is_a_field_error(member):
    assert _form(member, _new(member, title="   ")).errors["title"] == ["Give the postmortem a title."]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "outage"),
        ("severity", "9"),
        ("timezone", "Mars/Olympus"),
        ("services_origin", "no-such-service"),
        ("allowed_teams", "no-such-team"),
    ],
)
def test_unknown_values_are_field_errors(member, field, value):
    form = _form(member, _new(member, **{field: value}, restricted="on" if field == "allowed_teams" else None))
    assert field in form.errors


def test_unknown_authors_are_named_in_the_error(member):
    form = _form(member, _new(member, authors=f"{member.username}, nobody1, nobody2"))
    assert form.errors["authors"] == ["Nobody has the username nobody1, nobody2."]


def test_severity_is_needed_for_incidents_only(member):
    assert "severity" in _form(member, _new(member, severity="")).errors
    assert _form(member, _new(member, severity="", kind="near_miss")).errors == {}
    assert _form(member, _new(member, severity="", kind="external")).errors == {}


def test_a_service_under_two_roles_is_a_field_error(member, checkout):
    form = _form(member, _new(member, services_origin="checkout", services_impacted="checkout"))
    assert form.errors["services_impacted"] == ["Checkout is listed under two roles; choose one."]


def test_restricting_without_a_way_to_see_it_again_is_refused(member, other_team):
    someone = UserFactory(username="sam")
    form = _form(member, _new(member, authors="sam", restricted="on", allowed_teams=["storefront"]))
    assert "You would no longer see this postmortem" in form.errors["allowed_teams"][0]
    MembershipFactory(team=other_team, user=member)
    assert _form(member, _new(member, authors="sam", restricted="on", allowed_teams=["storefront"])).errors == {}
    assert someone.pk


def test_unrestricted_postmortems_keep_no_allowed_teams(member, team):
    form = _form(member, _new(member, allowed_teams=["payments"]))
    assert form.cleaned_data["allowed_teams"] == []


def test_text_is_stored_with_plain_line_ends(member):
    form = _form(member, _new(member, summary="One.\r\n\r\nTwo.\r\n  \r\n"))
    assert form.cleaned_data["summary"] == "One.\n\nTwo."


def test_an_unchanged_form_compares_equal_to_the_revision_it_was_loaded_from(draft, member):
    revision = Revision.objects.get(postmortem=draft, version=1)
    form = _form(member, form_data(draft), postmortem=draft)
    assert form.errors == {}
    assert form.canonical() == canonical_snapshot(revision.snapshot)


def test_timeline_event_form_reads_its_time_in_the_zone(draft):
    form = TimelineEventForm(
        {"occurred_at": "2026-03-01T10:41", "kind": "decision", "text": "Roll back\r\n"}, zone=COPENHAGEN
    )
    assert form.is_valid(), form.errors
    assert form.service_arguments()["occurred_at"] == datetime(2026, 3, 1, 9, 41, tzinfo=UTC)
    assert form.service_arguments()["text"] == "Roll back"


def test_timeline_event_form_needs_a_time_and_some_text():
    form = TimelineEventForm({"kind": "action", "text": "  "}, zone=UTC)
    assert not form.is_valid()
    assert set(form.errors) == {"occurred_at", "text"}


def _factor_form(draft, data, current=None):
    pm = Postmortem.objects.for_editor().get(pk=draft.pk)
    return ContributingFactorForm(
        data, choices=EditorChoices(postmortem=pm), events=list(pm.timeline.all()), zone=UTC, current=current
    )


def test_factor_form_refuses_a_factor_outside_the_taxonomy(draft):
    form = _factor_form(draft, {"factor": "human.error", "role": "activator"})
    assert not form.is_valid()
    assert form.errors["factor"] == ["human.error is not a factor in the taxonomy; choose one from the list."]


def test_factor_form_refuses_a_retired_factor(draft):
    Factor.objects.filter(slug="load.hidden-limit").update(is_active=False)
    form = _factor_form(draft, {"factor": "load.hidden-limit", "role": "amplifier"})
    assert not form.is_valid() and "factor" in form.errors


def test_factor_form_needs_a_role(draft):
    form = _factor_form(draft, {"factor": "load.hidden-limit"})
    assert form.errors["role"] == ["Choose the role it played."]


def test_factor_form_takes_an_existing_or_a_new_assumption_not_both(draft):
    assumption = AssumptionFactory()
    data = {"factor": "load.hidden-limit", "role": "amplifier", "assumption": str(assumption.pk)}
    form = _factor_form(draft, {**data, "new_assumption": "Pools never run dry", "evidence_type": "violated"})
    assert "new_assumption" in form.errors
    form = _factor_form(draft, {**data, "evidence_type": "stressed", "new_assumption_kind": "capacity"})
    assert form.is_valid(), form.errors
    arguments = form.service_arguments()
    assert (arguments["assumption"], arguments["evidence_type"]) == (assumption, "stressed")


def test_factor_form_refuses_a_timeline_event_of_another_postmortem(draft):
    elsewhere = TimelineEventFactory(postmortem=PostmortemFactory(key="PM-2025-900"))
    form = _factor_form(draft, {"factor": "load.hidden-limit", "role": "amplifier", "timeline_event": elsewhere.pk})
    assert "timeline_event" in form.errors


def test_action_item_form_checks_owner_and_link():
    team = TeamFactory(slug="sre")
    UserFactory(username="ola")
    choices = EditorChoices()
    form = ActionItemForm(
        {"title": "Alert", "kind": "detect", "status": "open", "owner": "olga", "tracker_url": "not a link"},
        choices=choices,
    )
    assert set(form.errors) == {"owner", "tracker_url"}
    form = ActionItemForm(
        {"title": "Alert", "kind": "detect", "status": "open", "owner": "ola", "team": "sre"}, choices=choices
    )
    assert form.is_valid(), form.errors
    assert form.service_arguments()["owner"].username == "ola"
    assert form.service_arguments()["team"] == team


def test_times_with_seconds_keep_them_when_the_form_is_saved_unchanged(draft, member):
    services.update_postmortem(
        postmortem=draft, expected_version=1, changed_by=None, detected_at=datetime(2026, 3, 1, 9, 31, 5, tzinfo=UTC)
    )
    data = form_data(draft)
    assert data["detected_at"] == "2026-03-01T10:31:05"
    form = _form(member, data, postmortem=Postmortem.objects.for_editor().get(pk=draft.pk))
    assert form.cleaned_data["detected_at"] == datetime(2026, 3, 1, 9, 31, 5, tzinfo=UTC)
