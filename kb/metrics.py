"""Prometheus metrics: HTTP requests by view, and the `/metrics` endpoint that exposes everything.

Counters and histograms live in the process that counts them. Under gunicorn with several workers, set
PROMETHEUS_MULTIPROC_DIR to an empty directory (emptied at each start) so that every worker writes its
figures there and any worker answers a scrape with the sum. Totals read from the database at scrape time
(`postmortems.metrics.DatabaseCollector`) are the same whichever process answers.

The endpoint answers to `Authorization: Bearer $METRICS_TOKEN`, and to logged-in admins for a look by
hand; to anyone else it does not exist (404).
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "kb_http_requests_total",
    "HTTP requests answered, by view and status class",
    ["method", "view", "status"],
)
HTTP_SECONDS = Histogram(
    "kb_http_request_duration_seconds",
    "Time to answer an HTTP request, by view",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class MetricsMiddleware:
    """Counts every request under its view's name (a bounded set), never its path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUESTS.labels(method, view, f"{response.status_code // 100}xx").inc()
        HTTP_SECONDS.labels(view).observe(time.perf_counter() - started)
        return response


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header.removeprefix("Bearer "), token):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's (or all workers'), then the database totals."""
    from postmortems.metrics import DatabaseCollector

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        process = generate_latest(registry)
    else:
        process = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return process + generate_latest(database)


@require_GET
@never_cache
@login_not_required
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
