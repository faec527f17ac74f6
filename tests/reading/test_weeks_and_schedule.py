from datetime import UTC, date, datetime, time, timedelta

import pytest

from postmortems import models as m
from postmortems.reading.schedule import due_team_weeks, stalled_digest_ids
from postmortems.reading.weeks import due_week, parse_iso_week, reading_moment, week_label
from tests.factories import DigestFactory, TeamFactory, UserFactory
from tests.reading.conftest import WEEK, WEEK_LABEL


def test_parse_iso_week_gives_the_monday():
    assert parse_iso_week("2026-W11") == WEEK
    assert week_label(WEEK) == WEEK_LABEL
    assert parse_iso_week("2020-W53") == date(2020, 12, 28)


@pytest.mark.parametrize("value", ["2026-11", "2026-W1", "W11-2026", "2026-W54", "2026-W00", ""])
def test_parse_iso_week_rejects_anything_else(value):
    with pytest.raises(ValueError):
        parse_iso_week(value)


def test_reading_moment_is_in_the_teams_own_zone():
    team = m.Team(reading_day=m.Weekday.WEDNESDAY, reading_time=time(9, 30), reading_timezone="America/New_York")

    moment = reading_moment(team, WEEK)

    # 9 March 2026 is after the US switch to summer time: New York is UTC-4.
    assert moment.astimezone(UTC) == datetime(2026, 3, 11, 13, 30, tzinfo=UTC)


def test_due_week_is_none_until_the_reading_moment_then_this_week():
    team = m.Team(reading_day=m.Weekday.MONDAY, reading_time=time(9), reading_timezone="Asia/Tokyo")
    monday_9_tokyo = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)

    assert due_week(team, monday_9_tokyo - timedelta(minutes=1)) is None
    assert due_week(team, monday_9_tokyo) == WEEK
    # Sunday 23:00 in Tokyo is still the same week.
    assert due_week(team, datetime(2026, 3, 15, 14, 0, tzinfo=UTC)) == WEEK


def test_due_week_falls_back_to_utc_for_an_unknown_zone():
    team = m.Team(slug="x", reading_day=0, reading_time=time(9), reading_timezone="Mars/Olympus")

    assert due_week(team, datetime(2026, 3, 9, 9, 0, tzinfo=UTC)) == WEEK


@pytest.mark.django_db
def test_due_team_weeks_lists_due_teams_without_a_digest():
    due = TeamFactory(slug="due", reading_day=m.Weekday.MONDAY, reading_time=time(9))
    TeamFactory(slug="later", reading_day=m.Weekday.FRIDAY, reading_time=time(9))
    done = TeamFactory(slug="done", reading_day=m.Weekday.MONDAY, reading_time=time(8))
    DigestFactory(team=done, week_start=WEEK, run_count=1)

    assert due_team_weeks(datetime(2026, 3, 10, 12, tzinfo=UTC)) == [(due, WEEK)]


@pytest.mark.django_db
def test_due_team_weeks_restarts_a_digest_whose_run_died_before_its_first_pass():
    team = TeamFactory(slug="crashed", reading_time=time(9))
    digest = DigestFactory(team=team, week_start=WEEK, run_count=0)
    m.Digest.objects.filter(pk=digest.pk).update(created_at=datetime(2026, 3, 9, 9, tzinfo=UTC))

    assert due_team_weeks(datetime(2026, 3, 9, 9, 10, tzinfo=UTC)) == []  # maybe still running
    assert due_team_weeks(datetime(2026, 3, 9, 11, tzinfo=UTC)) == [(team, WEEK)]


@pytest.mark.django_db
def test_stalled_digest_ids_finds_retries_nobody_picked_up():
    digest = DigestFactory(week_start=WEEK)
    now = datetime(2026, 3, 9, 12, tzinfo=UTC)
    m.DigestDelivery.objects.create(
        digest=digest, user=UserFactory(), week_start=WEEK, next_attempt_at=now - timedelta(hours=2)
    )
    waiting = DigestFactory(week_start=WEEK)
    m.DigestDelivery.objects.create(
        digest=waiting, user=UserFactory(), week_start=WEEK, next_attempt_at=now + timedelta(minutes=5)
    )

    assert stalled_digest_ids(now) == [digest.pk]


@pytest.mark.django_db
def test_beat_schedule_entry_is_created_by_the_migration():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="postmortems.tasks.send_due_digests")

    assert entry.enabled
    assert (entry.interval.every, entry.interval.period) == (15, "minutes")
