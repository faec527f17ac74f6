"""Who facilitates a team's weekly discussion: the member who has waited longest since their last turn."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OuterRef, Subquery

from postmortems.models import Digest, Membership, Team


def choose_facilitator(team: Team, week_start: date) -> AbstractBaseUser | None:
    """Members who never facilitated go first (longest-standing first), then whoever's turn is oldest.

    Only earlier weeks count, so choosing again for the same week gives the same person; someone who
    joins or leaves changes the order only from their own turn on, unlike a modulo over the member list.
    """
    last_turn = (
        Digest.objects.filter(team=team, facilitator=OuterRef("user_id"), week_start__lt=week_start)
        .order_by("-week_start")
        .values("week_start")[:1]
    )
    membership = (
        Membership.objects.filter(team=team, user__is_active=True)
        .annotate(last_turn=Subquery(last_turn))
        .order_by(F("last_turn").asc(nulls_first=True), "joined_at", "pk")
        .select_related("user")
        .first()
    )
    return membership.user if membership else None
