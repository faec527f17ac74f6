"""The `## Timeline` section of a template postmortem: a zone line, then a table (or a list) of time and event.

Rows whose time is a placeholder (`HH:mm`, `??`, `--:--`, a date alone) cannot become events, because an
event needs a precise time; they are kept in metadata and reported as warnings, never failing the file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from postmortems.importers.problems import Problem
from postmortems.importers.timezones import resolve_zone

if TYPE_CHECKING:
    from postmortems.importers.sections import Section

_ZONE_SENTENCE = re.compile(r"\b(?:times?|dates?)\b[^|\n]{0,40}?\b(?:in|are)\s+([A-Za-z][A-Za-z0-9_+\-/]*)", re.I)
_ZONE_PAREN = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9_+\-/]*)\s*\)")
_DATETIME = re.compile(
    r"^\s*~?\s*(?P<y>\d{4,5})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:(?:\s*T\s*|\s+|,\s*)(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d?]))?(?P<rest>.*)$"
)
_TIME_ONLY = re.compile(r"^\s*~?\s*(?P<h>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*~?\s*$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+(.*)$")
_QUIET_REST = {"", "~", "z", "utc"}
_BR = re.compile(r"<br\s*/?>", re.I)


@dataclass
class TimelineResult:
    zone: str = "UTC"
    events: list[tuple[datetime, str]] = field(default_factory=list)  # naive, in `zone`
    untimed: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    first_date: date | None = None


def parse_timeline(name: str, sections: list[Section], file_year: int | None) -> TimelineResult:
    result = TimelineResult()
    if not sections:
        return result
    result.zone = _zone(name, sections, result)
    rows: list[tuple[int, str, str]] = []  # (line, time cell, event text)
    for section in sections:
        rows.extend(_rows(section, result))
    last_date: date | None = None
    for line, when, what in rows:
        if not what:
            continue
        moment, note = read_moment(when, last_date, file_year)
        if moment is None:
            if result.first_date is None:
                result.first_date = _date_only(when)
            result.untimed.append({"when": when, "text": what})
            reason = "has no precise time" if when else "has no time"
            result.warnings.append(Problem(name, f"line {line}", f"timeline row {when!r} {reason}; kept in metadata"))
            continue
        if note:
            result.warnings.append(Problem(name, f"line {line}", note))
        last_date = moment.date()
        result.first_date = result.first_date or last_date
        result.events.append((moment, what))
    return result


def _zone(name: str, sections: list[Section], result: TimelineResult) -> str:
    """The zone named by a line such as "All times in CET." or a header such as "Time (UTC)"."""
    lines = [line for section in sections for line in section.lines]
    prose = [line for line in lines if not line.strip().startswith("|")]
    headers = [line for line in lines if line.strip().startswith("|") and not _DATETIME.match(_cells(line)[0])]
    named = []
    for line in prose + headers:
        named += [m.group(1) for m in _ZONE_SENTENCE.finditer(line)] + [m.group(1) for m in _ZONE_PAREN.finditer(line)]
    for candidate in named:
        resolved = resolve_zone(candidate)
        if resolved:
            return resolved
    where = f"line {sections[0].line}"
    message = f"unknown time zone {named[0]!r}" if named else "the timeline does not say its time zone"
    result.warnings.append(Problem(name, where, f"{message}; times read as UTC"))
    return "UTC"


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]


def _clean(cell: str) -> str:
    return html.unescape(_BR.sub("\n", cell)).strip()


def _rows(section: Section, result: TimelineResult) -> list[tuple[int, str, str]]:
    rows = []
    columns: tuple[int, int] | None = None
    for offset, line in enumerate(section.lines, start=1):
        number = section.line + offset
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = _cells(stripped)
            if all(_SEPARATOR_CELL.match(cell) for cell in cells if cell) and any(cells):
                continue
            if columns is None and not _DATETIME.match(cells[0]) and not _TIME_ONLY.match(cells[0]):
                columns = _columns(cells)
                continue
            time_col, text_col = columns or (0, 1)
            when = cells[time_col] if time_col < len(cells) else ""
            what = cells[text_col] if text_col < len(cells) else ""
            rows.append((number, _clean(when), _clean(what)))
            continue
        columns = None
        item = _LIST_ITEM.match(line)
        if item:
            when, what = _split_list_item(item.group(1))
            rows.append((number, when, _clean(what)))
        elif stripped and not _ZONE_SENTENCE.search(stripped):
            result.notes.append(stripped)
    return rows


def _columns(header: list[str]) -> tuple[int, int]:
    """Which cells hold the time and the event, by header text; first and second column otherwise."""
    lowered = [cell.lower() for cell in header]
    time_col = next((i for i, cell in enumerate(lowered) if any(w in cell for w in ("time", "date", "when"))), 0)
    words = ("event", "description", "what", "detail", "action", "note", "summary")
    text_col = next(
        (i for i, cell in enumerate(lowered) if i != time_col and any(w in cell for w in words)),
        next((i for i in range(len(header)) if i != time_col), 1),
    )
    return time_col, text_col


def _split_list_item(text: str) -> tuple[str, str]:
    """`**2021-06-22 08:21** - Pipeline ran` -> ("2021-06-22 08:21", "Pipeline ran")."""
    plain = text.replace("**", "").replace("`", "").strip()
    match = _DATETIME.match(plain)
    if match and match.group("h"):
        end = len(plain) - len(match.group("rest"))
        return plain[:end].strip(), match.group("rest").lstrip(" -–—:|").strip()
    match = re.match(r"^(~?\d{1,2}[:.h]\d{2}(?::\d{2})?)\b(.*)$", plain)
    if match:
        return match.group(1), match.group(2).lstrip(" -–—:|").strip()
    return "", plain


def read_moment(cell: str, last_date: date | None, file_year: int | None) -> tuple[datetime | None, str]:
    """A naive local datetime from a timeline cell, and a note when the cell had to be read generously."""
    match = _DATETIME.match(cell)
    if match is None:
        only = _TIME_ONLY.match(cell)
        if only is None or last_date is None:
            return None, ""
        try:
            return _build(last_date.year, last_date.month, last_date.day, only), ""
        except ValueError:
            return None, ""
    if match.group("h") is None:
        return None, ""
    year_text = match.group("y")
    note = ""
    if len(year_text) == 5:
        # "20202-01-16": a doubled digit. Accepted only when the file name confirms the year.
        if file_year is None or year_text[:4] != str(file_year):
            return None, ""
        note = f"read the year {year_text!r} as {year_text[:4]}"
        year_text = year_text[:4]
    rest = match.group("rest").strip()
    if rest.lower() not in _QUIET_REST:
        note = f"read {cell!r} as {match.group('h')}:{match.group('mi')}"
    try:
        moment = _build(int(year_text), int(match.group("mo")), int(match.group("d")), match)
    except ValueError:
        return None, ""
    return moment, note


def _build(year: int, month: int, day: int, match: re.Match[str]) -> datetime:
    return datetime(year, month, day, int(match.group("h")), int(match.group("mi")), int(match.group("s") or 0))


def _date_only(cell: str) -> date | None:
    match = _DATETIME.match(cell)
    if match is None or len(match.group("y")) != 4:
        return None
    try:
        return date(int(match.group("y")), int(match.group("mo")), int(match.group("d")))
    except ValueError:
        return None


# --- A block of lines pasted into the editor ------------------------------------------------------------


@dataclass(frozen=True)
class PastedEvent:
    line: int
    moment: datetime  # naive, in the postmortem's zone
    text: str


@dataclass(frozen=True)
class PasteProblem:
    line: int
    content: str
    reason: str


def parse_pasted_timeline(text: str, start_day: date | None) -> tuple[list[PastedEvent], list[PasteProblem]]:
    """Lines of `HH:MM text` or `YYYY-MM-DD HH:MM | text` (list bullets and bold times allowed) as events.

    An HH:MM line falls on the day of the last dated line above it, or on `start_day` (the incident's first
    day). Blank lines are skipped; every other line becomes an event or a problem with its number and reason.
    """
    events: list[PastedEvent] = []
    problems: list[PasteProblem] = []
    day = start_day
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        item = _LIST_ITEM.match(line)
        when, what = _split_list_item(item.group(1) if item else line)
        if not when:
            problems.append(PasteProblem(number, line, "it does not start with a time (HH:MM or YYYY-MM-DD HH:MM)"))
            continue
        if _TIME_ONLY.match(when) and day is None:
            reason = "it has no date and the incident has no start time yet: write YYYY-MM-DD HH:MM | text"
            problems.append(PasteProblem(number, line, reason))
            continue
        moment, _note = read_moment(when.lstrip("~"), day, None)
        if moment is None:
            problems.append(PasteProblem(number, line, f"{when!r} is not a valid date and time"))
            continue
        if not what:
            problems.append(PasteProblem(number, line, "there is no text after the time"))
            continue
        day = moment.date()
        events.append(PastedEvent(number, moment, what))
    return events, problems
