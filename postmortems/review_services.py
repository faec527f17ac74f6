"""The review workflow: draft -> in review -> published, and back to draft when changes are requested.

Each step is one keyword-only function and one transaction. A status change goes through
services.change_status, which moves the version on and records a revision as every save does, so the
history shows when it was submitted, sent back and published. Who may call each step is decided by the
interfaces with postmortems.permissions (see docs/review.md); these functions check only the state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from postmortems import services
from postmortems.models import ChangeRequestNotice, Postmortem, ReviewComment, ReviewRequest, Status

logger = logging.getLogger(__name__)

NOTE_MAX_CHARS = 2000


class ReviewStateError(Exception):
    """The step does not apply to the postmortem as it is now (someone else moved it on); nothing was written."""


class OpenComments(ReviewStateError):
    """Publishing was asked for while review comments are unresolved, without saying that this is intended."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            f"{count} review comment{'s are' if count != 1 else ' is'} still open: "
            "resolve them, or confirm that you want to publish anyway."
        )


def open_comment_count(postmortem: Postmortem) -> int:
    return ReviewComment.objects.filter(postmortem=postmortem, resolved_at__isnull=True).count()


def _locked(postmortem: Postmortem, *allowed: str) -> Postmortem:
    """The postmortem's row, locked for this transaction, when its status is one of `allowed`."""
    current = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    if current.status not in allowed:
        raise ReviewStateError(f"{current.key} is {current.get_status_display().lower()} now; reload and look again.")
    return current


def _clean_reviewers(postmortem: Postmortem, reviewers: Iterable[AbstractBaseUser]) -> list[AbstractBaseUser]:
    chosen = list({user.pk: user for user in reviewers}.values())
    if not chosen:
        raise ValidationError({"reviewers": "Name at least one reviewer."})
    inactive = [user.get_username() for user in chosen if not user.is_active]
    if inactive:
        raise ValidationError({"reviewers": f"No longer active: {', '.join(inactive)}."})
    author_ids = set(postmortem.authors.values_list("pk", flat=True)) | {postmortem.created_by_id}
    own = [user.get_username() for user in chosen if user.pk in author_ids]
    if own:
        raise ValidationError(
            {"reviewers": f"{', '.join(own)} wrote this postmortem; ask someone who did not to review it."}
        )
    return chosen


def _ask(
    postmortem: Postmortem, reviewers: list[AbstractBaseUser], requested_by: AbstractBaseUser | None, note: str
) -> list[ReviewRequest]:
    """Record who was asked, and email them once this commits."""
    requests = ReviewRequest.objects.bulk_create(
        [
            ReviewRequest(
                postmortem=postmortem,
                reviewer=user,
                requested_by=requested_by,
                version=postmortem.version,
                message=note,
            )
            for user in reviewers
        ],
        ignore_conflicts=True,  # the same person asked twice at one version is one request
    )
    from postmortems.tasks import enqueue_reviewer_emails  # tasks import modules that import services

    postmortem_id = postmortem.pk
    # robust: in the embedded default the task runs right here, and a mail server that is down must not turn
    # a committed submission into an error page; the failure is logged and the request stays pending.
    transaction.on_commit(lambda: enqueue_reviewer_emails(postmortem_id), robust=True)
    return requests


def _tell_authors(postmortem: Postmortem, requested_by: AbstractBaseUser, note: str) -> list[ChangeRequestNotice]:
    """Record the authors to tell that changes were requested (not the one asking); email them once this commits."""
    notices = ChangeRequestNotice.objects.bulk_create(
        [
            ChangeRequestNotice(
                postmortem=postmortem, author=user, requested_by=requested_by, version=postmortem.version, note=note
            )
            for user in postmortem.authors.exclude(pk=requested_by.pk)
        ],
        ignore_conflicts=True,
    )
    if notices:
        from postmortems.tasks import enqueue_author_emails  # tasks import modules that import services

        postmortem_id = postmortem.pk
        # robust, as for the reviewer emails: sending must not undo the committed step (see _ask).
        transaction.on_commit(lambda: enqueue_author_emails(postmortem_id), robust=True)
    return notices


def submit_for_review(
    *,
    postmortem: Postmortem,
    submitted_by: AbstractBaseUser,
    reviewers: Iterable[AbstractBaseUser],
    note: str = "",
) -> Postmortem:
    """Send a draft to its reviewers (at least one, none of its authors); they are emailed after commit."""
    note = note.strip()[:NOTE_MAX_CHARS]
    with transaction.atomic():
        current = _locked(postmortem, Status.DRAFT)
        chosen = _clean_reviewers(current, reviewers)
        current.reviewers.set(chosen)
        services.change_status(postmortem=current, status=Status.IN_REVIEW, changed_by=submitted_by)
        _ask(current, chosen, submitted_by, note)
    logger.info("submitted %s for review", current.key, extra={"user_id": submitted_by.pk, "row_id": current.pk})
    postmortem.refresh_from_db()
    return postmortem


def change_reviewers(
    *,
    postmortem: Postmortem,
    changed_by: AbstractBaseUser,
    reviewers: Iterable[AbstractBaseUser],
    note: str = "",
) -> list[AbstractBaseUser]:
    """Change who reviews a postmortem in review; only the people added are emailed. Returns those added."""
    note = note.strip()[:NOTE_MAX_CHARS]
    with transaction.atomic():
        current = _locked(postmortem, Status.IN_REVIEW)
        chosen = _clean_reviewers(current, reviewers)
        before = set(current.reviewers.values_list("pk", flat=True))
        current.reviewers.set(chosen)
        added = [user for user in chosen if user.pk not in before]
        if added:
            _ask(current, added, changed_by, note)
    logger.info("changed reviewers of %s", current.key, extra={"user_id": changed_by.pk, "row_id": current.pk})
    return added


def request_changes(*, postmortem: Postmortem, requested_by: AbstractBaseUser, note: str = "") -> Postmortem:
    """Send a postmortem in review back to draft; the note becomes a review comment and the authors are emailed."""
    note = note.strip()
    with transaction.atomic():
        current = _locked(postmortem, Status.IN_REVIEW)
        if note:
            services.add_review_comment(postmortem=current, author=requested_by, body=note)
        services.change_status(postmortem=current, status=Status.DRAFT, changed_by=requested_by)
        _tell_authors(current, requested_by, note)
    logger.info("changes requested on %s", current.key, extra={"user_id": requested_by.pk, "row_id": current.pk})
    postmortem.refresh_from_db()
    return postmortem


def publish_reviewed(
    *, postmortem: Postmortem, published_by: AbstractBaseUser, allow_open_comments: bool = False
) -> Postmortem:
    """Publish a postmortem in review. Unresolved comments stop it unless `allow_open_comments` says so."""
    with transaction.atomic():
        current = _locked(postmortem, Status.IN_REVIEW)
        still_open = open_comment_count(current)
        if still_open and not allow_open_comments:
            raise OpenComments(still_open)
        services.publish_postmortem(postmortem=current, published_by=published_by)
    logger.info(
        "published %s after review",
        current.key,
        extra={"user_id": published_by.pk, "row_id": current.pk, "open_comments": still_open},
    )
    postmortem.refresh_from_db()
    return postmortem
