"""The review workflow's services: each step's state change, its revision, its checks and its emails."""

import pytest
from django.core.exceptions import ValidationError

from postmortems import review_services
from postmortems.models import ChangeRequestNotice, ReviewComment, ReviewRequest, Revision, Status
from tests.factories import ReviewCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(mocker):
    """The reviewer email task, as queued after commit."""
    return mocker.patch("postmortems.tasks.notify_reviewers.delay")


def _submit(draft, member, *reviewers, note=""):
    return review_services.submit_for_review(postmortem=draft, submitted_by=member, reviewers=reviewers, note=note)


def test_submit_for_review_moves_a_draft_into_review_with_its_reviewers(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert list(draft.reviewers.all()) == [reviewer]


def test_submit_for_review_records_a_revision_with_the_new_status(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    latest = Revision.objects.filter(postmortem=draft).first()
    assert latest.version == draft.version == 2
    assert latest.author == member
    assert latest.snapshot["status"] == Status.IN_REVIEW


def test_submit_for_review_asks_each_reviewer_once_and_emails_after_commit(
    draft, member, reviewer, queued, django_capture_on_commit_callbacks
):
    other = UserFactory(username="sam", role="viewer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _submit(draft, member, reviewer, other, reviewer, note="Please look at the timeline.")
    assert not queued.called  # nothing leaves before the commit

    for callback in callbacks:
        callback()
    queued.assert_called_once_with(draft.pk)
    requests = ReviewRequest.objects.filter(postmortem=draft).order_by("reviewer__username")
    assert [(r.reviewer.username, r.version, r.message) for r in requests] == [
        ("rita", 2, "Please look at the timeline."),
        ("sam", 2, "Please look at the timeline."),
    ]
    assert all(r.requested_by == member and r.notified_at is None for r in requests)


def test_submit_for_review_needs_a_reviewer_and_writes_nothing_without_one(draft, member, queued):
    with pytest.raises(ValidationError) as caught:
        _submit(draft, member)

    assert caught.value.message_dict == {"reviewers": ["Name at least one reviewer."]}
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)
    assert not ReviewRequest.objects.exists()


def test_submit_for_review_refuses_the_postmortems_own_authors_as_reviewers(draft, member, reviewer, queued):
    with pytest.raises(ValidationError, match="mira wrote this postmortem"):
        _submit(draft, member, reviewer, member)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not draft.reviewers.exists()


def test_submit_for_review_refuses_people_who_left(draft, member, queued):
    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError, match="No longer active: gone"):
        _submit(draft, member, gone)


def test_submit_for_review_refuses_a_postmortem_already_in_review(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    with pytest.raises(review_services.ReviewStateError, match="in review now"):
        _submit(draft, member, reviewer)
    assert Revision.objects.filter(postmortem=draft).count() == 2


def test_change_reviewers_asks_only_the_people_added(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)
    sam = UserFactory(username="sam")

    added = review_services.change_reviewers(postmortem=draft, changed_by=member, reviewers=[sam], note="")

    assert added == [sam]
    assert list(draft.reviewers.all()) == [sam]  # rita was removed
    assert ReviewRequest.objects.filter(postmortem=draft, reviewer=sam).count() == 1
    assert ReviewRequest.objects.filter(postmortem=draft, reviewer=reviewer).count() == 1


def test_change_reviewers_with_the_same_people_asks_nobody_again(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    assert review_services.change_reviewers(postmortem=draft, changed_by=member, reviewers=[reviewer]) == []
    assert ReviewRequest.objects.filter(postmortem=draft).count() == 1


def test_request_changes_sends_it_back_to_draft_with_the_note_as_a_comment(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    review_services.request_changes(postmortem=draft, requested_by=reviewer, note="  Add what kept it small.  ")

    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 3)
    comment = ReviewComment.objects.get(postmortem=draft)
    assert (comment.author, comment.body, comment.section) == (reviewer, "Add what kept it small.", "")
    latest = Revision.objects.filter(postmortem=draft).first()
    assert (latest.version, latest.author, latest.snapshot["status"]) == (3, reviewer, Status.DRAFT)
    assert list(draft.reviewers.all()) == [reviewer]  # the same people review the next round


def test_request_changes_without_a_note_adds_no_comment(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)

    review_services.request_changes(postmortem=draft, requested_by=reviewer)

    assert not ReviewComment.objects.exists()


def test_request_changes_tells_each_author_and_emails_after_commit(
    draft, member, reviewer, queued, mocker, django_capture_on_commit_callbacks
):
    noor = UserFactory(username="noor")
    draft.authors.add(noor)
    _submit(draft, member, reviewer)
    notify_authors = mocker.patch("postmortems.tasks.notify_authors.delay")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review_services.request_changes(postmortem=draft, requested_by=reviewer, note="Add what kept it small.")
    assert not notify_authors.called  # nothing leaves before the commit

    for callback in callbacks:
        callback()
    notify_authors.assert_called_once_with(draft.pk)
    notices = ChangeRequestNotice.objects.filter(postmortem=draft).order_by("author__username")
    assert [(n.author.username, n.requested_by, n.version, n.note, n.notified_at) for n in notices] == [
        ("mira", reviewer, 3, "Add what kept it small.", None),
        ("noor", reviewer, 3, "Add what kept it small.", None),
    ]


def test_request_changes_by_an_author_tells_only_the_other_authors(draft, member, reviewer, queued):
    noor = UserFactory(username="noor")
    draft.authors.add(noor)
    _submit(draft, member, reviewer)

    review_services.request_changes(postmortem=draft, requested_by=member)

    assert [n.author for n in ChangeRequestNotice.objects.filter(postmortem=draft)] == [noor]


def test_request_changes_by_the_only_author_queues_no_email(
    draft, member, reviewer, queued, mocker, django_capture_on_commit_callbacks
):
    _submit(draft, member, reviewer)
    notify_authors = mocker.patch("postmortems.tasks.notify_authors.delay")

    with django_capture_on_commit_callbacks(execute=True):
        review_services.request_changes(postmortem=draft, requested_by=member)

    assert not ChangeRequestNotice.objects.exists()
    assert not notify_authors.called


def test_request_changes_applies_only_in_review(draft, reviewer):
    with pytest.raises(review_services.ReviewStateError, match="is draft now"):
        review_services.request_changes(postmortem=draft, requested_by=reviewer)


def test_publish_reviewed_publishes_through_publish_postmortem(draft, member, reviewer, queued, mocker):
    _submit(draft, member, reviewer)
    publish = mocker.spy(review_services.services, "publish_postmortem")

    review_services.publish_reviewed(postmortem=draft, published_by=member)

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None
    publish.assert_called_once()
    latest = Revision.objects.filter(postmortem=draft).first()
    assert (latest.version, latest.author, latest.snapshot["status"]) == (3, member, Status.PUBLISHED)


def test_publish_reviewed_stops_at_unresolved_comments(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)
    ReviewCommentFactory(postmortem=draft, author=reviewer)
    ReviewCommentFactory(postmortem=draft, author=reviewer)

    with pytest.raises(review_services.OpenComments) as caught:
        review_services.publish_reviewed(postmortem=draft, published_by=member)

    assert caught.value.count == 2
    assert "2 review comments are still open" in str(caught.value)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_publish_reviewed_with_open_comments_when_told_to(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)
    ReviewCommentFactory(postmortem=draft, author=reviewer)

    review_services.publish_reviewed(postmortem=draft, published_by=member, allow_open_comments=True)

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_publish_reviewed_ignores_resolved_comments(draft, member, reviewer, queued):
    _submit(draft, member, reviewer)
    comment = ReviewCommentFactory(postmortem=draft, author=reviewer)
    review_services.services.resolve_review_comment(comment=comment, resolved_by=member)

    review_services.publish_reviewed(postmortem=draft, published_by=member)

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_publish_reviewed_refuses_a_draft(draft, member):
    with pytest.raises(review_services.ReviewStateError):
        review_services.publish_reviewed(postmortem=draft, published_by=member)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_status_changes_reindex_the_search_document(draft, member, reviewer, queued, mocker):
    reindex = mocker.patch("postmortems.services.reindex_on_commit")

    _submit(draft, member, reviewer)

    reindex.assert_called_once_with([draft.pk])
