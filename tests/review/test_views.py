"""Review pages: the panel, submitting, comments, publishing, sending back, the queue; permissions and queries."""

import pytest
from django.urls import reverse

from postmortems import review_services
from postmortems.models import ReviewComment, Revision, Status
from tests.factories import MembershipFactory, PostmortemFactory, ReviewCommentFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _no_queue(mocker):
    mocker.patch("postmortems.tasks.notify_reviewers.delay")


@pytest.fixture
def in_review(draft, member, reviewer):
    review_services.submit_for_review(postmortem=draft, submitted_by=member, reviewers=[reviewer])
    draft.refresh_from_db()
    return draft


def _url(name, pm_or_comment):
    arg = pm_or_comment.key if hasattr(pm_or_comment, "key") else pm_or_comment.pk
    return reverse(f"postmortems:{name}", args=[arg])


# ---- The panel -------------------------------------------------------------------------------------------------


def test_postmortem_page_loads_the_review_panel_after_the_page(client, member, draft):
    client.force_login(member)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert f'hx-get="{_url("review", draft)}" hx-trigger="load"' in html
    assert f'<a href="{_url("review", draft)}">Review status and comments</a>' in html  # without JavaScript
    assert f'href="{_url("history", draft)}"' in html


def test_panel_offers_the_author_to_submit_a_draft(client, member, draft):
    client.force_login(member)
    html = client.get(_url("review", draft), **HTMX).content.decode()
    assert html.lstrip().startswith('<section class="review-panel no-print" id="review"')
    assert f'href="{_url("review_submit", draft)}">Submit for review</a>' in html
    assert "<html" not in html  # only the panel for htmx


def test_panel_shows_reviewers_checks_comments_and_publish_in_review(client, member, in_review, reviewer):
    ReviewCommentFactory(postmortem=in_review, author=reviewer, section="timeline", body="When did **paging** start?")
    client.force_login(member)
    html = client.get(_url("review", in_review), **HTMX).content.decode()
    assert "<dd>Rita Okafor</dd>" in html
    assert "Writing checks: 2 things to look at" in html  # no factors, no mitigator
    assert "When did <strong>paging</strong> start?" in html
    assert f'href="{in_review.get_absolute_url()}#timeline">Timeline</a>' in html
    assert "1 comment is still open" in html
    assert 'name="publish_with_open_comments"' in html
    assert ">Back to draft</summary>" in html


def test_panel_lets_a_reviewer_comment_and_request_changes_but_not_publish(client, reviewer, in_review):
    client.force_login(reviewer)
    html = client.get(_url("review", in_review), **HTMX).content.decode()
    assert "Rita Okafor (you)" in html
    assert ">Request changes</summary>" in html
    assert 'name="body"' in html
    assert _url("review_publish", in_review) not in html
    assert _url("review_submit", in_review) not in html


def test_panel_for_someone_not_involved_shows_only_the_history_link(client, viewer):
    pm = PostmortemFactory(status="in_review")
    client.force_login(viewer)
    html = client.get(_url("review", pm), **HTMX).content.decode()
    assert f'href="{_url("history", pm)}"' in html
    assert "Comments" not in html and "<form" not in html


def test_review_page_works_without_javascript(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.get(_url("review", in_review))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Review of PM-2026-501 · Incident Learning</title>" in html
    assert f'<form method="post" action="{_url("review_comment_add", in_review)}"' in html


# ---- Submitting ------------------------------------------------------------------------------------------------


def test_submit_page_suggests_team_members_and_shows_the_writing_checks(client, member, draft, team):
    teammate = UserFactory(username="tom", first_name="Tom", last_name="Berg")
    MembershipFactory(team=team, user=teammate)
    client.force_login(member)
    html = client.get(_url("review_submit", draft)).content.decode()
    assert "Tom Berg" in html
    assert "mira" not in html.split('name="reviewers"')[-1].split("</fieldset>")[0]  # never its own author
    assert "Fewer than two contributing conditions" in html
    assert "you can submit as it is" in html
    assert "the reviewers you name will be able to read it" in html  # restricted


def test_submit_sends_the_draft_for_review_and_says_who_is_emailed(client, member, draft, reviewer):
    client.force_login(member)
    response = client.post(_url("review_submit", draft), {"other_reviewers": "RITA", "note": "The timeline, please."})
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert list(draft.reviewers.all()) == [reviewer]
    page = client.get(response["Location"]).content.decode()
    assert "PM-2026-501 is in review. Rita Okafor will get an email." in page


def test_submit_with_a_suggested_reviewer_ticked(client, member, draft, team):
    teammate = UserFactory(username="tom")
    MembershipFactory(team=team, user=teammate)
    client.force_login(member)
    assert client.post(_url("review_submit", draft), {"reviewers": [teammate.pk]}).status_code == 302
    assert list(draft.reviewers.all()) == [teammate]


def test_submit_without_reviewers_shows_an_error_and_writes_nothing(client, member, draft):
    client.force_login(member)
    response = client.post(_url("review_submit", draft), {"other_reviewers": "", "note": "x"})
    assert response.status_code == 400
    assert "Choose at least one reviewer." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)


