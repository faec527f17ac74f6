"""Keeping the search documents current: build them from postmortems, write them in bulk.

`reindex_postmortems(ids)` rewrites the documents of those postmortems now; it is idempotent and safe
to call with ids that no longer exist. The authoring services and the importer call
`reindex_on_commit(ids)` instead: it waits for the transaction to commit and folds every call made
inside one transaction into a single bulk reindex. Up to INLINE_LIMIT postmortems are indexed right
there; a larger batch is queued for the Celery workers when a broker is configured (an import of
thousands then commits without waiting for PostgreSQL to compute their vectors).

The builder takes an app registry so the backfill migration can run it on historical models.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps as django_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Prefetch

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Up to this many postmortems are reindexed in the process that wrote them, so an edit is searchable at
# once; a larger batch (an import) goes to the Celery workers when a broker is configured.
INLINE_LIMIT = 100
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|tr|pre|blockquote|div|table|ul|ol)>|<br\s*/?>", re.I)

# Long markdown fields of a postmortem that go into the body, in reading order (summary has its own part).
BODY_FIELDS = ("impact", "narrative", "went_well", "got_lucky", "open_questions")


def html_to_text(markup: str) -> str:
    """Sanitised HTML (from the markdown renderer) as plain text, one paragraph per line."""
    if not markup:
        return ""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", markup)))
    text = _SPACE.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def _join(parts: Iterable[str]) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _local_year(postmortem) -> int | None:
    if postmortem.started_at is None:
        return None
    try:
        zone = ZoneInfo(postmortem.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return postmortem.started_at.astimezone(zone).year


def _postmortems_with_rows(registry, ids: list[int]):
    model = registry.get_model("postmortems", "Postmortem")
    links = registry.get_model("postmortems", "PostmortemService").objects.select_related("service__team")
    factors = registry.get_model("postmortems", "ContributingFactor").objects.select_related(
        "factor__family", "assumption"
    )
    evidence = registry.get_model("postmortems", "AssumptionEvidence").objects.select_related("assumption")
    return model.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("service_links", queryset=links.order_by("role", "id")),
        "timeline",
        Prefetch("contributing_factors", queryset=factors.order_by("position", "id")),
        "contributing_factors__services",
        Prefetch("assumption_evidence", queryset=evidence.order_by("id")),
        "action_items",
    )


def _facets(postmortem, factor_rows: list) -> list[str]:
    keys = [f"kind:{postmortem.kind}", f"status:{postmortem.status}"]
    if postmortem.severity:
        keys.append(f"severity:{postmortem.severity}")
    year = _local_year(postmortem)
    if year:
        keys.append(f"year:{year}")
    services = [link.service for link in postmortem.service_links.all()]
    keys += [f"service:{service.slug}" for service in services]
    keys += [f"team:{service.team.slug}" for service in services if service.team_id]
    keys += [f"factor:{cf.factor.slug}" for cf in factor_rows if cf.factor_id]
    keys += [f"family:{cf.factor.family.slug}" for cf in factor_rows if cf.factor_id]
    return list(dict.fromkeys(keys))


def build_document(postmortem, document_model):
    """One unsaved search document for a postmortem whose rows were prefetched as above."""
    factor_rows = list(postmortem.contributing_factors.all())
    evidence = list(postmortem.assumption_evidence.all())
    names = [link.service.name for link in postmortem.service_links.all()]
    for cf in factor_rows:
        if cf.factor_id:
            # The factor's name, not its family's: family names are long and general and would add noise.
            names.append(cf.factor.name)
        names += [service.name for service in cf.services.all()]
        if cf.assumption_id:
            names.append(cf.assumption.statement)
    names += [ev.assumption.statement for ev in evidence]

    body = [html_to_text(getattr(postmortem, f"{name}_html")) for name in BODY_FIELDS]
    for event in postmortem.timeline.all():
        body += [event.text, event.why_it_made_sense, event.actor]
    for cf in factor_rows:
        body += [html_to_text(cf.narrative_html), html_to_text(cf.why_it_made_sense_html)]
    body += [ev.excerpt for ev in evidence]
    body += [item.title for item in postmortem.action_items.all()]

    return document_model(
        postmortem_id=postmortem.pk,
        title=f"{postmortem.key} {postmortem.title}",
        summary=html_to_text(postmortem.summary_html),
        names=_join(dict.fromkeys(names)),
        body=_join(body),
        facets=_facets(postmortem, factor_rows),
        is_published=postmortem.status == "published",
        started_at=postmortem.started_at,
    )


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def write_documents(ids: Iterable[int], *, registry=django_apps, batch_size: int = BATCH_SIZE) -> int:
    """Rebuild the documents of these postmortems in batches; return how many were written."""
    document_model = registry.get_model("postmortems", "SearchDocument")
    wanted = sorted({int(pk) for pk in ids})
    written = 0
    for chunk in _chunks(wanted, batch_size):
        with transaction.atomic():
            documents = [build_document(pm, document_model) for pm in _postmortems_with_rows(registry, chunk)]
            # Delete and insert rather than upsert: PostgreSQL computes the generated vectors of a proposed
            # row before it finds the conflict, so an upsert would compute every vector twice.
            document_model.objects.filter(postmortem_id__in=chunk).delete()
            try:
                with transaction.atomic():
                    document_model.objects.bulk_create(documents)
            except IntegrityError:
                # Another process indexed some of these between the delete and the insert: overwrite them.
                document_model.objects.bulk_create(
                    documents,
                    update_conflicts=True,
                    unique_fields=["postmortem"],
                    update_fields=[f.name for f in document_model._meta.concrete_fields if not f.primary_key],
                )
        written += len(documents)
    return written


def reindex_postmortems(ids: Iterable[int]) -> int:
    """Make the search documents of these postmortems match them now (idempotent, bulk); return how many."""
    ids = {int(pk) for pk in ids}
    written = write_documents(ids)
    # Up to date as of now: a reindex already queued for this transaction need not do these again.
    pending = _registered_batch(transaction.get_connection(DEFAULT_DB_ALIAS))
    if pending is not None:
        pending.ids -= ids
    return written


def rebuild_index(*, batch_size: int = BATCH_SIZE) -> int:
    """Rewrite every search document, and drop any whose postmortem is gone; return how many were written."""
    postmortem = django_apps.get_model("postmortems", "Postmortem")
    document_model = django_apps.get_model("postmortems", "SearchDocument")
    ids = list(postmortem.objects.order_by("pk").values_list("pk", flat=True))
    written = write_documents(ids, batch_size=batch_size)
    document_model.objects.exclude(postmortem_id__in=postmortem.objects.values("pk")).delete()
    return written


class _PendingReindex:
    """Postmortem ids written in the current transaction, reindexed together once it commits."""

    def __init__(self, ids: set[int]):
        self.ids = ids
        self.done = False

    def __call__(self) -> None:
        self.done = True
        ids, self.ids = self.ids, set()
        if not ids or (len(ids) > INLINE_LIMIT and _queued(ids)):
            return
        try:
            write_documents(ids)
        except Exception:
            # The write itself has committed; a stale document is fixed by the next save or a rebuild.
            logger.exception("search reindex failed for %d postmortem(s): %s", len(ids), sorted(ids)[:20])


def _queued(ids: set[int]) -> bool:
    """Hand a large batch to the workers when there are some; False means "index it here, now"."""
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    from postmortems.search.tasks import reindex_postmortems_task

    try:
        for chunk in _chunks(sorted(ids), BATCH_SIZE):
            reindex_postmortems_task.delay(chunk)
    except Exception:
        logger.warning("could not queue the reindex of %d postmortems; indexing them now", len(ids), exc_info=True)
        return False
    return True


def _registered_batch(connection) -> _PendingReindex | None:
    batch = getattr(connection, "_kb_search_pending", None)
    if batch is None or batch.done or not connection.in_atomic_block:
        return None
    registered = any(callback is batch for _sids, callback, *_rest in connection.run_on_commit)
    return batch if registered else None


def reindex_on_commit(ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Reindex these postmortems after the current transaction commits (at once outside a transaction)."""
    ids = {int(pk) for pk in ids}
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _PendingReindex(ids)()
        return
    batch = _registered_batch(connection)
    if batch is not None:
        batch.ids |= ids
        return
    batch = _PendingReindex(ids)
    connection._kb_search_pending = batch
    transaction.on_commit(batch, using=using)
