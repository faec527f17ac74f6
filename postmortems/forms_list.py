"""The postmortem list's filter and sort form.

The form only renders: filtering is done by postmortems.filters (shared with the exports), so the page and the
download links always agree. Its choices (services, teams, factors) come from one query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import F, Value
from django.db.models.functions import Lower

from postmortems.filters import FILTER_PARAMETERS
from postmortems.models import Factor, Kind, Service, Severity, Status, Team

# Sort orders: (label in the form, how the count line says it, order_by). Undated postmortems sort last either
# way; the id breaks ties so pages are stable.
_NEWEST = (F("started_at").desc(nulls_last=True), "-id")
SORTS: dict[str, tuple[str, str, tuple[Any, ...]]] = {
    "newest": ("Newest incident first", "newest incident first", _NEWEST),
    "oldest": ("Oldest incident first", "oldest incident first", (F("started_at").asc(nulls_last=True), "id")),
    "severity": ("Most severe first", "most severe first", (F("severity").asc(nulls_last=True), *_NEWEST)),
    "updated": ("Recently updated", "most recently updated first", ("-updated_at", "-id")),
    "title": ("Title, A to Z", "by title", (Lower("title"), "id")),
}
DEFAULT_SORT = "newest"


def sort_order(params: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The chosen sort's name and its order_by; an unknown name gets the default."""
    name = str(params.get("sort") or DEFAULT_SORT)
    if name not in SORTS:
        name = DEFAULT_SORT
    return name, SORTS[name][2]


def filter_choices() -> dict[str, list]:
    """Services, teams and factors (grouped by family) for the form, in one query: a UNION of the three tables."""

    def rows(queryset, kind: str, group, order):
        return queryset.order_by().annotate(k=Value(kind), g=group, o=order).values_list("k", "slug", "name", "g", "o")

    services = rows(Service.objects.all(), "service", Value(""), Value(0))
    teams = rows(Team.objects.all(), "team", Value(""), Value(0))
    factors = rows(Factor.objects.all(), "factor", F("family__name"), F("family__position") * 1000 + F("position"))
    found: dict[str, list] = {"service": [], "team": [], "factor": []}
    for kind, slug, name, group, order in services.union(teams, factors, all=True):
        found[kind].append((order, name.lower(), slug, name, group))
    choices: dict[str, list] = {
        "service": [(slug, name) for *_sort, slug, name, _group in sorted(found["service"])],
        "team": [(slug, name) for *_sort, slug, name, _group in sorted(found["team"])],
        "factor": [],
    }
    for _order, _lower, slug, name, family in sorted(found["factor"]):
        if not choices["factor"] or choices["factor"][-1][0] != family:
            choices["factor"].append((family, []))
        choices["factor"][-1][1].append((slug, name))
    return choices


def _with_any(choices: list, label: str) -> list:
    return [("", label), *choices]


class PostmortemFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(required=False)
    service = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    factor = forms.ChoiceField(required=False, label="Contributing factor")
    started_after = forms.DateField(
        required=False, label="Started on or after", widget=forms.DateInput(attrs={"type": "date"})
    )
    started_before = forms.DateField(
        required=False, label="Started before", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[(k, label) for k, (label, _said, _o) in SORTS.items()]
    )

    def __init__(self, data: Mapping[str, Any], *, choices: dict[str, list], errors: dict[str, list[str]]):
        super().__init__(data, auto_id="filter-%s", label_suffix="")
        self.fields["status"].choices = _with_any(Status.choices, "Any status")
        self.fields["kind"].choices = _with_any(Kind.choices, "Any kind")
        self.fields["severity"].choices = _with_any([(str(v), label) for v, label in Severity.choices], "Any severity")
        self.fields["service"].choices = _with_any(choices["service"], "Any service")
        self.fields["team"].choices = _with_any(choices["team"], "Any team")
        self.fields["factor"].choices = _with_any(choices["factor"], "Any factor")
        self.filter_errors = errors
        for name in FILTER_PARAMETERS:
            self._keep_unknown_value(name)
            if name in errors:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"filter-{name}-error"}
                )

    def _keep_unknown_value(self, name: str) -> None:
        """A value the choices lack (a retired slug from an old link) stays selected, so the form shows what applies."""
        field = self.fields[name]
        value = self.data.get(name)
        if not value or not isinstance(field, forms.ChoiceField):
            return
        known = {str(v) for v, label in field.choices if not isinstance(label, list | tuple)}
        known |= {str(v) for _group, options in field.choices if isinstance(options, list | tuple) for v, _ in options}
        if value not in known:
            field.choices = [*field.choices, (value, f"{value} (matches nothing)")]

    def rows(self) -> list[tuple[forms.BoundField, list[str]]]:
        """Each field with the errors filters.py found for it."""
        return [(self[name], self.filter_errors.get(name, [])) for name in self.fields]
