"""Fields shared by the serializers: rows named by their human keys, limited to what the person may see."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from postmortems.models import Postmortem, Service, Team

from .strict import StrictCharField, StrictPrimaryKeyRelatedField, StrictSlugRelatedField, StrictURLField


def _user(field: serializers.Field) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


class PostmortemKeyField(StrictSlugRelatedField):
    """A postmortem by its key (PM-2026-042), among those the requesting person may see."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("slug_field", "key")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Postmortem.objects.none())
        kwargs.setdefault("help_text", "Key of the postmortem, e.g. PM-2026-042")
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        user = _user(self)
        return Postmortem.objects.visible_to(user).only("pk", "key") if user else Postmortem.objects.none()


class VisiblePrimaryKeyField(StrictPrimaryKeyRelatedField):
    """A row that belongs to a postmortem, by id, among the rows whose postmortem the person may see."""

    def get_queryset(self) -> QuerySet:
        user = _user(self)
        return super().get_queryset().visible_to(user) if user else super().get_queryset().none()


def username_field(**kwargs: Any) -> StrictSlugRelatedField:
    kwargs.setdefault("help_text", "Username")
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
    return StrictSlugRelatedField(slug_field="username", **kwargs)


def team_field(**kwargs: Any) -> StrictSlugRelatedField:
    kwargs.setdefault("help_text", "Team slug")
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Team.objects.all())
    return StrictSlugRelatedField(slug_field="slug", **kwargs)


def service_field(**kwargs: Any) -> StrictSlugRelatedField:
    kwargs.setdefault("help_text", "Service slug")
    if not kwargs.get("read_only"):
        kwargs.setdefault("queryset", Service.objects.all())
    return StrictSlugRelatedField(slug_field="slug", **kwargs)


@cache
def _zone_names() -> frozenset[str]:
    # Checked against the list rather than by loading: ZoneInfo("America") raises IsADirectoryError.
    return frozenset(available_timezones())


def validate_timezone(value: str) -> str:
    if value not in _zone_names():
        raise serializers.ValidationError(f"{value!r} is not a time zone name such as Europe/London.")
    return value


class TimezoneField(StrictCharField):
    """An IANA time zone name."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "IANA time zone name, e.g. Europe/London")
        super().__init__(**kwargs)
        self.validators.append(validate_timezone)


@extend_schema_field(
    {
        "type": "string",
        "description": "An http(s) URL, or an empty string for none",
        "oneOf": [{"format": "uri", "minLength": 1, "maxLength": 500}, {"maxLength": 0}],
    }
)
class OptionalURLField(StrictURLField):
    """A URL or "" (the models store "no URL" as an empty string, never null)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)


@extend_schema_field(
    {"type": "string", "pattern": r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$", "example": "09:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of day without a zone (the zone is a field of its own), e.g. 09:00."""
