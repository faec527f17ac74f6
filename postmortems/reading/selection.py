"""Choosing a team's 1-3 postmortems for a week, each with the reason it was chosen.

Visibility: a digest is shared reading, discussed together, so every member gets the same list.
It is therefore chosen only among postmortems that *every* member may see: published and either
unrestricted or restricted to this very team (membership of an allowed team is what grants sight
of a restricted postmortem). A restricted postmortem that only some members could see (as authors,
reviewers or admins) is never chosen. Emails and the reading page filter the items once more through
`visible_to(person)`, so a restriction added after the week was chosen still cannot leak.

Determinism: the choice depends only on what existed when the week began in the team's zone
(postmortems published, reads recorded and digests sent before then) plus a tie-break hashed from
team and week, so choosing again for the same team and week gives the same answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from postmortems.models import (
    ContributingFactor,
    DigestItem,
    Kind,
    Membership,
    Postmortem,
    PostmortemService,
    ReadReceipt,
    SelectionReason,
    Team,
)
from postmortems.reading.weeks import week_begins_at

MAX_ITEMS = 3
RECENT_DAYS = 180
# A factor is a recurring pattern when at least this many postmortems share it (the chosen one and several others).
RECURRING_MIN_POSTMORTEMS = 3
ON_THIS_DAY_YEARS = 10


@dataclass(frozen=True)
class Pick:
    postmortem: Postmortem
    reason: str
    explanation: str


def shared_pool(team: Team, cutoff: datetime) -> QuerySet[Postmortem]:
    """Published before `cutoff` and visible to every member of `team` (see the module docstring)."""
    restricted_to_team = Postmortem.allowed_teams.through.objects.filter(postmortem_id=OuterRef("pk"), team=team)
    return (
        Postmortem.objects.published()
        .annotate(published_on=Coalesce("published_at", "started_at", "created_at", output_field=DateTimeField()))
        .filter(Q(restricted=False) | Exists(restricted_to_team), published_on__lt=cutoff)
    )


def select_postmortems(team: Team, week_start: date) -> list[Pick]:
    """The week's picks in order: recent, recurring pattern, then library or on-this-day."""
    cutoff = week_begins_at(team, week_start)
    pool = shared_pool(team, cutoff)
    featured = DigestItem.objects.filter(digest__team=team, digest__week_start__lt=week_start).values("postmortem_id")
    fresh = pool.exclude(pk__in=featured)
    picks: list[Pick] = []
    recent = _pick_recent(team, fresh, cutoff)
    if recent:
        picks.append(recent)
    pattern = _pick_pattern(pool, fresh.exclude(pk__in=[p.postmortem.pk for p in picks]))
    if pattern:
        picks.append(pattern)
    remaining = fresh.exclude(pk__in=[p.postmortem.pk for p in picks])
    # Alternate which of the two kinds of classic reading comes first, so both turn up over the weeks.
    order = (
        (_pick_library, _pick_on_this_day)
        if week_start.isocalendar().week % 2 == 0
        else (_pick_on_this_day, _pick_library)
    )
    for choose in order:
        third = choose(team, remaining, week_start)
        if third:
            picks.append(third)
            break
    return picks[:MAX_ITEMS]


def _seeded_order(team: Team, week_start: date, pk: int) -> str:
    """A tie-break that differs between teams and weeks but never between runs."""
    return hashlib.sha256(f"{team.pk}:{week_start.isoformat()}:{pk}".encode()).hexdigest()


