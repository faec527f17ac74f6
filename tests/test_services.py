"""Postmortem writes: keys, revisions and optimistic locking."""

import datetime as dt

import pytest
from django.utils import timezone

from postmortems import services
from postmortems.models import Postmortem, Revision, ServiceRole, Status
from tests.factories import PostmortemFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_postmortem_allocates_the_next_key_for_the_year():
    PostmortemFactory(key="PM-2025-007")
    PostmortemFactory(key="PM-2026-041")
    author = UserFactory()
    started = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    pm = services.create_postmortem(created_by=author, title="DNS timeouts", started_at=started)
    assert pm.key == "PM-2026-042"
    assert list(pm.authors.all()) == [author]
    assert pm.status == Status.DRAFT


def test_create_postmortem_records_revision_one_with_services():
    service = ServiceFactory(slug="checkout")
    pm = services.create_postmortem(created_by=None, title="t", services=[(service, ServiceRole.ORIGIN)])
    revision = Revision.objects.get(postmortem=pm)
    assert revision.version == 1
    assert revision.snapshot["services"] == ["checkout:origin"]


def test_create_postmortem_rejects_unknown_fields():
    with pytest.raises(TypeError, match="root_cause"):
        services.create_postmortem(created_by=None, title="t", root_cause="the intern")


def test_update_postmortem_bumps_version_and_records_a_revision():
    editor = UserFactory()
    pm = services.create_postmortem(created_by=editor, title="Before")
    services.update_postmortem(postmortem=pm, expected_version=1, changed_by=editor, title="After")
    pm.refresh_from_db()
    assert (pm.title, pm.version) == ("After", 2)
    assert list(pm.revisions.values_list("version", "snapshot__title")) == [(2, "After"), (1, "Before")]


def test_update_postmortem_from_a_stale_version_is_refused_and_writes_nothing():
    first, second = UserFactory(), UserFactory()
    pm = services.create_postmortem(created_by=first, title="Original")
    stale = Postmortem.objects.get(pk=pm.pk)
    services.update_postmortem(postmortem=pm, expected_version=1, changed_by=first, summary="First edit")
    with pytest.raises(services.EditConflict) as conflict:
        services.update_postmortem(postmortem=stale, expected_version=1, changed_by=second, summary="Second edit")
    assert conflict.value.current.summary == "First edit"
    assert conflict.value.current.version == 2
    pm.refresh_from_db()
    assert pm.summary == "First edit"
    assert pm.revisions.count() == 2


def test_publish_postmortem_sets_time_once():
    pm = services.create_postmortem(created_by=None, title="t")
    services.publish_postmortem(postmortem=pm, published_by=None)
    first_published_at = pm.published_at
    services.publish_postmortem(postmortem=pm, published_by=None)
    pm.refresh_from_db()
    assert pm.status == Status.PUBLISHED
    assert pm.published_at == first_published_at
    assert pm.version == 2
    assert first_published_at <= timezone.now()
