"""Timeline events, contributing factors, action items and review comments over the API."""

import pytest

from postmortems.models import ActionItem, ContributingFactor, Factor, ReviewComment, Status, TimelineEvent
from tests.factories import (
    ActionItemFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ReviewCommentFactory,
    ServiceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_pm(member):
    return PostmortemFactory(key="PM-2026-001", authors=[member], status=Status.IN_REVIEW)


def test_timeline_event_create_by_an_author_of_the_postmortem(api, member, own_pm):
    body = {"postmortem": own_pm.key, "occurred_at": "2026-03-01T09:31:00Z", "kind": "decision", "text": "Rolled back"}
    response = api.as_user(member).post("/api/v1/timeline-events/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["postmortem"] == "PM-2026-001"
    assert own_pm.timeline.get().text == "Rolled back"


def test_timeline_event_create_on_someone_elses_postmortem_is_403(api, outsider, own_pm):
    body = {"postmortem": own_pm.key, "occurred_at": "2026-03-01T09:31:00Z", "text": "x"}
    assert api.as_user(outsider).post("/api/v1/timeline-events/", body, format="json").status_code == 403
    assert not TimelineEvent.objects.exists()


def test_timeline_event_create_on_a_hidden_postmortem_says_it_does_not_exist(api, outsider, team):
    hidden = PostmortemFactory(key="PM-2026-009", restricted=True, allowed_teams=[team])
    body = {"postmortem": hidden.key, "occurred_at": "2026-03-01T09:31:00Z", "text": "x"}
    response = api.as_user(outsider).post("/api/v1/timeline-events/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"postmortem": ["Object with key=PM-2026-009 does not exist."]}


def test_timeline_event_update_cannot_move_it_to_another_postmortem(api, member, own_pm):
    event = TimelineEventFactory(postmortem=own_pm)
    other = PostmortemFactory(key="PM-2026-002", authors=[member])
    body = {"postmortem": other.key, "text": "Edited"}
    response = api.as_user(member).patch(f"/api/v1/timeline-events/{event.pk}/", body, format="json")
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.postmortem_id, event.text) == (own_pm.pk, "Edited")


def test_timeline_event_delete(api, member, own_pm):
    event = TimelineEventFactory(postmortem=own_pm)
    assert api.as_user(member).delete(f"/api/v1/timeline-events/{event.pk}/").status_code == 204
    assert not TimelineEvent.objects.exists()


@pytest.mark.parametrize("bad_id", ["0.5", "abc", "99999999999999999999999"])
def test_child_lookup_with_a_malformed_id_is_json_404(api, member, bad_id):
    response = api.as_user(member).get(f"/api/v1/timeline-events/{bad_id}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_contributing_factor_create_with_services_and_decision(api, member, own_pm):
    ServiceFactory(slug="checkout")
    decision = TimelineEventFactory(postmortem=own_pm, kind="decision")
    body = {
        "postmortem": own_pm.key,
        "factor": "load.retry-feedback-loop",
        "role": "amplifier",
        "narrative": "Retries *tripled* the load.",
        "why_it_made_sense": "Retries had always helped.",
        "services": ["checkout"],
        "timeline_event": decision.pk,
    }
    response = api.as_user(member).post("/api/v1/contributing-factors/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["narrative_html"] == "<p>Retries <em>tripled</em> the load.</p>"
    assert (created["family"], created["services"], created["created_by"]) == ("load", ["checkout"], "mira")


def test_contributing_factor_needs_a_role_when_classified(api, member, own_pm):
    body = {"postmortem": own_pm.key, "factor": "load.retry-feedback-loop", "narrative": "x"}
    response = api.as_user(member).post("/api/v1/contributing-factors/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"role": ["A classified contributing factor needs a role."]}


def test_contributing_factor_refuses_a_decision_from_another_postmortem(api, member, own_pm):
    elsewhere = TimelineEventFactory(postmortem=PostmortemFactory(key="PM-2026-002"))
    body = {"postmortem": own_pm.key, "factor": None, "narrative": "x", "timeline_event": elsewhere.pk}
    response = api.as_user(member).post("/api/v1/contributing-factors/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"timeline_event"}
    assert not ContributingFactor.objects.exists()


def test_contributing_factor_refuses_a_retired_factor(api, member, own_pm):
    Factor.objects.filter(slug="load.retry-feedback-loop").update(is_active=False)
    body = {"postmortem": own_pm.key, "factor": "load.retry-feedback-loop", "role": "amplifier"}
    response = api.as_user(member).post("/api/v1/contributing-factors/", body, format="json")
    assert response.status_code == 400
    assert "retired" in response.json()["factor"][0]


def test_contributing_factor_filter_by_unclassified(api, member, own_pm):
    ContributingFactorFactory(postmortem=own_pm)
    ContributingFactorFactory(postmortem=own_pm, factor=None, role="")
    response = api.as_user(member).get("/api/v1/contributing-factors/?unclassified=true")
    assert [row["factor"] for row in response.json()["results"]] == [None]


def test_action_item_done_at_follows_status(api, member, own_pm):
    client = api.as_user(member)
    body = {"postmortem": own_pm.key, "title": "Cap retries", "kind": "prevent", "owner": "mira"}
    item = client.post("/api/v1/action-items/", body, format="json").json()
    assert item["done_at"] is None
    done = client.patch(f"/api/v1/action-items/{item['id']}/", {"status": "done"}, format="json").json()
    assert done["done_at"] is not None
    reopened = client.patch(f"/api/v1/action-items/{item['id']}/", {"status": "open"}, format="json").json()
    assert reopened["done_at"] is None


def test_action_item_owner_may_update_it_without_editing_the_postmortem(api, own_pm, viewer):
    item = ActionItemFactory(postmortem=own_pm, owner=viewer)
    client = api.as_user(viewer)
    assert client.patch(f"/api/v1/action-items/{item.pk}/", {"status": "in_progress"}, format="json").status_code == 200
    assert client.delete(f"/api/v1/action-items/{item.pk}/").status_code == 403
    assert ActionItem.objects.get().status == "in_progress"


def test_action_item_refuses_a_tracker_url_that_is_not_a_url(api, member, own_pm):
    body = {"postmortem": own_pm.key, "title": "t", "tracker_url": "not a url"}
    response = api.as_user(member).post("/api/v1/action-items/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"tracker_url"}


def test_review_comment_by_a_viewer_needs_them_to_be_a_reviewer(api, own_pm, viewer):
    body = {"postmortem": own_pm.key, "section": "Timeline", "body": "When was the pager?"}
    client = api.as_user(viewer)
    assert client.post("/api/v1/review-comments/", body, format="json").status_code == 403
    own_pm.reviewers.add(viewer)
    response = client.post("/api/v1/review-comments/", body, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == "vera"


def test_review_comment_blank_body_is_refused(api, member, own_pm):
    body = {"postmortem": own_pm.key, "body": "   "}
    response = api.as_user(member).post("/api/v1/review-comments/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"body"}


def test_review_comment_resolve_and_reopen(api, member, own_pm):
    comment = ReviewCommentFactory(postmortem=own_pm, author=UserFactory(username="rev"))
    client = api.as_user(member)
    resolved = client.post(f"/api/v1/review-comments/{comment.pk}/resolve/").json()
    assert (resolved["resolved_by"], resolved["resolved_at"] is not None) == ("mira", True)
    again = client.post(f"/api/v1/review-comments/{comment.pk}/resolve/").json()
    assert again["resolved_at"] == resolved["resolved_at"]
    assert client.get("/api/v1/review-comments/?resolved=false").json()["count"] == 0
    assert client.post(f"/api/v1/review-comments/{comment.pk}/reopen/").json()["resolved_at"] is None


def test_review_comment_text_belongs_to_its_writer(api, member, own_pm):
    comment = ReviewCommentFactory(postmortem=own_pm, author=UserFactory(username="rev"))
    client = api.as_user(member)
    assert client.patch(f"/api/v1/review-comments/{comment.pk}/", {"body": "x"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/review-comments/{comment.pk}/").status_code == 403
    assert ReviewComment.objects.get().body != "x"
