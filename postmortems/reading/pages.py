"""What the reading page shows one person, assembled in a fixed number of queries whatever the history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser

from postmortems.models import Digest, DigestItem, Membership, ReadReceipt
from postmortems.reading.emails import digest_items_with_factors
from postmortems.reading.prompts import discussion_prompts, key_factors

PAST_WEEKS = 8
BACKLOG_SIZE = 20


@dataclass
class ItemView:
    item: DigestItem
    key_factors: list[str]
    prompts: list[str]
    mine: ReadReceipt | None
    readers: list[AbstractBaseUser]
    # Other members' reflections, shown only once the person has written their own.
    team_reflections: list[ReadReceipt]
    hidden_reflections: int

    @property
    def postmortem(self):
        return self.item.postmortem


@dataclass
class DigestView:
    digest: Digest
    members: list[AbstractBaseUser]
    items: list[ItemView] = field(default_factory=list)


@dataclass
class ReadingPage:
    current: list[DigestView]
    past: list[DigestView]
    backlog: list[DigestItem]


def reading_page(user: AbstractBaseUser, today: date) -> ReadingPage:
    """This week's digest of each of the person's teams, the weeks before, and what they have not read.

    Queries: memberships of the person's teams (1), digests (1), items (1) with their factors (1),
    read receipts of those postmortems by those teams (1), backlog (1), plus the profile the visibility
    rule looks at (1).
    """
    memberships = list(
        Membership.objects.filter(team__memberships__user=user, user__is_active=True).select_related("user")
    )
    members: dict[int, list[AbstractBaseUser]] = defaultdict(list)
    for membership in memberships:
        members[membership.team_id].append(membership.user)
    digests = list(
        Digest.objects.filter(
            team_id__in=list(members), week_start__lte=today, week_start__gt=today - timedelta(weeks=PAST_WEEKS + 1)
        )
        .select_related("team", "facilitator")
        .order_by("-week_start", "team__name")
    )
    items = list(digest_items_with_factors([d.pk for d in digests]).visible_to(user))
    member_ids = {m.user_id for m in memberships}
    receipts = ReadReceipt.objects.filter(
        postmortem_id__in={i.postmortem_id for i in items}, user_id__in=member_ids
    ).select_related("user")
    by_postmortem: dict[int, list[ReadReceipt]] = defaultdict(list)
    for receipt in receipts:
        by_postmortem[receipt.postmortem_id].append(receipt)
    views = {d.pk: DigestView(digest=d, members=members[d.team_id]) for d in digests}
    for item in items:
        view = views[item.digest_id]
        view.items.append(_item_view(item, user, view.members, by_postmortem[item.postmortem_id]))
    current, past, seen_teams = [], [], set()
    for digest in digests:
        (past if digest.team_id in seen_teams else current).append(views[digest.pk])
        seen_teams.add(digest.team_id)
    backlog = _backlog(user, list(members), shown=[view.digest.pk for view in current])
    return ReadingPage(current=current, past=past, backlog=backlog)


def _item_view(
    item: DigestItem, user: AbstractBaseUser, members: list[AbstractBaseUser], receipts: list[ReadReceipt]
) -> ItemView:
    team_ids = {m.pk for m in members}
    team_receipts = [r for r in receipts if r.user_id in team_ids]
    mine = next((r for r in receipts if r.user_id == user.pk), None)
    others = [r for r in team_receipts if r.user_id != user.pk and r.reflection]
    wrote_own = mine is not None and bool(mine.reflection)
    tags = list(item.postmortem.contributing_factors.all())
    return ItemView(
        item=item,
        key_factors=key_factors(tags),
        prompts=discussion_prompts(tags),
        mine=mine,
        readers=[r.user for r in sorted(team_receipts, key=lambda r: r.read_at)],
        team_reflections=others if wrote_own else [],
        hidden_reflections=0 if wrote_own else len(others),
    )


def _backlog(user: AbstractBaseUser, team_ids: list[int], shown: list[int]) -> list[DigestItem]:
    """Postmortems from the teams' earlier digests (not the `shown` ones) the person has not read, newest first."""
    rows = (
        DigestItem.objects.visible_to(user)
        .filter(digest__team_id__in=team_ids, postmortem__status="published")
        .exclude(digest_id__in=shown)
        .exclude(postmortem__read_receipts__user=user)
        .select_related("postmortem", "digest__team")
        .only("id", "reason", "postmortem__key", "postmortem__title", "digest__week_start", "digest__team__name")
        .order_by("-digest__week_start", "position", "id")[: BACKLOG_SIZE * 3]
    )
    backlog, seen = [], set()
    for row in rows:  # the same postmortem may have been chosen by two of the person's teams
        if row.postmortem_id not in seen:
            seen.add(row.postmortem_id)
            backlog.append(row)
    return backlog[:BACKLOG_SIZE]
