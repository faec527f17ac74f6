"""Query-string filters for the list endpoints. Related rows are named by slug, key or username.

Unknown slugs simply match nothing; they never reveal whether a hidden row exists.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import django_filters as df
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django_filters.fields import IsoDateTimeField

from postmortems.filters import FILTER_PARAMETERS, PostmortemListFilter
from postmortems.models import (
    ActionItem,
    Assumption,
    AssumptionEvidence,
    ContributingFactor,
    Dependency,
    Factor,
    Postmortem,
    ReviewComment,
    Service,
    Severity,
    TimelineEvent,
)


class StrictBooleanFormField(forms.NullBooleanField):
    """Exactly `true` or `false`; anything else is an error rather than "no filter"."""

    # The default select widget maps unknown strings to None before validation ever sees them.
    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError("Must be true or false.", code="invalid")

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(df.BooleanFilter):
    field_class = StrictBooleanFormField


class _PatternMixin:
    pattern: re.Pattern
    message: str

    def to_python(self, value: Any) -> Any:
        if value not in (None, "") and not self.pattern.match(value):
            raise forms.ValidationError(self.message, code="invalid")
        return super().to_python(value)


class RFC3339DateTimeFormField(_PatternMixin, IsoDateTimeField):
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
    message = "Use an RFC 3339 date-time with its offset, e.g. 2026-03-01T09:30:00Z."

    def to_python(self, value: Any) -> Any:
        parsed = super().to_python(value)
        if parsed is not None:
            try:
                # 0001-01-01T00:00:00+01:00 parses, but is out of range once the database asks for it in UTC.
                parsed.astimezone(UTC)
            except OverflowError:
                raise forms.ValidationError("Date-time out of range.", code="invalid") from None
        return parsed


class ISODateFormField(_PatternMixin, forms.DateField):
    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    message = "Use a date like 2026-03-01."


class DateTimeFilter(df.IsoDateTimeFilter):
    field_class = RFC3339DateTimeFormField


class DateFilter(df.DateFilter):
    field_class = ISODateFormField


class KbFilterSet(df.FilterSet):
    """A FilterSet whose generated boolean filters are strict too."""

    FILTER_DEFAULTS = {**df.FilterSet.FILTER_DEFAULTS, models.BooleanField: {"filter_class": StrictBooleanFilter}}


class PostmortemFilter(PostmortemListFilter):
    """The list page's filters (same names, same meaning), plus a few for scripts.

    Severity may repeat; dates are checked strictly (YYYY-MM-DD) and booleans take only true or false.
    """

    severity = df.MultipleChoiceFilter(choices=Severity.choices, help_text="Repeat for several: ?severity=1&severity=2")
    started_after = DateFilter(method="filter_started_after", help_text="Started on or after this date (site time)")
    started_before = DateFilter(method="filter_started_before", help_text="Started before this date (site time)")
    family = df.CharFilter(method="filter_family", max_length=100, help_text="Factor family slug, e.g. load")
    author = df.CharFilter(method="filter_author", max_length=150, help_text="Username of an author")
    restricted = StrictBooleanFilter()
    in_library = StrictBooleanFilter(help_text="Part of the public reading library")
    updated_after = DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="For syncing: what changed since then"
    )

    class Meta:
        model = Postmortem
        fields = [*FILTER_PARAMETERS, "family", "author", "restricted", "in_library", "updated_after"]

    def filter_family(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tags = ContributingFactor.objects.filter(postmortem_id=OuterRef("pk"), factor__family__slug=value)
        return queryset.filter(Exists(tags))

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        authors = Postmortem.authors.through.objects.filter(postmortem_id=OuterRef("pk"), user__username=value)
        return queryset.filter(Exists(authors))


class TimelineEventFilter(KbFilterSet):
    postmortem = df.CharFilter(field_name="postmortem__key", help_text="Postmortem key")

    class Meta:
        model = TimelineEvent
        fields = ["postmortem", "kind"]


class ContributingFactorFilter(KbFilterSet):
    postmortem = df.CharFilter(field_name="postmortem__key", help_text="Postmortem key")
    factor = df.CharFilter(field_name="factor__slug", help_text="Factor slug")
    family = df.CharFilter(field_name="factor__family__slug", help_text="Factor family slug")
    service = df.CharFilter(method="filter_service", help_text="Service slug")
    unclassified = StrictBooleanFilter(field_name="factor", lookup_expr="isnull", help_text="Only tags with no factor")

    class Meta:
        model = ContributingFactor
        fields = ["postmortem", "factor", "family", "role", "service", "assumption"]

    def filter_service(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            pk__in=ContributingFactor.services.through.objects.filter(service__slug=value).values(
                "contributingfactor_id"
            )
        )


class ActionItemFilter(KbFilterSet):
    postmortem = df.CharFilter(field_name="postmortem__key", help_text="Postmortem key")
    owner = df.CharFilter(field_name="owner__username", help_text="Username of the owner")
    team = df.CharFilter(field_name="team__slug", help_text="Team slug")
    due_before = DateFilter(field_name="due_date", lookup_expr="lt")

    class Meta:
        model = ActionItem
        fields = ["postmortem", "status", "kind", "owner", "team"]


class ReviewCommentFilter(KbFilterSet):
    postmortem = df.CharFilter(field_name="postmortem__key", help_text="Postmortem key")
    author = df.CharFilter(field_name="author__username", help_text="Username of the writer")
    resolved = StrictBooleanFilter(field_name="resolved_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ReviewComment
        fields = ["postmortem", "author", "resolved"]


class ServiceFilter(KbFilterSet):
    team = df.CharFilter(field_name="team__slug", help_text="Slug of the owning team")

    class Meta:
        model = Service
        fields = ["team", "tier", "lifecycle"]


class DependencyFilter(KbFilterSet):
    source = df.CharFilter(field_name="source__slug", help_text="Slug of the depending service")
    target = df.CharFilter(field_name="target__slug", help_text="Slug of the service depended on")

    class Meta:
        model = Dependency
        fields = ["source", "target", "kind"]


class AssumptionFilter(KbFilterSet):
    service = df.CharFilter(field_name="service__slug", help_text="Slug of the service it is about")
    owner_team = df.CharFilter(field_name="owner_team__slug", help_text="Slug of the owning team")

    class Meta:
        model = Assumption
        fields = ["status", "kind", "service", "owner_team"]


class EvidenceFilter(KbFilterSet):
    postmortem = df.CharFilter(field_name="postmortem__key", help_text="Postmortem key")

    class Meta:
        model = AssumptionEvidence
        fields = ["assumption", "postmortem", "evidence_type"]


class FactorFilter(KbFilterSet):
    family = df.CharFilter(field_name="family__slug", help_text="Factor family slug")
    team = df.CharFilter(field_name="team__slug", help_text="Team slug, for teams' own factors")

    class Meta:
        model = Factor
        fields = ["family", "is_custom", "is_active", "team"]
