"""Building, storing and loading the precomputed pattern index (PatternSnapshot).

Two scopes are built together: "open" covers published postmortems that are not restricted and is used
for everyone; "all" covers every published postmortem and is used only for admins, who may see them all.
Restricted postmortems a non-admin may see are added live per request (population.py), so nothing
restricted reaches anyone through the "open" snapshot, and admins do not pay for a live count of every
restricted postmortem.

postmortems.tasks.refresh_pattern_snapshot rebuilds both when a postmortem is published and on a
schedule (every 15 minutes by default, editable in the admin under Periodic tasks).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from postmortems.models import PatternSnapshot, Postmortem, SnapshotScope, Status
from postmortems.patterns.index import PatternIndex, index_queryset

logger = logging.getLogger(__name__)

# Rows saved shortly before a build started may have committed after it read: treat them as changed too.
CHANGE_MARGIN_SECONDS = 300
KEEP_SNAPSHOTS = 2  # per scope


def snapshot_population(scope: str) -> QuerySet:
    """What a snapshot of `scope` covers."""
    published = Postmortem.objects.filter(status=Status.PUBLISHED)
    return published if scope == SnapshotScope.ALL else published.filter(restricted=False)


def build_snapshot() -> PatternSnapshot:
    """Build and store a snapshot of each scope; returns the open one. Older ones beyond two per scope go."""
    built: dict[str, PatternSnapshot] = {}
    for scope in (SnapshotScope.OPEN, SnapshotScope.ALL):
        built_at = timezone.now()
        started = time.perf_counter()
        index = index_queryset(snapshot_population(scope))
        data = index.to_bytes()
        with transaction.atomic():
            built[scope] = PatternSnapshot.objects.create(
                scope=scope,
                built_at=built_at,
                postmortem_count=index.size,
                build_seconds=round(time.perf_counter() - started, 3),
                data=data,
            )
            # One older snapshot stays, for a reader that looked up its id just before this one landed.
            ids = PatternSnapshot.objects.filter(scope=scope).order_by("-built_at", "-id").values_list("id", flat=True)
            PatternSnapshot.objects.filter(id__in=list(ids[KEEP_SNAPSHOTS:])).delete()
        logger.info(
            "pattern snapshot built",
            extra={
                "scope": scope,
                "postmortems": index.size,
                "bytes": len(data),
                "seconds": built[scope].build_seconds,
            },
        )
    return built[SnapshotScope.OPEN]


def refresh_snapshot(*, requested_after: datetime | None = None) -> PatternSnapshot | None:
    """Build snapshots unless some were built after `requested_after` (several publishes, one build)."""
    if requested_after is not None and PatternSnapshot.objects.filter(built_at__gt=requested_after).exists():
        return None
    return build_snapshot()


def changed_since(when: datetime) -> Q:
    """Postmortems whose rows or sub-rows were written after `when` (services move updated_at on each)."""
    return Q(updated_at__gt=when) | Q(published_at__gt=when)


@dataclass
class SnapshotMeta:
    id: int
    scope: str
    built_at: datetime
    postmortem_count: int

    @property
    def cutoff(self) -> datetime:
        return self.built_at - timedelta(seconds=CHANGE_MARGIN_SECONDS)


def latest_meta(scope: str) -> SnapshotMeta | None:
    """The newest snapshot of `scope`, without its data."""
    row = (
        PatternSnapshot.objects.filter(scope=scope)
        .order_by("-built_at", "-id")
        .values_list("id", "scope", "built_at", "postmortem_count")
        .first()
    )
    return SnapshotMeta(*row) if row else None


# Decoded indexes, one per scope, replaced when a newer snapshot appears. A cache of database content:
# any process can rebuild it, so nothing is lost when a process goes away.
_cache_lock = threading.Lock()
_cache: dict[str, tuple[int, PatternIndex]] = {}


def load_index(meta: SnapshotMeta) -> PatternIndex | None:
    """The decoded index of snapshot `meta`, from this process's cache or the database (one query)."""
    with _cache_lock:
        cached = _cache.get(meta.scope)
        if cached is not None and cached[0] == meta.id:
            return cached[1]
    blob = PatternSnapshot.objects.filter(pk=meta.id).values_list("data", flat=True).first()
    if blob is None:
        return None
    try:
        index = PatternIndex.from_bytes(blob)
    except ValueError:
        # Written by another version of the code: count live until the next build replaces it.
        logger.warning("pattern snapshot %s has another format; counting live", meta.id)
        return None
    with _cache_lock:
        _cache[meta.scope] = (meta.id, index)
    return index


def forget_cached_index() -> None:
    with _cache_lock:
        _cache.clear()
