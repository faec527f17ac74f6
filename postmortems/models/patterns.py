"""Precomputed figures for the patterns page: a compact index of published, unrestricted postmortems.

The index is derived data (see postmortems/patterns/index.py for its format). A Celery task rebuilds it
on publish and on a schedule; readers use the newest row of their scope and count anything changed since
it live. There are two scopes: "open" (no restricted postmortem) for everyone, and "all" for admins,
who may see every postmortem; anyone else's restricted postmortems are added live, per request.
"""

from django.db import models


class SnapshotScope(models.TextChoices):
    OPEN = "open", "Published postmortems that are not restricted (for everyone)"
    ALL = "all", "Every published postmortem (for admins only, who may see them all)"


class PatternSnapshot(models.Model):
    """One build of the pattern index over the published postmortems of one visibility scope."""

    scope = models.CharField(max_length=4, choices=SnapshotScope, default=SnapshotScope.OPEN)
    # Taken before the build reads anything, so whatever changes while it runs counts as changed.
    built_at = models.DateTimeField()
    postmortem_count = models.PositiveIntegerField()
    build_seconds = models.FloatField(default=0)
    data = models.BinaryField(help_text="The serialised index: a JSON header and one bitset per key, compressed")

    class Meta:
        ordering = ["-built_at", "-id"]
        get_latest_by = "built_at"
        indexes = [models.Index(fields=["-built_at"], name="pattern_snapshot_recent")]
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=SnapshotScope.values), name="pattern_snapshot_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} pattern snapshot of {self.postmortem_count} postmortems at {self.built_at:%Y-%m-%d %H:%M}"
