"""Fields that take JSON types as the schema states them: "5" is not an integer, "true" is not a boolean,
5 is not a string. DRF's own fields coerce such values silently, which hides bugs in clients."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers
from rest_framework.fields import empty


class _StrictString:
    default_error_messages = {"not_a_string": "Not a valid string."}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("not_a_string")
        # The schema's maxLength counts what was sent, before surrounding whitespace is trimmed.
        max_length = getattr(self, "max_length", None)
        if max_length is not None and len(data) > max_length:
            self.fail("max_length", max_length=max_length)
        return super().to_internal_value(data)


class StrictCharField(_StrictString, serializers.CharField):
    pass


class StrictSlugField(_StrictString, serializers.SlugField):
    pass


class StrictURLField(_StrictString, serializers.URLField):
    pass


class StrictRegexField(_StrictString, serializers.RegexField):
    pass


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"not_a_boolean": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_a_boolean")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"not_an_integer": "A valid integer is required."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_an_integer")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """The value must have the type of the choices: 1 for integer choices, "draft" for string ones."""

    default_error_messages = {"wrong_type": "Must be one of the listed values, as a {kind}."}

    def to_internal_value(self, data: Any) -> Any:
        kinds = {type(key) for key in self.choices}
        if data != "" and (isinstance(data, bool) or (kinds and type(data) not in kinds)):
            self.fail("wrong_type", kind="number" if int in kinds else "string")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A row by its slug (or key, or username). An empty string is refused, not read as null."""

    default_error_messages = {"not_a_string": "Not a valid string.", "blank": "This field may not be blank."}

    def run_validation(self, data: Any = empty) -> Any:
        if data == "":
            self.fail("blank")
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("not_a_string")
        if data == "":
            self.fail("blank")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """ModelSerializer with the strict fields for the model fields this project uses."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: StrictBooleanField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.IntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_choice_field = StrictChoiceField
