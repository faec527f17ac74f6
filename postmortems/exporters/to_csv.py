"""Contributing-factor tags as CSV, one row per tag, for analysts coding incidents in a spreadsheet or R."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Prefetch, QuerySet

from postmortems.exporters.documents import service_links
from postmortems.models import ContributingFactor

COLUMNS = [
    "postmortem",
    "title",
    "date",
    "kind",
    "severity",
    "services",
    "family",
    "factor",
    "role",
    "narrative",
    "why_it_made_sense",
]
CHUNK_SIZE = 500


def _cell(value: object) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and text[1:2] not in (" ", "")):
        return "'" + text
    return text


def _day(pm) -> str:
    if pm.started_at is None:
        return ""
    try:
        zone = ZoneInfo(pm.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return pm.started_at.astimezone(zone).date().isoformat()


def csv_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then a row per tag (unclassified tags have no family, factor or role yet)."""
    yield COLUMNS
    postmortems = (
        queryset.only("id", "key", "title", "kind", "severity", "started_at", "timezone")
        .prefetch_related(
            service_links(),
            Prefetch("contributing_factors", queryset=ContributingFactor.objects.select_related("factor__family")),
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for pm in postmortems:
        services = ";".join(link.service.slug for link in pm.service_links.all())
        for tag in pm.contributing_factors.all():
            factor = tag.factor
            yield [
                _cell(value)
                for value in (
                    pm.key,
                    pm.title,
                    _day(pm),
                    pm.kind,
                    pm.severity,
                    services,
                    factor.family.slug if factor else "",
                    factor.slug if factor else "",
                    tag.role,
                    tag.narrative,
                    tag.why_it_made_sense,
                )
            ]


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    """CSV text in pieces of about a hundred rows, for a streaming response or a file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, row in enumerate(csv_rows(queryset), start=1):
        writer.writerow(row)
        if number % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
