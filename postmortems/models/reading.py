"""Weekly postmortem reading: digests, deliveries, read receipts and preferences."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from postmortems.markdown import render_markdown
from postmortems.models.catalog import Team
from postmortems.models.postmortem import Postmortem
from postmortems.querysets import RelatedToPostmortemQuerySet


class DeliveryQuerySet(models.QuerySet):
    def due(self, now: datetime) -> DeliveryQuerySet:
        """Pending rows nobody is sending right now whose backoff, if any, has run out."""
        return self.filter(status=DeliveryStatus.PENDING, claimed_at__isnull=True).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def stale_claims(self, before: datetime) -> DeliveryQuerySet:
        """Rows a sender claimed before `before` and never finished: the worker stopped mid-send."""
        return self.filter(status=DeliveryStatus.PENDING, claimed_at__lt=before)


class Digest(models.Model):
    """One team's reading for one week (weeks start on Monday)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="digests")
    week_start = models.DateField(help_text="Monday of the ISO week")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    postmortems = models.ManyToManyField(Postmortem, through="DigestItem", related_name="digests")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    run_count = models.PositiveIntegerField(default=0, help_text="Sending passes finished for this digest")
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "week_start"], name="digest_one_per_team_week"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.week_label}"

    @property
    def week_label(self) -> str:
        """The ISO week, e.g. 2026-W07."""
        return f"{self.week_start:%G-W%V}"


class SelectionReason(models.TextChoices):
    RECENT = "recent", "Recent and not yet read"
    PATTERN = "pattern", "Shows a recurring pattern"
    LIBRARY = "library", "From the public library"
    ON_THIS_DAY = "on_this_day", "On this day in past years"


class DigestItem(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="digest_items")
    reason = models.CharField(max_length=12, choices=SelectionReason)
    explanation = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "postmortem"], name="digest_item_unique"),
            models.CheckConstraint(
                condition=Q(reason__in=SelectionReason.values),
                name="digest_item_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.postmortem_id} in {self.digest}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class DigestDelivery(models.Model):
    """The weekly email to one person. The unique constraint is what guarantees at most one a week."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
    )
    week_start = models.DateField()
    status = models.CharField(max_length=8, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Backoff after a failed attempt; the row is not tried again before this time.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set by the one sender that won the conditional UPDATE claiming this row; cleared when it records the outcome.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "digest deliveries"
        indexes = [models.Index(fields=["digest", "status"], name="delivery_digest_status")]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="delivery_one_per_person_week"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.week_start:%G-W%V} {self.status}"


class ReadReceipt(models.Model):
    """A person read a postmortem, optionally with a short reflection."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_receipts")
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="read_receipts")
    digest = models.ForeignKey(
        Digest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="read_receipts",
    )
    read_at = models.DateTimeField()
    reflection = models.TextField(blank=True)
    reflection_html = models.TextField(blank=True, editable=False)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "postmortem"], name="read_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.user} read {self.postmortem_id}"

    def save(self, *args, **kwargs):
        self.reflection_html = render_markdown(self.reflection)
        super().save(*args, **kwargs)


class DigestPreference(models.Model):
    """Whether a person gets the weekly digest; an admin may suppress it regardless."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preference",
    )
    subscribed = models.BooleanField(default=True)
    suppressed = models.BooleanField(
        default=False,
        help_text="Set by an admin: never send, whatever the person chose",
    )
    muted_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="+",
        help_text="Teams whose weekly email the person does not want (their reading page still shows them)",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {'subscribed' if self.subscribed else 'unsubscribed'}"
