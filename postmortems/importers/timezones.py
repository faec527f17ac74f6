"""Time-zone names as people write them in postmortems, mapped to IANA zones."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Abbreviations are ambiguous in general; these are the readings an SRE would assume. CET/CEST are read
# as Danish local time (the DFDS postmortems, the set this importer was first used on, say "CET" all year).
ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "cet": "Europe/Copenhagen",
    "cest": "Europe/Copenhagen",
    "bst": "Europe/London",
    "wet": "Europe/Lisbon",
    "eet": "Europe/Helsinki",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}


@lru_cache(maxsize=256)
def resolve_zone(name: str) -> str | None:
    """An IANA zone name for `name` ("CET", "utc", "Europe/Berlin"), or None if it is not a zone."""
    cleaned = name.strip().rstrip(".")
    if not cleaned or len(cleaned) > 64:
        return None
    if cleaned.lower() in ABBREVIATIONS:
        return ABBREVIATIONS[cleaned.lower()]
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return cleaned


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
