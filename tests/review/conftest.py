"""Builders for review tests: a draft written by `member` (an author on the payments team) and a reviewer."""

import pytest

from postmortems import services
from tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", first_name="Rita", last_name="Okafor", role="author")


@pytest.fixture
def draft(member, team):
    """A restricted draft by `member`, created through the service so it has its first revision.

    Its key is out of the factories' way (they number from PM-2026-001)."""
    return services.create_postmortem(
        created_by=member,
        key="PM-2026-501",
        title="Checkout retries overloaded the payment gateway",
        summary="Checkout failed for 40 minutes.",
        impact="About 3,100 orders could not be placed.",
        restricted=True,
        allowed_teams=[team],
    )
