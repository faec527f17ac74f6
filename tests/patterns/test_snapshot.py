"""The precomputed snapshot: same figures as a live count, changes since the build counted live, restricted
postmortems never counted for people who may not see them, and the task that builds it."""

import json
import zlib
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from kombu.exceptions import OperationalError as BrokerError

from postmortems import services
from postmortems.models import PatternSnapshot, Postmortem
from postmortems.patterns import VIEWS, PatternContext, compute
from postmortems.patterns.catalog import Catalog
from postmortems.patterns.filters import PatternFilterForm
from postmortems.patterns.index import FORMAT_VERSION, PatternIndex, index_queryset
from postmortems.patterns.population import population_for
from postmortems.patterns.snapshot import build_snapshot, forget_cached_index, refresh_snapshot
from postmortems.tasks import enqueue_pattern_refresh, refresh_pattern_snapshot
from tests.factories import PostmortemFactory, UserFactory
from tests.patterns.conftest import LETTERS, TODAY, by_slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_day(library):
    """A day after the library was written, so the snapshot can vouch for all of it."""
    forget_cached_index()
    with time_machine.travel(TODAY + timedelta(days=1), tick=False) as traveller:
        yield traveller
    forget_cached_index()


def _all_views(user, **params):
    catalog = Catalog()
    form = PatternFilterForm(params, catalog=catalog)
    assert form.is_valid()
    ctx = PatternContext(user=user, filters=form.filters(), catalog=catalog)
    return json.loads(json.dumps({name: compute(name, ctx) for name in VIEWS}, default=str))


@pytest.mark.parametrize("who", ["outsider", "member", "admin"])
@pytest.mark.parametrize("period", ["12m", "all"])
def test_snapshot_gives_the_same_figures_as_a_live_count(library, next_day, who, period):
    user = library[who] if who != "admin" else UserFactory(username="root", role="admin", password="!")
    live = _all_views(user, period=period)
    build_snapshot()
    assert _all_views(user, period=period) == live


def test_snapshot_covers_open_postmortems_and_leaves_restricted_ones_to_the_live_part(library, next_day):
    build_snapshot()
    assert population_for(library["outsider"]).live_count == 0
    assert population_for(library["member"]).live_count == 1  # PM-2026-301, for the Payments team only
    assert PatternSnapshot.objects.get(scope="open").postmortem_count == 12


def test_admins_use_the_snapshot_of_every_published_postmortem(library, next_day):
    build_snapshot()
    admin = UserFactory(username="root", role="admin", password="!")
    population = population_for(admin)
    assert (population.snapshot.scope, population.live_count) == ("all", 0)
    assert PatternSnapshot.objects.get(scope="all").postmortem_count == 13


def test_snapshot_counts_a_change_made_after_the_build_at_once(library, next_day, figures_at_next_day):
    build_snapshot()
    next_day.shift(timedelta(hours=1))
    services.add_contributing_factor(
        postmortem=library["pms"]["PM-2026-107"], added_by=None, factor=library["factors"]["F"], role="enabling"
    )
    rows = by_slug(figures_at_next_day("factors", library["outsider"])["factors"])
    assert rows[LETTERS["F"]]["count"] == 3
    assert population_for(library["outsider"]).live_count == 1


def test_snapshot_never_counts_a_postmortem_restricted_after_the_build(library, next_day, figures_at_next_day):
    build_snapshot()
    # A raw UPDATE that leaves updated_at alone: the restriction must still apply at once.
    Postmortem.objects.filter(key="PM-2026-108").update(restricted=True)
    outsider = by_slug(figures_at_next_day("factors", library["outsider"])["factors"])
    assert outsider[LETTERS["A"]]["count"] == 4
    assert LETTERS["G"] not in outsider  # G was tagged only in PM-2026-108
    admin = UserFactory(username="root", role="admin", password="!")
    assert by_slug(figures_at_next_day("factors", admin)["factors"])[LETTERS["A"]]["count"] == 6


def test_snapshot_counts_a_postmortem_published_after_the_build(library, next_day, figures_at_next_day):
    build_snapshot()
    draft = library["pms"]["PM-2026-401"]  # tagged A, B and C
    services.publish_postmortem(postmortem=draft, published_by=None)
    rows = by_slug(figures_at_next_day("factors", library["outsider"])["factors"])
    assert rows[LETTERS["A"]]["count"] == 6


