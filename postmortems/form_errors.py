"""Errors a service raised, shown on the form that sent the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError, default_field: str | None = None) -> None:
    """A service's ValidationError as form errors: on the field it names when the form has that field, else on
    `default_field` (None: the whole form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)
