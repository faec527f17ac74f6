"""The postmortem document every format is read into, and the checks that need no database.

Front matter and JSON carry the same keys (docs/import-export.md lists them); the section-template
parser builds the same dictionary from headings. `clean_document` turns that dictionary into a typed
`PostmortemIn`, collecting every problem with its key path rather than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug

from postmortems.importers.problems import NO_LOCATOR, Locator, Problem
from postmortems.importers.records import (
    IMPORT_METADATA_KEY,
    TIME_FIELDS,
    ActionIn,
    EventIn,
    EvidenceIn,
    FactorIn,
    PostmortemIn,
    fingerprint,
)
from postmortems.importers.timezones import resolve_zone, zone
from postmortems.models import (
    MARKDOWN_FIELDS,
    ActionKind,
    ActionStatus,
    EventKind,
    EvidenceType,
    FactorRole,
    Kind,
    ServiceRole,
    Status,
)

KEY_PREFIX = "PM-"
DOCUMENT_KEYS = frozenset(
    {
        "key",
        "title",
        "kind",
        "severity",
        "status",
        "timezone",
        *TIME_FIELDS,
        "published_at",
        *MARKDOWN_FIELDS,
        "source_url",
        "in_library",
        "restricted",
        "teams",
        "authors",
        "services",
        "timeline",
        "factors",
        "assumptions",
        "action_items",
        "metadata",
    }
)

# Choice lists computed once: an enum's `.values` builds a new list on every access.
_VALUES = {
    enum.__name__: tuple(enum.values)
    for enum in (Status, Kind, ServiceRole, EventKind, FactorRole, EvidenceType, ActionKind, ActionStatus)
}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0", ""}
_url_validator = URLValidator(schemes=["http", "https"])
_yaml_constructor = yaml.constructor.SafeConstructor()


def normalise_key(value: str) -> str | None:
    """`PM-2021-005`, `PM2021-005` or `pm-2021-5`-like keys as the database wants them, or None."""
    text = value.strip().upper()
    if not text.startswith("PM"):
        return None
    body = text[2:].lstrip("-")
    year, sep, number = body.partition("-")
    if not sep or len(year) != 4 or not year.isdigit() or not number.isdigit():
        return None
    return f"{KEY_PREFIX}{year}-{int(number):03d}"


class _Cleaner:
    """Collects problems while converting one document; every method returns a usable value."""

    def __init__(self, file: str, locator: Locator, path_prefix: str) -> None:
        self.file = file
        self.locator = locator
        self.prefix = path_prefix
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(Problem(self.file, self.locator.where(self.prefix + path), message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(Problem(self.file, self.locator.where(self.prefix + path), message))

    def text(self, value: Any, path: str, *, max_length: int | None = None, required: bool = False) -> str:
        if type(value) is str and (max_length is None or len(value) <= max_length) and (not required or value.strip()):
            return value  # the usual case, checked in one line because every text field passes here
        if value is None:
            value = ""
        elif isinstance(value, bool) or not isinstance(value, str | int | float | date):
            self.error(path, f"expected text, got {_type_name(value)}")
            return ""
        text = value.isoformat() if isinstance(value, date) else str(value)
        if required and not text.strip():
            self.error(path, "is required and must not be empty")
        if max_length is not None and len(text) > max_length:
            self.error(path, f"is {len(text)} characters long; the limit is {max_length}")
        return text

    def choice(self, value: Any, path: str, choices: tuple[str, ...], default: str) -> str:
        if value is None or value == "":
            return default
        if value in choices:
            return value
        text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        if text not in choices:
            self.error(path, f"unknown value {value!r}; expected one of: {', '.join(choices)}")
            return default
        return text

    def boolean(self, value: Any, path: str) -> bool:
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        if str(value).strip().lower() in _TRUE:
            return True
        if str(value).strip().lower() in _FALSE:
            return False
        self.error(path, f"expected true or false, got {value!r}")
        return False

    def severity(self, value: Any, path: str) -> int | None:
        if value is None or value == "":
            return None
        text = str(value).strip().upper().removeprefix("SEV").strip()
        if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 4:
            self.error(path, f"unknown severity {value!r}; expected 1-4 or SEV1-SEV4")
            return None
        return int(text)

    def moment(self, value: Any, path: str, tz: str) -> datetime | None:
        """An ISO 8601 date and time; without an offset it is read in the postmortem's zone; stored in UTC."""
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime.combine(value, time())
        elif isinstance(value, str):
            parsed = _parse_moment(value.strip())
            if parsed is None:
                self.error(path, f"bad date {value!r}: expected ISO 8601 such as 2024-03-01T10:00:00Z")
                return None
        else:
            self.error(path, f"bad date {value!r}: expected ISO 8601 text")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone(tz))
        return parsed.astimezone(UTC)

    def day(self, value: Any, path: str) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.error(path, f"bad date {value!r}: expected YYYY-MM-DD")
            return None

    def url(self, value: Any, path: str) -> str:
        text = self.text(value, path, max_length=500).strip()
        if text:
            try:
                _url_validator(text)
            except ValidationError:
                self.error(path, f"not an http(s) URL: {text!r}")
        return text

    def slug(self, value: Any, path: str) -> str | None:
        text = self.text(value, path).strip()
        if not text:
            self.error(path, "is empty")
            return None
        try:
            validate_slug(text)
        except ValidationError:
            self.error(path, f"{text!r} is not a slug (letters, digits, hyphens, underscores)")
            return None
        if len(text) > 100:
            self.error(path, "is longer than 100 characters")
            return None
        return text

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str | dict):
            return [value]
        self.error(path, f"expected a list, got {_type_name(value)}")
        return []

    def slugs(self, value: Any, path: str) -> list[str]:
        result = []
        for i, item in enumerate(self.items(value, path)):
            slug = self.slug(item, f"{path}[{i}]")
            if slug and slug not in result:
                result.append(slug)
        return result

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.error(path, f"expected a mapping of keys to values, got {_type_name(value)}")
        return {}


