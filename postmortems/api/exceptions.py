"""How the API turns failures into answers: 400 with a message per field, 409 for conflicts, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from postmortems.catalog_services import InUse
from postmortems.review_services import ReviewStateError
from postmortems.services import EditConflict

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the domain's own exceptions: rule violations, edit conflicts, rows still in use."""
    if isinstance(exc, EditConflict):
        set_rollback()
        body = {"detail": str(exc), "current_version": exc.current.version}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ReviewStateError):
        set_rollback()
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InUse):
        set_rollback()
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        # Serializers check what they can; a unique key taken by a concurrent request still lands here.
        logger.warning("integrity error answered with 409: %s", exc)
        set_rollback()
        body = {"detail": "The change conflicts with data saved at the same time. Reload and try again."}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        # The row went away during the request (deleted by a concurrent one): as gone as an unknown key.
        exc = NotFound()
    return drf_exception_handler(exc, context)


def _has_unstorable_text(data: Any) -> bool:
    """NUL characters and unpaired surrogates cannot be stored (PostgreSQL refuses them); look everywhere."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class StrictJSONParser(JSONParser):
    """JSON bodies, refusing text no database column can hold instead of failing later with a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        if _has_unstorable_text(data):
            raise ParseError("Text may not contain NUL characters or unpaired surrogates.")
        return data
