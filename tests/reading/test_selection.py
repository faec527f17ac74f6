from datetime import timedelta

import pytest

from postmortems import models as m
from postmortems.reading.digests import create_weekly_digest
from postmortems.reading.selection import select_postmortems
from tests.factories import (
    DigestFactory,
    DigestItemFactory,
    PostmortemFactory,
    ReadReceiptFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
)
from tests.reading.conftest import WEEK, at, published, tag

pytestmark = pytest.mark.django_db


def _reasons(picks):
    return [(p.postmortem.key, p.reason) for p in picks]


def test_select_postmortems_picks_a_recent_unread_incident_and_says_why(team, readers):
    older = published(20, key="PM-2026-001")
    newer = published(3, key="PM-2026-002")

    picks = select_postmortems(team, WEEK)

    assert picks[0].postmortem == newer
    assert picks[0].reason == m.SelectionReason.RECENT
    assert "3 days before this week" in picks[0].explanation
    assert "nobody on Payments has marked it read" in picks[0].explanation
    assert older not in [p.postmortem for p in picks]  # no pattern, library or anniversary to fill the other slots


def test_select_postmortems_puts_the_teams_own_services_first(team, readers):
    published(2, key="PM-2026-001")
    ours = published(9, key="PM-2026-002")
    m.PostmortemService.objects.create(postmortem=ours, service=ServiceFactory(name="Ledger", team=team))

    pick = select_postmortems(team, WEEK)[0]

    assert pick.postmortem == ours
    assert "involves Ledger, which Payments owns" in pick.explanation


def test_select_postmortems_skips_recent_ones_a_member_already_read(team, readers):
    read = published(2, key="PM-2026-001")
    unread = published(5, key="PM-2026-002")
    ReadReceiptFactory(user=readers[1], postmortem=read, read_at=at(WEEK - timedelta(days=1)))

    assert select_postmortems(team, WEEK)[0].postmortem == unread


def test_select_postmortems_ignores_what_was_published_after_the_week_began(team, readers):
    published(-1, key="PM-2026-001")  # Tuesday of the week itself

    assert select_postmortems(team, WEEK) == []


def test_select_postmortems_never_picks_drafts_or_old_incidents_as_recent(team, readers):
    PostmortemFactory(status=m.Status.DRAFT, published_at=at(WEEK - timedelta(days=2)))
    published(400)

    assert select_postmortems(team, WEEK) == []


def test_select_postmortems_picks_one_that_shares_factors_with_several_others(team, readers):
    for key in ("PM-2025-001", "PM-2025-002", "PM-2025-003"):
        tag(published(300, key=key, kind=m.Kind.NEAR_MISS), "load.retry-feedback-loop")
    exemplar = published(250, key="PM-2025-004")
    tag(exemplar, "load.retry-feedback-loop", "signals.alert-fatigue")

    picks = select_postmortems(team, WEEK)

    assert _reasons(picks) == [("PM-2025-004", m.SelectionReason.PATTERN)]
    assert picks[0].explanation == "Shares “Retry feedback loop” with 3 other postmortems."


def test_select_postmortems_needs_several_sharing_a_factor_to_call_it_a_pattern(team, readers):
    tag(published(300, key="PM-2025-001"), "load.retry-feedback-loop")
    tag(published(300, key="PM-2025-002"), "load.retry-feedback-loop")

    assert select_postmortems(team, WEEK) == []


def test_select_postmortems_picks_from_the_public_library(team, readers):
    classic = published(
        900,
        key="PM-2017-001",
        kind=m.Kind.EXTERNAL,
        in_library=True,
        source_url="https://aws.amazon.com/message/41926/",
    )
    published(900, key="PM-2017-002", kind=m.Kind.EXTERNAL, in_library=False)

    picks = select_postmortems(team, WEEK)

    assert _reasons(picks) == [(classic.key, m.SelectionReason.LIBRARY)]
    assert "(aws.amazon.com)" in picks[0].explanation


