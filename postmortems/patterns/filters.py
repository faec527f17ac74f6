"""The filters every pattern view takes (period, team, service, kind, severity) and the periods they imply.

One form validates them for the page and the API alike. Dates are whole days in the site's time zone:
`started_after` is the first day counted and `started_before` the first day not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from postmortems.models import Kind, Severity
from postmortems.patterns.catalog import Catalog

PERIOD_CHOICES = [
    ("3m", "Last 3 months"),
    ("12m", "Last 12 months"),
    ("36m", "Last 3 years"),
    ("all", "All time"),
]
PERIOD_MONTHS = {"3m": 3, "12m": 12, "36m": 36}
DEFAULT_PERIOD = "12m"
GRANULARITY_CHOICES = [("", "Automatic"), ("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2200, 1, 1)


def add_months(day: date, months: int) -> date:
    """The same day of month `months` later (days past the end of the target month are clamped)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def month_start(day: date) -> date:
    return day.replace(day=1)


def to_timestamp(day: date) -> float:
    """Midnight at the start of `day` in the current time zone, as seconds since the epoch."""
    return timezone.make_aware(datetime.combine(day, time.min)).timestamp()


def from_timestamp(seconds: float) -> date:
    return timezone.localtime(datetime.fromtimestamp(seconds, tz=timezone.get_current_timezone())).date()


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Period:
    """Postmortems that started on or after `start` and before `end`; None is open-ended."""

    start: date | None
    end: date | None

    @property
    def start_ts(self) -> float | None:
        return None if self.start is None else to_timestamp(self.start)

    @property
    def end_ts(self) -> float | None:
        return None if self.end is None else to_timestamp(self.end)

    @property
    def is_bounded(self) -> bool:
        return self.start is not None and self.end is not None

    def previous(self) -> Period | None:
        """The period of the same length just before this one (whole months when both ends are month starts)."""
        if not self.is_bounded:
            return None
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return Period(add_months(self.start, -months), self.start)
        return Period(self.start - (self.end - self.start), self.start)

    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all time"
        if self.start is None:
            return f"before {_day(self.end)}"
        if self.end is None:
            return f"since {_day(self.start)}"
        return f"{_day(self.start)} to {_day(self.end - timedelta(days=1))}"

    def link_params(self) -> dict[str, str]:
        params = {}
        if self.start is not None:
            params["started_after"] = self.start.isoformat()
        if self.end is not None:
            params["started_before"] = self.end.isoformat()
        return params


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date
    label: str


def _bucket_start(day: date, granularity: str) -> date:
    if granularity == "year":
        return date(day.year, 1, 1)
    if granularity == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return month_start(day)


def _bucket_label(day: date, granularity: str) -> str:
    if granularity == "year":
        return f"{day:%Y}"
    if granularity == "quarter":
        return f"{day:%Y} Q{(day.month - 1) // 3 + 1}"
    return f"{day:%b %Y}"


def buckets(start: date, end: date, granularity: str) -> list[Bucket]:
    """Calendar months, quarters or years covering [start, end); the first and last may be partial."""
    step = {"month": 1, "quarter": 3, "year": 12}[granularity]
    result = []
    cursor = start
    while cursor < end:
        following = min(end, add_months(_bucket_start(cursor, granularity), step))
        result.append(Bucket(cursor, following, _bucket_label(cursor, granularity)))
        cursor = following
    return result


def automatic_granularity(start: date, end: date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month
    if months <= 24:
        return "month"
    if months <= 16 * 12:
        return "quarter"
    return "year"


@dataclass(frozen=True)
class PatternFilters:
    """Validated filters: the period, its predecessor for comparisons, and who/what to narrow to."""

    period: Period
    period_choice: str
    team: str | None = None  # team slug
    service: str | None = None  # service slug
    kind: str | None = None
    severity: int | None = None
    granularity: str = ""

    @property
    def previous(self) -> Period | None:
        return self.period.previous()

    def link_params(self, period: Period | None = None) -> dict[str, str]:
        """Query parameters for the postmortem list that reproduce these filters."""
        params = (period or self.period).link_params()
        for name in ("team", "service", "kind"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        if self.severity is not None:
            params["severity"] = str(self.severity)
        return params

    def query_params(self) -> dict[str, str]:
        """Parameters for the patterns page itself (the API takes the same)."""
        params = self.link_params()
        if self.period_choice != "custom":
            params = {k: v for k, v in params.items() if k not in ("started_after", "started_before")}
            params["period"] = self.period_choice
        if self.granularity:
            params["granularity"] = self.granularity
        return params


class PatternFilterForm(forms.Form):
    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    started_after = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}), help_text="First day counted"
    )
    started_before = forms.DateField(
        required=False,
        label="Before",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="First day not counted",
    )
    team = forms.ChoiceField(required=False, help_text="About a service the team owns, or shared with the team")
    service = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=[("", "Every kind"), *Kind.choices], required=False)
    severity = forms.TypedChoiceField(
        choices=[("", "Every severity"), *Severity.choices], required=False, coerce=int, empty_value=None
    )
    granularity = forms.ChoiceField(choices=GRANULARITY_CHOICES, required=False, label="Trend by")

    def __init__(self, data=None, *, catalog: Catalog, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", "Every team")] + [
            (team.slug, team.name) for team in sorted(catalog.teams.values(), key=lambda t: t.name)
        ]
        self.fields["service"].choices = [("", "Every service")] + [
            (service.slug, service.name) for service in sorted(catalog.services.values(), key=lambda s: s.name)
        ]

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("started_after"), cleaned.get("started_before")
        for name in ("started_after", "started_before"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST_DATE <= day < LATEST_DATE:
                self.add_error(name, f"Choose a date between {EARLIEST_DATE:%Y} and {LATEST_DATE:%Y}.")
        if after and before and after >= before:
            self.add_error("started_before", "The end of the period must come after its start.")
        return cleaned

    def filters(self, today: date | None = None) -> PatternFilters:
        """The validated filters; call only when is_valid()."""
        data = self.cleaned_data
        today = today or timezone.localdate()
        after, before = data.get("started_after"), data.get("started_before")
        if after or before:
            choice = "custom"
            period = Period(after, before if before else today + timedelta(days=1))
        else:
            choice = data.get("period") or DEFAULT_PERIOD
            months = PERIOD_MONTHS.get(choice)
            if months is None:
                period = Period(None, None)
            else:
                end = add_months(month_start(today), 1)
                period = Period(add_months(end, -months), end)
        return PatternFilters(
            period=period,
            period_choice=choice,
            team=data.get("team") or None,
            service=data.get("service") or None,
            kind=data.get("kind") or None,
            severity=data.get("severity"),
            granularity=data.get("granularity") or "",
        )
