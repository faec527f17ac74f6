"""Assumptions: violated or stressed repeatedly, never validated but relied on, recently violated."""

import pytest

pytestmark = pytest.mark.django_db


def test_assumptions_lists_beliefs_violated_or_stressed_twice_or_more(library, figures):
    data = figures("assumptions", library["outsider"])
    [retries] = data["repeatedly_violated"]  # "search index is fresh" failed once only
    assert retries["statement"] == "Retries are safe because the API is idempotent"
    assert (retries["count"], retries["violated"], retries["stressed"]) == (3, 2, 1)
    assert retries["link"] == "/?key=PM-2026-107%2CPM-2026-105%2CPM-2025-103"


def test_assumptions_counts_restricted_evidence_only_for_its_team(library, figures):
    [retries] = figures("assumptions", library["member"])["repeatedly_violated"]
    assert (retries["count"], retries["violated"]) == (4, 3)


def test_assumptions_lists_never_validated_beliefs_many_rely_on(library, figures):
    never = figures("assumptions", library["outsider"])["never_validated"]
    # The warm cache is relied on by three services too, but has been validated.
    assert [(a["statement"], a["relied_on_by"]) for a in never] == [("The card processor answers within 800 ms", 3)]


def test_assumptions_never_validated_follows_the_service_filter(library, figures):
    assert figures("assumptions", library["outsider"], service="search")["never_validated"]
    library["assumptions"]["processor"].relied_on_by.remove(library["services"]["search"])
    assert not figures("assumptions", library["outsider"], service="search")["never_validated"]


def test_assumptions_lists_recent_violations_newest_first(library, figures):
    recent = figures("assumptions", library["outsider"])["recently_violated"]
    assert [(r["last_violated_in"], r["last_violated_on"]) for r in recent] == [
        ("PM-2026-105", "2026-01-20"),
        ("PM-2025-104", "2025-11-11"),
    ]


def test_assumptions_respect_the_period(library, figures):
    data = figures("assumptions", library["outsider"], started_after="2026-01-01", started_before="2026-07-01")
    assert data["repeatedly_violated"][0]["count"] == 2  # 105 and 107; 103 is from October
