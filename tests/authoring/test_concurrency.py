"""Row saves by several people at once, on their own connections: each gets its own version and revision.

Transactional (each thread commits for real); runs on whichever database the suite uses.
"""

import pytest

from postmortems import services
from postmortems.models import Postmortem, Revision
from tests.authoring.conftest import STARTED
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_simultaneous_row_saves_each_take_the_next_version(member, draft):
    people = [member, UserFactory(username="bea"), UserFactory(username="cai")]

    def writer(person, n):
        def write():
            pm = Postmortem.objects.get(pk=draft.pk)  # each person's own, soon stale, copy
            for i in range(3):
                services.add_timeline_event(postmortem=pm, added_by=person, occurred_at=STARTED, text=f"{n}.{i}")

        return write

    assert race(*(writer(person, n) for n, person in enumerate(people))) == []
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