def _parse_moment(text: str) -> datetime | None:
    """ISO 8601, or the looser timestamps YAML allows ("2001-12-14 21:59:43.10 -5")."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    if not _yaml_constructor.timestamp_regexp.match(text):
        return None
    try:
        parsed = _yaml_constructor.construct_yaml_timestamp(yaml.ScalarNode("tag:yaml.org,2002:timestamp", text))
    except ValueError:
        return None
    return parsed if isinstance(parsed, datetime) else datetime.combine(parsed, time())


def unstorable_text(data: Any, path: str = "") -> str | None:
    """The key path of the first text (key or value) holding NUL or an unpaired surrogate, else None."""
    if isinstance(data, str):
        if "\x00" in data:
            return path
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            found = unstorable_text(key, child) if isinstance(key, str) else None
            found = found if found is not None else unstorable_text(value, child)
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found = unstorable_text(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(type(value), type(value).__name__)


def jsonable(value: Any) -> Any:
    """YAML gives dates, sets and the like; metadata is stored as JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def clean_document(
    data: dict[str, Any],
    *,
    file: str,
    render: Callable[[str], str],
    locator: Locator = NO_LOCATOR,
    path_prefix: str = "",
    publish: bool = False,
    warnings: list[Problem] | None = None,
    escapes: bool = True,
) -> tuple[PostmortemIn | None, list[Problem], list[Problem]]:
    """Check one document; returns (postmortem or None, errors, warnings).

    `escapes=False` says the file had no backslash, so no escape sequence can have put a NUL character
    or a lone surrogate into its text (the file itself was checked for those).
    """
    c = _Cleaner(file, locator, path_prefix)
    if warnings:
        c.warnings.extend(warnings)
    bad_text = unstorable_text(data) if escapes else None
    if bad_text is not None:
        c.error(bad_text, "contains a NUL character or an unpaired surrogate, which no database can store")
        return None, c.errors, c.warnings
    metadata = jsonable(c.mapping(data.get("metadata") or {}, "metadata"))
    metadata.pop(IMPORT_METADATA_KEY, None)
    for name in sorted(set(data) - DOCUMENT_KEYS):
        if str(name).startswith("_"):
            c.warn(str(name), "keys starting with '_' are reserved; ignored")
            continue
        c.warn(str(name), "unknown key, kept in the postmortem's metadata")
        metadata[str(name)] = jsonable(data[name])

    key = None
    if data.get("key") not in (None, ""):
        key = normalise_key(str(data["key"]))
        if key is None or len(key) > 20:
            c.error("key", f"bad key {data['key']!r}: expected PM-YYYY-NNN, such as PM-2026-042")
            key = None
    tz_name = c.text(data.get("timezone"), "timezone").strip() or "UTC"
    tz = resolve_zone(tz_name)
    if tz is None:
        c.error("timezone", f"unknown time zone {tz_name!r}; use an IANA name such as Europe/Copenhagen")
        tz = "UTC"
    times = {name: c.moment(data.get(name), name, tz) for name in TIME_FIELDS}
    started = times["started_at"]
    for name in TIME_FIELDS[1:]:
        if started and times[name] and times[name] < started:
            c.error(name, f"is before started_at ({times[name].isoformat()} < {started.isoformat()})")
    status = Status.PUBLISHED.value if publish else c.choice(data.get("status"), "status", _VALUES["Status"], "draft")
    texts = {name: c.text(data.get(name), name) for name in MARKDOWN_FIELDS}
    pm = PostmortemIn(
        file=file,
        label=f"{file} {path_prefix.rstrip('.')}".strip(),
        key=key,
        title=c.text(data.get("title"), "title", max_length=200, required=True).strip(),
        kind=c.choice(data.get("kind"), "kind", _VALUES["Kind"], Kind.INCIDENT.value),
        severity=c.severity(data.get("severity"), "severity"),
        status=status,
        timezone=tz,
        times=times,
        published_at=c.moment(data.get("published_at"), "published_at", tz),
        texts=texts,
        html={name: render(text) for name, text in texts.items()},
        source_url=c.url(data.get("source_url"), "source_url"),
        in_library=c.boolean(data.get("in_library"), "in_library"),
        restricted=c.boolean(data.get("restricted"), "restricted"),
        teams=c.slugs(data.get("teams"), "teams"),
        authors=[c.text(a, f"authors[{i}]").strip() for i, a in enumerate(c.items(data.get("authors"), "authors"))],
        services=_services(c, data.get("services")),
        timeline=_timeline(c, data.get("timeline"), tz),
        factors=[],
        assumptions=_assumptions(c, data.get("assumptions")),
        action_items=_action_items(c, data.get("action_items"), tz),
        metadata=metadata,
        publish_now=publish,
        locator=locator,
        path_prefix=path_prefix,
    )
    pm.factors = _factors(c, data.get("factors"), render, len(pm.timeline))
    if c.errors:
        return None, c.errors, c.warnings
    pm.fingerprint = fingerprint(pm)
    return pm, c.errors, c.warnings