def test_submit_names_unknown_people(client, member, draft, reviewer):
    client.force_login(member)
    response = client.post(_url("review_submit", draft), {"other_reviewers": "rita, nobody-here"})
    assert response.status_code == 400
    assert "Nobody active is called nobody-here." in response.content.decode()


def test_submit_refuses_the_author_as_reviewer(client, member, draft):
    client.force_login(member)
    response = client.post(_url("review_submit", draft), {"other_reviewers": "mira"})
    assert response.status_code == 400
    assert "mira wrote this postmortem" in response.content.decode()
    assert not draft.reviewers.exists()


def test_submit_while_in_review_changes_the_reviewers(client, member, in_review):
    UserFactory(username="sam", first_name="Sam", last_name="Ode")
    client.force_login(member)
    assert "Change reviewers" in client.get(_url("review_submit", in_review)).content.decode()
    response = client.post(_url("review_submit", in_review), {"other_reviewers": "rita sam"}, follow=True)
    assert "Reviewers updated. Asked Sam Ode by email." in response.content.decode()
    assert {u.username for u in in_review.reviewers.all()} == {"rita", "sam"}


def test_a_viewer_cannot_submit(client, viewer):
    pm = PostmortemFactory(status="draft", authors=[viewer])
    client.force_login(viewer)
    assert client.get(_url("review_submit", pm)).status_code == 403
    assert client.post(_url("review_submit", pm), {"other_reviewers": "rita"}).status_code == 403
    pm.refresh_from_db()
    assert pm.status == Status.DRAFT


def test_a_reviewer_cannot_submit_or_publish(client, reviewer, in_review):
    client.force_login(reviewer)
    assert client.get(_url("review_submit", in_review)).status_code == 403
    assert client.post(_url("review_publish", in_review)).status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


# ---- Comments --------------------------------------------------------------------------------------------------


