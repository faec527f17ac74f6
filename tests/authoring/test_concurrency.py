"""Row saves by several people at once, on their own connections: each gets its own version and revision.

Transactional (each thread commits for real); runs on whichever database the suite uses.
"""

import threading

import pytest
from django.db import connections

from postmortems import services
from postmortems.models import Postmortem, Revision
from tests.authoring.conftest import STARTED
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(*calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_simultaneous_row_saves_each_take_the_next_version(member, draft):
    people = [member, UserFactory(username="bea"), UserFactory(username="cai")]

    def writer(person, n):
        def write():
            pm = Postmortem.objects.get(pk=draft.pk)  # each person's own, soon stale, copy
            for i in range(3):
                services.add_timeline_event(postmortem=pm, added_by=person, occurred_at=STARTED, text=f"{n}.{i}")

        return write

    assert _race(*(writer(person, n) for n, person in enumerate(people))) == []
    draft.refresh_from_db()
    assert draft.version == 10
    versions = list(Revision.objects.filter(postmortem=draft).order_by("version").values_list("version", flat=True))
    assert versions == list(range(1, 11))
    # Each revision saw every event saved before it: the timeline grows by one at each version.
    sizes = [
        len(s["timeline"])
        for s in Revision.objects.filter(postmortem=draft).order_by("version").values_list("snapshot", flat=True)
    ]
    assert sizes == list(range(10))
