"""Every save is a revision: the document, and each timeline event, contributing factor and action item."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from postmortems import services
from postmortems.models import Assumption, AssumptionStatus, EvidenceType, Factor, Revision, TimelineEvent
from tests.authoring.conftest import STARTED
from tests.factories import AssumptionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _versions(pm) -> list[int]:
    return list(Revision.objects.filter(postmortem=pm).order_by("version").values_list("version", flat=True))


def test_add_timeline_event_is_a_save_with_its_own_revision(draft, member):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged the DBA")
    assert draft.version == 2  # the caller's copy keeps up, so its next save does not conflict with itself
    revision = Revision.objects.get(postmortem=draft, version=2)
    assert revision.author == member
    assert revision.snapshot["timeline"] == [
        {
            "occurred_at": "2026-03-01T09:30:00+00:00",
            "kind": "observation",
            "text": "Paged the DBA",
            "actor": "",
            "why_it_made_sense": "",
        }
    ]
    assert event.postmortem_id == draft.pk


def test_every_child_write_moves_the_version_and_records_a_revision(draft, member):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    services.update_timeline_event(event=event, changed_by=member, text="Paged the DBA")
    tag = services.add_contributing_factor(
        postmortem=draft, added_by=member, factor=Factor.objects.get(slug="load.hidden-limit"), role="amplifier"
    )
    services.update_contributing_factor(tag=tag, changed_by=member, narrative="The pool had 20 slots.")
    item = services.add_action_item(postmortem=draft, added_by=member, title="Raise the pool size")
    services.update_action_item(item=item, changed_by=member, status="done")
    services.delete_action_item(item=item, deleted_by=member)
    services.delete_contributing_factor(tag=tag, deleted_by=member)
    services.delete_timeline_event(event=event, deleted_by=member)
    draft.refresh_from_db()
    assert draft.version == 10
    assert _versions(draft) == list(range(1, 11))
    last = Revision.objects.get(postmortem=draft, version=10).snapshot
    assert (last["timeline"], last["contributing_factors"], last["action_items"]) == ([], [], [])


def test_snapshot_lists_factors_and_actions_as_plain_json(draft, member, checkout, team):
    owner = UserFactory(username="ola")
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Rolled back")
    assumption = AssumptionFactory(statement="The payment API answers in 500 ms")
    services.add_contributing_factor(
        postmortem=draft,
        added_by=member,
        factor=Factor.objects.get(slug="coupling.dependency-degradation"),
        role="activator",
        narrative="The processor slowed down.",
        why_it_made_sense="Its status page was green.",
        services=[checkout],
        assumption=assumption,
        timeline_event=event,
    )
    services.add_action_item(
        postmortem=draft,
        added_by=member,
        title="Shed load above 2 s",
        kind="mitigate",
        owner=owner,
        team=team,
        due_date=date(2026, 4, 1),
        tracker_url="https://tracker.example.com/OPS-1",
    )
    snapshot = services.snapshot(draft)
    assert snapshot["contributing_factors"] == [
        {
            "factor": "coupling.dependency-degradation",
            "role": "activator",
            "narrative": "The processor slowed down.",
            "why_it_made_sense": "Its status page was green.",
            "services": ["checkout"],
            "assumption": "The payment API answers in 500 ms",
            "timeline_event": "2026-03-01T09:30:00+00:00",
        }
    ]
    assert snapshot["action_items"] == [
        {
            "title": "Shed load above 2 s",
            "kind": "mitigate",
            "owner": "ola",
            "team": "payments",
            "status": "open",
            "due_date": "2026-04-01",
            "tracker_url": "https://tracker.example.com/OPS-1",
        }
    ]
    # The existing keys stay as they were.
    assert snapshot["services"] == ["checkout:origin"] and snapshot["authors"] == ["mira"]


def test_snapshot_times_are_utc_whatever_zone_they_were_given_in(draft, member):
    local = STARTED.astimezone(ZoneInfo("Europe/Copenhagen"))
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=member, detected_at=local)
    assert Revision.objects.get(postmortem=draft, version=2).snapshot["detected_at"] == "2026-03-01T09:30:00+00:00"


def test_add_timeline_events_adds_all_of_them_as_one_save(draft, member):
    rows = [{"occurred_at": STARTED + timedelta(minutes=m), "kind": "action", "text": f"Step {m}"} for m in (5, 1)]
    created = services.add_timeline_events(postmortem=draft, added_by=member, events=rows)
    assert len(created) == 2
    assert draft.version == 2 and _versions(draft) == [1, 2]
    assert [e["text"] for e in Revision.objects.get(postmortem=draft, version=2).snapshot["timeline"]] == [
        "Step 1",
        "Step 5",
    ]


def test_add_timeline_events_with_a_bad_row_adds_none(draft, member):
    rows = [{"occurred_at": STARTED, "text": "fine"}, {"occurred_at": STARTED, "text": "bad", "root_cause": "x"}]
    with pytest.raises(TypeError):
        services.add_timeline_events(postmortem=draft, added_by=member, events=rows)
    assert not TimelineEvent.objects.exists() and _versions(draft) == [1]


def test_update_of_a_row_changed_since_it_was_loaded_is_refused_and_writes_nothing(draft, member):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    loaded = services.row_fingerprint(event)
    services.update_timeline_event(event=event, changed_by=UserFactory(), text="Paged the DBA at 09:31")
    with pytest.raises(services.RowChanged) as refused:
        services.update_timeline_event(event=event, changed_by=member, loaded=loaded, text="Paged someone")
    assert refused.value.current.text == "Paged the DBA at 09:31"
    event.refresh_from_db()
    assert event.text == "Paged the DBA at 09:31"
    assert _versions(draft) == [1, 2, 3]


def test_update_of_an_unchanged_row_with_its_fingerprint_goes_ahead(draft, member):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    saved = services.update_timeline_event(
        event=event, changed_by=member, loaded=services.row_fingerprint(event), text="Paged the DBA"
    )
    assert saved.text == "Paged the DBA"


def test_update_of_a_deleted_row_raises_row_gone_and_does_not_bring_it_back(draft, member):
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Paged")
    TimelineEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(services.RowGone):
        services.update_timeline_event(event=event, changed_by=member, text="Edited")
    assert not TimelineEvent.objects.exists()
    assert _versions(draft) == [1, 2]
    # The API answers it as a 404: RowGone is a kind of ObjectDoesNotExist.
    assert issubclass(services.RowGone, ObjectDoesNotExist)


def test_delete_of_a_changed_row_with_its_old_fingerprint_is_refused(draft, member):
    item = services.add_action_item(postmortem=draft, added_by=member, title="Alert on pool use")
    loaded = services.row_fingerprint(item)
    services.update_action_item(item=item, changed_by=None, owner=member)
    with pytest.raises(services.RowChanged):
        services.delete_action_item(item=item, deleted_by=member, loaded=loaded)
    assert draft.action_items.count() == 1


def test_factor_with_a_new_assumption_records_it_and_links_the_evidence(draft, member, checkout):
    tag = services.add_contributing_factor(
        postmortem=draft,
        added_by=member,
        factor=Factor.objects.get(slug="coord.mental-model-gap"),
        role="enabling",
        services=[checkout],
        new_assumption={"statement": "Retries are safe: the API is idempotent", "kind": "idempotency"},
        evidence_type=EvidenceType.VIOLATED,
    )
    assumption = tag.assumption
    assert assumption.statement == "Retries are safe: the API is idempotent"
    assert assumption.status == AssumptionStatus.VIOLATED
    assert assumption.created_by == member
    assert draft.assumption_evidence.get().assumption == assumption
    assert list(assumption.history.values_list("to_status", flat=True)) == ["held", "violated"]
    assert _versions(draft) == [1, 2]


def test_factor_with_an_invalid_role_adds_nothing_not_even_its_new_assumption(draft, member):
    with pytest.raises(ValidationError):
        services.add_contributing_factor(
            postmortem=draft,
            added_by=member,
            factor=Factor.objects.get(slug="coord.mental-model-gap"),
            new_assumption={"statement": "Never written"},
        )
    assert not Assumption.objects.exists() and _versions(draft) == [1]


def test_the_same_factor_may_appear_twice_with_different_roles(draft, member):
    automation = Factor.objects.get(slug="automation.automation-surprise")
    services.add_contributing_factor(postmortem=draft, added_by=member, factor=automation, role="amplifier")
    services.add_contributing_factor(postmortem=draft, added_by=member, factor=automation, role="mitigator")
    roles = [tag["role"] for tag in services.snapshot(draft)["contributing_factors"]]
    assert roles == ["amplifier", "mitigator"]


def test_child_writes_keep_other_writers_document_changes_in_their_revisions(draft, member):
    """A stale copy of the postmortem in the caller must not put old text into a row save's revision."""
    stale = type(draft).objects.get(pk=draft.pk)
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=member, summary="Newer text.")
    services.add_timeline_event(postmortem=stale, added_by=member, occurred_at=STARTED, text="Paged")
    assert Revision.objects.get(postmortem=draft, version=3).snapshot["summary"] == "Newer text."
