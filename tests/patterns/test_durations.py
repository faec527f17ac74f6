"""Durations: a distribution with every postmortem visible; a median and 90th percentile, never a mean."""

import pytest

from postmortems.patterns.durations import percentile, spoken

pytestmark = pytest.mark.django_db


def test_durations_bins_every_postmortem_with_both_times(library, figures):
    data = figures("durations", library["outsider"])
    assert (data["with_duration"], data["without_duration"]) == (8, 1)  # the near miss has no resolution time
    assert {b["label"]: b["count"] for b in data["bins"] if b["count"]} == {
        "under 15 min": 2,
        "15 to 30 min": 1,
        "30 min to 1 h": 2,
        "1 to 2 h": 1,
        "2 to 4 h": 1,
        "1 to 3 days": 1,
    }


def test_durations_gives_median_and_90th_percentile_but_no_mean(library, figures):
    data = figures("durations", library["outsider"])
    # Minutes, sorted: 10 10 20 45 50 90 180 2880.
    assert (data["median_minutes"], data["p90_minutes"]) == (45.0, 2880.0)
    assert not any("mean" in key or "average" in key for key in data)


def test_durations_shows_each_postmortem(library, figures):
    shown = figures("durations", library["outsider"])["postmortems"]
    assert [p["key"] for p in shown][:2] == ["PM-2026-109", "PM-2026-108"]
    assert shown[1] == {
        "key": "PM-2026-108",
        "title": "Postmortem PM-2026-108",
        "minutes": 90.0,
        "duration": "1 h 30 min",
        "started_on": "2026-04-01",
        "link": "/postmortems/PM-2026-108/",
    }


def test_spoken_durations_read_like_people_say_them():
    assert [spoken(m) for m in (45, 60, 257, 2880, 3000)] == ["45 min", "1 h", "4 h 17 min", "2 days", "2 days 2 h"]


def test_percentile_is_a_value_that_occurred():
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([], 0.5) is None
