"""Beliefs about the system that incidents can show to be wrong."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from postmortems.models.catalog import Service, Team
from postmortems.models.postmortem import Postmortem
from postmortems.querysets import AssumptionQuerySet, RelatedToPostmortemQuerySet


class AssumptionKind(models.TextChoices):
    LATENCY = "latency", "Latency"
    CAPACITY = "capacity", "Capacity"
    IDEMPOTENCY = "idempotency", "Idempotency"
    ORDERING = "ordering", "Ordering"
    FRESHNESS = "freshness", "Freshness"
    DEPENDENCY = "dependency", "Dependency"
    TIME = "time", "Time"
    DATA_SHAPE = "data_shape", "Data shape"
    AUTOMATION = "automation", "Automation behaviour"
    OBSERVABILITY = "observability", "Observability"
    OWNERSHIP = "ownership", "Ownership"
    PROCEDURE = "procedure", "Procedure"
    EXPERTISE = "expertise", "Expertise"


class AssumptionStatus(models.TextChoices):
    HELD = "held", "Held"
    QUESTIONED = "questioned", "Questioned"
    VIOLATED = "violated", "Violated"
    REVISED = "revised", "Revised"
    RETIRED = "retired", "Retired"


class Assumption(models.Model):
    """One checkable belief ("retries are safe because the API is idempotent"); its status history is append-only."""

    statement = models.CharField(max_length=300)
    kind = models.CharField(max_length=14, choices=AssumptionKind, default=AssumptionKind.DEPENDENCY)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assumptions",
        help_text="What it is about",
    )
    owner_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assumptions",
    )
    relied_on_by = models.ManyToManyField(Service, related_name="relied_on_assumptions", blank=True)
    where_encoded = models.CharField(max_length=200, blank=True, help_text="Timeout config, runbook, design doc...")
    status = models.CharField(max_length=10, choices=AssumptionStatus, default=AssumptionStatus.HELD)
    last_validated_at = models.DateField(null=True, blank=True)
    validation_method = models.CharField(max_length=200, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    postmortems = models.ManyToManyField(Postmortem, through="AssumptionEvidence", related_name="assumptions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssumptionQuerySet.as_manager()

    class Meta:
        ordering = ["statement"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssumptionKind.values),
                name="assumption_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssumptionStatus.values),
                name="assumption_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.statement


class AssumptionStatusChange(models.Model):
    """One entry in an assumption's history: who moved it, when, why and on what evidence."""

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=AssumptionStatus, blank=True)
    to_status = models.CharField(max_length=10, choices=AssumptionStatus)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    evidence = models.TextField(
        blank=True, help_text="A note or link that backs the change: load test, game day, dashboard, ticket"
    )
    postmortem = models.ForeignKey(
        Postmortem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assumption_changes",
    )

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=AssumptionStatus.values),
                name="asm_change_to_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class EvidenceType(models.TextChoices):
    VIOLATED = "violated", "Violated"
    STRESSED = "stressed", "Stressed"
    SUPPORTED = "supported", "Supported"
    NEAR_MISS = "near_miss", "Near miss"


class AssumptionEvidence(models.Model):
    """What a postmortem showed about an assumption."""

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="evidence")
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="assumption_evidence")
    evidence_type = models.CharField(max_length=10, choices=EvidenceType, default=EvidenceType.VIOLATED)
    excerpt = models.TextField(blank=True, help_text="What happened, in a sentence or two")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelatedToPostmortemQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "assumption evidence"
        constraints = [
            models.UniqueConstraint(fields=["assumption", "postmortem"], name="evidence_unique"),
            models.CheckConstraint(
                condition=Q(evidence_type__in=EvidenceType.values),
                name="evidence_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.postmortem_id} {self.evidence_type} {self.assumption_id}"
