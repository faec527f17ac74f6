"""Plain Markdown in the common postmortem template: `# Title`, then `## Summary`, `## Timeline`, ...

Sections are matched by heading text, never by position. Summary, impact, what went well, where we got
lucky and open questions fill the fields of the same name; timeline rows become events; contributing
factor bullets become unclassified factors (someone assigns taxonomy factors later); action item
bullets become action items; lessons learned and any other section are kept in the narrative under
their own heading; attendees and stats go to metadata. Placeholder rows never fail a file: they are
reported as warnings and kept in metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any

from postmortems.importers.problems import Problem
from postmortems.importers.timeline_text import TimelineResult, parse_timeline
from postmortems.importers.timezones import zone

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,3}[.)])(?:[ \t]+(.*))?$")
_CHECKBOX = re.compile(r"^\[([ xX])\]\s*")
_FILE_KEY = re.compile(r"^PM-?(\d{4})-(\d{3,})", re.I)
_STAT = re.compile(r"^\s*[-*+]\s*([^:]{1,60}):\s*(.*)$")
_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b", re.I
)
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1, "s": 1 / 60}
MAX_ACTION_TITLE = 300

ALIASES = {
    "summary": {"summary", "executive summary", "overview", "incident summary", "description", "what happened"},
    "impact": {"impact", "customer impact", "user impact", "business impact"},
    "timeline": {"timeline", "time line", "incident timeline", "chronology", "sequence of events"},
    "factors": {
        "contributing factors",
        "contributing factor",
        "contributors",
        "causes",
        "cause",
        "root cause",
        "root causes",
        "findings",
    },
    "actions": {
        "action items",
        "action item",
        "actions",
        "action points",
        "follow up",
        "follow ups",
        "followups",
        "follow up actions",
        "corrective actions",
        "remediation",
        "remediations",
        "next steps",
    },
    "lessons": {"lessons learned", "lessons learnt", "lessons", "learnings", "what we learned"},
    "went_well": {"what went well", "went well", "things that went well"},
    "got_lucky": {"where we got lucky", "we got lucky", "got lucky", "what was lucky", "luck"},
    "open_questions": {"open questions", "unanswered questions", "questions"},
    "attendees": {"attendees", "atendees", "attendants", "participants", "people involved"},
    "stats": {"stats", "statistics", "metrics", "incident stats"},
}
_KIND_OF = {alias: kind for kind, names in ALIASES.items() for alias in names}
_TEXT_FIELDS = {"summary": "summary", "impact": "impact", "went_well": "went_well", "got_lucky": "got_lucky"}


@dataclass
class Section:
    heading: str
    kind: str | None
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


def section_kind(heading: str) -> str | None:
    """The kind of section a heading names: "Contributing Factors (findings)" -> "factors"."""
    text = re.sub(r"\(.*?\)", " ", heading.lower())
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return _KIND_OF.get(" ".join(text.split()))


def split_sections(text: str) -> tuple[str | None, list[str], list[Section]]:
    """(title, lines before the first section, sections). Headings inside fenced code do not count."""
    title: str | None = None
    preamble: list[str] = []
    sections: list[Section] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        fence_match = _FENCE.match(line)
        if fence_match and (fence is None or fence_match.group(1).startswith(fence)):
            fence = None if fence else fence_match.group(1)[:3]
        heading = None if fence or fence_match else _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and title is None and not sections:
            title = heading.group(2).strip()
        elif heading and len(heading.group(1)) <= 2:
            sections.append(Section(heading.group(2).strip(), section_kind(heading.group(2)), number))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return title, preamble, sections


def parse_sections(name: str, text: str) -> tuple[dict[str, Any], list[Problem]] | Problem:
    """The document dictionary and warnings, or a Problem when this is not a postmortem at all."""
    warnings: list[Problem] = []
    title, preamble, sections = split_sections(text)
    file_key, file_year, file_title = file_name_parts(name)
    if not title:
        if not file_title:
            return Problem(name, "line 1", "no '# Title' heading")
        title = file_title
        warnings.append(Problem(name, "", f"no '# Title' heading; took the title from the file name: {title!r}"))
    if not any(section.kind for section in sections):
        known = "Summary, Timeline, Contributing Factors, Action Items, Lessons Learned"
        return Problem(name, "", f"no recognised section ({known}); is this a postmortem?")

    data: dict[str, Any] = {"title": title, "metadata": {}}
    if file_key:
        data["key"] = file_key
    narrative: list[str] = ["\n".join(preamble).strip("\n")]
    by_kind: dict[str, list[Section]] = {}
    for section in sections:
        by_kind.setdefault(section.kind or "other", []).append(section)
        if section.kind in (None, "lessons"):
            narrative.append(f"## {section.heading}\n\n{section.text}".strip())
    for kind, name_ in _TEXT_FIELDS.items():
        data[name_] = _joined(by_kind.get(kind))
    data["open_questions"] = _joined(by_kind.get("open_questions"))
    data["narrative"] = "\n\n".join(part for part in narrative if part)

    timeline = parse_timeline(name, by_kind.get("timeline", []), file_year)
    warnings.extend(timeline.warnings)
    data["timezone"] = timeline.zone
    data["timeline"] = [{"at": at, "text": text} for at, text in timeline.events]
    for key, value in (("untimed_events", timeline.untimed), ("timeline_notes", timeline.notes)):
        if value:
            data["metadata"][key] = value
    data["factors"] = [{"narrative": item} for item in _factor_items(by_kind.get("factors", []))]
    data["action_items"] = _action_items(name, by_kind.get("actions", []), warnings)
    attendees = _attendees(by_kind.get("attendees", []))
    if attendees:
        data["metadata"]["attendees"] = attendees
    stats = _stats(by_kind.get("stats", []))
    if stats:
        data["metadata"]["stats"] = stats
    _incident_times(name, data, timeline, stats, file_year, warnings)
    return data, warnings


def file_name_parts(name: str) -> tuple[str | None, int | None, str]:
    """`PM2021-005 - All services returning 503.md` -> ("PM-2021-005", 2021, "All services returning 503")."""
    base = PurePath(name).name
    for suffix in (".md", ".markdown", ".txt"):
        base = base.removesuffix(suffix)
    match = _FILE_KEY.match(base)
    if not match:
        # A title is only trusted from a name that follows the `<key> - <title>` convention.
        return None, None, ""
    year, number = match.groups()
    title = base[match.end() :].strip(" -_–—")
    return f"PM-{year}-{int(number):03d}", int(year), title


def _joined(sections: list[Section] | None) -> str:
    return "\n\n".join(section.text for section in sections or () if section.text.strip())


def _list_items(sections: list[Section]) -> list[tuple[int, str]]:
    """Bullets as (depth, text) with continuation lines joined; free paragraphs come back at depth 0.

    Intro lines ending with ':' and sub-headings are left out: they frame a list, they are not items.
    """
    items: list[tuple[int, list[str], bool]] = []  # (depth, lines, is a bullet)
    indents: list[int] = []
    blank = True
    for section in sections:
        for line in section.lines:
            bullet = _BULLET.match(line)
            if bullet:
                indent = len(bullet.group(1).expandtabs(4))
                while indents and indents[-1] > indent:
                    indents.pop()
                if not indents or indents[-1] < indent:
                    indents.append(indent)
                items.append((len(indents) - 1, [(bullet.group(2) or "").strip()], True))
                blank = False
            elif not line.strip() or _HEADING.match(line):
                blank = True
            elif items and items[-1][2] and (not blank or line[:1] in (" ", "\t")):
                items[-1][1].append(line.strip())  # continuation of a bullet, lazy or indented
            elif items and not items[-1][2] and not blank:
                items[-1][1].append(line.strip())  # the same paragraph
            else:
                items.append((0, [line.strip()], False))
                indents = []
                blank = False
    result = []
    for depth, lines, is_bullet in items:
        text = "\n".join(lines).strip()
        if text and (is_bullet or not text.endswith(":")):
            result.append((depth, text))
    return result


def _factor_items(sections: list[Section]) -> list[str]:
    """Each top-level bullet is one factor; nested bullets stay with it as a list under its text."""
    factors: list[list[str]] = []
    for depth, text in _list_items(sections):
        if depth == 0 or not factors:
            factors.append([text])
        else:
            factors[-1].append(f"- {text}")
    return [parts[0] + ("\n\n" + "\n".join(parts[1:]) if len(parts) > 1 else "") for parts in factors]


def _action_items(name: str, sections: list[Section], warnings: list[Problem]) -> list[dict[str, str]]:
    """Every bullet (nested ones too: they are concrete tasks) is an action item; `[x]` marks it done."""
    items = []
    for _depth, text in _list_items(sections):
        status = "open"
        checkbox = _CHECKBOX.match(text)
        if checkbox:
            status = "open" if checkbox.group(1) == " " else "done"
            text = text[checkbox.end() :]
        title = " ".join(text.split())
        if not title:
            continue
        if len(title) > MAX_ACTION_TITLE:
            cut = title[: MAX_ACTION_TITLE - 1].rsplit(" ", 1)[0]
            warnings.append(
                Problem(name, "Action Items", f"shortened an action item of {len(title)} characters: {cut[:60]!r}...")
            )
            title = cut + "…"
        items.append({"title": title, "status": status})
    return items


def _attendees(sections: list[Section]) -> list[str]:
    people: list[str] = []
    for _depth, text in _list_items(sections):
        people.extend(part.strip() for part in re.split(r"[,;\n]", text) if part.strip())
    return people


def _stats(sections: list[Section]) -> dict[str, Any]:
    """`- Time to detection: 8 minutes` -> {"time_to_detection": "8 minutes", "time_to_detection_minutes": 8}."""
    stats: dict[str, Any] = {}
    notes = []
    for section in sections:
        for line in section.lines:
            match = _STAT.match(line)
            if match:
                key = re.sub(r"[^a-z0-9]+", "_", match.group(1).lower()).strip("_")
                stats[key] = match.group(2).strip()
                minutes = duration_minutes(match.group(2)) if key.startswith("time_to") else None
                if minutes is not None:
                    stats[f"{key}_minutes"] = minutes
            elif line.strip():
                notes.append(line.strip())
    if notes:
        stats["notes"] = notes
    return stats


def duration_minutes(text: str) -> int | None:
    """ "19 hours 43 minutes." -> 1183; "N/A" or "?" -> None."""
    found = _DURATION.findall(text)
    if not found:
        return None
    total = sum(float(number.replace(",", ".")) * _UNIT_MINUTES[unit[0].lower()] for number, unit in found)
    return round(total)


def _incident_times(
    name: str,
    data: dict[str, Any],
    timeline: TimelineResult,
    stats: dict[str, Any],
    file_year: int | None,
    warnings: list[Problem],
) -> None:
    """The incident starts at the earliest timeline row; detection and recovery come from the stats.

    Time to detection and recovery are durations from the start, but the first row is sometimes an
    earlier precondition (a release two days before). So they become `detected_at` and `resolved_at`
    only when each lands exactly on a timeline row; otherwise they stay in metadata alone.
    """
    moments = sorted(at for at, _ in timeline.events)
    if not moments:
        if timeline.first_date is not None:
            data["started_at"] = datetime.combine(timeline.first_date, datetime.min.time())
            warnings.append(Problem(name, "Timeline", "no row has a precise time; the incident start is its date"))
        else:
            year = f" (the file name says {file_year})" if file_year else ""
            warnings.append(Problem(name, "Timeline", f"no dated timeline row, so no incident start{year}"))
        return
    start = data["started_at"] = moments[0]
    durations = {
        "detected_at": stats.get("time_to_detection_minutes"),
        "resolved_at": stats.get("time_to_recovery_minutes"),
    }
    given = {name: minutes for name, minutes in durations.items() if isinstance(minutes, int)}
    if given and all(start + timedelta(minutes=minutes) in moments for minutes in given.values()):
        for field_name, minutes in given.items():
            data[field_name] = _shift(start, minutes, timeline.zone)


def _local_to_utc(moment: datetime, zone_name: str) -> datetime:
    return moment.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def _shift(moment: datetime, minutes: int, zone_name: str) -> datetime:
    # Durations are added in UTC, so a daylight-saving change inside the incident does not shift them.
    return _local_to_utc(moment, zone_name) + timedelta(minutes=minutes)
