"""The JSON this application exports: postmortems plus the teams, services and assumptions they name.

Accepted shapes: the export object `{"format": ..., "postmortems": [...], "catalog": {...}}`, a bare list of
postmortems, or one postmortem object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from postmortems.importers.problems import Problem

EXPORT_FORMAT = "incident-learning-kb"
EXPORT_VERSION = 1


@dataclass
class JsonBundle:
    documents: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (document, key-path prefix)
    catalog: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse_json(name: str, text: str) -> JsonBundle | Problem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(name, f"line {exc.lineno}", f"not valid JSON: {exc.msg}")
    bundle = JsonBundle()
    if isinstance(data, dict) and "postmortems" in data:
        if data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
            return Problem(name, "key 'format'", f"unknown format {data.get('format')!r}; expected {EXPORT_FORMAT!r}")
        version = data.get("version", EXPORT_VERSION)
        if version != EXPORT_VERSION:
            return Problem(name, "key 'version'", f"unsupported version {version!r}; this reads {EXPORT_VERSION}")
        items, prefix = data["postmortems"], "postmortems"
        catalog = data.get("catalog") or {}
        if not isinstance(catalog, dict):
            return Problem(name, "key 'catalog'", "expected a mapping with teams, services and assumptions")
        for part in ("teams", "services", "assumptions"):
            entries = catalog.get(part) or []
            if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
                return Problem(name, f"key 'catalog.{part}'", "expected a list of objects")
            bundle.catalog[part] = entries
    elif isinstance(data, list):
        items, prefix = data, ""
    elif isinstance(data, dict):
        items, prefix = [data], None
    else:
        return Problem(name, "", "expected an object or a list of postmortems")
    if not isinstance(items, list):
        return Problem(name, "key 'postmortems'", "expected a list of postmortems")
    for index, item in enumerate(items):
        path = "" if prefix is None else f"{prefix}[{index}]." if prefix else f"[{index}]."
        if isinstance(item, dict):
            bundle.documents.append((item, path))
        else:
            bundle.problems.append(Problem(name, f"key '{path.rstrip('.')}'", "expected a postmortem object"))
    return bundle
