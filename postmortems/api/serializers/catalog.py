"""Teams, services and dependencies."""

from __future__ import annotations

from rest_framework import serializers

from postmortems.models import Dependency, Service, Team

from .fields import LocalTimeField, TimezoneField, service_field, team_field, username_field
from .strict import StrictModelSerializer, StrictSlugRelatedField


class TeamSerializer(StrictModelSerializer):
    members = username_field(many=True, required=False, help_text="Usernames; replaces the whole list when given")
    services = service_field(many=True, read_only=True)
    reading_time = LocalTimeField(required=False, help_text="When the weekly digest goes out, in reading_timezone")
    reading_timezone = TimezoneField(required=False)

    class Meta:
        model = Team
        fields = [
            "name",
            "slug",
            "description",
            "members",
            "services",
            "reading_day",
            "reading_time",
            "reading_timezone",
        ]


class TeamUpdateSerializer(TeamSerializer):
    class Meta(TeamSerializer.Meta):
        read_only_fields = ["slug"]


class DependencyLinkSerializer(StrictModelSerializer):
    """One edge of the dependency graph as seen from a service."""

    service = StrictSlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Dependency
        fields = ["id", "service", "kind"]
        read_only_fields = fields


class UpstreamSerializer(DependencyLinkSerializer):
    service = StrictSlugRelatedField(source="target", slug_field="slug", read_only=True)


class DownstreamSerializer(DependencyLinkSerializer):
    service = StrictSlugRelatedField(source="source", slug_field="slug", read_only=True)


class ServiceSerializer(StrictModelSerializer):
    team = team_field(allow_null=True, required=False, help_text="Slug of the owning team")
    postmortem_count = serializers.IntegerField(
        read_only=True, help_text="Postmortems that involve it, among those you may see"
    )
    depends_on = UpstreamSerializer(source="dependencies", many=True, read_only=True)
    dependents = DownstreamSerializer(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "name",
            "slug",
            "description",
            "tier",
            "team",
            "lifecycle",
            "service_type",
            "postmortem_count",
            "depends_on",
            "dependents",
            "created_at",
            "updated_at",
        ]


class ServiceUpdateSerializer(ServiceSerializer):
    class Meta(ServiceSerializer.Meta):
        read_only_fields = ["slug"]


class DependencySerializer(StrictModelSerializer):
    source = service_field(help_text="Slug of the service that depends on target")
    target = service_field(help_text="Slug of the service it depends on")

    class Meta:
        model = Dependency
        fields = ["id", "source", "target", "kind", "notes"]
        # The service function checks duplicates and self-loops, with messages that name the services.
        validators: list = []
