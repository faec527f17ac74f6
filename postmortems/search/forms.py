"""Input for the search page, the search API and the similar-incidents endpoints, validated in one place."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from postmortems.models import Kind, Severity, Status
from postmortems.search.engine import MAX_PAGE_SIZE, PAGE_SIZE
from postmortems.search.query import MAX_QUERY_LENGTH
from postmortems.search.types import DraftIncident, SearchFilters

SLUG = re.compile(r"[-a-z0-9_.]{1,100}")
MAX_VALUES = 20
MAX_PAGE = 500
MAX_DRAFT_TEXT = 10_000


class MultipleSlugField(forms.Field):
    """Several `?name=value` parameters, each a slug (factor slugs have a dot: `load.retry-feedback-loop`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> tuple[str, ...]:
        values = [value] if isinstance(value, str) else list(value or [])
        values = [v.strip() for v in values if v and v.strip()]
        if len(values) > MAX_VALUES:
            raise ValidationError(f"At most {MAX_VALUES} values.")
        bad = [v for v in values if not SLUG.fullmatch(v)]
        if bad:
            raise ValidationError(f"Not a valid slug: {bad[0][:100]!r}.")
        return tuple(dict.fromkeys(values))


class MultipleYearField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> tuple[int, ...]:
        values = [value] if isinstance(value, str) else list(value or [])
        years = []
        for raw in (v.strip() for v in values if v and v.strip()):
            if not raw.isdigit() or not 1900 <= int(raw) <= 2200:
                raise ValidationError(f"Not a year: {raw[:20]!r}.")
            years.append(int(raw))
        if len(years) > MAX_VALUES:
            raise ValidationError(f"At most {MAX_VALUES} values.")
        return tuple(dict.fromkeys(years))


class SearchForm(forms.Form):
    """`q` and the facet filters; every field is optional, so an empty form browses everything."""

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True, label="Search")
    service = MultipleSlugField(required=False)
    factor = MultipleSlugField(required=False)
    family = MultipleSlugField(required=False)
    team = MultipleSlugField(required=False)
    kind = forms.MultipleChoiceField(required=False, choices=Kind.choices)
    status = forms.MultipleChoiceField(required=False, choices=Status.choices)
    severity = forms.TypedMultipleChoiceField(required=False, choices=Severity.choices, coerce=int)
    year = MultipleYearField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            service=data["service"],
            factor=data["factor"],
            family=data["family"],
            kind=tuple(data["kind"]),
            severity=tuple(data["severity"]),
            status=tuple(data["status"]),
            team=data["team"],
            year=data["year"],
        )

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    @property
    def page_length(self) -> int:
        return self.cleaned_data.get("page_size") or PAGE_SIZE


class DraftSimilarForm(forms.Form):
    """What the edit page knows so far; `exclude` is the key of the postmortem being edited, if it exists."""

    title = forms.CharField(required=False, max_length=200)
    summary = forms.CharField(required=False, max_length=MAX_DRAFT_TEXT)
    factors = MultipleSlugField(required=False)
    services = MultipleSlugField(required=False)
    exclude = forms.RegexField(required=False, regex=r"^PM-[0-9]{4}-[0-9]{3,}$", max_length=20)

    def draft(self) -> DraftIncident:
        data = self.cleaned_data
        return DraftIncident(
            title=data["title"],
            summary=data["summary"],
            factors=data["factors"],
            services=data["services"],
            exclude_key=data["exclude"],
        )
