"""Business metrics for Prometheus (exposed by kb.metrics at /metrics).

Two kinds: events counted in the process where they happen (searches and their latency, imports), and
totals read from the database when Prometheus scrapes (postmortems, action items, assumptions, digest
deliveries, how fresh the search index and the pattern figures are). The totals are the same whichever
process or host answers, and survive restarts; alert on them with `increase()` or `delta()`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

SEARCHES = Counter(
    "kb_searches_total",
    "Searches run, by backend and how the query ran (full, relaxed, simple, basic: the fallbacks)",
    ["backend", "mode"],
)
SEARCH_SECONDS = Histogram(
    "kb_search_duration_seconds",
    "Time to answer a search, results and facets included",
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
IMPORTED = Counter(
    "kb_imported_postmortems_total",
    "Postmortems written by imports, by outcome (created, updated, unchanged)",
    ["outcome"],
)
IMPORT_FAILURES = Counter("kb_import_failures_total", "Imports refused (nothing written) because a file failed")


def record_search(*, backend: str, mode: str, seconds: float) -> None:
    SEARCHES.labels(backend, mode).inc()
    SEARCH_SECONDS.observe(seconds)


def record_import(*, created: int, updated: int, unchanged: int, failed: bool) -> None:
    if failed:
        IMPORT_FAILURES.inc()
    for outcome, count in (("created", created), ("updated", updated), ("unchanged", unchanged)):
        if count:
            IMPORTED.labels(outcome).inc(count)


class DatabaseCollector(Collector):
    """Totals counted in the database at scrape time: a handful of grouped COUNTs on indexed columns."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("kb_database_up", "1 when the totals below could be read from the database")
        try:
            metrics = list(_database_totals())
        except DatabaseError:
            logger.warning("metrics: could not read totals from the database", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics


def _grouped(name: str, documentation: str, labels: list[str], rows) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for *values, count in rows:
        family.add_metric([str(value) for value in values], count)
    return family


def _database_totals() -> Iterator[Metric]:
    from postmortems.models import (
        ActionItem,
        ActionStatus,
        Assumption,
        DigestDelivery,
        PatternSnapshot,
        Postmortem,
        SearchDocument,
    )

    now = timezone.now()
    by_status_kind = Postmortem.objects.order_by().values_list("status", "kind").annotate(n=Count("*"))
    yield _grouped("kb_postmortems", "Postmortems, by status and kind", ["status", "kind"], by_status_kind)
    items = ActionItem.objects.order_by().values_list("status").annotate(n=Count("*"))
    yield _grouped("kb_action_items", "Action items, by status", ["status"], items)
    open_statuses = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    overdue = ActionItem.objects.filter(status__in=open_statuses, due_date__lt=now.date()).count()
    yield GaugeMetricFamily("kb_action_items_overdue", "Open action items past their due date", value=overdue)
    assumptions = Assumption.objects.order_by().values_list("status").annotate(n=Count("*"))
    yield _grouped("kb_assumptions", "Assumptions in the registry, by status", ["status"], assumptions)
    deliveries = DigestDelivery.objects.order_by().values_list("status").annotate(n=Count("*"))
    yield _grouped("kb_digest_deliveries", "Weekly digest emails ever prepared, by status", ["status"], deliveries)
    unindexed = Postmortem.objects.filter(~Exists(SearchDocument.objects.filter(postmortem_id=OuterRef("pk"))))
    yield GaugeMetricFamily(
        "kb_search_unindexed_postmortems",
        "Postmortems without a search document (should be 0 a moment after any write)",
        value=unindexed.count(),
    )
    built = PatternSnapshot.objects.aggregate(latest=Max("built_at"))["latest"]
    age = GaugeMetricFamily("kb_patterns_snapshot_age_seconds", "Age of the newest pattern snapshot, if any")
    if built is not None:
        age.add_metric([], (now - built).total_seconds())
    yield age
