"""Links for the search page: toggle a facet value, go to a page, keeping every other parameter.

Load with `{% load search_tags %}`.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


def _base(query: QueryDict) -> QueryDict:
    params = query.copy()
    params.pop("page", None)
    return params


@register.simple_tag(takes_context=True)
def facet_toggle_url(context, name: str, value: str) -> str:
    """The current search with `name=value` added, or removed if it is already there; back to page 1."""
    params = _base(context["request"].GET)
    values = params.getlist(name)
    value = str(value)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def clear_filters_url(context) -> str:
    """The current words without any filter."""
    params = QueryDict(mutable=True)
    query = context["request"].GET.get("q", "")
    if query:
        params["q"] = query
    return "?" + params.urlencode()
