"""A constructed library whose patterns are known, so every figure can be checked by hand.

"Today" is 15 June 2026, so the default period (12 months) runs from 1 July 2025 to 30 June 2026 and the
previous one from 1 July 2024 to 30 June 2025. Factors, by letter:

    A change.config-change       B change.validation-gap     C coupling.shared-fate
    D load.retry-feedback-loop   F org.production-pressure
    E adaptive.early-noticing (mitigator)   G adaptive.improvised-adaptation (mitigator)

Current period, published, open to everyone (9 postmortems):

    key          started      kind       sev  factors        services            minutes  people
    PM-2025-101  2025-08-10   incident   2    A B C E        checkout, payments  10       Ana, Ben
    PM-2025-102  2025-09-05   incident   2    A B C          checkout, payments  45       Ana
    PM-2025-103  2025-10-01   incident   1    A B D          checkout            180      Ana, Cy
    PM-2025-104  2025-11-11   incident   3    D F E          search              20
    PM-2026-105  2026-01-20   incident   2    D F            search, payments    2880
    PM-2026-106  2026-02-14   near miss  -    A C            checkout            -
    PM-2026-107  2026-03-03   incident   3    D              search              50
    PM-2026-108  2026-04-01   incident   2    A B C G        checkout, payments  90       "ana " (same person)
    PM-2026-109  2026-05-20   incident   4    (none)         -                   10

Previous period (3): PM-2024-201 incident D F; PM-2025-202 near miss A B (15 Jan 2025); PM-2025-203 incident D.
Also: PM-2026-301, restricted to the Payments team, 5 May 2026, incident sev 1, A B C F, payments;
PM-2026-401, a draft with A B C (never counted).

Assumptions: "retries are safe" violated in 103 and 105, stressed in 107, violated in the restricted 301;
"search index is fresh" violated in 104; "the card processor answers in 800 ms" never validated, relied on by
checkout, payments and search; "the cache is warm" relied on by three services but validated.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from postmortems.models import AssumptionEvidence, Factor, PostmortemService
from postmortems.patterns import PatternContext
from postmortems.patterns.catalog import Catalog
from postmortems.patterns.filters import PatternFilterForm
from tests.factories import (
    AssumptionFactory,
    ContributingFactorFactory,
    MembershipFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
    TimelineEventFactory,
    UserFactory,
)

TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LETTERS = {
    "A": "change.config-change",
    "B": "change.validation-gap",
    "C": "coupling.shared-fate",
    "D": "load.retry-feedback-loop",
    "E": "adaptive.early-noticing",
    "F": "org.production-pressure",
    "G": "adaptive.improvised-adaptation",
}
MITIGATORS = {"E", "G"}

ROWS = [
    # key, started, kind, severity, factors, services, minutes, people
    ("PM-2025-101", "2025-08-10", "incident", 2, "ABCE", ["checkout", "payments"], 10, ["Ana", "Ben"]),
    ("PM-2025-102", "2025-09-05", "incident", 2, "ABC", ["checkout", "payments"], 45, ["Ana"]),
    ("PM-2025-103", "2025-10-01", "incident", 1, "ABD", ["checkout"], 180, ["Ana", "Cy"]),
    ("PM-2025-104", "2025-11-11", "incident", 3, "DFE", ["search"], 20, []),
    ("PM-2026-105", "2026-01-20", "incident", 2, "DF", ["search", "payments"], 2880, []),
    ("PM-2026-106", "2026-02-14", "near_miss", None, "AC", ["checkout"], None, []),
    ("PM-2026-107", "2026-03-03", "incident", 3, "D", ["search"], 50, []),
    ("PM-2026-108", "2026-04-01", "incident", 2, "ABCG", ["checkout", "payments"], 90, ["ana "]),
    ("PM-2026-109", "2026-05-20", "incident", 4, "", [], 10, []),
    ("PM-2024-201", "2024-09-01", "incident", 2, "DF", ["search"], 30, []),
    ("PM-2025-202", "2025-01-15", "near_miss", None, "AB", ["checkout"], None, []),
    ("PM-2025-203", "2025-03-01", "incident", 3, "D", ["search"], 60, []),
]


def _make(key, started, kind, severity, factors, services, minutes, people, catalog, **extra):
    start = datetime.fromisoformat(started).replace(hour=9, tzinfo=UTC)
    pm = PostmortemFactory(
        key=key,
        title=f"Postmortem {key}",
        kind=kind,
        severity=severity,
        started_at=start,
        resolved_at=start + timedelta(minutes=minutes) if minutes is not None else None,
        **extra,
    )
    for position, letter in enumerate(factors):
        ContributingFactorFactory(
            postmortem=pm,
            factor=catalog["factors"][letter],
            role="mitigator" if letter in MITIGATORS else "enabling",
            narrative=f"Used the {key} runbook backwards." if letter == "G" else "",
            position=position,
        )
    for service in services:
        PostmortemService.objects.create(postmortem=pm, service=catalog["services"][service])
    for person in people:
        TimelineEventFactory(postmortem=pm, actor=person, occurred_at=start)
    return pm


@pytest.fixture
def library(db):
    """The data set above, built at TODAY; returns the named people and objects tests need."""
    with time_machine.travel(TODAY, tick=False):
        payments_team = TeamFactory(name="Payments", slug="payments")
        search_team = TeamFactory(name="Search", slug="search-team")
        services = {
            "checkout": ServiceFactory(name="Checkout", slug="checkout", team=payments_team),
            "payments": ServiceFactory(name="Payments", slug="payments", team=payments_team),
            "search": ServiceFactory(name="Search", slug="search", team=search_team),
        }
        factors = {letter: Factor.objects.get(slug=slug) for letter, slug in LETTERS.items()}
        catalog = {"services": services, "factors": factors}
        pms = {row[0]: _make(*row, catalog) for row in ROWS}
        pms["PM-2026-301"] = _make(
            "PM-2026-301", "2026-05-05", "incident", 1, "ABCF", ["payments"], 15, [], catalog, restricted=True
        )
        pms["PM-2026-301"].allowed_teams.set([payments_team])
        pms["PM-2026-401"] = _make(
            "PM-2026-401", "2026-02-01", "incident", 2, "ABC", [], 5, [], catalog, status="draft"
        )

        retries = AssumptionFactory(statement="Retries are safe because the API is idempotent")
        fresh = AssumptionFactory(statement="The search index is never more than a minute stale")
        processor = AssumptionFactory(statement="The card processor answers within 800 ms")
        processor.relied_on_by.set(services.values())
        warm = AssumptionFactory(statement="The cache is always warm", last_validated_at=date(2026, 1, 1))
        warm.relied_on_by.set(services.values())
        for key, kind in (("PM-2025-103", "violated"), ("PM-2026-105", "violated"), ("PM-2026-107", "stressed")):
            AssumptionEvidence.objects.create(assumption=retries, postmortem=pms[key], evidence_type=kind)
        AssumptionEvidence.objects.create(assumption=retries, postmortem=pms["PM-2026-301"], evidence_type="violated")
        AssumptionEvidence.objects.create(assumption=fresh, postmortem=pms["PM-2025-104"], evidence_type="violated")

        # A ready-made unusable password: hashing a real one costs most of a second per user.
        outsider = UserFactory(username="olga", role="viewer", password="!")
        member = UserFactory(username="pablo", role="viewer", password="!")
        MembershipFactory(team=payments_team, user=member)
    return {
        "pms": pms,
        "services": services,
        "factors": factors,
        "outsider": outsider,
        "member": member,
        "assumptions": {"retries": retries, "fresh": fresh, "processor": processor, "warm": warm},
    }


@pytest.fixture
def today():
    """Freeze the clock at TODAY (the default period depends on it)."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


@pytest.fixture
def figures(today):
    """figures(name, user, **filters): one view's figures, computed live (no snapshot)."""

    def compute_view(name, user, **params):
        from postmortems.patterns import compute

        catalog = Catalog()
        form = PatternFilterForm({k: str(v) for k, v in params.items()}, catalog=catalog)
        assert form.is_valid(), form.errors
        return compute(name, PatternContext(user=user, filters=form.filters(), catalog=catalog))

    return compute_view


def by_slug(rows, key="factor"):
    return {row[key]["slug"]: row for row in rows}


def letters(*keys):
    return [LETTERS[k] for k in keys]
