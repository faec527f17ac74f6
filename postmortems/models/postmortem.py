"""The postmortem document and everything that hangs off it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from postmortems.markdown import render_markdown
from postmortems.models.catalog import Service, Team
from postmortems.models.taxonomy import Factor
from postmortems.querysets import PostmortemQuerySet, RelatedToPostmortemQuerySet

KEY_PATTERN = r"^PM-[0-9]{4}-[0-9]{3,}$"


class Kind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    NEAR_MISS = "near_miss", "Near miss"
    EXTERNAL = "external", "External (public)"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Severity(models.IntegerChoices):
    SEV1 = 1, "SEV1 (critical)"
    SEV2 = 2, "SEV2 (major)"
    SEV3 = 3, "SEV3 (minor)"
    SEV4 = 4, "SEV4 (low)"


# Long markdown fields; each has a sanitised `<name>_html` twin rendered on save.
MARKDOWN_FIELDS = (
    "summary",
    "impact",
    "narrative",
    "went_well",
    "got_lucky",
    "open_questions",
)


def _times_in_order(earlier: str, later: str) -> Q:
    return Q(**{f"{earlier}__isnull": True}) | Q(**{f"{later}__isnull": True}) | Q(**{f"{later}__gte": F(earlier)})


class Postmortem(models.Model):
    """A blameless account of one incident, near miss or public outage; no root-cause field by design."""

    key = models.CharField(
        max_length=20,
        unique=True,
        help_text="Human key such as PM-2026-042; never reused",
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INCIDENT)
    severity = models.PositiveSmallIntegerField(choices=Severity, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)

    started_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(null=True, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", help_text="Zone the incident times are shown in")

    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    impact = models.TextField(blank=True)
    impact_html = models.TextField(blank=True, editable=False)
    narrative = models.TextField(blank=True)
    narrative_html = models.TextField(blank=True, editable=False)
    went_well = models.TextField("what went well", blank=True)
    went_well_html = models.TextField(blank=True, editable=False)
    got_lucky = models.TextField("where we got lucky", blank=True)
    got_lucky_html = models.TextField(blank=True, editable=False)
    open_questions = models.TextField(blank=True)
    open_questions_html = models.TextField(blank=True, editable=False)

    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="authored_postmortems", blank=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="reviewing_postmortems", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    services = models.ManyToManyField(Service, through="PostmortemService", related_name="postmortems", blank=True)
    source_url = models.URLField(max_length=500, blank=True, help_text="Where a public postmortem was published")
    in_library = models.BooleanField(default=False, help_text="Part of the public reading library")
    restricted = models.BooleanField(default=False)
    allowed_teams = models.ManyToManyField(Team, related_name="restricted_postmortems", blank=True)
    metadata = models.JSONField(default=dict, blank=True, help_text="Imported keys the model has no field for")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save; used for optimistic locking")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-started_at"], name="pm_status_started"),
            models.Index(fields=["kind", "-started_at"], name="pm_kind_started"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(key__regex=KEY_PATTERN), name="pm_key_format"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="pm_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="pm_status_valid"),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__range=(1, 4)),
                name="pm_severity_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="pm_version_positive"),
            models.CheckConstraint(
                condition=_times_in_order("started_at", "detected_at"),
                name="pm_detected_after",
            ),
            models.CheckConstraint(
                condition=_times_in_order("started_at", "mitigated_at"),
                name="pm_mitigated_after",
            ),
            models.CheckConstraint(
                condition=_times_in_order("started_at", "resolved_at"),
                name="pm_resolved_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def save(self, *args, **kwargs):
        for name in MARKDOWN_FIELDS:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("postmortems:detail", kwargs={"key": self.key})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class ServiceRole(models.TextChoices):
    ORIGIN = "origin", "Where it started"
    IMPACTED = "impacted", "Impacted"
    INVOLVED = "involved", "Involved"


class PostmortemService(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="service_links")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="postmortem_links")
    role = models.CharField(max_length=10, choices=ServiceRole, default=ServiceRole.INVOLVED)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "service"], name="pm_service_unique"),
            models.CheckConstraint(condition=Q(role__in=ServiceRole.values), name="pm_service_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.role}) in {self.postmortem_id}"


class EventKind(models.TextChoices):
    DETECTION = "detection", "Detection"
    OBSERVATION = "observation", "Observation"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
    COMMUNICATION = "communication", "Communication"
    CHANGE = "change", "Change"


class TimelineEvent(models.Model):
    """Something that happened, was seen or was decided; decisions carry why they made sense."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=14, choices=EventKind, default=EventKind.OBSERVATION)
    text = models.TextField()
    actor = models.CharField("who", max_length=200, blank=True)
    why_it_made_sense = models.TextField(blank=True, help_text="What people knew, what they were trying to do")

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text[:60]}"


class FactorRole(models.TextChoices):
    ACTIVATOR = "activator", "Activator"
    ENABLING = "enabling", "Enabling condition"
    AMPLIFIER = "amplifier", "Amplifier"
    IMPEDIMENT = "impediment", "Impediment"
    MITIGATOR = "mitigator", "Mitigator"


class ContributingFactor(models.Model):
    """One condition in one incident, with its role and a second story. Unclassified imports have no factor yet."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="contributing_factors")
    factor = models.ForeignKey(Factor, null=True, blank=True, on_delete=models.PROTECT, related_name="tags")
    role = models.CharField(max_length=10, choices=FactorRole, blank=True)
    narrative = models.TextField(blank=True)
    narrative_html = models.TextField(blank=True, editable=False)
    why_it_made_sense = models.TextField(blank=True)
    why_it_made_sense_html = models.TextField(blank=True, editable=False)
    services = models.ManyToManyField(Service, related_name="contributing_factors", blank=True)
    assumption = models.ForeignKey(
        "postmortems.Assumption",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributing_factors",
    )
    timeline_event = models.ForeignKey(
        TimelineEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributing_factors",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # A classified tag always has a valid role; only an unclassified one (imported bullet) may lack it.
            models.CheckConstraint(
                condition=Q(role__in=FactorRole.values) | Q(role="", factor__isnull=True),
                name="cf_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor or 'unclassified'} ({self.role or '-'})"

    def save(self, *args, **kwargs):
        self.narrative_html = render_markdown(self.narrative)
        self.why_it_made_sense_html = render_markdown(self.why_it_made_sense)
        super().save(*args, **kwargs)

    @property
    def is_classified(self) -> bool:
        return self.factor_id is not None


class ActionKind(models.TextChoices):
    MITIGATE = "mitigate", "Mitigate"
    DETECT = "detect", "Detect"
    PREVENT = "prevent", "Prevent / repair"
    LEARN = "learn", "Learn"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


class ActionItem(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=ActionKind, default=ActionKind.PREVENT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    status = models.CharField(max_length=12, choices=ActionStatus, default=ActionStatus.OPEN)
    due_date = models.DateField(null=True, blank=True)
    tracker_url = models.URLField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActionKind.values), name="action_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewComment(models.Model):
    """A reviewer's remark on a postmortem in review; authors resolve it."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_comments",
    )
    section = models.CharField(max_length=50, blank=True, help_text="Which part of the document it is about")
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.postmortem_id}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Revision(models.Model):
    """A snapshot of a postmortem as one save left it, so history can be read and compared."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField()

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["postmortem", "version"], name="revision_unique_version")]

    def __str__(self) -> str:
        return f"{self.postmortem_id} v{self.version}"
