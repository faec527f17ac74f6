"""The email that asks someone to review a postmortem, sent at most once per request.

`send_review_requests` is the work behind the `notify_reviewers` task. It takes each pending request with one
conditional UPDATE (`... WHERE notified_at IS NULL`) before sending, so two runs at once (a retry overlapping
a slow first attempt, a task delivered twice) never email the same request twice. When sending fails the
claim is given back and the error raised, and the task retries with backoff.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from postmortems.models import ReviewRequest, Status

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    sent: int = 0
    skipped: int = 0


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def review_request_email(request: ReviewRequest) -> EmailMultiAlternatives:
    """The message for one request: what to review, who asked, their note, and where to comment."""
    postmortem = request.postmortem
    asked_by = request.requested_by
    context = {
        "request": request,
        "postmortem": postmortem,
        "reviewer": request.reviewer,
        "asked_by": (asked_by.get_full_name() or asked_by.get_username()) if asked_by else "Someone",
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


def send_review_requests(*, postmortem_id: int) -> SendReport:
    """Email every reviewer of the postmortem who was asked and not yet emailed; once per person per round."""
    report = SendReport()
    pending = list(
        ReviewRequest.objects.filter(postmortem_id=postmortem_id, notified_at__isnull=True)
        .select_related("postmortem", "reviewer", "requested_by")
        .order_by("created_at", "pk")
    )
    if not pending:
        return report
    reviewer_ids = set(pending[0].postmortem.reviewers.values_list("pk", flat=True))
    newest = {request.reviewer_id: request.pk for request in pending}  # ordered oldest first: the last one wins
    for request in pending:
        if not ReviewRequest.objects.filter(pk=request.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
            continue  # another run took it
        reason = _why_not_send(request, reviewer_ids, newest)
        if reason:
            report.skipped += 1
            logger.info("review request %s not emailed: %s", request.pk, reason, extra={"row_id": request.pk})
            continue
        try:
            review_request_email(request).send()
        except (smtplib.SMTPException, OSError):
            ReviewRequest.objects.filter(pk=request.pk).update(notified_at=None)  # give the claim back for the retry
            raise
        ReviewRequest.objects.filter(pk=request.pk).update(email_sent=True)
        report.sent += 1
    return report
