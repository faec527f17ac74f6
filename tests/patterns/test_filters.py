"""The filters every view takes, and the periods they imply."""

from datetime import date

import pytest

from postmortems.patterns.filters import (
    PatternFilterForm,
    Period,
    add_months,
    automatic_granularity,
    buckets,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _filters(**params):
    from postmortems.patterns.catalog import Catalog

    form = PatternFilterForm(params, catalog=Catalog())
    assert form.is_valid(), form.errors
    return form.filters(today=TODAY)


def _errors(**params):
    from postmortems.patterns.catalog import Catalog

    form = PatternFilterForm(params, catalog=Catalog())
    assert not form.is_valid()
    return form.errors


def test_filters_default_to_the_last_twelve_months_and_the_twelve_before():
    filters = _filters()
    assert filters.period == Period(date(2025, 7, 1), date(2026, 7, 1))
    assert filters.previous == Period(date(2024, 7, 1), date(2025, 7, 1))


def test_filters_take_a_preset_period():
    assert _filters(period="3m").period == Period(date(2026, 4, 1), date(2026, 7, 1))
    assert _filters(period="all").period == Period(None, None)
    assert _filters(period="all").previous is None


def test_filters_take_a_date_range_with_a_previous_range_of_the_same_length():
    filters = _filters(started_after="2026-01-10", started_before="2026-01-20", period="3m")
    assert filters.period == Period(date(2026, 1, 10), date(2026, 1, 20))
    assert filters.previous == Period(date(2025, 12, 31), date(2026, 1, 10))
    assert filters.period_choice == "custom"


def test_filters_with_only_a_start_run_to_today():
    assert _filters(started_after="2026-01-01").period == Period(date(2026, 1, 1), date(2026, 6, 16))


def test_filters_refuse_a_range_that_ends_before_it_starts():
    errors = _errors(started_after="2026-02-01", started_before="2026-01-01")
    assert errors["started_before"] == ["The end of the period must come after its start."]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"started_after": "2026-13-45"}, "started_after"),
        ({"started_before": "0001-01-01"}, "started_before"),
        ({"period": "5y"}, "period"),
        ({"team": "nobody"}, "team"),
        ({"service": "no-such-service"}, "service"),
        ({"kind": "outage"}, "kind"),
        ({"severity": "9"}, "severity"),
        ({"severity": "high"}, "severity"),
        ({"granularity": "week"}, "granularity"),
    ],
)
def test_filters_reject_bad_values_with_a_message_per_field(params, field):
    assert field in _errors(**params)


def test_filters_link_params_describe_the_list_to_link_to():
    filters = _filters(kind="incident", severity="2", period="3m")
    assert filters.link_params() == {
        "started_after": "2026-04-01",
        "started_before": "2026-07-01",
        "kind": "incident",
        "severity": "2",
    }
    assert filters.query_params() == {"period": "3m", "kind": "incident", "severity": "2"}


def test_buckets_cover_the_range_with_a_partial_first_bucket():
    spans = buckets(date(2026, 2, 15), date(2026, 7, 1), "quarter")
    assert [(b.start, b.end, b.label) for b in spans] == [
        (date(2026, 2, 15), date(2026, 4, 1), "2026 Q1"),
        (date(2026, 4, 1), date(2026, 7, 1), "2026 Q2"),
    ]


def test_automatic_granularity_keeps_the_trend_readable():
    assert automatic_granularity(date(2025, 7, 1), date(2026, 7, 1)) == "month"
    assert automatic_granularity(date(2020, 1, 1), date(2026, 1, 1)) == "quarter"
    assert automatic_granularity(date(1990, 1, 1), date(2026, 1, 1)) == "year"


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)
