"""Assumptions, their append-only status history, and the evidence postmortems give about them."""

from __future__ import annotations

from rest_framework import serializers

from postmortems.models import Assumption, AssumptionEvidence, AssumptionStatus, AssumptionStatusChange

from .fields import PostmortemKeyField, service_field, team_field, username_field
from .strict import StrictCharField, StrictChoiceField, StrictModelSerializer, StrictPrimaryKeyRelatedField


class StatusChangeSerializer(StrictModelSerializer):
    """One history entry. When it came from a postmortem you may not see, its postmortem and reason are hidden."""

    changed_by = username_field(read_only=True, allow_null=True)
    from_status = StrictChoiceField(
        choices=AssumptionStatus.choices, allow_blank=True, read_only=True, help_text="Blank for the first entry"
    )
    postmortem = serializers.SerializerMethodField(help_text="Key of the postmortem that prompted it")
    reason = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField(help_text="A note or link that supports the change")

    class Meta:
        model = AssumptionStatusChange
        fields = ["id", "from_status", "to_status", "changed_by", "changed_at", "reason", "evidence", "postmortem"]
        read_only_fields = fields

    def get_postmortem(self, change: AssumptionStatusChange) -> str | None:
        return change.postmortem_key if change.postmortem_visible else None

    def get_reason(self, change: AssumptionStatusChange) -> str:
        return change.reason if change.postmortem_visible else ""

    def get_evidence(self, change: AssumptionStatusChange) -> str:
        return change.evidence if change.postmortem_visible else ""


class EvidenceSerializer(StrictModelSerializer):
    """What a postmortem showed about an assumption. Linking as `violated` moves a held assumption to violated."""

    assumption = StrictPrimaryKeyRelatedField(queryset=Assumption.objects.all())
    postmortem = PostmortemKeyField()

    class Meta:
        model = AssumptionEvidence
        fields = ["id", "assumption", "postmortem", "evidence_type", "excerpt", "created_at"]
        # One link per pair: posting the same pair again updates it (see the service).
        validators: list = []


class EvidenceUpdateSerializer(EvidenceSerializer):
    assumption = StrictPrimaryKeyRelatedField(read_only=True)
    postmortem = PostmortemKeyField(read_only=True)


class AssumptionSerializer(StrictModelSerializer):
    service = service_field(allow_null=True, required=False, help_text="Slug of the service it is about")
    owner_team = team_field(allow_null=True, required=False)
    relied_on_by = service_field(many=True, required=False, help_text="Slugs of services that rely on it")
    superseded_by = StrictPrimaryKeyRelatedField(queryset=Assumption.objects.all(), allow_null=True, required=False)
    created_by = username_field(read_only=True, allow_null=True)

    class Meta:
        model = Assumption
        fields = [
            "id",
            "statement",
            "kind",
            "service",
            "owner_team",
            "relied_on_by",
            "where_encoded",
            "status",
            "last_validated_at",
            "validation_method",
            "superseded_by",
            "created_by",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"status": {"help_text": "Set when recording it; afterwards change it with POST .../status/"}}


class AssumptionEvidenceLinkSerializer(StrictModelSerializer):
    postmortem = serializers.CharField(source="postmortem_key", read_only=True)

    class Meta:
        model = AssumptionEvidence
        fields = ["id", "postmortem", "evidence_type", "excerpt"]
        read_only_fields = fields


class AssumptionDetailSerializer(AssumptionSerializer):
    history = StatusChangeSerializer(many=True, read_only=True)
    evidence = AssumptionEvidenceLinkSerializer(
        source="visible_evidence",
        many=True,
        read_only=True,
        help_text="What postmortems (those you may see) showed about it",
    )

    class Meta(AssumptionSerializer.Meta):
        fields = [*AssumptionSerializer.Meta.fields, "history", "evidence"]


class AssumptionUpdateSerializer(AssumptionSerializer):
    class Meta(AssumptionSerializer.Meta):
        read_only_fields = ["status"]


class StatusMoveSerializer(serializers.Serializer):
    """A new status for an assumption, and why."""

    to_status = StrictChoiceField(choices=AssumptionStatus.choices)
    reason = StrictCharField(required=False, allow_blank=True, default="", help_text="Why, for the history")
    evidence = StrictCharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="A note or link that supports it"
    )
    postmortem = PostmortemKeyField(required=False, allow_null=True, help_text="The postmortem that prompted it")
