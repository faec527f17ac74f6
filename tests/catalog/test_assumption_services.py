"""The assumption services added for the registry pages: evidence on status changes, revising, recording from a
postmortem."""

import pytest
from django.core.exceptions import ValidationError

from postmortems import assumption_services as services
from postmortems import models as m
from tests.factories import AssumptionFactory, PostmortemFactory, ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _history(assumption) -> list[tuple[str, str]]:
    return list(assumption.history.order_by("changed_at", "id").values_list("from_status", "to_status"))


def test_change_assumption_status_keeps_the_evidence_note(editor):
    assumption = AssumptionFactory()

    change = services.change_assumption_status(
        assumption=assumption,
        to_status=m.AssumptionStatus.QUESTIONED,
        changed_by=editor,
        reason="The load test hit 700 ms.",
        evidence="https://grafana.example.com/d/abc",
    )

    assert change.evidence == "https://grafana.example.com/d/abc"
    assert assumption.status == m.AssumptionStatus.QUESTIONED


def test_revise_assumption_with_a_new_statement_copies_its_scope_and_links_both(editor):
    team, service, relier = TeamFactory(), ServiceFactory(), ServiceFactory()
    old = services.create_assumption(
        created_by=editor,
        statement="Retries are safe",
        kind=m.AssumptionKind.IDEMPOTENCY,
        service=service,
        owner_team=team,
        where_encoded="client defaults",
        relied_on_by=[relier],
    )

    new = services.revise_assumption(
        assumption=old, changed_by=editor, reason="Only with an idempotency key.", new_statement="Retries carry a key"
    )

    old.refresh_from_db()
    assert (old.status, old.superseded_by) == (m.AssumptionStatus.REVISED, new)
    assert (new.status, new.kind, new.service, new.owner_team) == ("held", "idempotency", service, team)
    assert list(new.relied_on_by.all()) == [relier]
    assert _history(old) == [("", "held"), ("held", "revised")]
    assert new.history.get().reason == f"Recorded as the revision of assumption #{old.pk}."


def test_revise_assumption_with_an_existing_replacement(editor):
    old, replacement = AssumptionFactory(), AssumptionFactory()

    assert (
        services.revise_assumption(assumption=old, changed_by=editor, reason="r", replacement=replacement)
        == replacement
    )

    old.refresh_from_db()
    assert old.superseded_by == replacement


@pytest.mark.parametrize("how", ["neither", "both", "itself", "loop"])
def test_revise_assumption_refuses_a_missing_or_circular_replacement(editor, how):
    old, other = AssumptionFactory(), AssumptionFactory()
    if how == "loop":
        other.superseded_by = old
        other.save()
    kwargs = {
        "neither": {},
        "both": {"replacement": other, "new_statement": "x"},
        "itself": {"replacement": old},
        "loop": {"replacement": other},
    }[how]

    with pytest.raises(ValidationError) as raised:
        services.revise_assumption(assumption=old, changed_by=editor, reason="r", **kwargs)

    assert "replacement" in raised.value.message_dict
    old.refresh_from_db()
    assert (old.status, old.superseded_by) == ("held", None)
    assert old.history.count() == 0  # the factory records no history; nothing was appended


def test_revise_assumption_twice_is_refused(editor):
    old = AssumptionFactory(status=m.AssumptionStatus.REVISED)

    with pytest.raises(ValidationError, match="already revised"):
        services.revise_assumption(assumption=old, changed_by=editor, reason="r", new_statement="x")
    assert m.Assumption.objects.count() == 1


def test_record_assumption_from_postmortem_as_violated_records_it_held_then_violated(member):
    pm = PostmortemFactory()

    evidence = services.record_assumption_from_postmortem(
        postmortem=pm,
        created_by=member,
        statement="The cache is always warm",
        kind=m.AssumptionKind.CAPACITY,
        evidence_type=m.EvidenceType.VIOLATED,
        excerpt="Origin took the full load after the flush.",
    )

    assumption = evidence.assumption
    assert assumption.status == m.AssumptionStatus.VIOLATED
    assert _history(assumption) == [("", "held"), ("held", "violated")]
    assert [c.postmortem for c in assumption.history.order_by("id")] == [pm, pm]
    assert (evidence.postmortem, evidence.excerpt) == (pm, "Origin took the full load after the flush.")


def test_record_assumption_from_postmortem_writes_nothing_on_a_bad_evidence_type(member):
    with pytest.raises(ValidationError):
        services.record_assumption_from_postmortem(
            postmortem=PostmortemFactory(), created_by=member, statement="x", evidence_type="refuted"
        )
    assert not m.Assumption.objects.exists()
