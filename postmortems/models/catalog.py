"""Teams, people's roles and memberships, services and their dependencies."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from postmortems.querysets import ServiceQuerySet


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    AUTHOR = "author", "Author"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


class Profile(models.Model):
    """What a person may do across the whole knowledge base."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=10, choices=Role, default=Role.AUTHOR)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(role__in=Role.values), name="profile_role_valid")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Team(models.Model):
    """A group of people who own services and read postmortems together."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")
    reading_day = models.PositiveSmallIntegerField(choices=Weekday, default=Weekday.MONDAY)
    reading_time = models.TimeField(default="09:00")
    reading_timezone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(reading_day__range=(0, 6)), name="team_reading_day_valid")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Tier(models.IntegerChoices):
    TIER_1 = 1, "Tier 1 (critical)"
    TIER_2 = 2, "Tier 2"
    TIER_3 = 3, "Tier 3"
    TIER_4 = 4, "Tier 4 (internal)"


class Lifecycle(models.TextChoices):
    EXPERIMENTAL = "experimental", "Experimental"
    PRODUCTION = "production", "Production"
    DEPRECATED = "deprecated", "Deprecated"
    RETIRED = "retired", "Retired"


# Service pages live at /services/<slug>/ beside /services/new/ and /services/graph/: no service may take those.
RESERVED_SERVICE_SLUGS = frozenset({"new", "graph"})


class Service(models.Model):
    """A deployable component, data store or piece of infrastructure that incidents happen in."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier, default=Tier.TIER_3)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    lifecycle = models.CharField(max_length=12, choices=Lifecycle, default=Lifecycle.PRODUCTION)
    service_type = models.CharField(max_length=50, blank=True, help_text="e.g. service, website, database, queue")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(tier__range=(1, 4)), name="service_tier_valid"),
            models.CheckConstraint(
                condition=Q(lifecycle__in=Lifecycle.values),
                name="service_lifecycle_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DependencyKind(models.TextChoices):
    SYNC = "sync", "Synchronous call"
    ASYNC = "async", "Async / queue"
    DATASTORE = "datastore", "Data store"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"


class Dependency(models.Model):
    """`source` depends on `target`: when target degrades, source may feel it."""

    source = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="dependencies")
    target = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="dependents")
    kind = models.CharField(max_length=16, choices=DependencyKind, default=DependencyKind.SYNC)
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="dependency_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="dependency_not_self"),
            models.CheckConstraint(
                condition=Q(kind__in=DependencyKind.values),
                name="dependency_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.kind})"
