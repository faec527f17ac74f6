"""What every viewset shares: safe lookups and the read/write serializer split."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.viewsets import GenericViewSet

from postmortems.models import MARKDOWN_FIELDS

# Rows that belong to a postmortem only need its key (and what permission checks read), never its long text.
_POSTMORTEM_TEXT = [f"postmortem__{name}{suffix}" for name in MARKDOWN_FIELDS for suffix in ("", "_html")]


def with_postmortem(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("postmortem").defer(*_POSTMORTEM_TEXT, "postmortem__metadata")


class KbViewSet(GenericViewSet):
    """A viewset whose writes go through service functions.

    `serializer_class` is the output shape; `write_serializer_classes` maps an action to its input serializer.
    Subclasses implement `perform_create(serializer) -> instance`, `perform_update(instance, serializer)` and
    `perform_destroy(instance)`, each checking permissions and calling a service.
    """

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Route any value to the view, which answers 404 as JSON; a stricter pattern would fall through to the HTML 404.
    lookup_value_regex = "[^/]+"
    write_serializer_classes: dict[str, type[BaseSerializer]] = {}
    # Room for the longest key, slug or id; anything longer cannot name a row.
    max_lookup_length = 200

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            super().initial(request, *args, **kwargs)
        except (NotAuthenticated, AuthenticationFailed):
            # DRF checks throttles only after a caller is let in; count refused callers too (as anonymous),
            # so that guessing tokens is rate-limited like everything else.
            self.check_throttles(request)
            raise

    def get_serializer_class(self) -> type[BaseSerializer]:
        return self.write_serializer_classes.get(self.action, self.serializer_class)

    def get_object(self) -> Model:
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        if "\x00" in value or len(value) > self.max_lookup_length:
            raise NotFound()
        return super().get_object()

    def read_serializer(self, instance: Model) -> BaseSerializer:
        return self.serializer_class(instance, context=self.get_serializer_context())

    def validated(self, serializer_class: type[BaseSerializer], request: Request) -> dict[str, Any]:
        """An action's request body, checked by its own input serializer (400 with field messages)."""
        body = serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return body.validated_data

    def reload(self, instance: Model) -> Model:
        """The row again through the viewset's query set, so the answer has its joins and prefetches."""
        return self.get_queryset().get(pk=instance.pk)


class CreateMixin:
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.reload(self.perform_create(serializer))
        return Response(self.read_serializer(instance).data, status=status.HTTP_201_CREATED)


class UpdateMixin:
    """PATCH only: a partial update says exactly what changes."""

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        instance = self.reload(self.perform_update(instance, serializer))
        return Response(self.read_serializer(instance).data)


class DestroyMixin:
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
