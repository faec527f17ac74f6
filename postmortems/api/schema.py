"""OpenAPI generation: output serializers for write answers, and the error answers every operation can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

WRITE_ACTIONS = {"create", "partial_update", "update"}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(
        required=False, help_text="On an edit conflict: the version now saved. Fetch it, merge, and try again."
    )


VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: each key is a field name (or `non_field_errors`, or `detail` for a body that is not JSON) "
        "and each value lists what is wrong with it; nested fields nest the same way."
    ),
    "additionalProperties": {},
}


class KbAutoSchema(AutoSchema):
    """Documents what the API really answers, including its 400/401/403/404/409/415/429 bodies."""

    def get_response_serializers(self) -> Any:
        # Writes answer with the output shape (serializer_class), not with the input serializer.
        if getattr(self.view, "action", None) in WRITE_ACTIONS and hasattr(self.view, "write_serializer_classes"):
            return self.view.serializer_class
        return super().get_response_serializers()

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, body in self._error_bodies().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(body, code, direction=direction)
        return responses

    def _has_query_parameters(self) -> bool:
        """Query parameters declared with @extend_schema(parameters=...): each can be given a bad value."""
        return any(
            is_serializer(parameter)
            or (isinstance(parameter, OpenApiParameter) and parameter.location == OpenApiParameter.QUERY)
            for parameter in self.get_override_parameters()
        )

    def _error_bodies(self) -> dict[str, Any]:
        errors: dict[str, Any] = {"401": ErrorSerializer, "403": ErrorSerializer, "429": ErrorSerializer}
        writes = self.method in ("POST", "PATCH", "PUT") and self.get_request_serializer() is not None
        if writes or self._is_list_view() or self._has_query_parameters():  # e.g. bad filter values, page_size
            errors["400"] = VALIDATION_ERROR
        if "{" in self.path or self._is_list_view():
            # Unknown or hidden rows, and list pages past the end.
            errors["404"] = ErrorSerializer
        if writes:
            errors["415"] = ErrorSerializer
        if self.method in ("POST", "PATCH", "PUT", "DELETE"):
            # A unique slug or key taken by a concurrent request, a row still in use, a stale version.
            errors["409"] = ConflictSerializer
        return errors


def require_version_on_postmortem_edits(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """PATCH makes every field optional, but an edit of a postmortem must say which version it started from."""
    component = result.get("components", {}).get("schemas", {}).get("PatchedPostmortemUpdateRequest")
    if component is not None:
        component["required"] = sorted({*component.get("required", []), "version"})
    return result
