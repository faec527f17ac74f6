"""Overlapping runs against the real database: the unique constraint and the claims, not luck, keep it to one email.

Each thread has its own database connection, so these tests commit for real (transactional database) and
run on whichever database the suite uses, SQLite (a file) or PostgreSQL.
"""

import pytest
from django.db import IntegrityError

from postmortems import models as m
from postmortems.reading.delivery import run_team_digest
from tests.concurrency import race
from tests.factories import MembershipFactory, UserFactory
from tests.reading.conftest import WEEK, published

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def slow_mail(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.reading.backends.SlowBackend"
    settings.READING_SEND_BATCH = 2
    return mailoutbox


def test_overlapping_runs_send_each_subscriber_exactly_one_email(team, readers, slow_mail):
    for name in ("dev", "eli"):
        MembershipFactory(team=team, user=UserFactory(username=name))
    published(3, key="PM-2026-001")

    errors = race(*[lambda: run_team_digest(team=team, week_start=WEEK)] * 3)

    assert errors == []
    recipients = [message.to[0] for message in slow_mail]
    assert sorted(recipients) == [f"{n}@example.com" for n in ("ana", "ben", "cai", "dev", "eli")]
    assert m.Digest.objects.count() == 1
    digest = m.Digest.objects.get()
    assert set(digest.deliveries.values_list("status", flat=True)) == {m.DeliveryStatus.SENT}
    assert (digest.sent_count, digest.run_count) == (5, 3)


def test_two_teams_racing_send_a_shared_member_one_email(team, other_team, readers, slow_mail):
    MembershipFactory(team=other_team, user=readers[0])
    published(3, key="PM-2026-001")

    errors = race(
        lambda: run_team_digest(team=team, week_start=WEEK),
        lambda: run_team_digest(team=other_team, week_start=WEEK),
    )

    assert errors == []
    assert sorted(message.to[0] for message in slow_mail) == ["ana@example.com", "ben@example.com", "cai@example.com"]
    assert m.DigestDelivery.objects.filter(user=readers[0]).count() == 1


def test_racing_inserts_for_one_person_and_week_let_exactly_one_win(team, other_team, readers):
    digests = [m.Digest.objects.create(team=t, week_start=WEEK) for t in (team, other_team)]

    errors = race(
        *[lambda d=d: m.DigestDelivery.objects.create(digest=d, user=readers[0], week_start=WEEK) for d in digests]
    )

    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert m.DigestDelivery.objects.filter(user=readers[0], week_start=WEEK).count() == 1
