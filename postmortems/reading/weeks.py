"""ISO weeks, and when each team's weekly reading falls in its own time zone."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postmortems.models import Team

logger = logging.getLogger(__name__)

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
UTC = ZoneInfo("UTC")


def parse_iso_week(value: str) -> date:
    """'2026-W07' to the Monday of that ISO week; ValueError with a readable reason otherwise."""
    match = _ISO_WEEK.match(value.strip())
    if not match:
        raise ValueError(f"week must look like 2026-W07, got {value!r}")
    year, week = int(match[1]), int(match[2])
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no ISO week {week}") from None


def week_label(week_start: date) -> str:
    return f"{week_start:%G-W%V}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def team_zone(team: Team) -> ZoneInfo:
    """The team's reading time zone; an unknown name falls back to UTC (and says so in the log)."""
    try:
        return ZoneInfo(team.reading_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown reading time zone, using UTC", extra={"team": team.slug, "zone": team.reading_timezone})
        return UTC


def _reading_time(team: Team) -> time:
    value = team.reading_time
    return value if isinstance(value, time) else time.fromisoformat(value)


def week_begins_at(team: Team, week_start: date) -> datetime:
    """Monday 00:00 of the week in the team's zone: selection only looks at what existed by then."""
    return datetime.combine(week_start, time.min, tzinfo=team_zone(team))


def reading_moment(team: Team, week_start: date) -> datetime:
    """When the team's reading for the week starting `week_start` is due, as an aware datetime."""
    day = week_start + timedelta(days=team.reading_day)
    return datetime.combine(day, _reading_time(team), tzinfo=team_zone(team))


def current_week(team: Team, now: datetime) -> date:
    """Monday of the ISO week the team is in at `now`, by its own calendar."""
    return monday_of(now.astimezone(team_zone(team)).date())


def due_week(team: Team, now: datetime) -> date | None:
    """The week whose reading is due for the team at `now`, or None before this week's reading moment.

    A run missed while beat was down is caught up later the same week; a week missed entirely is
    not sent late, because last week's digest is no longer this week's reading.
    """
    week = current_week(team, now)
    return week if now >= reading_moment(team, week) else None
