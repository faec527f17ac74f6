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
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps as django_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction

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


@dataclass(slots=True)
class _Source:
    """What a search document is built from: one postmortem's columns and its child rows, as plain values."""

    pk: int
    key: str
    title: str
    kind: str
    status: str
    severity: int | None
    timezone: str
    started_at: datetime | None
    summary_html: str
    body_html: list[str]
    services: list[tuple[str, str, str | None]] = field(default_factory=list)  # name, slug, team slug
    events: list[tuple[str, str, str]] = field(default_factory=list)  # text, why it made sense, actor
    factors: list[tuple] = field(default_factory=list)  # see _FACTOR_COLUMNS
    evidence: list[tuple[str, str]] = field(default_factory=list)  # assumption statement, excerpt
    actions: list[str] = field(default_factory=list)


_FACTOR_COLUMNS = (
    "id",
    "postmortem_id",
    "factor__name",
    "factor__slug",
    "factor__family__slug",
    "assumption__statement",
    "narrative_html",
    "why_it_made_sense_html",
)


def _load_sources(registry, ids: list[int]) -> list[_Source]:
    """The postmortems and their rows in seven queries, as values: building model instances for tens of
    thousands of child rows would cost more than building the documents."""

    def rows(name: str):
        return registry.get_model("postmortems", name).objects.filter(postmortem_id__in=ids)

    postmortem = registry.get_model("postmortems", "Postmortem")
    columns = ("pk", "key", "title", "kind", "status", "severity", "timezone", "started_at", "summary_html")
    body_columns = [f"{name}_html" for name in BODY_FIELDS]
    sources = {
        values[0]: _Source(*values[:9], body_html=list(values[9:]))
        for values in postmortem.objects.filter(pk__in=ids).values_list(*columns, *body_columns)
    }
    links = rows("PostmortemService").order_by("role", "id")
    for pm_id, *service in links.values_list("postmortem_id", "service__name", "service__slug", "service__team__slug"):
        sources[pm_id].services.append(tuple(service))
    for pm_id, *event in (
        rows("TimelineEvent")
        .order_by("occurred_at", "id")
        .values_list("postmortem_id", "text", "why_it_made_sense", "actor")
    ):
        sources[pm_id].events.append(tuple(event))
    factors = list(rows("ContributingFactor").order_by("position", "id").values_list(*_FACTOR_COLUMNS))
    tag_services: dict[int, list[str]] = defaultdict(list)
    through = registry.get_model("postmortems", "ContributingFactor").services.through
    tags = through.objects.filter(contributingfactor__postmortem_id__in=ids).order_by("service__name")
    for tag_id, name in tags.values_list("contributingfactor_id", "service__name"):
        tag_services[tag_id].append(name)
    for tag_id, pm_id, *columns in factors:
        sources[pm_id].factors.append((*columns, tag_services.get(tag_id, [])))
    for pm_id, statement, excerpt in (
        rows("AssumptionEvidence").order_by("id").values_list("postmortem_id", "assumption__statement", "excerpt")
    ):
        sources[pm_id].evidence.append((statement, excerpt))
    for pm_id, title in rows("ActionItem").order_by("created_at", "id").values_list("postmortem_id", "title"):
        sources[pm_id].actions.append(title)
    return list(sources.values())


def _local_year(source: _Source) -> int | None:
    if source.started_at is None:
        return None
    try:
        zone = ZoneInfo(source.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return source.started_at.astimezone(zone).year


def _facets(source: _Source) -> list[str]:
    keys = [f"kind:{source.kind}", f"status:{source.status}"]
    if source.severity:
        keys.append(f"severity:{source.severity}")
    year = _local_year(source)
    if year:
        keys.append(f"year:{year}")
    keys += [f"service:{slug}" for _name, slug, _team in source.services]
    keys += [f"team:{team}" for _name, _slug, team in source.services if team]
    keys += [f"factor:{slug}" for _name, slug, *_rest in source.factors if slug]
    keys += [f"family:{family}" for _name, slug, family, *_rest in source.factors if slug]
    return list(dict.fromkeys(keys))


def build_document(source: _Source, document_model):
    """One unsaved search document for a postmortem loaded by _load_sources."""
    names = [name for name, _slug, _team in source.services]
    body = [html_to_text(markup) for markup in source.body_html]
    for event in source.events:
        body += event
    for factor_name, _slug, _family, statement, narrative_html, why_html, services in source.factors:
        if factor_name:
            # The factor's name, not its family's: family names are long and general and would add noise.
            names.append(factor_name)
        names += services
        if statement:
            names.append(statement)
        body += [html_to_text(narrative_html), html_to_text(why_html)]
    names += [statement for statement, _excerpt in source.evidence]
    body += [excerpt for _statement, excerpt in source.evidence]
    body += source.actions

    return document_model(
        postmortem_id=source.pk,
        title=f"{source.key} {source.title}",
        summary=html_to_text(source.summary_html),
        names=_join(dict.fromkeys(names)),
        body=_join(body),
        facets=_facets(source),
        is_published=source.status == "published",
        started_at=source.started_at,
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
            documents = [build_document(source, document_model) for source in _load_sources(registry, chunk)]
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
