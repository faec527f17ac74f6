"""Template helpers for the catalogue and the assumption registry. Load with `{% load catalog_tags %}`."""

from __future__ import annotations

from django import template

from postmortems.assumption_pages import PostmortemAssumptions
from postmortems.assumption_pages import postmortem_assumptions as _postmortem_assumptions
from postmortems.models import Postmortem

register = template.Library()


@register.simple_tag
def postmortem_assumptions(postmortem: Postmortem) -> PostmortemAssumptions:
    """`{% postmortem_assumptions postmortem as pm_assumptions %}`: what it tested and the current assumptions
    about its services, in one query (its `service_links` should be prefetched, as on the detail page).

    Nothing here depends on who is looking: the page already shows this postmortem to them, and the
    assumptions' own statuses and statements are not restricted.
    """
    return _postmortem_assumptions(postmortem)
