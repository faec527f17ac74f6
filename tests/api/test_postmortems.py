"""/api/v1/postmortems/: reading, writing through the services, optimistic locking, errors, filters, paging."""

import datetime as dt

import pytest
from django.core.cache import cache

from postmortems import services
from postmortems.api.throttling import AnonThrottle, UserThrottle
from postmortems.models import Postmortem, PostmortemService, Revision, Status
from tests.factories import (
    ContributingFactorFactory,
    PostmortemFactory,
    ReviewCommentFactory,
    ServiceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/postmortems/"


def _detail(key: str) -> str:
    return f"{URL}{key}/"


def test_postmortem_list_needs_authentication(api):
    response = api.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_postmortem_list_accepts_a_session_as_well_as_a_token(client, member):
    PostmortemFactory(key="PM-2026-001")
    client.force_login(member)
    assert client.get(URL).json()["count"] == 1


def test_postmortem_detail_includes_everything_that_hangs_off_it(api, member):
    pm = PostmortemFactory(key="PM-2026-007", narrative="We *saw* retries.", authors=[member])
    checkout = ServiceFactory(slug="checkout")
    PostmortemService.objects.create(postmortem=pm, service=checkout, role="origin")
    TimelineEventFactory(postmortem=pm, text="Pager fired")
    ContributingFactorFactory(postmortem=pm, services=[checkout])
    body = api.as_user(member).get(_detail("PM-2026-007")).json()
    assert body["narrative_html"] == "<p>We <em>saw</em> retries.</p>"
    assert body["services"] == [{"service": "checkout", "name": checkout.name, "role": "origin"}]
    assert [event["text"] for event in body["timeline"]] == ["Pager fired"]
    factor = body["contributing_factors"][0]
    assert (factor["factor"], factor["family"], factor["role"]) == ("load.retry-feedback-loop", "load", "amplifier")
    assert factor["services"] == ["checkout"]
    assert body["authors"] == ["mira"]
    assert body["version"] == 1


def test_postmortem_unknown_key_is_404_as_json(api, member):
    response = api.as_user(member).get(_detail("PM-2026-999"))
    assert response.status_code == 404
    assert response.json() == {"detail": "No Postmortem matches the given query."}


def test_api_paths_that_match_nothing_answer_json_404(api, member):
    response = api.as_user(member).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_postmortem_create_by_author_goes_through_the_service(api, member):
    ServiceFactory(slug="checkout")
    body = {
        "title": "DNS timeouts",
        "started_at": "2026-03-01T09:30:00Z",
        "severity": 2,
        "services": [{"service": "checkout", "role": "impacted"}],
        "restricted": True,
        "allowed_teams": ["payments"],
    }
    response = api.as_user(member).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["key"] == "PM-2026-001"
    assert created["authors"] == ["mira"]
    assert created["services"][0]["role"] == "impacted"
    pm = Postmortem.objects.get(key="PM-2026-001")
    assert pm.created_by == member
    assert Revision.objects.filter(postmortem=pm, version=1).exists()


def test_postmortem_create_is_forbidden_for_viewers(api, viewer):
    response = api.as_user(viewer).post(URL, {"title": "t"}, format="json")
    assert response.status_code == 403
    assert not Postmortem.objects.exists()


def test_postmortem_create_reports_each_bad_field(api, member):
    body = {
        "title": "",
        "kind": "root_cause",
        "severity": 9,
        "timezone": "America",
        "key": "INC-1",
        "started_at": "2026-03-01T10:00:00Z",
        "detected_at": "2026-03-01T09:00:00Z",
    }
    response = api.as_user(member).post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"title", "kind", "severity", "timezone", "key"}
    assert not Postmortem.objects.exists()


def test_postmortem_create_refuses_times_out_of_order(api, member):
    body = {"title": "t", "started_at": "2026-03-01T10:00:00Z", "resolved_at": "2026-03-01T09:00:00Z"}
    response = api.as_user(member).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"resolved_at": ["Must not be before started_at."]}


def test_postmortem_create_refuses_a_key_that_is_taken(api, member):
    PostmortemFactory(key="PM-2026-042")
    response = api.as_user(member).post(URL, {"title": "t", "key": "PM-2026-042"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"key": ["A postmortem with this key exists."]}


def test_postmortem_create_refuses_strings_where_the_schema_says_numbers_and_booleans(api, member):
    response = api.as_user(member).post(URL, {"title": "t", "severity": "2", "restricted": "true"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"severity", "restricted"}


def test_postmortem_create_names_unknown_services_and_people_per_field(api, member):
    body = {"title": "t", "services": [{"service": "nope"}], "authors": ["ghost"]}
    response = api.as_user(member).post(URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["services"] == {"0": {"service": ["Object with slug=nope does not exist."]}}
    assert errors["authors"] == ["Object with username=ghost does not exist."]


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b'{"title": ', "application/json"),
        (b'{"title": "nul \\u0000 byte"}', "application/json"),
        (b'{"title": "half a pair \\ud800"}', "application/json"),
        (b"title=t", "application/x-www-form-urlencoded"),
    ],
)
def test_postmortem_create_refuses_bodies_that_cannot_be_stored(api, member, raw, content_type):
    response = api.as_user(member).generic("POST", URL, raw, content_type=content_type)
    assert response.status_code in (400, 415)
    assert "detail" in response.json()
    assert not Postmortem.objects.exists()


