"""Who was asked to review a postmortem, which authors were told that changes were requested, and whether the
email about each has gone out."""

from django.conf import settings
from django.db import models

from postmortems.querysets import RelatedToPostmortemQuerySet


class ReviewRequest(models.Model):
    """One person asked to review one postmortem at one submission; the email about it goes out at most once."""

    postmortem = models.ForeignKey("postmortems.Postmortem", on_delete=models.CASCADE, related_name="review_requests")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(help_text="The postmortem's version when the review was asked for")
    message = models.TextField(blank=True, help_text="A note to the reviewers, quoted in the email")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a sender took this request; set once, so nobody is emailed twice",
    )
    email_sent = models.BooleanField(
        default=False, help_text="False when nothing was sent: no longer in review or no email address"
    )

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "reviewer", "version"], name="review_request_unique"),
        ]
        indexes = [models.Index(fields=["postmortem", "notified_at"], name="review_request_pending")]

    def __str__(self) -> str:
        return f"{self.reviewer} asked to review {self.postmortem_id} v{self.version}"


class ChangeRequestNotice(models.Model):
    """One author told that their postmortem was sent back for changes; the email about it goes out at most once."""

    postmortem = models.ForeignKey(
        "postmortems.Postmortem", on_delete=models.CASCADE, related_name="change_request_notices"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="change_request_notices"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(help_text="The postmortem's version once it was sent back to draft")
    note = models.TextField(blank=True, help_text="What the person asked for, quoted in the email")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a sender took this notice; set once, so nobody is emailed twice",
    )
    email_sent = models.BooleanField(
        default=False, help_text="False when nothing was sent: no longer a draft, not an author, or no email address"
    )

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "author", "version"], name="change_notice_unique"),
        ]
        indexes = [models.Index(fields=["postmortem", "notified_at"], name="change_notice_pending")]

    def __str__(self) -> str:
        return f"{self.author} told of changes requested on {self.postmortem_id} v{self.version}"