def test_a_reviewer_comments_with_htmx_and_gets_the_panel_back(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(
        _url("review_comment_add", in_review), {"section": "impact", "body": "How many *orders*?"}, **HTMX
    )
    assert response.status_code == 200
    comment = ReviewComment.objects.get()
    assert (comment.author, comment.section, comment.body) == (reviewer, "impact", "How many *orders*?")
    html = response.content.decode()
    assert f'id="comment-{comment.pk}"' in html and "How many <em>orders</em>?" in html


def test_a_comment_without_javascript_redirects_to_the_review_page(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(_url("review_comment_add", in_review), {"section": "", "body": "Looks good."})
    comment = ReviewComment.objects.get()
    assert response["Location"] == f"{_url('review', in_review)}#comment-{comment.pk}"


def test_an_empty_comment_is_a_field_error_and_writes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(_url("review_comment_add", in_review), {"section": "impact", "body": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ReviewComment.objects.exists()
    htmx = client.post(_url("review_comment_add", in_review), {"section": "bogus", "body": "x"}, **HTMX)
    assert htmx.status_code == 200  # htmx swaps only successful answers: errors come back in the panel
    assert "Select a valid choice." in htmx.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_viewer_who_is_not_a_reviewer_cannot_comment(client, viewer):
    pm = PostmortemFactory(status="in_review")
    client.force_login(viewer)
    assert client.post(_url("review_comment_add", pm), {"body": "Hi"}).status_code == 403
    assert not ReviewComment.objects.exists()


def test_the_author_resolves_and_reopens_a_comment(client, member, reviewer, in_review):
    comment = ReviewCommentFactory(postmortem=in_review, author=reviewer)
    client.force_login(member)
    response = client.post(_url("review_comment_resolve", comment), **HTMX)
    comment.refresh_from_db()
    assert comment.resolved_by == member
    assert "1 resolved comment" in response.content.decode()
    assert client.post(_url("review_comment_reopen", comment))["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.resolved_at is None


def test_only_the_writer_deletes_a_comment(client, member, reviewer, in_review):
    comment = ReviewCommentFactory(postmortem=in_review, author=reviewer)
    client.force_login(member)
    assert client.post(_url("review_comment_delete", comment)).status_code == 403
    client.force_login(reviewer)
    assert client.post(_url("review_comment_delete", comment)).status_code == 302
    assert not ReviewComment.objects.exists()


def test_someone_unrelated_cannot_resolve(client, reviewer, in_review, team):
    comment = ReviewCommentFactory(postmortem=in_review, author=reviewer)
    bystander = UserFactory(username="bea", role="author")
    MembershipFactory(team=team, user=bystander)  # may see it, may comment, may not resolve
    client.force_login(bystander)
    assert client.post(_url("review_comment_resolve", comment)).status_code == 403


def test_comment_actions_need_a_post(client, member, in_review):
    client.force_login(member)
    assert client.get(_url("review_comment_add", in_review)).status_code == 405


# ---- Publishing and sending back ---------------------------------------------------------------------------------


def test_publish_with_open_comments_warns_and_publishes_only_when_confirmed(client, member, reviewer, in_review):
    ReviewCommentFactory(postmortem=in_review, author=reviewer)
    client.force_login(member)
    warned = client.post(_url("review_publish", in_review))
    assert warned.status_code == 409
    assert "1 review comment is still open" in warned.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW

    confirmed = client.post(_url("review_publish", in_review), {"publish_with_open_comments": "on"}, **HTMX)
    assert confirmed.status_code == 200 and confirmed["HX-Redirect"] == in_review.get_absolute_url()
    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED


def test_publish_without_open_comments_redirects_to_the_postmortem(client, member, in_review):
    client.force_login(member)
    response = client.post(_url("review_publish", in_review), follow=True)
    assert "PM-2026-501 is published." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED


def test_publishing_a_draft_is_refused_in_the_panel(client, member, draft):
    client.force_login(member)
    response = client.post(_url("review_publish", draft), **HTMX)
    assert "is draft now" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_reviewer_requests_changes_with_a_note(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(_url("review_request_changes", in_review), {"note": "Add the mitigator."})
    assert response["Location"] == in_review.get_absolute_url()
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert ReviewComment.objects.get().body == "Add the mitigator."


def test_someone_else_cannot_send_it_back(client, viewer):
    pm = PostmortemFactory(status="in_review")
    client.force_login(viewer)
    assert client.post(_url("review_request_changes", pm)).status_code == 403


def test_a_published_postmortem_needs_no_review(client, member):
    pm = PostmortemFactory(status="published", authors=[member])
    client.force_login(member)
    assert client.get(_url("review_submit", pm))["Location"] == pm.get_absolute_url()


# ---- Visibility --------------------------------------------------------------------------------------------------

ROUTES = [
    ("get", "review"),
    ("get", "review_submit"),
    ("post", "review_publish"),
    ("post", "review_request_changes"),
    ("post", "review_comment_add"),
]


@pytest.mark.parametrize(("method", "name"), ROUTES)
def test_outsiders_get_404_for_a_restricted_postmortem(client, outsider, in_review, method, name):
    client.force_login(outsider)
    response = getattr(client, method)(_url(name, in_review), {"body": "x"} if method == "post" else None)
    assert response.status_code == 404
    assert in_review.title not in response.content.decode()


@pytest.mark.parametrize("action", ["review_comment_resolve", "review_comment_reopen", "review_comment_delete"])
def test_outsiders_get_404_for_comments_on_a_restricted_postmortem(client, outsider, reviewer, in_review, action):
    comment = ReviewCommentFactory(postmortem=in_review, author=reviewer)
    client.force_login(outsider)
    assert client.post(_url(action, comment)).status_code == 404
    assert ReviewComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).exists()


def test_a_reviewer_outside_the_team_may_read_and_comment_on_a_restricted_postmortem(client, in_review, reviewer):
    client.force_login(reviewer)  # rita is on no team: being asked to review is what lets her see it
    assert client.get(in_review.get_absolute_url()).status_code == 200
    assert client.post(_url("review_comment_add", in_review), {"body": "Fine by me."}).status_code == 302


# ---- The queue ---------------------------------------------------------------------------------------------------


def test_reviews_page_lists_what_waits_for_each_person(client, member, reviewer, in_review):
    ReviewCommentFactory(postmortem=in_review, author=reviewer)
    own_draft = PostmortemFactory(status="draft", title="Queue backlog near miss", authors=[member])
    client.force_login(reviewer)
    html = client.get(reverse("postmortems:reviews")).content.decode()
    assert in_review.title in html.split('id="to-review-title"')[1].split('id="mine-review-title"')[0]
    assert own_draft.title not in html
    client.force_login(member)
    html = client.get(reverse("postmortems:reviews")).content.decode()
    assert "Nothing is waiting for your review." in html
    assert in_review.title in html.split('id="mine-review-title"')[1].split('id="mine-draft-title"')[0]
    assert own_draft.title in html.split('id="mine-draft-title"')[1]


def test_reviews_page_never_shows_what_the_person_may_not_see(client, outsider, in_review):
    in_review.authors.add(outsider)
    in_review.reviewers.clear()
    client.force_login(UserFactory(username="nosy", role="editor"))
    assert in_review.title not in client.get(reverse("postmortems:reviews")).content.decode()


# ---- Query budgets -----------------------------------------------------------------------------------------------


def _grow(pm, reviewer, n):
    for index in range(n):
        ReviewCommentFactory(postmortem=pm, author=UserFactory(username=f"c{index}"), body=f"Comment {index}")
        pm.reviewers.add(UserFactory(username=f"r{index}"))
        pm.service_links.create(service=ServiceFactory(), role="involved")


def test_panel_query_count_is_constant(client, member, reviewer, in_review, django_assert_max_num_queries):
    # Session, user, profile, the postmortem, its authors, its reviewers, the comments (writers and resolvers
    # joined), and in review the writing checks: timeline, factors, their factors, action items.
    client.force_login(member)
    with django_assert_max_num_queries(11):
        assert client.get(_url("review", in_review), **HTMX).status_code == 200
    _grow(in_review, reviewer, 8)
    with django_assert_max_num_queries(11):
        assert client.get(_url("review", in_review), **HTMX).status_code == 200


def test_submit_page_query_count_is_constant(client, member, draft, team, django_assert_max_num_queries):
    # Session, user, profile, the postmortem, its authors, its reviewers, the suggested reviewers, the checks (4).
    client.force_login(member)
    with django_assert_max_num_queries(11):
        assert client.get(_url("review_submit", draft)).status_code == 200
    for index in range(8):
        MembershipFactory(team=team, user=UserFactory(username=f"t{index}"))
    with django_assert_max_num_queries(11):
        assert client.get(_url("review_submit", draft)).status_code == 200


def test_reviews_page_query_count_is_constant(client, member, django_assert_max_num_queries):
    # Session, user, profile, then one query per list.
    client.force_login(member)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("postmortems:reviews")).status_code == 200
    PostmortemFactory.create_batch(6, status="draft", authors=[member])
    with django_assert_max_num_queries(6):
        assert client.get(reverse("postmortems:reviews")).status_code == 200


def test_detail_page_stays_within_its_budget_with_the_review_slot(client, member, in_review, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(in_review, reviewer, 5)
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(in_review.get_absolute_url()).status_code == 200
    assert len(queries.captured_queries) <= 12  # the panel's own queries run in its own request


def test_revisions_record_each_review_step(client, member, reviewer, in_review):
    client.force_login(reviewer)
    client.post(_url("review_request_changes", in_review))
    assert [r.snapshot["status"] for r in Revision.objects.filter(postmortem=in_review)] == [
        "draft",
        "in_review",
        "draft",
    ]


def test_the_writer_edits_a_comment_and_nobody_else_may(client, member, reviewer, in_review):
    comment = ReviewCommentFactory(postmortem=in_review, author=reviewer, section="Timeline", body="Typo")
    client.force_login(member)
    assert client.get(_url("review_comment_edit", comment)).status_code == 403
    client.force_login(reviewer)
    page = client.get(_url("review_comment_edit", comment)).content.decode()
    assert '<option value="timeline" selected>Timeline</option>' in page  # matched up from the API's free text
    assert client.post(_url("review_comment_edit", comment), {"section": "impact", "body": "  "}).status_code == 400
    response = client.post(_url("review_comment_edit", comment), {"section": "impact", "body": "Fixed **it**"})
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert (comment.section, comment.body, comment.body_html) == (
        "impact",
        "Fixed **it**",
        "<p>Fixed <strong>it</strong></p>",
    )


def test_panel_for_someone_not_involved_costs_no_comment_query(client, viewer, django_assert_max_num_queries):
    # Session, user, profile, the postmortem, its authors, its reviewers.
    pm = PostmortemFactory(status="in_review")
    ReviewCommentFactory(postmortem=pm)
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        assert client.get(_url("review", pm), **HTMX).status_code == 200
