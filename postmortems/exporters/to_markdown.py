"""Markdown with YAML front matter, one file per postmortem, readable in any editor and importable again."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from django.db.models import QuerySet
from django.utils.text import slugify

from postmortems.exporters.documents import documents

_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    """Multi-line text as `|` blocks, so narratives read like the Markdown they are."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_text)

# Keys left out of the front matter when empty, so a short postmortem gives a short file.
_OPTIONAL = {"actor", "why_it_made_sense", "services", "assumption", "timeline_event", "owner", "team", "due_date"}
_OPTIONAL |= {"tracker_url", "done_at", "excerpt", "role"}


def _empty(value: Any) -> bool:
    # Not `value in (None, "", [], False)`: 0 == False, and an event index of 0 must stay.
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)


def _compact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if not (k in _OPTIONAL and _empty(v))}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    return value


def render_document(doc: dict[str, Any]) -> str:
    """One postmortem: its keys as front matter, its narrative as the body."""
    front = {k: v for k, v in doc.items() if k != "narrative" and not _empty(v)}
    body = doc.get("narrative") or ""
    text = yaml.dump(_compact(front), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return f"---\n{text}---\n\n{body.strip()}\n" if body.strip() else f"---\n{text}---\n"


def file_name(doc: dict[str, Any]) -> str:
    """`PM-2021-005-all-services-returning-503.md`: the key first, so the importer can read it back."""
    return f"{doc['key']}-{slugify(doc['title'])[:60]}".rstrip("-") + ".md"


def markdown_files(queryset: QuerySet) -> Iterator[tuple[str, str]]:
    for doc in documents(queryset):
        yield file_name(doc), render_document(doc)


def write_zip(queryset: QuerySet, target: io.IOBase | Path | str) -> int:
    """All postmortems as Markdown files in a zip archive; returns how many were written."""
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in markdown_files(queryset):
            archive.writestr(name, text)
            count += 1
    return count


def write_folder(queryset: QuerySet, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, text in markdown_files(queryset):
        (folder / name).write_text(text, encoding="utf-8")
        count += 1
    return count
