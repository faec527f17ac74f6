"""Postmortems: a list shape, a detail shape with everything that hangs off it, and the two input shapes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from postmortems.models import (
    ActionItem,
    AssumptionEvidence,
    AssumptionStatus,
    ContributingFactor,
    FactorRole,
    Postmortem,
    PostmortemService,
    ServiceRole,
    TimelineEvent,
)
from postmortems.models.postmortem import KEY_PATTERN

from .fields import OptionalURLField, TimezoneField, service_field, team_field, username_field
from .strict import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictModelSerializer,
    StrictRegexField,
    StrictSlugRelatedField,
)

TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
HTML_FIELDS = (
    "summary_html",
    "impact_html",
    "narrative_html",
    "went_well_html",
    "got_lucky_html",
    "open_questions_html",
)


class ServiceLinkSerializer(StrictModelSerializer):
    """A service involved in the incident, and how."""

    service = service_field()
    name = serializers.CharField(source="service.name", read_only=True)
    role = StrictChoiceField(choices=ServiceRole.choices, default=ServiceRole.INVOLVED)

    class Meta:
        model = PostmortemService
        fields = ["service", "name", "role"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH makes every field optional, down to the items of a list (DRF passes `partial` on), and drops
        # defaults; a link given in full still needs its service, and its role defaults as in a create.
        if "service" not in attrs:
            raise serializers.ValidationError({"service": ["This field is required."]})
        return {"role": ServiceRole.INVOLVED, **attrs}


class PostmortemSummarySerializer(StrictModelSerializer):
    """A postmortem as lists show it: no long text but the summary."""

    services = ServiceLinkSerializer(source="service_links", many=True, read_only=True)
    authors = username_field(many=True, read_only=True)

    class Meta:
        model = Postmortem
        fields = [
            "key",
            "title",
            "kind",
            "severity",
            "status",
            *TIME_FIELDS,
            "summary",
            "summary_html",
            "services",
            "authors",
            "restricted",
            "in_library",
            "version",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


class NestedTimelineEventSerializer(StrictModelSerializer):
    class Meta:
        model = TimelineEvent
        fields = ["id", "occurred_at", "kind", "text", "actor", "why_it_made_sense"]
        read_only_fields = fields


class NestedContributingFactorSerializer(StrictModelSerializer):
    factor = StrictSlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    factor_name = serializers.CharField(source="factor.name", read_only=True, allow_null=True)
    family = serializers.CharField(source="factor.family.slug", read_only=True, allow_null=True)
    role = StrictChoiceField(choices=FactorRole.choices, allow_blank=True, read_only=True)
    services = service_field(many=True, read_only=True)
    assumption_statement = serializers.CharField(source="assumption.statement", read_only=True, allow_null=True)

    class Meta:
        model = ContributingFactor
        fields = [
            "id",
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
            "assumption_statement",
            "timeline_event",
            "position",
        ]
        read_only_fields = fields


class PostmortemEvidenceSerializer(StrictModelSerializer):
    """An assumption this postmortem said something about, and what."""

    statement = serializers.CharField(source="assumption.statement", read_only=True)
    assumption_status = StrictChoiceField(choices=AssumptionStatus.choices, source="assumption.status", read_only=True)

    class Meta:
        model = AssumptionEvidence
        fields = ["id", "assumption", "statement", "assumption_status", "evidence_type", "excerpt"]
        read_only_fields = fields


class NestedActionItemSerializer(StrictModelSerializer):
    owner = username_field(read_only=True, allow_null=True)
    team = team_field(read_only=True, allow_null=True)
    tracker_url = OptionalURLField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "kind", "owner", "team", "status", "due_date", "tracker_url", "done_at"]
        read_only_fields = fields


class PostmortemDetailSerializer(StrictModelSerializer):
    """The whole document with everything that hangs off it (review comments are at /review-comments/)."""

    services = ServiceLinkSerializer(source="service_links", many=True, read_only=True)
    authors = username_field(many=True, read_only=True)
    reviewers = username_field(many=True, read_only=True)
    allowed_teams = team_field(many=True, read_only=True)
    created_by = username_field(read_only=True, allow_null=True)
    source_url = OptionalURLField(read_only=True, help_text="Where a public postmortem was published")
    metadata = serializers.DictField(read_only=True)
    timeline = NestedTimelineEventSerializer(many=True, read_only=True)
    contributing_factors = NestedContributingFactorSerializer(many=True, read_only=True)
    assumptions = PostmortemEvidenceSerializer(source="assumption_evidence", many=True, read_only=True)
    action_items = NestedActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Postmortem
        fields = [
            "key",
            "title",
            "kind",
            "severity",
            "status",
            *TIME_FIELDS,
            "timezone",
            "summary",
            "impact",
            "narrative",
            "went_well",
            "got_lucky",
            "open_questions",
            *HTML_FIELDS,
            "services",
            "authors",
            "reviewers",
            "created_by",
            "source_url",
            "in_library",
            "restricted",
            "allowed_teams",
            "metadata",
            "timeline",
            "contributing_factors",
            "assumptions",
            "action_items",
            "version",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


class _PostmortemInput(StrictModelSerializer):
    """What both input shapes share: relations by human keys and the checks the database would make."""

    services = ServiceLinkSerializer(many=True, required=False, help_text="Replaces the whole list when given")
    authors = username_field(many=True, required=False)
    allowed_teams = team_field(many=True, required=False, help_text="Teams that may see it when restricted")
    timezone = TimezoneField(required=False)
    source_url = OptionalURLField(required=False, help_text="Where a public postmortem was published")
    metadata = serializers.DictField(required=False, help_text="Imported keys the model has no field for")

    def validate_services(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        slugs = [link["service"].slug for link in value]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Each service may appear once; repeated: {', '.join(duplicates)}.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        started = current("started_at")
        errors = {
            name: "Must not be before started_at."
            for name in TIME_FIELDS[1:]
            if started is not None and current(name) is not None and current(name) < started
        }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def service_kwargs(self) -> dict[str, Any]:
        """validated_data as keyword arguments for services.create_postmortem / update_postmortem."""
        data = dict(self.validated_data)
        if "services" in data:
            data["services"] = [(link["service"], link["role"]) for link in data["services"]]
        return data


_INPUT_FIELDS = [
    "title",
    "kind",
    "severity",
    *TIME_FIELDS,
    "timezone",
    "summary",
    "impact",
    "narrative",
    "went_well",
    "got_lucky",
    "open_questions",
    "source_url",
    "in_library",
    "restricted",
    "allowed_teams",
    "metadata",
    "authors",
    "services",
]


class PostmortemCreateSerializer(_PostmortemInput):
    """A new postmortem. You become its author unless `authors` says otherwise."""

    key = StrictRegexField(
        KEY_PATTERN,
        max_length=20,
        required=False,
        help_text="Leave out for the next free key of the incident's year; give one to import under its own key",
        validators=[UniqueValidator(queryset=Postmortem.objects.all(), message="A postmortem with this key exists.")],
    )

    class Meta:
        model = Postmortem
        fields = ["key", "status", *_INPUT_FIELDS]


class PostmortemUpdateSerializer(_PostmortemInput):
    """An edit: only the fields given change. `version` is the version the edit started from."""

    version = StrictIntegerField(
        min_value=1,
        write_only=True,
        help_text="The version this edit started from; a stale one is refused with 409",
    )

    class Meta:
        model = Postmortem
        fields = ["version", *_INPUT_FIELDS]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # PATCH makes every field optional, but an edit without its starting version could overwrite someone.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": ["This field is required."]})
        return super().validate(attrs)

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        data["expected_version"] = data.pop("version")
        return data


class ReviewSubmitSerializer(serializers.Serializer):
    """Send a draft to its reviewers: at least one, none of its own authors."""

    reviewers = username_field(many=True, help_text="Usernames of the reviewers")
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, help_text="What to look at")


class RequestChangesSerializer(serializers.Serializer):
    """Send a postmortem in review back to draft; a note becomes a review comment for the authors."""

    note = StrictCharField(required=False, allow_blank=True, max_length=10000)


class PublishSerializer(serializers.Serializer):
    allow_open_comments = StrictBooleanField(
        required=False, default=False, help_text="Publish although some review comments are unresolved"
    )