def _services(c: _Cleaner, value: Any) -> list[tuple[str, str]]:
    result: dict[str, str] = {}
    for i, item in enumerate(c.items(value, "services")):
        path = f"services[{i}]"
        if isinstance(item, dict):
            slug = c.slug(item.get("service", item.get("slug")), f"{path}.service")
            role = c.choice(item.get("role"), f"{path}.role", _VALUES["ServiceRole"], ServiceRole.INVOLVED.value)
        else:
            slug, role = c.slug(item, path), ServiceRole.INVOLVED.value
        if slug:
            result[slug] = role
    return list(result.items())


def _timeline(c: _Cleaner, value: Any, tz: str) -> list[EventIn]:
    events = []
    for i, item in enumerate(c.items(value, "timeline")):
        path = f"timeline[{i}]"
        item = c.mapping(item, path)
        at = item.get("at", item.get("occurred_at"))
        occurred_at = c.moment(at, f"{path}.at", tz)
        if occurred_at is None and not (at is None or at == ""):
            continue
        if occurred_at is None:
            c.error(f"{path}.at", "every timeline event needs a time")
            continue
        events.append(
            EventIn(
                occurred_at=occurred_at,
                kind=c.choice(item.get("kind"), f"{path}.kind", _VALUES["EventKind"], EventKind.OBSERVATION.value),
                text=c.text(item.get("text"), f"{path}.text", required=True),
                actor=c.text(item.get("actor"), f"{path}.actor", max_length=200),
                why_it_made_sense=c.text(item.get("why_it_made_sense"), f"{path}.why_it_made_sense"),
            )
        )
    return events


