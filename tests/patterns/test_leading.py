"""Near misses and incidents: pairs seen in near misses that later appear in incidents."""

import pytest

from tests.patterns.conftest import LETTERS

pytestmark = pytest.mark.django_db


def _pairs(data):
    return {frozenset(f["slug"] for f in row["factors"]): row for row in data["pairs"]}


def test_leading_indicators_finds_near_miss_pairs_that_recurred_in_incidents(library, figures):
    data = figures("leading-indicators", library["outsider"])
    pairs = _pairs(data)
    ab = pairs[frozenset((LETTERS["A"], LETTERS["B"]))]
    # The near miss of 15 Jan 2025 had A and B; incidents 101, 102, 103 and 108 followed.
    assert (ab["near_misses"], ab["first_near_miss_on"], ab["incidents"]) == (1, "2025-01-15", 4)
    ac = pairs[frozenset((LETTERS["A"], LETTERS["C"]))]
    # A and C first met in the near miss of 14 Feb 2026; only 108 (April) came after it.
    assert (ac["first_near_miss_on"], ac["incidents"]) == ("2026-02-14", 1)
    assert set(pairs) == {frozenset((LETTERS["A"], LETTERS["B"])), frozenset((LETTERS["A"], LETTERS["C"]))}
    assert (data["near_misses_analysed"], data["incidents_analysed"]) == (2, 8)


def test_leading_indicators_links_incidents_after_the_first_near_miss(library, figures):
    ac = _pairs(figures("leading-indicators", library["outsider"]))[frozenset((LETTERS["A"], LETTERS["C"]))]
    assert "started_after=2026-02-15" in ac["incident_link"]
    assert "kind=incident" in ac["incident_link"]
    assert "kind=near_miss" in ac["near_miss_link"] and "started_after" not in ac["near_miss_link"]


def test_leading_indicators_ignore_the_kind_filter(library, figures):
    user = library["outsider"]
    assert figures("leading-indicators", user, kind="incident")["pairs"] == figures("leading-indicators", user)["pairs"]


def test_leading_indicators_stop_early_without_changing_the_top_of_the_list(library, figures, monkeypatch):
    everything = figures("leading-indicators", library["outsider"])["pairs"]
    monkeypatch.setattr("postmortems.patterns.leading.PAIR_LIMIT", 1)
    assert figures("leading-indicators", library["outsider"])["pairs"] == everything[:1]
