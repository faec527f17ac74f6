"""What hangs off a postmortem, as top-level resources: timeline events, contributing factors, action items,
review comments. Each names its postmortem by key; on update the postmortem cannot change."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from postmortems.models import (
    ActionItem,
    Assumption,
    ContributingFactor,
    Factor,
    FactorRole,
    ReviewComment,
    TimelineEvent,
)

from .fields import (
    OptionalURLField,
    PostmortemKeyField,
    VisiblePrimaryKeyField,
    service_field,
    team_field,
    username_field,
)
from .strict import StrictChoiceField, StrictModelSerializer, StrictPrimaryKeyRelatedField, StrictSlugRelatedField


class TimelineEventSerializer(StrictModelSerializer):
    postmortem = PostmortemKeyField()

    class Meta:
        model = TimelineEvent
        fields = ["id", "postmortem", "occurred_at", "kind", "text", "actor", "why_it_made_sense"]


class TimelineEventUpdateSerializer(TimelineEventSerializer):
    postmortem = PostmortemKeyField(read_only=True)


class ContributingFactorSerializer(StrictModelSerializer):
    postmortem = PostmortemKeyField()
    factor = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Factor.objects.select_related("family"),
        allow_null=True,
        required=False,
        help_text="Factor slug such as load.retry-feedback-loop; null while not yet classified",
    )
    factor_name = serializers.CharField(source="factor.name", read_only=True, allow_null=True)
    family = serializers.CharField(source="factor.family.slug", read_only=True, allow_null=True)
    role = StrictChoiceField(
        choices=FactorRole.choices,
        allow_blank=True,
        required=False,
        help_text="Its part in the incident; required when a factor is given, blank only when unclassified",
    )
    services = service_field(many=True, required=False, help_text="Slugs of the services it concerns")
    assumption = StrictPrimaryKeyRelatedField(
        queryset=Assumption.objects.all(), allow_null=True, required=False, help_text="The assumption it revealed"
    )
    timeline_event = VisiblePrimaryKeyField(
        queryset=TimelineEvent.objects.all(),
        allow_null=True,
        required=False,
        help_text="The event (usually a decision) it is about; must belong to the same postmortem",
    )
    created_by = username_field(read_only=True, allow_null=True)

    class Meta:
        model = ContributingFactor
        fields = [
            "id",
            "postmortem",
            "factor",
            "factor_name",
            "family",
            "role",
            "narrative",
            "narrative_html",
            "why_it_made_sense",
            "why_it_made_sense_html",
            "services",
            "assumption",
            "timeline_event",
            "position",
            "created_by",
            "created_at",
        ]
        extra_kwargs = {"position": {"help_text": "Order within the postmortem; new ones go last"}}


class ContributingFactorUpdateSerializer(ContributingFactorSerializer):
    postmortem = PostmortemKeyField(read_only=True)


class ActionItemSerializer(StrictModelSerializer):
    postmortem = PostmortemKeyField()
    owner = username_field(allow_null=True, required=False)
    team = team_field(allow_null=True, required=False)
    tracker_url = OptionalURLField(required=False, help_text="The ticket in your tracker")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "postmortem",
            "title",
            "kind",
            "owner",
            "team",
            "status",
            "due_date",
            "tracker_url",
            "done_at",
            "created_at",
        ]
        read_only_fields = ["done_at", "created_at"]
        extra_kwargs = {"done_at": {"help_text": "Set when the status becomes done, cleared if it is reopened"}}


class ActionItemUpdateSerializer(ActionItemSerializer):
    postmortem = PostmortemKeyField(read_only=True)


class ReviewCommentSerializer(StrictModelSerializer):
    postmortem = PostmortemKeyField()
    author = username_field(read_only=True)
    resolved_by = username_field(read_only=True, allow_null=True)

    class Meta:
        model = ReviewComment
        fields = [
            "id",
            "postmortem",
            "author",
            "section",
            "body",
            "body_html",
            "created_at",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = ["resolved_at"]

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A comment needs some text.")
        return value


class ReviewCommentUpdateSerializer(ReviewCommentSerializer):
    postmortem = PostmortemKeyField(read_only=True)


def child_kwargs(serializer: serializers.Serializer) -> dict[str, Any]:
    """validated_data for a service call, without the postmortem (passed on its own)."""
    data = dict(serializer.validated_data)
    data.pop("postmortem", None)
    return data
