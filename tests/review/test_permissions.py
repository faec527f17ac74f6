"""Who may do each review step (docs/review.md has the table)."""

import pytest

from postmortems.permissions import (
    can_comment_on_postmortem,
    can_manage_review,
    can_request_changes,
    can_resolve_comment,
)
from tests.factories import PostmortemFactory, ReviewCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(member):
    return PostmortemFactory(status="in_review", authors=[member])


def test_authors_and_editors_manage_the_review(pm, member, editor):
    assert can_manage_review(member, pm)
    assert can_manage_review(editor, pm)


def test_reviewers_and_other_authors_do_not_manage_the_review(pm, reviewer, outsider):
    pm.reviewers.add(reviewer)
    assert not can_manage_review(reviewer, pm)
    assert not can_manage_review(outsider, pm)


def test_a_viewer_named_as_author_does_not_manage_the_review(pm, viewer):
    pm.authors.add(viewer)
    assert not can_manage_review(viewer, pm)


def test_an_editor_cannot_manage_the_review_of_a_postmortem_they_may_not_see(editor, team):
    hidden = PostmortemFactory(restricted=True, allowed_teams=[team])
    assert not can_manage_review(editor, hidden)


def test_a_viewer_asked_to_review_may_comment_and_request_changes(pm, viewer):
    assert not can_comment_on_postmortem(viewer, pm)
    assert not can_request_changes(viewer, pm)
    pm.reviewers.add(viewer)
    pm = type(pm).objects.get(pk=pm.pk)  # a fresh object: reviewers are read from the database again
    assert can_comment_on_postmortem(viewer, pm)
    assert can_request_changes(viewer, pm)


def test_authors_may_send_their_postmortem_back_to_draft(pm, member):
    assert can_request_changes(member, pm)


def test_anyone_with_the_author_role_may_comment_on_what_they_can_see(pm, outsider):
    assert can_comment_on_postmortem(outsider, pm)


def test_resolving_a_comment_follows_the_postmortems_editors_and_the_comments_writer(pm, member, reviewer, viewer):
    pm.reviewers.add(reviewer)
    comment = ReviewCommentFactory(postmortem=pm, author=reviewer)
    assert can_resolve_comment(member, comment)  # an author of the postmortem
    assert can_resolve_comment(reviewer, comment)  # the comment's writer
    assert not can_resolve_comment(viewer, comment)
    assert can_resolve_comment(viewer, comment, may_edit_postmortem=True)  # the caller's answer is used
    assert not can_resolve_comment(UserFactory(username="nobody", role="author"), comment, may_edit_postmortem=False)