def test_select_postmortems_picks_an_incident_from_this_week_in_a_past_year(team, readers):
    anniversary = published(700, key="PM-2024-001", started_at=at(WEEK.replace(year=2024) + timedelta(days=2)))
    published(700, key="PM-2024-002", started_at=at(WEEK.replace(year=2024) + timedelta(days=20)))

    picks = select_postmortems(team, WEEK)

    assert _reasons(picks) == [(anniversary.key, m.SelectionReason.ON_THIS_DAY)]
    assert picks[0].explanation == "Started on 11 March 2024: 2 years ago this week."


def test_select_postmortems_fills_all_three_slots_with_different_postmortems(team, readers):
    published(4, key="PM-2026-001")
    for key in ("PM-2025-001", "PM-2025-002", "PM-2025-003"):
        tag(published(300, key=key), "coupling.hidden-dependency")
    published(900, key="PM-2017-001", kind=m.Kind.EXTERNAL, in_library=True)

    picks = select_postmortems(team, WEEK)

    assert [p.reason for p in picks] == [
        m.SelectionReason.RECENT,
        m.SelectionReason.PATTERN,
        m.SelectionReason.LIBRARY,
    ]
    assert len({p.postmortem.pk for p in picks}) == 3


def test_select_postmortems_chooses_the_same_again_for_the_same_team_and_week(team, readers, other_team):
    published(4, key="PM-2026-001")
    for number in range(1, 6):
        tag(published(300 + number, key=f"PM-2025-00{number}"), "coupling.hidden-dependency", "org.goal-conflict")
    for number in range(1, 6):
        published(900, key=f"PM-2017-00{number}", kind=m.Kind.EXTERNAL, in_library=True)

    first = _reasons(select_postmortems(team, WEEK))
    # Reads and new postmortems after the week began change nothing for that week.
    ReadReceiptFactory(user=readers[0], postmortem=m.Postmortem.objects.get(key="PM-2026-001"), read_at=at(WEEK, 15))
    published(-2, key="PM-2026-009")

    assert _reasons(select_postmortems(team, WEEK)) == first
    assert len(first) == 3


def test_select_postmortems_does_not_repeat_earlier_weeks(team, readers):
    seen = published(4, key="PM-2026-001")
    fresh = published(6, key="PM-2026-002")
    DigestItemFactory(digest=DigestFactory(team=team, week_start=WEEK - timedelta(weeks=1)), postmortem=seen)

    assert select_postmortems(team, WEEK)[0].postmortem == fresh


def test_select_postmortems_never_chooses_what_a_member_may_not_see(team, readers, other_team):
    published(1, key="PM-2026-001", restricted=True, allowed_teams=[other_team])
    # Visible to ana as its author, but not to ben and cai: not shared reading.
    published(2, key="PM-2026-002", restricted=True, authors=[readers[0]])
    # A restricted library classic of another team is just as invisible.
    published(
        900, key="PM-2017-001", kind=m.Kind.EXTERNAL, in_library=True, restricted=True, allowed_teams=[other_team]
    )

    assert select_postmortems(team, WEEK) == []


def test_select_postmortems_may_choose_what_is_restricted_to_the_team_itself(team, readers):
    ours = published(1, key="PM-2026-001", restricted=True, allowed_teams=[team])

    picks = select_postmortems(team, WEEK)

    assert [p.postmortem for p in picks] == [ours]
    for person in readers:
        assert m.Postmortem.objects.visible_to(person).filter(pk=ours.pk).exists()


def test_create_weekly_digest_stores_the_choice_once(team, readers):
    published(4, key="PM-2026-001")

    digest, created = create_weekly_digest(team=team, week_start=WEEK)
    published(2, key="PM-2026-002")  # would win "recent" if the week were chosen again from scratch
    again, created_again = create_weekly_digest(team=team, week_start=WEEK)

    assert (created, created_again) == (True, False)
    assert again == digest
    assert [i.postmortem.key for i in again.items.all()] == ["PM-2026-001"]
    assert digest.facilitator == readers[0]


def test_create_weekly_digest_chooses_per_team(team, readers):
    other = TeamFactory(name="Search", slug="search")
    UserFactory(username="sol").memberships.create(team=other)
    published(3, key="PM-2026-001", restricted=True, allowed_teams=[team])

    ours, _ = create_weekly_digest(team=team, week_start=WEEK)
    theirs, _ = create_weekly_digest(team=other, week_start=WEEK)

    assert ours.items.count() == 1
    assert theirs.items.count() == 0