def _pick_recent(team: Team, fresh: QuerySet[Postmortem], cutoff: datetime) -> Pick | None:
    """The newest of the team's-world incidents nobody on the team had read when the week began."""
    read_by_team = ReadReceipt.objects.filter(
        postmortem_id=OuterRef("pk"),
        read_at__lt=cutoff,
        user__in=Membership.objects.filter(team=team).values("user_id"),
    )
    team_service = PostmortemService.objects.filter(postmortem_id=OuterRef("pk"), service__team=team).order_by("id")
    candidate = (
        fresh.filter(kind__in=[Kind.INCIDENT, Kind.NEAR_MISS], published_on__gte=cutoff - timedelta(days=RECENT_DAYS))
        .exclude(Exists(read_by_team))
        .annotate(
            touches_team=Exists(team_service),
            team_service=Subquery(team_service.values("service__name")[:1]),
        )
        # The team's own incidents first: they are the ones most worth talking through together.
        .order_by("-touches_team", "-published_on", "-pk")
        .first()
    )
    if candidate is None:
        return None
    days = max((cutoff.date() - candidate.published_on.astimezone(cutoff.tzinfo).date()).days, 0)
    when = "this week" if days < 1 else f"{days} day{'s' if days != 1 else ''} before this week"
    touches = f", involves {candidate.team_service}, which {team.name} owns," if candidate.team_service else ""
    explanation = f"Published {when}{touches} and nobody on {team.name} has marked it read yet."
    return Pick(candidate, SelectionReason.RECENT, explanation[:300])


def _pick_pattern(pool: QuerySet[Postmortem], candidates: QuerySet[Postmortem]) -> Pick | None:
    """The postmortem that carries the most factors recurring across the pool, newest first on ties."""
    counts = dict(
        ContributingFactor.objects.filter(postmortem__in=pool.values("pk"), factor__isnull=False)
        .values("factor_id")
        .annotate(n=Count("postmortem_id", distinct=True))
        .filter(n__gte=RECURRING_MIN_POSTMORTEMS)
        .values_list("factor_id", "n")
    )
    if not counts:
        return None
    recurring = Q(contributing_factors__factor_id__in=list(counts))
    candidate = (
        candidates.annotate(recurring=Count("contributing_factors__factor_id", filter=recurring, distinct=True))
        .filter(recurring__gte=1)
        .order_by("-recurring", "-published_on", "-pk")
        .first()
    )
    if candidate is None:
        return None
    factors = dict(
        candidate.contributing_factors.filter(factor_id__in=list(counts)).values_list("factor_id", "factor__name")
    )
    top = max(factors, key=lambda factor_id: (counts[factor_id], factors[factor_id]))
    others = counts[top] - 1
    explanation = f"Shares “{factors[top]}” with {others} other postmortem{'s' if others != 1 else ''}"
    if len(factors) > 1:
        explanation += f", and {len(factors) - 1} more recurring factor{'s' if len(factors) > 2 else ''}"
    return Pick(candidate, SelectionReason.PATTERN, (explanation + ".")[:300])


def _pick_library(team: Team, remaining: QuerySet[Postmortem], week_start: date) -> Pick | None:
    ids = list(remaining.filter(in_library=True).values_list("pk", flat=True))
    if not ids:
        return None
    chosen = min(ids, key=lambda pk: _seeded_order(team, week_start, pk))
    postmortem = remaining.get(pk=chosen)
    source = f" ({_host(postmortem.source_url)})" if postmortem.source_url else ""
    explanation = f"A public postmortem from the library{source}: someone else's incident, read for what it teaches."
    return Pick(postmortem, SelectionReason.LIBRARY, explanation[:300])


def _pick_on_this_day(team: Team, remaining: QuerySet[Postmortem], week_start: date) -> Pick | None:
    """Something that started during this same calendar week in one of the past years."""
    windows = Q()
    for years_back in range(1, ON_THIS_DAY_YEARS + 1):
        start = _same_day(week_start, week_start.year - years_back)
        windows |= Q(started_at__date__gte=start, started_at__date__lte=start + timedelta(days=6))
    candidate = remaining.filter(windows).order_by("-started_at", "-pk").first()
    if candidate is None:
        return None
    years = week_start.year - candidate.started_at.year
    explanation = f"Started on {candidate.started_at:%-d %B %Y}: {years} year{'s' if years != 1 else ''} ago this week."
    return Pick(candidate, SelectionReason.ON_THIS_DAY, explanation)


def _same_day(day: date, year: int) -> date:
    """The same month and day in another year; 29 February becomes the 28th."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url
