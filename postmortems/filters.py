"""The filters of the postmortem list, shared by the list page and the exports that follow it.

`filter_postmortems(queryset, request.GET)` applies status, kind, severity, service, factor, team and
started_after / started_before. Unknown slugs match nothing (they never reveal whether a hidden row
exists); malformed values come back as per-field errors. Dates are half-open: `started_after` is
inclusive, `started_before` exclusive, both at midnight in the site's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters as df
from django.db.models import Exists, OuterRef, Q, QuerySet

from postmortems.models import ContributingFactor, Kind, Postmortem, PostmortemService, Severity, Status

FILTER_PARAMETERS = ("status", "kind", "severity", "service", "factor", "team", "started_after", "started_before")


class PostmortemListFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=Status.choices)
    kind = df.ChoiceFilter(choices=Kind.choices)
    severity = df.TypedChoiceFilter(choices=Severity.choices, coerce=int)
    service = df.CharFilter(method="filter_service", max_length=100, label="Service (slug)")
    factor = df.CharFilter(method="filter_factor", max_length=100, label="Contributing factor (slug)")
    team = df.CharFilter(method="filter_team", max_length=100, label="Team (slug)")
    started_after = df.DateFilter(field_name="started_at", method="filter_started_after", label="Started on or after")
    started_before = df.DateFilter(field_name="started_at", method="filter_started_before", label="Started before")

    class Meta:
        model = Postmortem
        fields = list(FILTER_PARAMETERS)

    # Subqueries rather than joins: a postmortem with two matching rows must still appear once.
    def filter_service(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        links = PostmortemService.objects.filter(postmortem_id=OuterRef("pk"), service__slug=value)
        return queryset.filter(Exists(links))

    def filter_factor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tags = ContributingFactor.objects.filter(postmortem_id=OuterRef("pk"), factor__slug=value)
        return queryset.filter(Exists(tags))

    def filter_team(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Postmortems about a service the team owns, or shared with the team."""
        owned = PostmortemService.objects.filter(postmortem_id=OuterRef("pk"), service__team__slug=value)
        shared = Postmortem.allowed_teams.through.objects.filter(postmortem_id=OuterRef("pk"), team__slug=value)
        return queryset.filter(Q(Exists(owned)) | Q(Exists(shared)))

    def filter_started_after(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(started_at__date__gte=value)

    def filter_started_before(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(started_at__date__lt=value)


def filter_postmortems(queryset: QuerySet, params: Mapping[str, Any]) -> tuple[QuerySet, dict[str, list[str]]]:
    """Apply the list filters in `params` (other keys, such as `page`, are ignored).

    Returns the filtered queryset and no errors, or the queryset unchanged and the errors per field.
    """
    data = {name: params.get(name) for name in FILTER_PARAMETERS if params.get(name) not in (None, "")}
    # No database can compare text holding NUL; PostgreSQL refuses the query outright.
    refused = {name: ["Must not contain NUL characters."] for name, value in data.items() if "\x00" in str(value)}
    if refused:
        return queryset, refused
    filterset = PostmortemListFilter(data, queryset=queryset)
    if not filterset.is_valid():
        return queryset, {name: [str(message) for message in messages] for name, messages in filterset.errors.items()}
    return filterset.qs, {}


def narrow_to_linked_set(queryset: QuerySet, params: Mapping[str, Any]) -> QuerySet:
    """The extra filters behind the numbers on the patterns page, applied on top of `filter_postmortems`.

    `key=PM-2026-001,PM-2026-007` (at most 100 keys), `factor` and `service` repeated (all of them, for
    pairs and triads), `family=org,coord` (a factor from any of these families) and `role=mitigator`
    (with `factor`: that factor in that role). Values that match nothing give an empty list, never an error.
    """
    getlist = params.getlist if hasattr(params, "getlist") else lambda name: [params[name]] if name in params else []
    keys = [key.strip() for key in str(params.get("key") or "").split(",") if key.strip()][:100]
    if keys:
        queryset = queryset.filter(key__in=keys)
    role = str(params.get("role") or "")
    factors = [slug for slug in getlist("factor") if slug]
    for slug in factors:
        tags = ContributingFactor.objects.filter(postmortem_id=OuterRef("pk"), factor__slug=slug)
        queryset = queryset.filter(Exists(tags.filter(role=role) if role else tags))
    if role and not factors:
        queryset = queryset.filter(Exists(ContributingFactor.objects.filter(postmortem_id=OuterRef("pk"), role=role)))
    for slug in [slug for slug in getlist("service") if slug]:
        links = PostmortemService.objects.filter(postmortem_id=OuterRef("pk"), service__slug=slug)
        queryset = queryset.filter(Exists(links))
    families = [family.strip() for family in str(params.get("family") or "").split(",") if family.strip()]
    if families:
        tags = ContributingFactor.objects.filter(postmortem_id=OuterRef("pk"), factor__family__slug__in=families)
        queryset = queryset.filter(Exists(tags))
    return queryset
