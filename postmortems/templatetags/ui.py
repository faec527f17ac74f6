"""Template helpers for the page frame: the main navigation, links to pages that may not exist yet, incident times.

Load with `{% load ui %}`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.urls import NoReverseMatch, reverse

from kb.request_id import current_request_id
from postmortems.permissions import can_create_postmortem

register = template.Library()


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    # Other views that belong to this section, so the entry stays marked as the current one there.
    also: tuple[str, ...] = ()
    # Who is shown the entry; None means everyone who is logged in.
    allowed: Callable[[Any], bool] | None = None


# The main navigation in order. An entry appears only once its URL name resolves, so a page added by a
# later change shows up here by naming its route as below; no dead links in the meantime.
MAIN_NAV = (
    NavEntry("Postmortems", "postmortems:list", also=("postmortems:detail",)),
    NavEntry("Write", "postmortems:create", allowed=can_create_postmortem),
    NavEntry("Search", "postmortems:search"),
    NavEntry("Patterns", "postmortems:patterns"),
    NavEntry("Reading", "postmortems:reading", also=("postmortems:library",)),
    NavEntry("Services", "postmortems:services"),
    NavEntry("Assumptions", "postmortems:assumptions"),
)


def optional_reverse(url_name: str, *args: Any, **kwargs: Any) -> str:
    """The URL for `url_name`, or "" when no such route exists (yet)."""
    try:
        return reverse(url_name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag
def optional_url(url_name: str, *args: Any, **kwargs: Any) -> str:
    """`{% optional_url 'postmortems:search' as search_url %}`: empty when the route does not exist."""
    return optional_reverse(url_name, *args, **kwargs)


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list[dict[str, Any]]:
    """The main navigation entries this person gets on this page, each with `label`, `url` and `current`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = request.resolver_match
    view_name = match.view_name if match else ""
    entries = []
    for entry in MAIN_NAV:
        url = optional_reverse(entry.url_name)
        if not url or (entry.allowed is not None and not entry.allowed(user)):
            continue
        in_section = url != "/" and request.path.startswith(url)
        current = view_name == entry.url_name or view_name in entry.also or in_section
        entries.append({"label": entry.label, "url": url, "current": current})
    return entries


@register.simple_tag
def request_id() -> str:
    """The id of the request being answered, so a person can quote it when reporting an error."""
    return current_request_id()


@register.filter
def incident_zone(name: str) -> tzinfo:
    """The zone a postmortem's times are shown in; UTC when the stored name is not a known zone."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@register.filter
def since(moment: datetime | None, start: datetime | None) -> str:
    """How long after `start` something happened, e.g. "+1 h 05 min"; events before the start get a minus sign."""
    if moment is None or start is None:
        return ""
    minutes = round((moment - start).total_seconds() / 60)
    sign = "−" if minutes < 0 else "+"
    minutes = abs(minutes)
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{sign}{days} d {hours} h"


@register.simple_tag(takes_context=True)
def write_url(context: template.Context) -> str:
    """Where this person starts a new postmortem: "" until that page exists, or when they may not write."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not can_create_postmortem(user):
        return ""
    return optional_reverse("postmortems:create")
