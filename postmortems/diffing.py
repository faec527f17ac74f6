"""Differences between two revision snapshots, field by field, for the history pages.

A snapshot (services.snapshot) is plain JSON: scalars, markdown text, lists of strings and lists of dicts
(timeline events, contributing factors, action items). Every value is turned into lines of readable text,
the lines are compared, and lines that changed in place are compared word by word. Any key is rendered, so
keys added to snapshots later need nothing here; `FIELD_ORDER` and `LABELS` only make known ones read well.

Everything produced is plain text in `Segment`s: templates escape it (snapshots hold raw markdown as typed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from postmortems.models import Kind, Severity, Status
from postmortems.templatetags.ui import incident_zone

# Keys that change on every save, or that are bookkeeping rather than content.
IGNORED_KEYS = frozenset({"version"})
# Inside list items (timeline events, factors, ...): ids and positions say nothing a reader needs.
IGNORED_ITEM_KEYS = frozenset({"id", "pk", "position"})
# Inside list items these lead the line without a label ("09:20 · decision · Kept the warmer running").
BARE_ITEM_KEYS = ("occurred_at", "kind", "factor", "role", "title", "text")

FIELD_ORDER = (
    "title",
    "status",
    "kind",
    "severity",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "timezone",
    "summary",
    "impact",
    "timeline",
    "narrative",
    "contributing_factors",
    "went_well",
    "got_lucky",
    "open_questions",
    "action_items",
    "services",
    "authors",
    "restricted",
    "allowed_teams",
    "source_url",
    "in_library",
    "metadata",
    "key",
)
LABELS = {
    "started_at": "Started",
    "detected_at": "Detected",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
    "timezone": "Time zone",
    "went_well": "What went well",
    "got_lucky": "Where we got lucky",
    "contributing_factors": "Contributing factors",
    "action_items": "Action items",
    "allowed_teams": "Teams that may see it",
    "source_url": "Source",
    "in_library": "In the public library",
    "why_it_made_sense": "why it made sense",
}
CHOICES = {"kind": dict(Kind.choices), "status": dict(Status.choices), "severity": dict(Severity.choices)}

CONTEXT_LINES = 2  # unchanged lines shown around a change; longer unchanged runs are folded
MAX_WORD_TOKENS = 4000  # past this a changed line is shown whole rather than compared word by word
PAIR_SIMILARITY = 0.3  # lines less alike than this are shown as removed and added, not as one edited line
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass
class DiffLine:
    """One line of a field's difference: `same`, `removed`, `added`, or `fold` (unchanged lines not shown)."""

    op: str
    segments: list[Segment] = field(default_factory=list)
    folded: int = 0


@dataclass
class FieldDiff:
    key: str
    label: str
    lines: list[DiffLine]

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.op == "removed")

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.op == "added")


@dataclass
class SnapshotDiff:
    fields: list[FieldDiff]
    unchanged: list[str]  # labels of the fields that are the same in both
    # Labels of fields only one of the two recorded (snapshots from before a field was kept), never compared.
    not_recorded: list[str] = field(default_factory=list)


