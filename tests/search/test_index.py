"""Keeping the search documents current: what goes in them, and that every write path refreshes them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from postmortems import models as m
from postmortems import services
from postmortems.search import rebuild_index, reindex_on_commit, reindex_postmortems
from postmortems.search import sqlite as sqlite_backend
from postmortems.search.index import html_to_text
from tests.factories import (
    AssumptionFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _document(pm) -> m.SearchDocument:
    return m.SearchDocument.objects.get(pk=pm.pk)


def test_reindex_postmortems_puts_every_part_in_its_weighted_field():
    team = TeamFactory(slug="platform", name="Platform")
    service = ServiceFactory(slug="redis-cache", name="Redis cache", team=team)
    pm = PostmortemFactory(
        key="PM-2025-010", title="Cold cache", summary="The **cache** was cold.", narrative="Long story"
    )
    m.PostmortemService.objects.create(postmortem=pm, service=service)
    assumption = AssumptionFactory(statement="Caches warm up within a minute")
    ContributingFactorFactory(postmortem=pm, narrative="Keys changed at once", assumption=assumption)
    TimelineEventFactory(postmortem=pm, text="Replica CPU at 90%", why_it_made_sense="It looked like the database")
    m.ActionItem.objects.create(postmortem=pm, title="Warm the cache before switching keys")

    assert reindex_postmortems([pm.pk]) == 1

    document = _document(pm)
    assert document.title == "PM-2025-010 Cold cache"
    assert document.summary == "The cache was cold."
    assert document.names.split("\n") == ["Redis cache", "Retry feedback loop", "Caches warm up within a minute"]
    for text in ("Long story", "Keys changed at once", "Replica CPU at 90%", "It looked like", "Warm the cache"):
        assert text in document.body


def test_reindex_postmortems_records_facet_keys():
    team = TeamFactory(slug="platform")
    service = ServiceFactory(slug="redis-cache", team=team)
    started = datetime(2025, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    pm = PostmortemFactory(kind="near_miss", severity=3, status="draft", started_at=started, timezone="Asia/Tokyo")
    m.PostmortemService.objects.create(postmortem=pm, service=service)
    ContributingFactorFactory(postmortem=pm)

    reindex_postmortems([pm.pk])

    assert _document(pm).facets == [
        "kind:near_miss",
        "status:draft",
        "severity:3",
        "year:2026",  # the incident's own time zone decides the year
        "service:redis-cache",
        "team:platform",
        "factor:load.retry-feedback-loop",
        "family:load",
    ]
    assert not _document(pm).is_published


def test_reindex_postmortems_is_idempotent_and_tolerates_missing_ids():
    pm = PostmortemFactory(title="First title")
    reindex_postmortems([pm.pk, 999_999])
    pm.title = "Second title"
    pm.save()
    reindex_postmortems([pm.pk])
    reindex_postmortems([pm.pk])
    assert m.SearchDocument.objects.count() == 1
    assert _document(pm).title.endswith("Second title")


def test_deleting_a_postmortem_deletes_its_document():
    pm = PostmortemFactory()
    reindex_postmortems([pm.pk])
    pm.delete()
    assert not m.SearchDocument.objects.exists()


def test_html_to_text_keeps_paragraphs_apart_and_unescapes():
    assert html_to_text("<p>One &amp; two</p><ul><li>three</li><li>four</li></ul>") == "One & two\nthree\nfour"


def test_reindex_on_commit_folds_a_transaction_into_one_bulk_reindex(django_capture_on_commit_callbacks, mocker):
    first, second = PostmortemFactory(), PostmortemFactory()
    write = mocker.patch("postmortems.search.index.write_documents")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reindex_on_commit([first.pk])
        reindex_on_commit([second.pk, first.pk])
    assert len(callbacks) == 1
    write.assert_called_once_with({first.pk, second.pk})


def test_reindex_on_commit_skips_ids_already_reindexed_in_the_transaction(django_capture_on_commit_callbacks, mocker):
    first, second = PostmortemFactory(), PostmortemFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reindex_on_commit([first.pk, second.pk])
        reindex_postmortems([first.pk])
    write = mocker.patch("postmortems.search.index.write_documents")
    callbacks[0]()
    write.assert_called_once_with({second.pk})


def test_reindex_on_commit_logs_a_failure_instead_of_failing_the_write(django_capture_on_commit_callbacks, mocker):
    pm = PostmortemFactory()
    mocker.patch("postmortems.search.index.write_documents", side_effect=RuntimeError("index down"))
    log = mocker.patch("postmortems.search.index.logger.exception")
    with django_capture_on_commit_callbacks(execute=True):
        reindex_on_commit([pm.pk])
    log.assert_called_once()


def test_create_and_update_postmortem_refresh_the_document(django_capture_on_commit_callbacks):
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pm = services.create_postmortem(created_by=author, title="Queue backlog", summary="Consumers fell behind")
    assert _document(pm).summary == "Consumers fell behind"
    with django_capture_on_commit_callbacks(execute=True):
        services.update_postmortem(postmortem=pm, expected_version=pm.version, changed_by=author, title="Kafka lag")
    assert _document(pm).title.endswith("Kafka lag")


def test_publish_postmortem_refreshes_the_document(django_capture_on_commit_callbacks):
    pm = PostmortemFactory(status="draft")
    reindex_postmortems([pm.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_postmortem(postmortem=pm, published_by=None)
    assert _document(pm).is_published
    assert "status:published" in _document(pm).facets


def test_child_row_writes_refresh_the_document(django_capture_on_commit_callbacks):
    pm = PostmortemFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_timeline_event(postmortem=pm, added_by=None, occurred_at=pm.started_at, text="Paged the DBA")
        services.add_action_item(postmortem=pm, added_by=None, title="Alert on replica lag")
    assert "Paged the DBA" in _document(pm).body
    assert "Alert on replica lag" in _document(pm).body


def test_rebuild_index_writes_every_document_and_drops_none_that_belong():
    pms = [PostmortemFactory() for _ in range(3)]
    assert rebuild_index(batch_size=2) == 3
    assert set(m.SearchDocument.objects.values_list("pk", flat=True)) == {pm.pk for pm in pms}


@pytest.mark.sqlite
def test_sqlite_migrations_leave_the_fts_table_and_its_triggers_in_place():
    with connection.cursor() as cursor:
        assert sqlite_backend.has_fts_table(cursor)
        assert sqlite_backend.missing_triggers(cursor) == []


@pytest.mark.sqlite
def test_sqlite_fts_table_follows_document_updates_and_deletes():
    pm = PostmortemFactory(title="Zebra outage")
    reindex_postmortems([pm.pk])
    pm.title = "Giraffe outage"
    pm.save()
    reindex_postmortems([pm.pk])
    with connection.cursor() as cursor:
        query = f"SELECT rowid FROM {sqlite_backend.FTS} WHERE {sqlite_backend.FTS} MATCH %s"
        cursor.execute(query, ["zebra"])
        assert cursor.fetchall() == []
        cursor.execute(query, ["giraffe"])
        assert cursor.fetchall() == [(pm.pk,)]
        pm.delete()
        cursor.execute(query, ["giraffe"])
        assert cursor.fetchall() == []


@pytest.mark.postgres
def test_postgresql_computes_weighted_vectors_from_the_document():
    pm = PostmortemFactory(title="Certificates expired", summary="Nobody renewed them")
    reindex_postmortems([pm.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rank_vector::text, match_vector @@ plainto_tsquery('kb_english', 'renewing certificate') "
            "FROM postmortems_searchdocument WHERE postmortem_id = %s",
            [pm.pk],
        )
        rank_vector, matches = cursor.fetchone()
    assert re.search(r"'certif':\d+A", rank_vector) and re.search(r"'renew':\d+B", rank_vector)
    assert matches


@pytest.mark.postgres
def test_postgresql_folds_accents_when_unaccent_is_available():
    pm = PostmortemFactory(title="Café outage")
    reindex_postmortems([pm.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict "
            "JOIN pg_ts_config c ON c.oid = m.mapcfg WHERE c.cfgname = 'kb_english' AND d.dictname = 'unaccent'"
        )
        if cursor.fetchone() is None:
            pytest.skip("unaccent is not installed in this PostgreSQL")
        cursor.execute(
            "SELECT match_vector @@ plainto_tsquery('kb_english', 'cafe') FROM postmortems_searchdocument "
            "WHERE postmortem_id = %s",
            [pm.pk],
        )
        assert cursor.fetchone()[0]


def test_reindex_on_commit_queues_a_large_batch_for_the_workers(settings, django_capture_on_commit_callbacks, mocker):
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    delay = mocker.patch("postmortems.search.tasks.reindex_postmortems_task.delay")
    write = mocker.patch("postmortems.search.index.write_documents")
    with django_capture_on_commit_callbacks(execute=True):
        reindex_on_commit(range(1, 602))
    assert [len(call.args[0]) for call in delay.call_args_list] == [500, 101]
    write.assert_not_called()


def test_reindex_on_commit_indexes_in_process_when_the_broker_refuses(
    settings, django_capture_on_commit_callbacks, mocker
):
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    mocker.patch("postmortems.search.tasks.reindex_postmortems_task.delay", side_effect=OSError("no broker"))
    write = mocker.patch("postmortems.search.index.write_documents")
    with django_capture_on_commit_callbacks(execute=True):
        reindex_on_commit(range(1, 202))
    write.assert_called_once_with(set(range(1, 202)))


def test_reindex_task_rewrites_documents():
    from postmortems.search.tasks import reindex_postmortems_task

    pm = PostmortemFactory(title="Queued one")
    assert reindex_postmortems_task(ids=[pm.pk]) == 1
    assert _document(pm).title.endswith("Queued one")


def test_reindex_overwrites_documents_another_process_inserted_meanwhile(monkeypatch):
    pm = PostmortemFactory(title="Raced")
    queryset_class = type(m.SearchDocument.objects.all())
    original_delete = queryset_class.delete

    def delete_then_race(self):
        result = original_delete(self)
        if self.model is m.SearchDocument:
            # Another process inserts the same document between our delete and our insert.
            m.SearchDocument.objects.create(postmortem_id=pm.pk, title="stale")
        return result

    monkeypatch.setattr(queryset_class, "delete", delete_then_race)
    reindex_postmortems([pm.pk])
    assert _document(pm).title.endswith("Raced")
