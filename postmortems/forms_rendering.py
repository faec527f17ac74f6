"""How the editor's forms are rendered: Django's form renderer, with the commonest markup written in Python.

Django renders every widget, every `<option>` of a select and every error list (empty or not) through
templates. The editor shows each timeline event, contributing factor and action item with its own edit form
(so that it works without JavaScript), a list of some 600 time zones, and services, events and assumptions
in every factor row: hundreds of fields and over a thousand options a page, which were most of its time.

`EditorFormRenderer` writes the very markup of Django's own templates for plain inputs, textareas, selects
and empty error lists, and leaves every other template to Django (tests/authoring/test_form_rendering.py
compares the two on every field of the editor's forms). Nothing is cached: each form is written from its
own values.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape

# How a template prints `{{ value }}` outside any {% localize %} or {% localtime %} block. Only read.
_TEMPLATE = Context()
_WIDGETS = "django/forms/widgets/"
_OPTION = f"{_WIDGETS}select_option.html"


def _text(value: Any) -> str:
    """A value as `{{ value }}` prints it: localised, and escaped unless marked safe."""
    if type(value) is str:  # the common case, without Django's general path
        return html.escape(value)
    return render_value_in_context(value, _TEMPLATE)


def _attribute(value: Any) -> str:
    """A value as `{{ value|stringformat:'s' }}` prints it: not localised, escaped unless marked safe."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _attributes(attrs: dict[str, Any]) -> str:
    """Attributes as Django's `attrs.html` writes them: in order, `True` bare, `False` left out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_attribute(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_attribute(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attributes(widget["attrs"])}>'


def _textarea(context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>\n{value}</textarea>'


def _select(context: dict[str, Any]) -> str | None:
    widget = context["widget"]
    groups = widget["optgroups"]
    if any(option["template_name"] != _OPTION for _name, options, _index in groups for option in options):
        return None
    parts = [f'<select name="{_text(widget["name"])}"{_attributes(widget["attrs"])}>']
    for name, options, _index in groups:
        if name:
            parts.append(f'\n  <optgroup label="{_text(name)}">')
        parts.extend(
            f'\n  <option value="{_attribute(option["value"])}"{_attributes(option["attrs"])}>'
            f"{_text(option['label'])}</option>\n"
            for option in options
        )
        if name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _error_list(context: dict[str, Any]) -> str | None:
    """Nothing for an empty list; a list with errors is left to Django's template."""
    return None if context["errors"] else ""


# Template name -> what writes its markup from the template's context (None: use the template after all).
_WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **{f"{_WIDGETS}{name}.html": _input for name in ("input", "text", "hidden", "date", "datetime", "url")},
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
}


class EditorFormRenderer(DjangoTemplates):
    """Django's template form renderer, writing plain inputs, selects and empty error lists in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITERS.get(template_name)
        markup = write(context) if write is not None else None
        return super().render(template_name, context, request) if markup is None else markup


# One renderer for all the editor's forms: a form given a renderer class would build a template engine each time.
EDITOR_RENDERER = EditorFormRenderer()