def label_for(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").strip().capitalize()


def _format_time(value: str, zone_name: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(incident_zone(zone_name))
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} {moment.tzname() or ''}".rstrip()


def _scalar(value: Any, key: str = "", zone: str = "UTC") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in CHOICES and value in CHOICES[key]:
        return str(CHOICES[key][value])
    if isinstance(value, str):
        return _format_time(value, zone) if _ISO_TIME.match(value) else value
    if isinstance(value, list):
        return ", ".join(_scalar(item, zone=zone) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{label_for(k).lower()}: {_scalar(v, k, zone)}" for k, v in value.items())
    return str(value)


def _item_line(item: Any, zone: str) -> str:
    """One list item as a line; a dict leads with its identifying values, then `label: value` for the rest."""
    if not isinstance(item, dict):
        return " ".join(_scalar(item, zone=zone).split())
    keys = [k for k in item if k not in IGNORED_ITEM_KEYS and item[k] not in (None, "", [], {})]
    bare = [k for k in BARE_ITEM_KEYS if k in keys]
    parts = [_scalar(item[k], k, zone) for k in bare]
    parts += [f"{label_for(k).lower()}: {_scalar(item[k], k, zone)}" for k in keys if k not in bare]
    return " ".join(" · ".join(parts).split())  # one line: newlines inside long values become spaces


def value_lines(key: str, value: Any, zone: str = "UTC") -> list[str]:
    """A snapshot value as lines of readable text; an empty value has no lines."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, list):
        return [_item_line(item, zone) for item in value]
    if isinstance(value, dict):
        return [f"{k}: {_scalar(v, k, zone)}" for k, v in sorted(value.items())]
    if isinstance(value, str) and not _ISO_TIME.match(value) and key not in CHOICES:
        return value.splitlines() or [value]
    return [_scalar(value, key, zone)]


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        elif segment.text:
            merged.append(segment)
    return merged


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """Both lines split into segments, with the words that differ marked as changed."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) > MAX_WORD_TOKENS or len(b) > MAX_WORD_TOKENS:
        return [Segment(old, True)], [Segment(new, True)]
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left.append(Segment("".join(a[i1:i2]), op != "equal"))
        right.append(Segment("".join(b[j1:j2]), op != "equal"))
    return _merge(left), _merge(right)


def _replace_block(old: list[str], new: list[str]) -> list[DiffLine]:
    """Lines replaced by other lines: pairs that are alike get word highlights; removed lines come first."""
    removed: list[DiffLine] = []
    added: list[DiffLine] = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is not None and after is not None:
            if SequenceMatcher(None, before, after, autojunk=False).quick_ratio() >= PAIR_SIMILARITY:
                left, right = word_diff(before, after)
                removed.append(DiffLine("removed", left))
                added.append(DiffLine("added", right))
                continue
        if before is not None:
            removed.append(DiffLine("removed", [Segment(before)]))
        if after is not None:
            added.append(DiffLine("added", [Segment(after)]))
    return removed + added


def _same_block(lines: list[str], *, first: bool, last: bool) -> list[DiffLine]:
    """Unchanged lines, folded to a little context either side of the changes around them."""
    keep_head = 0 if first else CONTEXT_LINES
    keep_tail = 0 if last else CONTEXT_LINES
    if len(lines) <= keep_head + keep_tail + 1:
        return [DiffLine("same", [Segment(line)]) for line in lines]
    shown = [DiffLine("same", [Segment(line)]) for line in lines[:keep_head]]
    shown.append(DiffLine("fold", folded=len(lines) - keep_head - keep_tail))
    shown += [DiffLine("same", [Segment(line)]) for line in lines[len(lines) - keep_tail :]]
    return shown


def diff_lines(old: list[str], new: list[str]) -> list[DiffLine]:
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    result: list[DiffLine] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            result += _same_block(old[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
        elif op == "delete":
            result += [DiffLine("removed", [Segment(line)]) for line in old[i1:i2]]
        elif op == "insert":
            result += [DiffLine("added", [Segment(line)]) for line in new[j1:j2]]
        else:
            result += _replace_block(old[i1:i2], new[j1:j2])
    return result


def _ordered_keys(*snapshots: dict[str, Any]) -> list[str]:
    keys = {key for snapshot in snapshots for key in snapshot} - IGNORED_KEYS
    known = [key for key in FIELD_ORDER if key in keys]
    return known + sorted(keys - set(known))


def _recorded_by_one(old: dict[str, Any] | None, new: dict[str, Any], key: str) -> bool:
    """A key only one snapshot has: older revisions kept fewer fields, which is no change to the postmortem."""
    return old is not None and (key in old) != (key in new)


def changed_keys(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    keys = _ordered_keys(old or {}, new)
    return [k for k in keys if not _recorded_by_one(old, new, k) and (old or {}).get(k) != new.get(k)]


def compare_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> SnapshotDiff:
    """Field-by-field difference from `old` (None: nothing before) to `new`."""
    result = SnapshotDiff([], [])
    before_zone = str((old or {}).get("timezone") or "UTC")
    after_zone = str(new.get("timezone") or "UTC")
    for key in _ordered_keys(old or {}, new):
        if _recorded_by_one(old, new, key):
            result.not_recorded.append(label_for(key))
        elif (old or {}).get(key) == new.get(key):
            result.unchanged.append(label_for(key))
        else:
            before = value_lines(key, (old or {}).get(key), before_zone)
            after = value_lines(key, new.get(key), after_zone)
            result.fields.append(FieldDiff(key, label_for(key), diff_lines(before, after)))
    return result


_STATUS_STEPS = {
    (Status.DRAFT, Status.IN_REVIEW): "Submitted for review",
    (Status.IN_REVIEW, Status.DRAFT): "Sent back to draft",
    (Status.IN_REVIEW, Status.PUBLISHED): "Published",
    (Status.DRAFT, Status.PUBLISHED): "Published",
}


def describe_change(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """What kind of change a revision was, in a few words: created, a review step, or which fields were edited."""
    if old is None:
        return "Created"
    status_step = (old.get("status"), new.get("status"))
    if status_step[0] != status_step[1]:
        step = _STATUS_STEPS.get(status_step) or f"Status: {_scalar(status_step[1], 'status')}"
        others = [key for key in changed_keys(old, new) if key != "status"]
        return step if not others else f"{step}; edited {', '.join(label_for(k).lower() for k in others)}"
    edited = changed_keys(old, new)
    if not edited:
        return "Saved without changes"
    return "Edited " + ", ".join(label_for(key).lower() for key in edited)
