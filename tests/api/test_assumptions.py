"""Assumptions over the API: append-only history, evidence links, and what outsiders may not see."""

import pytest

from postmortems.models import AssumptionStatus, AssumptionStatusChange
from tests.factories import AssumptionEvidenceFactory, AssumptionFactory, PostmortemFactory

pytestmark = pytest.mark.django_db


def test_assumption_create_by_editor_starts_its_history(api, editor):
    body = {"statement": "Retries are safe: the payment API is idempotent", "kind": "idempotency"}
    response = api.as_user(editor).post("/api/v1/assumptions/", body, format="json")
    assert response.status_code == 201, response.json()
    history = response.json()["history"]
    assert [(h["from_status"], h["to_status"], h["changed_by"]) for h in history] == [("", "held", "eddie")]


def test_assumption_status_cannot_be_patched_only_moved(api, editor):
    assumption = AssumptionFactory()
    client = api.as_user(editor)
    client.patch(f"/api/v1/assumptions/{assumption.pk}/", {"status": "retired"}, format="json")
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.HELD
    url = f"/api/v1/assumptions/{assumption.pk}/status/"
    body = {"to_status": "questioned", "reason": "p99 crept up", "evidence": "https://grafana.example/d/abc"}
    response = client.post(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "questioned"
    assert response.json()["history"][-1]["reason"] == "p99 crept up"
    assert response.json()["history"][-1]["evidence"] == "https://grafana.example/d/abc"


def test_assumption_move_to_the_same_status_is_400(api, editor):
    assumption = AssumptionFactory()
    response = api.as_user(editor).post(
        f"/api/v1/assumptions/{assumption.pk}/status/", {"to_status": "held"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"to_status"}
    assert not AssumptionStatusChange.objects.exists()


def test_assumption_status_move_is_for_editors(api, member):
    assumption = AssumptionFactory()
    url = f"/api/v1/assumptions/{assumption.pk}/status/"
    assert api.as_user(member).post(url, {"to_status": "retired"}, format="json").status_code == 403


def test_evidence_link_as_violated_moves_a_held_assumption(api, member):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member])
    assumption = AssumptionFactory()
    body = {"assumption": assumption.pk, "postmortem": pm.key, "evidence_type": "violated", "excerpt": "p99 4s"}
    response = api.as_user(member).post("/api/v1/assumption-evidence/", body, format="json")
    assert response.status_code == 201, response.json()
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.VIOLATED
    change = assumption.history.get()
    assert (change.from_status, change.to_status, change.postmortem) == ("held", "violated", pm)


def test_evidence_link_needs_the_right_to_edit_the_postmortem(api, outsider):
    pm = PostmortemFactory(key="PM-2026-001")
    body = {"assumption": AssumptionFactory().pk, "postmortem": pm.key, "evidence_type": "supported"}
    assert api.as_user(outsider).post("/api/v1/assumption-evidence/", body, format="json").status_code == 403


def test_assumption_detail_hides_evidence_and_history_details_of_hidden_postmortems(api, outsider, member, team):
    hidden = PostmortemFactory(key="PM-2026-002", restricted=True, allowed_teams=[team])
    assumption = AssumptionFactory()
    AssumptionEvidenceFactory(assumption=assumption, postmortem=hidden)
    AssumptionStatusChange.objects.create(
        assumption=assumption,
        from_status="held",
        to_status="violated",
        changed_at="2026-03-01T09:00Z",
        reason="Card data drill showed it",
        postmortem=hidden,
    )
    url = f"/api/v1/assumptions/{assumption.pk}/"
    seen_by_outsider = api.as_user(outsider).get(url).json()
    assert seen_by_outsider["evidence"] == []
    assert (seen_by_outsider["history"][0]["postmortem"], seen_by_outsider["history"][0]["reason"]) == (None, "")
    seen_by_member = api.as_user(member).get(url).json()
    assert [e["postmortem"] for e in seen_by_member["evidence"]] == ["PM-2026-002"]
    assert seen_by_member["history"][0]["reason"] == "Card data drill showed it"


def test_evidence_link_without_a_type_is_violated_evidence(api, member):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member])
    assumption = AssumptionFactory()
    body = {"assumption": assumption.pk, "postmortem": pm.key}
    response = api.as_user(member).post("/api/v1/assumption-evidence/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["evidence_type"] == "violated"
