"""Paging, ordering and filtering for every list endpoint (referenced from settings.REST_FRAMEWORK).

Kept apart from the viewsets: DRF imports these while it is still importing its own generic views.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

_WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")


class Pagination(PageNumberPagination):
    """`?page=N` (from 1; past the last page is 404) and `?page_size=` from 1 to 200 (default PAGE_SIZE)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _WHOLE_NUMBER.match(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def get_page_number(self, request: Request, paginator: Any) -> int | str:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not _WHOLE_NUMBER.match(raw) or int(raw) < 1:
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1."]})
        return raw

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last tie-breaker, so pages never repeat or skip a row."""

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(term.lstrip("-") in ("pk", "id") for term in ordering):
            ordering.append("pk")
        return ordering


class FilterBackend(DjangoFilterBackend):
    """django-filter, refusing what no filter can mean: NUL characters, and empty values for known filters."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = getattr(view, "filterset_class", None)
        known = set(filterset_class.base_filters) if filterset_class else set()
        errors = {}
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                errors[name] = ["Null characters are not allowed."]
            elif name in known and any(value == "" for value in values):
                errors[name] = ["Give a value, or leave the parameter out."]
        if errors:
            raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
