"""Recurring factors: counts per factor and family, shares, the previous period, rising factors, the trend."""

import pytest

from postmortems.models import PostmortemService
from tests.factories import PostmortemFactory
from tests.patterns.conftest import LETTERS, TODAY, by_slug

pytestmark = pytest.mark.django_db


def test_recurring_factors_counts_postmortems_per_factor(library, figures):
    data = figures("factors", library["outsider"])
    rows = by_slug(data["factors"])
    assert data["analysed"] == 9
    counts = {letter: rows[slug]["count"] for letter, slug in LETTERS.items()}
    assert counts == {"A": 5, "B": 4, "C": 4, "D": 4, "E": 2, "F": 2, "G": 1}
    assert rows[LETTERS["A"]]["share"] == round(5 / 9, 4)


def test_recurring_factors_compares_with_the_previous_period(library, figures):
    data = figures("factors", library["outsider"])
    rows = by_slug(data["factors"])
    assert data["previous_analysed"] == 3
    assert data["previous_period"]["started_after"] == "2024-07-01"
    assert data["previous_period"]["started_before"] == "2025-07-01"
    assert rows[LETTERS["D"]]["previous_count"] == 2
    assert rows[LETTERS["C"]]["previous_count"] == 0


def test_recurring_factors_calls_out_rising_factors(library, figures):
    data = figures("factors", library["outsider"])
    # A: 5/9 now against 1/3 before (1.67 times); C: 4 now, absent before. B: 4/9 against 1/3 is only 1.33
    # times; D fell (4/9 against 2/3); F has only 2 postmortems.
    assert set(data["rising"]) == {LETTERS["A"], LETTERS["C"]}


def test_recurring_factors_counts_families_once_per_postmortem(library, figures):
    families = by_slug(figures("factors", library["outsider"])["families"], key="family")
    # change: A or B in 101, 102, 103, 106, 108; load: D in 103, 104, 105, 107; adaptive: E or G in 101, 104, 108.
    assert families["change"]["count"] == 5
    assert families["load"]["count"] == 4
    assert families["adaptive"]["count"] == 3
    assert families["signals"]["count"] == 0


def test_recurring_factors_trend_splits_the_period_by_month(library, figures):
    trend = figures("factors", library["outsider"])["trend"]
    assert trend["granularity"] == "month"
    assert len(trend["buckets"]) == 12
    assert [b["analysed"] for b in trend["buckets"]] == [0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0]  # Jul 2025 .. Jun 2026
    load = next(s for s in trend["series"] if s.get("family", {}).get("slug") == "load")
    assert sum(c["count"] for c in load["counts"]) == 4


def test_recurring_factors_trend_by_quarter_on_request(library, figures):
    trend = figures("factors", library["outsider"], granularity="quarter")["trend"]
    assert [b["label"] for b in trend["buckets"]] == ["2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2"]
    assert [b["analysed"] for b in trend["buckets"]] == [2, 2, 3, 2]


def test_recurring_factors_links_each_count_to_the_filtered_list(library, figures):
    row = by_slug(figures("factors", library["outsider"], service="checkout")["factors"])[LETTERS["A"]]
    assert row["link"] == (
        "/?started_after=2025-07-01&started_before=2026-07-01&service=checkout&factor=change.config-change"
    )


def test_recurring_factors_ignores_drafts(library, figures):
    # PM-2026-401 is a draft tagged A, B and C: it must not count anywhere.
    rows = by_slug(figures("factors", library["member"])["factors"])
    assert rows[LETTERS["A"]]["count"] == 6  # 5 open + the restricted PM-2026-301


def test_recurring_factors_filters_narrow_the_population(library, figures):
    user = library["outsider"]
    assert figures("factors", user, team="payments")["analysed"] == 6  # involves checkout or payments
    assert figures("factors", user, service="search")["analysed"] == 3
    assert figures("factors", user, kind="near_miss")["analysed"] == 1
    assert figures("factors", user, severity=2)["analysed"] == 4
    assert figures("factors", user, started_after="2026-01-01", started_before="2026-03-01")["analysed"] == 2
    assert figures("factors", user, period="all")["analysed"] == 12


def test_recurring_factors_team_filter_includes_postmortems_shared_with_the_team(library, figures):
    # As the postmortem list reads `team`: about a service the team owns, or shared with the team.
    shared = PostmortemFactory(key="PM-2026-302", started_at=TODAY, restricted=True)
    shared.allowed_teams.set(library["pms"]["PM-2026-301"].allowed_teams.all())
    PostmortemService.objects.create(postmortem=shared, service=library["services"]["search"])
    assert figures("factors", library["member"], team="payments")["analysed"] == 6 + 1 + 1  # open, 301, 302
