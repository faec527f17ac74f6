"""The service functions behind the API's writes, called directly (pages and commands use them too)."""

import pytest
from django.core.exceptions import ValidationError

from postmortems import assumption_services, catalog_services, services
from postmortems.models import (
    AssumptionEvidence,
    AssumptionStatus,
    EvidenceType,
    Factor,
    FactorFamily,
    PostmortemService,
)
from tests.factories import (
    AssumptionFactory,
    PostmortemFactory,
    ServiceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_add_timeline_event_moves_the_postmortems_updated_at_and_version():
    pm = PostmortemFactory()
    before = pm.updated_at
    services.add_timeline_event(postmortem=pm, added_by=None, occurred_at=pm.started_at, text="Paged")
    pm.refresh_from_db()
    assert pm.updated_at > before
    assert pm.version == 2  # every save of a child row is a save of the postmortem, with its revision
    assert pm.revisions.get(version=2).snapshot["timeline"][0]["text"] == "Paged"


def test_add_timeline_event_rejects_unknown_fields():
    pm = PostmortemFactory()
    with pytest.raises(TypeError, match="root_cause"):
        services.add_timeline_event(postmortem=pm, added_by=None, occurred_at=pm.started_at, text="x", root_cause="y")


def test_add_contributing_factor_numbers_positions_in_order():
    pm = PostmortemFactory()
    factor = Factor.objects.get(slug="load.retry-feedback-loop")
    first = services.add_contributing_factor(postmortem=pm, added_by=None, factor=factor, role="amplifier")
    second = services.add_contributing_factor(postmortem=pm, added_by=None, factor=factor, role="activator")
    assert (first.position, second.position) == (0, 1)


def test_update_contributing_factor_refuses_an_event_of_another_postmortem_and_writes_nothing():
    pm = PostmortemFactory()
    tag = services.add_contributing_factor(postmortem=pm, added_by=None, narrative="Before")
    elsewhere = TimelineEventFactory()
    with pytest.raises(ValidationError):
        services.update_contributing_factor(tag=tag, changed_by=None, narrative="After", timeline_event=elsewhere)
    tag.refresh_from_db()
    assert (tag.narrative, tag.timeline_event_id) == ("Before", None)


def test_resolve_review_comment_keeps_the_first_resolution():
    comment = services.add_review_comment(postmortem=PostmortemFactory(), author=UserFactory(), body="Why?")
    first, second = UserFactory(), UserFactory()
    services.resolve_review_comment(comment=comment, resolved_by=first)
    services.resolve_review_comment(comment=comment, resolved_by=second)
    assert comment.resolved_by == first


def test_create_assumption_records_the_first_history_entry():
    editor = UserFactory()
    assumption = assumption_services.create_assumption(created_by=editor, statement="DNS answers in 50 ms")
    entry = assumption.history.get()
    assert (entry.from_status, entry.to_status, entry.changed_by) == ("", "held", editor)


def test_change_assumption_status_appends_and_never_rewrites():
    assumption = assumption_services.create_assumption(created_by=None, statement="s")
    assumption_services.change_assumption_status(assumption=assumption, to_status="questioned", changed_by=None)
    assumption_services.change_assumption_status(assumption=assumption, to_status="revised", changed_by=None)
    assert list(assumption.history.values_list("from_status", "to_status")) == [
        ("", "held"),
        ("held", "questioned"),
        ("questioned", "revised"),
    ]
    assert assumption.status == AssumptionStatus.REVISED


def test_linking_violated_evidence_to_a_questioned_assumption_leaves_its_status():
    assumption = AssumptionFactory(status=AssumptionStatus.QUESTIONED)
    assumption_services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=PostmortemFactory(), evidence_type=EvidenceType.VIOLATED, linked_by=None
    )
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.QUESTIONED
    assert not assumption.history.exists()


def test_linking_the_same_pair_again_updates_the_one_link():
    assumption, pm = AssumptionFactory(), PostmortemFactory()
    for kind in (EvidenceType.STRESSED, EvidenceType.SUPPORTED):
        assumption_services.link_assumption_to_postmortem(
            assumption=assumption, postmortem=pm, evidence_type=kind, linked_by=None
        )
    assert list(AssumptionEvidence.objects.values_list("evidence_type", flat=True)) == ["supported"]


def test_update_assumption_refuses_to_supersede_itself():
    assumption = AssumptionFactory()
    with pytest.raises(ValidationError):
        assumption_services.update_assumption(assumption=assumption, changed_by=None, superseded_by=assumption)


def test_update_team_members_keeps_memberships_that_stay(team, member, viewer):
    joined = member.memberships.get().joined_at
    catalog_services.update_team(team=team, changed_by=None, members=[member, viewer])
    assert member.memberships.get().joined_at == joined
    assert set(team.members.values_list("username", flat=True)) == {"mira", "vera"}


def test_delete_service_in_use_raises_in_use_and_keeps_it():
    service = ServiceFactory()
    PostmortemService.objects.create(postmortem=PostmortemFactory(), service=service)
    with pytest.raises(catalog_services.InUse):
        catalog_services.delete_service(service=service, deleted_by=None)
    assert service.__class__.objects.filter(pk=service.pk).exists()


def test_create_factor_needs_its_family_prefix():
    family = FactorFamily.objects.get(slug="load")
    with pytest.raises(ValidationError):
        catalog_services.create_factor(created_by=None, family=family, slug="change.x", name="x", definition="d")
    factor = catalog_services.create_factor(created_by=None, family=family, slug="load.x", name="x", definition="d")
    assert factor.family == family