def test_postmortem_update_needs_the_version_it_started_from(api, member):
    PostmortemFactory(key="PM-2026-001", authors=[member])
    response = api.as_user(member).patch(_detail("PM-2026-001"), {"title": "New"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}


def test_postmortem_update_bumps_the_version_and_records_a_revision(api, member):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member])
    response = api.as_user(member).patch(_detail(pm.key), {"title": "New", "version": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["version"]) == ("New", 2)
    assert pm.revisions.get().snapshot["title"] == "New"


def test_postmortem_update_from_a_stale_version_is_409_with_the_current_version(api, member):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member], summary="Original")
    client = api.as_user(member)
    assert client.patch(_detail(pm.key), {"summary": "First", "version": 1}, format="json").status_code == 200
    response = client.patch(_detail(pm.key), {"summary": "Second", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    pm.refresh_from_db()
    assert pm.summary == "First"


def test_postmortem_update_is_forbidden_for_an_author_not_named_on_it(api, member):
    PostmortemFactory(key="PM-2026-001")
    response = api.as_user(member).patch(_detail("PM-2026-001"), {"title": "x", "version": 1}, format="json")
    assert response.status_code == 403


def test_postmortem_update_by_editor_replaces_services(api, editor):
    pm = PostmortemFactory(key="PM-2026-001")
    PostmortemService.objects.create(postmortem=pm, service=ServiceFactory(slug="old"))
    ServiceFactory(slug="new")
    body = {"version": 1, "services": [{"service": "new", "role": "origin"}]}
    response = api.as_user(editor).patch(_detail(pm.key), body, format="json")
    assert response.status_code == 200
    assert [(link["service"], link["role"]) for link in response.json()["services"]] == [("new", "origin")]


def test_restricted_postmortem_is_404_not_403_for_outsiders_on_every_method(api, outsider, team):
    PostmortemFactory(key="PM-2026-001", restricted=True, allowed_teams=[team])
    client = api.as_user(outsider)
    assert client.get(_detail("PM-2026-001")).status_code == 404
    assert client.patch(_detail("PM-2026-001"), {"version": 1}, format="json").status_code == 404
    assert client.delete(_detail("PM-2026-001")).status_code == 404
    assert client.post(_detail("PM-2026-001") + "publish/").status_code == 404


def test_postmortem_delete_rules(api, member, editor):
    draft = PostmortemFactory(key="PM-2026-001", status=Status.DRAFT, created_by=member, authors=[member])
    published = PostmortemFactory(key="PM-2026-002", authors=[member])
    client = api.as_user(member)
    assert client.delete(_detail(published.key)).status_code == 403
    assert client.delete(_detail(draft.key)).status_code == 204
    assert api.as_user(editor).delete(_detail(published.key)).status_code == 204
    assert not Postmortem.objects.exists()


def test_postmortem_publish_sets_status_and_bumps_version(api, member):
    pm = PostmortemFactory(key="PM-2026-001", status=Status.IN_REVIEW, authors=[member])
    response = api.as_user(member).post(_detail(pm.key) + "publish/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("published", 2)


def test_postmortem_list_filters(api, member):
    checkout = ServiceFactory(slug="checkout")
    one = PostmortemFactory(key="PM-2026-001", severity=1, status=Status.DRAFT, authors=[member])
    two = PostmortemFactory(key="PM-2026-002", severity=2)
    PostmortemFactory(key="PM-2026-003", severity=3, started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    PostmortemService.objects.create(postmortem=two, service=checkout)
    ContributingFactorFactory(postmortem=one)
    ContributingFactorFactory(postmortem=one)  # tagged twice with the same factor: still listed once
    client = api.as_user(member)

    def keys(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["key"] for row in response.json()["results"])

    assert keys("severity=1&severity=2") == ["PM-2026-001", "PM-2026-002"]
    assert keys("status=draft") == ["PM-2026-001"]
    assert keys("service=checkout") == ["PM-2026-002"]
    assert keys("factor=load.retry-feedback-loop") == ["PM-2026-001"]
    assert keys("family=load") == ["PM-2026-001"]
    assert keys("author=mira") == ["PM-2026-001"]
    assert keys("started_before=2021-01-01") == ["PM-2026-003"]
    assert keys("updated_after=2000-01-01T00:00:00Z") == ["PM-2026-001", "PM-2026-002", "PM-2026-003"]
    assert keys("service=no-such-service") == []


@pytest.mark.parametrize(
    "query",
    [
        "severity=7",
        "restricted=maybe",
        "started_after=yesterday",
        "started_after=01/02/2026",
        "updated_after=2026-01-01",
        "updated_after=0001-01-01T00:00:00%2B01:00",
        "updated_after=9999-12-31T23:59:59-01:00",
        "status=",
        "page_size=0",
        "page=first",
    ],
)
def test_postmortem_list_refuses_bad_filter_values_with_400(api, member, query):
    response = api.as_user(member).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


def test_postmortem_list_pages_are_stable_when_the_sort_key_ties(api, member):
    for number in range(1, 8):
        PostmortemFactory(key=f"PM-2026-{number:03d}", severity=2)
    client = api.as_user(member)
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(f"{URL}?ordering=severity&page_size=2&page={page}")
        seen += [row["key"] for row in response.json()["results"]]
    assert sorted(seen) == [f"PM-2026-{n:03d}" for n in range(1, 8)]
    assert len(set(seen)) == 7
    assert client.get(f"{URL}?page=5&page_size=2").status_code == 404


def test_user_rate_limit_answers_429(api, monkeypatch):
    # The rate is read when the class is defined, so patch the class rather than the setting.
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "1/minute"})
    cache.clear()
    client = api.as_user(UserFactory(username="busy"))
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]


def test_anonymous_rate_limit_answers_429(api, monkeypatch):
    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": "1/minute"})
    cache.clear()
    assert [api.get(URL).status_code for _ in range(2)] == [401, 429]


def test_postmortem_list_filters_by_team_like_the_list_page(api, member, team):
    PostmortemFactory(key="PM-2026-001", allowed_teams=[team])
    PostmortemFactory(key="PM-2026-002")
    response = api.as_user(member).get(f"{URL}?team=payments")
    assert [row["key"] for row in response.json()["results"]] == ["PM-2026-001"]


def test_postmortem_deleted_by_a_concurrent_request_during_an_edit_is_404(api, member, monkeypatch):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member])
    update = services.update_postmortem

    def deleted_first(**kwargs):
        Postmortem.objects.filter(pk=pm.pk).delete()
        return update(**kwargs)

    monkeypatch.setattr(services, "update_postmortem", deleted_first)
    response = api.as_user(member).patch(_detail(pm.key), {"title": "x", "version": 1}, format="json")
    assert response.status_code == 404


