"""The contributing-factor taxonomy: families and factors."""

from django.db import models

from postmortems.models.catalog import Team


class FactorFamily(models.Model):
    """A lens on an incident (latent conditions, change, load, ...), with the question it asks."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120)
    question = models.CharField(max_length=200)
    traces_to = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "factor families"

    def __str__(self) -> str:
        return self.name


class Factor(models.Model):
    """A condition that can contribute to an incident. Slugs are `family.factor` and never change."""

    family = models.ForeignKey(FactorFamily, on_delete=models.PROTECT, related_name="factors")
    slug = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=120)
    definition = models.TextField()
    examples = models.TextField(blank=True)
    traces_to = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Factors a team added for itself ("other"); admins review them and fold them into the taxonomy.
    is_custom = models.BooleanField(default=False)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="custom_factors",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family__position", "position", "slug"]

    def __str__(self) -> str:
        return self.slug