@pytest.fixture
def figures_at_next_day():
    def compute_view(name, user, **params):
        catalog = Catalog()
        form = PatternFilterForm(params, catalog=catalog)
        assert form.is_valid()
        return compute(name, PatternContext(user=user, filters=form.filters(), catalog=catalog))

    return compute_view


def test_pattern_index_survives_a_round_trip_through_bytes(library):
    index = index_queryset(Postmortem.objects.filter(status="published"))
    copy = PatternIndex.from_bytes(index.to_bytes())
    assert (copy.ids, copy.keys, copy.started, copy.durations) == (
        index.ids,
        index.keys,
        index.started,
        index.durations,
    )
    assert copy.bits == index.bits
    assert copy.actor_names == {"ana": "Ana", "ben": "Ben", "cy": "Cy"}


def test_pattern_index_refuses_another_format():
    raw = zlib.decompress(PatternIndex(ids=[], keys=[], started=[], durations=[], bits={}).to_bytes())
    other = raw.replace(f'"version":{FORMAT_VERSION}'.encode(), b'"version":9')  # same length: header intact
    with pytest.raises(ValueError, match="format 9 "):
        PatternIndex.from_bytes(zlib.compress(other))


def test_a_snapshot_in_another_format_is_counted_live(library, next_day):
    build_snapshot()
    PatternSnapshot.objects.update(data=zlib.compress(b"\x00" * 8 + b"{}"))
    population = population_for(library["outsider"])
    assert (population.snapshot, population.live_count) == (None, 9 + 3)


def test_build_snapshot_keeps_only_the_two_newest(db):
    for _ in range(3):
        build_snapshot()
    assert PatternSnapshot.objects.filter(scope="open").count() == 2
    assert PatternSnapshot.objects.filter(scope="all").count() == 2


def test_refresh_snapshot_skips_when_a_newer_build_exists(db):
    first = build_snapshot()
    assert refresh_snapshot(requested_after=first.built_at - timedelta(seconds=1)) is None
    assert refresh_snapshot(requested_after=first.built_at + timedelta(seconds=1)) is not None


def test_refresh_pattern_snapshot_task_builds_one(db):
    PostmortemFactory()
    result = refresh_pattern_snapshot()
    assert result["postmortems"] == 1
    earlier = PatternSnapshot.objects.filter(scope="open").get().built_at - timedelta(seconds=1)
    assert refresh_pattern_snapshot(requested_at=earlier.isoformat()) == {"skipped": True}


def test_publishing_asks_for_a_refresh_after_commit(db, django_capture_on_commit_callbacks, mocker):
    delay = mocker.patch("postmortems.tasks.refresh_pattern_snapshot.delay")
    draft = PostmortemFactory(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_postmortem(postmortem=draft, published_by=None)
    delay.assert_called_once()


def test_asking_for_a_refresh_survives_a_broker_outage(mocker):
    mocker.patch("postmortems.tasks.refresh_pattern_snapshot.delay", side_effect=BrokerError("down"))
    enqueue_pattern_refresh()  # logs and returns: the scheduled run catches up


def test_the_schedule_runs_the_refresh_every_fifteen_minutes(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="postmortems.tasks.refresh_pattern_snapshot")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 15, "minutes")


def test_migration_adds_the_indexes_the_change_check_uses(db):
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "postmortems_postmortem"))
    assert {"pm_patterns_updated", "pm_patterns_published", "pm_patterns_restricted"} <= names


def test_refresh_patterns_command_builds_both_scopes(library):
    out = StringIO()
    call_command("refresh_patterns", stdout=out)
    assert "open: 12 postmortems indexed" in out.getvalue()
    assert "all: 13 postmortems indexed" in out.getvalue()


def test_refresh_patterns_command_dry_run_builds_nothing(library):
    out = StringIO()
    call_command("refresh_patterns", "--dry-run", stdout=out)
    assert "open: would index 12 postmortems" in out.getvalue()
    assert not PatternSnapshot.objects.exists()


def test_deleting_a_published_postmortem_asks_for_a_refresh(db, django_capture_on_commit_callbacks, mocker):
    delay = mocker.patch("postmortems.tasks.refresh_pattern_snapshot.delay")
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_postmortem(postmortem=PostmortemFactory(), deleted_by=None)
    delay.assert_called_once()
