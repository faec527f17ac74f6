"""What went well: recurring mitigators, improvised adaptations, who keeps being pulled in."""

import pytest

from tests.factories import TimelineEventFactory
from tests.patterns.conftest import LETTERS

pytestmark = pytest.mark.django_db


def test_adaptive_capacity_counts_mitigators(library, figures):
    rows = {r["factor"]["slug"]: r for r in figures("adaptive-capacity", library["outsider"])["mitigators"]}
    assert (rows[LETTERS["E"]]["count"], rows[LETTERS["E"]]["recurring"]) == (2, True)
    assert (rows[LETTERS["G"]]["count"], rows[LETTERS["G"]]["recurring"]) == (1, False)
    assert rows[LETTERS["E"]]["link"].endswith("factor=adaptive.early-noticing&role=mitigator")


def test_adaptive_capacity_shows_improvised_adaptations_with_what_was_done(library, figures):
    improvised = figures("adaptive-capacity", library["outsider"])["improvised_adaptations"]
    assert improvised["count"] == 1
    [example] = improvised["examples"]
    assert example["key"] == "PM-2026-108"
    assert example["narrative"] == "Used the PM-2026-108 runbook backwards."


def test_adaptive_capacity_lists_people_pulled_in_three_times_or_more(library, figures):
    people = figures("adaptive-capacity", library["outsider"])["pulled_in"]
    # "Ana" in 101, 102, 103 and "ana " in 108 are one person; Ben and Cy appear once.
    assert [(p["name"], p["count"]) for p in people] == [("Ana", 4)]
    assert people[0]["link"] == "/?key=PM-2026-108%2CPM-2025-103%2CPM-2025-102%2CPM-2025-101"


def test_adaptive_capacity_does_not_list_teams_or_services_as_people(library, figures):
    for key in ("PM-2025-101", "PM-2025-102", "PM-2025-103"):
        TimelineEventFactory(postmortem=library["pms"][key], actor="Checkout")
    people = figures("adaptive-capacity", library["outsider"])["pulled_in"]
    assert [p["name"] for p in people] == ["Ana"]
