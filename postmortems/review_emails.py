"""The review workflow's emails, each sent at most once: asking someone to review a postmortem, and telling its
authors that changes were requested.

`send_review_requests` and `send_change_requests` are the work behind the `notify_reviewers` and
`notify_authors` tasks. Each takes every pending row with one conditional UPDATE (`... WHERE notified_at IS
NULL`) before sending, so two runs at once (a retry overlapping a slow first attempt, a task delivered twice)
never email anyone twice for the same row. When sending fails the claim is given back and the error raised,
and the task retries with backoff.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from postmortems.models import ChangeRequestNotice, ReviewRequest, Status

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _name(user: AbstractBaseUser | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def _claim(model: type[models.Model], pk: int) -> bool:
    """Take a pending row for this run; False when another run has taken it."""
    return bool(model.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=timezone.now()))


def _send(model: type[models.Model], pk: int, message: EmailMultiAlternatives) -> None:
    """Send the message for a claimed row; when sending fails, give the claim back for the retry and raise."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        model.objects.filter(pk=pk).update(notified_at=None)
        raise
    model.objects.filter(pk=pk).update(email_sent=True)


def review_request_email(request: ReviewRequest) -> EmailMultiAlternatives:
    """The message for one request: what to review, who asked, their note, and where to comment."""
    postmortem = request.postmortem
    context = {
        "request": request,
        "postmortem": postmortem,
        "reviewer": request.reviewer,
        "asked_by": _name(request.requested_by),
        "review_url": _absolute(postmortem.get_absolute_url() + "#review"),
        "reviews_url": _absolute(reverse("postmortems:reviews")),
    }
    message = EmailMultiAlternatives(
        subject=f"Review requested: {postmortem.key} {postmortem.title}"[:200],
        body=render_to_string("postmortems/email/review_requested.txt", context),
        to=[request.reviewer.email],
    )
    message.attach_alternative(render_to_string("postmortems/email/review_requested.html", context), "text/html")
    return message


def _why_not_send(request: ReviewRequest, reviewer_ids: set[int], newest: dict[int, int]) -> str:
    """Why this request gets no email ("" when it should get one)."""
    if request.postmortem.status != Status.IN_REVIEW:
        return "no longer in review"
    if request.reviewer_id not in reviewer_ids:
        return "no longer a reviewer"
    if newest[request.reviewer_id] != request.pk:
        return "asked again since"
    if not request.reviewer.is_active or not request.reviewer.email:
        return "no email address"
    return ""


def _pending(model: type[models.Model], postmortem_id: int, person: str) -> list:
    """The postmortem's rows of `model` not yet taken by a sender, oldest first, with what their emails show."""
    return list(
        model.objects.filter(postmortem_id=postmortem_id, notified_at__isnull=True)
        .select_related("postmortem", person, "requested_by")
        .order_by("created_at", "pk")
    )


def _send_each(
    model: type[models.Model],
    pending: list,
    why_not: Callable[[Any], str],
    email: Callable[[Any], EmailMultiAlternatives],
) -> SendReport:
    """Claim each pending row, then email it unless `why_not` gives a reason; each row is emailed at most once."""
    report = SendReport()
    what = model._meta.verbose_name
    for row in pending:
        if not _claim(model, row.pk):
            continue  # another run took it
        reason = why_not(row)
        if reason:
            report.skipped += 1
            logger.info("%s %s not emailed: %s", what, row.pk, reason, extra={"row_id": row.pk})
            continue
        _send(model, row.pk, email(row))
        report.sent += 1
    return report


def send_review_requests(*, postmortem_id: int) -> SendReport:
    """Email every reviewer of the postmortem who was asked and not yet emailed; once per person per round."""
    pending = _pending(ReviewRequest, postmortem_id, "reviewer")
    if not pending:
        return SendReport()
    reviewer_ids = set(pending[0].postmortem.reviewers.values_list("pk", flat=True))
    newest = {request.reviewer_id: request.pk for request in pending}  # ordered oldest first: the last one wins
    return _send_each(
        ReviewRequest, pending, lambda request: _why_not_send(request, reviewer_ids, newest), review_request_email
    )


def change_request_email(notice: ChangeRequestNotice) -> EmailMultiAlternatives:
    """The message for one author: who asked for changes, their note, and where to edit the postmortem."""
    postmortem = notice.postmortem
    context = {
        "notice": notice,
        "postmortem": postmortem,
        "asked_by": _name(notice.requested_by),
        "edit_url": _absolute(reverse("postmortems:edit", kwargs={"key": postmortem.key})),
        "review_url": _absolute(postmortem.get_absolute_url() + "#review"),
    }
    message = EmailMultiAlternatives(
        subject=f"Changes requested: {postmortem.key} {postmortem.title}"[:200],
        body=render_to_string("postmortems/email/changes_requested.txt", context),
        to=[notice.author.email],
    )
    message.attach_alternative(render_to_string("postmortems/email/changes_requested.html", context), "text/html")
    return message


def _why_not_tell(notice: ChangeRequestNotice, author_ids: set[int]) -> str:
    """Why this notice gets no email ("" when it should get one)."""
    if notice.postmortem.status != Status.DRAFT:
        return "no longer a draft"
    if notice.author_id not in author_ids:
        return "no longer an author"
    if not notice.author.is_active or not notice.author.email:
        return "no email address"
    return ""


def send_change_requests(*, postmortem_id: int) -> SendReport:
    """Email every author told of changes requested on the postmortem and not yet emailed; once per notice."""
    pending = _pending(ChangeRequestNotice, postmortem_id, "author")
    if not pending:
        return SendReport()
    author_ids = set(pending[0].postmortem.authors.values_list("pk", flat=True))
    return _send_each(
        ChangeRequestNotice, pending, lambda notice: _why_not_tell(notice, author_ids), change_request_email
    )