def test_postmortem_review_workflow_through_the_api(api, member, editor, django_capture_on_commit_callbacks):
    pm = PostmortemFactory(key="PM-2026-001", status=Status.DRAFT, created_by=member, authors=[member])
    author = api.as_user(member)
    assert author.post(_detail(pm.key) + "publish/", {}, format="json").status_code == 409  # a draft: review first
    with django_capture_on_commit_callbacks():
        response = author.post(_detail(pm.key) + "submit/", {"reviewers": ["eddie"], "note": "Factors?"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reviewers"]) == ("in_review", ["eddie"])
    ReviewCommentFactory(postmortem=pm, author=editor)
    refused = author.post(_detail(pm.key) + "publish/", {}, format="json")
    assert refused.status_code == 409 and "still open" in refused.json()["detail"]
    published = author.post(_detail(pm.key) + "publish/", {"allow_open_comments": True}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert author.post(_detail(pm.key) + "publish/", {}, format="json").status_code == 200  # again: no-op


def test_postmortem_review_workflow_checks_input_and_roles(api, member, viewer, editor):
    pm = PostmortemFactory(key="PM-2026-001", status=Status.DRAFT, created_by=member, authors=[member])
    author = api.as_user(member)
    assert author.post(_detail(pm.key) + "submit/", {"reviewers": []}, format="json").json() == {
        "reviewers": ["Name at least one reviewer."]
    }
    assert author.post(_detail(pm.key) + "submit/", {"reviewers": ["nobody"]}, format="json").status_code == 400
    assert author.post(_detail(pm.key) + "submit/", {"reviewers": ["mira"]}, format="json").status_code == 400
    assert author.post(_detail(pm.key) + "request-changes/", {}, format="json").status_code == 409  # not in review
    pm.refresh_from_db()
    assert pm.status == Status.DRAFT
    # as_user switches the one client to that person, so the viewer comes last.
    refused = api.as_user(viewer).post(_detail(pm.key) + "submit/", {"reviewers": ["eddie"]}, format="json")
    assert refused.status_code == 403


def test_postmortem_reviewer_sends_it_back_to_draft_with_a_comment(api, member, viewer):
    pm = PostmortemFactory(key="PM-2026-001", status=Status.IN_REVIEW, authors=[member])
    pm.reviewers.add(viewer)
    body = {"note": "Why did it make sense?"}
    response = api.as_user(viewer).post(_detail(pm.key) + "request-changes/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert pm.review_comments.get().body == "Why did it make sense?"


def test_postmortem_patch_checks_each_service_link_in_full(api, member):
    pm = PostmortemFactory(key="PM-2026-001", authors=[member])
    ServiceFactory(slug="checkout")
    client = api.as_user(member)
    missing = client.patch(_detail(pm.key), {"version": 1, "services": [{"role": "origin"}]}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"services": {"0": {"service": ["This field is required."]}}}
    given = client.patch(_detail(pm.key), {"version": 1, "services": [{"service": "checkout"}]}, format="json")
    assert given.status_code == 200, given.json()
    assert given.json()["services"] == [
        {"service": "checkout", "name": given.json()["services"][0]["name"], "role": "involved"}
    ]
