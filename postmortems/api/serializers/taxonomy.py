"""The contributing-factor taxonomy: families and factors, named by slug."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from postmortems.models import Factor, FactorFamily

from .fields import team_field
from .strict import StrictModelSerializer, StrictRegexField, StrictSlugRelatedField

FACTOR_SLUG = r"^[-a-zA-Z0-9_]+\.[-a-zA-Z0-9_]+$"


class FactorFamilySerializer(StrictModelSerializer):
    factors = StrictSlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = FactorFamily
        fields = ["slug", "name", "question", "traces_to", "position", "factors"]


class FactorFamilyUpdateSerializer(FactorFamilySerializer):
    class Meta(FactorFamilySerializer.Meta):
        read_only_fields = ["slug"]


class FactorSerializer(StrictModelSerializer):
    slug = StrictRegexField(
        FACTOR_SLUG,
        max_length=100,
        help_text="`<family slug>.<name>`, e.g. load.retry-feedback-loop; never changes",
        validators=[UniqueValidator(queryset=Factor.objects.all(), message="A factor with this slug exists.")],
    )
    family = StrictSlugRelatedField(slug_field="slug", queryset=FactorFamily.objects.all())
    team = team_field(allow_null=True, required=False, help_text="For a team's own factor: the team")

    class Meta:
        model = Factor
        fields = [
            "slug",
            "family",
            "name",
            "definition",
            "examples",
            "traces_to",
            "position",
            "is_custom",
            "team",
            "is_active",
        ]
        extra_kwargs = {"is_active": {"help_text": "False retires it: kept on old postmortems, not offered for new"}}


class FactorUpdateSerializer(FactorSerializer):
    slug = serializers.CharField(read_only=True)
    family = StrictSlugRelatedField(slug_field="slug", read_only=True)
