"""Rate limits for the API (settings.REST_FRAMEWORK). Counts live in the default cache: with CACHE_URL
pointing at Redis every web process shares them; without it each process counts on its own."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class _FailOpen:
    """If the cache is unreachable, let the request through: a rate limit must not take the API down."""

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend error: connection refused, timeout, ...
            logger.warning("rate limit not applied: cache unavailable", exc_info=True)
            return True


class AnonThrottle(_FailOpen, AnonRateThrottle):
    pass


class UserThrottle(_FailOpen, UserRateThrottle):
    pass
