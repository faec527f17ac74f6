"""A team's digest for one week, created once, and the people it goes to."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from postmortems.models import Digest, DigestItem, Team
from postmortems.reading.rotation import choose_facilitator
from postmortems.reading.selection import select_postmortems

logger = logging.getLogger(__name__)


def create_weekly_digest(*, team: Team, week_start: date) -> tuple[Digest, bool]:
    """The team's digest for the week: chosen and stored by the first run, read back by every later one.

    Two runs that overlap may both choose; the (team, week) unique constraint lets one insert win and
    the other reads the winner's digest, so the week has one list and one facilitator whatever happens.
    """
    existing = Digest.objects.filter(team=team, week_start=week_start).first()
    if existing is not None:
        return existing, False
    picks = select_postmortems(team, week_start)
    facilitator = choose_facilitator(team, week_start)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(team=team, week_start=week_start, facilitator=facilitator)
            DigestItem.objects.bulk_create(
                DigestItem(
                    digest=digest,
                    postmortem=pick.postmortem,
                    reason=pick.reason,
                    explanation=pick.explanation,
                    position=position,
                )
                for position, pick in enumerate(picks)
            )
    except IntegrityError:
        return Digest.objects.get(team=team, week_start=week_start), False
    logger.info(
        "weekly digest chosen",
        extra={"team": team.slug, "week": f"{week_start:%G-W%V}", "postmortems": [p.postmortem.key for p in picks]},
    )
    return digest, True


def digest_recipients(team: Team) -> QuerySet:
    """Active members with an email address who have not unsubscribed, muted the team, or been suppressed."""
    return (
        get_user_model()
        .objects.filter(memberships__team=team, is_active=True)
        .exclude(email="")
        .exclude(digest_preference__subscribed=False)
        .exclude(digest_preference__suppressed=True)
        .exclude(digest_preference__muted_teams=team)
    )