def _factors(c: _Cleaner, value: Any, render: Callable[[str], str], event_count: int) -> list[FactorIn]:
    factors = []
    for i, item in enumerate(c.items(value, "factors")):
        path = f"factors[{i}]"
        if isinstance(item, str):
            item = {"narrative": item}
        item = c.mapping(item, path)
        slug = item.get("factor")
        slug = c.text(slug, f"{path}.factor").strip() or None
        role = c.choice(item.get("role"), f"{path}.role", _VALUES["FactorRole"], "")
        if slug and item.get("role") in (None, ""):
            c.error(f"{path}.role", f"a classified factor needs a role: one of {', '.join(_VALUES['FactorRole'])}")
        event = item.get("timeline_event")
        valid_index = isinstance(event, int) and not isinstance(event, bool) and 0 <= event < event_count
        if event is not None and not valid_index:
            c.error(f"{path}.timeline_event", f"must be the index of an event in timeline (0-{event_count - 1})")
            event = None
        narrative = c.text(item.get("narrative"), f"{path}.narrative")
        why = c.text(item.get("why_it_made_sense"), f"{path}.why_it_made_sense")
        assumption = c.text(item.get("assumption"), f"{path}.assumption", max_length=300).strip() or None
        factors.append(
            FactorIn(
                factor=slug,
                role=role,
                narrative=narrative,
                narrative_html=render(narrative),
                why_it_made_sense=why,
                why_it_made_sense_html=render(why),
                services=c.slugs(item.get("services"), f"{path}.services"),
                assumption=assumption,
                timeline_event=event,
                path=path,
            )
        )
    return factors


def _assumptions(c: _Cleaner, value: Any) -> list[EvidenceIn]:
    result: dict[str, EvidenceIn] = {}
    for i, item in enumerate(c.items(value, "assumptions")):
        path = f"assumptions[{i}]"
        if isinstance(item, str):
            item = {"statement": item}
        item = c.mapping(item, path)
        statement = c.text(item.get("statement"), f"{path}.statement", max_length=300, required=True).strip()
        default = EvidenceType.VIOLATED.value
        evidence = c.choice(item.get("evidence"), f"{path}.evidence", _VALUES["EvidenceType"], default)
        if statement:
            result[statement] = EvidenceIn(statement, evidence, c.text(item.get("excerpt"), f"{path}.excerpt"), path)
    return list(result.values())


def _action_items(c: _Cleaner, value: Any, tz: str) -> list[ActionIn]:
    items = []
    for i, item in enumerate(c.items(value, "action_items")):
        path = f"action_items[{i}]"
        if isinstance(item, str):
            item = {"title": item}
        item = c.mapping(item, path)
        team = item.get("team")
        owner = c.text(item.get("owner"), f"{path}.owner").strip() or None
        items.append(
            ActionIn(
                title=c.text(item.get("title"), f"{path}.title", max_length=300, required=True).strip(),
                kind=c.choice(item.get("kind"), f"{path}.kind", _VALUES["ActionKind"], ActionKind.PREVENT.value),
                status=c.choice(item.get("status"), f"{path}.status", _VALUES["ActionStatus"], ActionStatus.OPEN.value),
                owner=owner,
                team=c.slug(team, f"{path}.team") if team not in (None, "") else None,
                due_date=c.day(item.get("due_date"), f"{path}.due_date"),
                tracker_url=c.url(item.get("tracker_url"), f"{path}.tracker_url"),
                done_at=c.moment(item.get("done_at"), f"{path}.done_at", tz),
                path=path,
            )
        )
    return items
