import random
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postmortems import models as m
from postmortems.reading.delivery import (
    deliver_digest_pass,
    plan_deliveries,
    retry_delay,
    run_team_digest,
    send_pending_deliveries,
)
from postmortems.reading.digests import create_weekly_digest
from postmortems.reading.services import retry_failed
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.reading.conftest import WEEK, free_port, published, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(team, readers):
    """Something to read this week for the payments team."""
    postmortem = published(3, key="PM-2026-001", title="Card payments declined after a certificate rotation")
    tag(postmortem, "latent.clock-and-time", "signals.alert-fatigue")
    return postmortem


def _statuses(digest):
    return sorted(digest.deliveries.values_list("user__username", "status"))


def test_run_team_digest_emails_each_subscriber_once(team, readers, reading, mailoutbox):
    report = run_team_digest(team=team, week_start=WEEK)

    assert sorted(message.to[0] for message in mailoutbox) == ["ana@example.com", "ben@example.com", "cai@example.com"]
    assert report.passed.sent == 3
    digest = report.digest
    assert (digest.sent_count, digest.skipped_count, digest.failed_count, digest.run_count) == (3, 0, 0, 1)
    assert _statuses(digest) == [("ana", "sent"), ("ben", "sent"), ("cai", "sent")]


def test_run_team_digest_again_sends_nothing_more(team, readers, reading, mailoutbox):
    run_team_digest(team=team, week_start=WEEK)
    again = run_team_digest(team=team, week_start=WEEK)

    assert len(mailoutbox) == 3
    assert again.passed.sent == 0
    assert (again.digest.sent_count, again.digest.run_count) == (3, 2)


def test_run_team_digest_leaves_out_unsubscribed_suppressed_and_muted_people(team, readers, reading, mailoutbox):
    ana, ben, cai = readers
    m.DigestPreference.objects.create(user=ana, subscribed=False)
    m.DigestPreference.objects.create(user=ben, suppressed=True)
    m.DigestPreference.objects.create(user=cai).muted_teams.add(team)
    dan = UserFactory(username="dan")
    MembershipFactory(team=team, user=dan)
    MembershipFactory(team=team, user=UserFactory(username="eve", email=""))

    digest = run_team_digest(team=team, week_start=WEEK).digest

    assert [message.to for message in mailoutbox] == [["dan@example.com"]]
    assert (digest.sent_count, digest.skipped_count) == (1, 4)


def test_person_on_two_teams_gets_one_digest_a_week(team, other_team, readers, reading, mailoutbox):
    MembershipFactory(team=other_team, user=readers[0])
    MembershipFactory(team=other_team, user=UserFactory(username="olga"))

    run_team_digest(team=team, week_start=WEEK)
    second = run_team_digest(team=other_team, week_start=WEEK).digest

    assert sorted(message.to[0] for message in mailoutbox) == [
        "ana@example.com",
        "ben@example.com",
        "cai@example.com",
        "olga@example.com",
    ]
    assert m.DigestDelivery.objects.filter(user=readers[0], week_start=WEEK).count() == 1
    assert (second.sent_count, second.skipped_count) == (1, 1)


def test_delivery_constraint_refuses_a_second_row_for_the_same_person_and_week(team, other_team, readers):
    first = m.Digest.objects.create(team=team, week_start=WEEK)
    second = m.Digest.objects.create(team=other_team, week_start=WEEK)
    m.DigestDelivery.objects.create(digest=first, user=readers[0], week_start=WEEK)

    with pytest.raises(IntegrityError), transaction.atomic():
        m.DigestDelivery.objects.create(digest=second, user=readers[0], week_start=WEEK)


def test_plan_deliveries_inserts_in_batches(team, readers, reading, settings):
    settings.READING_PLAN_BATCH = 2
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)

    with CaptureQueriesContext(connection) as queries:
        plan_deliveries(digest=digest)

    inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2  # ana+ben, then cai
    assert digest.deliveries.filter(status=m.DeliveryStatus.PENDING).count() == 3


def test_digest_with_nothing_to_read_sends_nothing(team, readers, mailoutbox):
    report = run_team_digest(team=team, week_start=WEEK)

    assert mailoutbox == []
    assert report.digest.deliveries.count() == 0


def test_digest_email_has_text_and_html_with_reasons_factors_prompts_and_links(
    team, readers, reading, mailoutbox, settings
):
    settings.SITE_URL = "http://kb.example"
    run_team_digest(team=team, week_start=WEEK)
    ana = next(message for message in mailoutbox if message.to == ["ana@example.com"])
    html = ana.alternatives[0].content

    assert ana.subject == "Payments weekly reading, 2026-W11: 1 postmortem"
    for body in (ana.body, html):
        assert "Card payments declined after a certificate rotation" in body
        assert "Recent and not yet read" in body
        assert "Clocks, calendars and expiry (amplifier)" in body
        assert "What was already in the system, waiting? (Clocks, calendars and expiry)" in body
        assert "http://kb.example/postmortems/PM-2026-001/" in body
        assert "http://kb.example/reading/" in body
    assert "You are facilitating this week's discussion." in ana.body  # ana has been a member longest
    assert ana.extra_headers["List-Unsubscribe"].startswith("<http://kb.example/reading/unsubscribe/")
    ben = next(message for message in mailoutbox if message.to == ["ben@example.com"])
    assert "ana facilitates this week's discussion." in ben.body


def test_digest_email_leaves_out_what_became_restricted_after_it_was_chosen(
    team, other_team, readers, reading, mailoutbox
):
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)
    reading.restricted = True
    reading.save()
    reading.allowed_teams.set([other_team])

    report = send_pending_deliveries(digest=digest)

    assert mailoutbox == []
    assert report.skipped == 3
    assert set(digest.deliveries.values_list("last_error", flat=True)) == {"Nothing this person may see"}


def test_unsubscribing_after_planning_still_stops_the_email(team, readers, reading, mailoutbox):
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)
    m.DigestPreference.objects.create(user=readers[1], subscribed=False)

    deliver_digest_pass(digest=digest)

    assert sorted(message.to[0] for message in mailoutbox) == ["ana@example.com", "cai@example.com"]
    assert digest.deliveries.get(user=readers[1]).status == m.DeliveryStatus.SKIPPED


def test_failed_send_is_retried_later_with_backoff(team, readers, reading, smtp_server, settings):
    settings.READING_RETRY_BASE_SECONDS = 60
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)
    before = timezone.now()

    report = send_pending_deliveries(digest=digest)

    assert (report.sent, report.retrying, report.failed) == (0, 3, 0)
    for delivery in digest.deliveries.all():
        assert delivery.status == m.DeliveryStatus.PENDING
        assert delivery.attempts == 1
        assert "451" in delivery.last_error
        assert before + timedelta(seconds=30) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=60)
    # Not due yet: a pass now sends nothing.
    smtp_server.handler.reply = None
    assert send_pending_deliveries(digest=digest).sent == 0
    digest.deliveries.update(next_attempt_at=timezone.now())

    assert send_pending_deliveries(digest=digest).sent == 3
    assert smtp_server.handler.recipients == ["ana@example.com", "ben@example.com", "cai@example.com"]
    assert set(digest.deliveries.values_list("status", "attempts")) == {(m.DeliveryStatus.SENT, 2)}


def test_send_gives_up_after_the_retry_budget(team, readers, reading, smtp_server, settings, fast_retries):
    settings.READING_MAX_ATTEMPTS = 3
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)

    report = deliver_digest_pass(digest=digest)
    passes = 1
    while report.next_attempt_at is not None:
        time.sleep(max((report.next_attempt_at - timezone.now()).total_seconds(), 0))
        report = deliver_digest_pass(digest=digest)
        passes += 1

    assert passes >= 3  # rows whose jittered backoff ends later wait for a later pass
    assert smtp_server.handler.attempts == 9
    assert set(digest.deliveries.values_list("status", "attempts")) == {(m.DeliveryStatus.FAILED, 3)}
    digest.refresh_from_db()
    assert (digest.sent_count, digest.failed_count) == (0, 3)


def test_permanent_rejection_fails_at_once(team, readers, reading, smtp_server):
    smtp_server.handler.reply = "550 5.1.1 Mailbox does not exist"
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)

    report = send_pending_deliveries(digest=digest)

    assert (report.failed, report.retrying, report.next_attempt_at) == (3, 0, None)
    assert set(digest.deliveries.values_list("attempts", flat=True)) == {1}


def test_unreachable_mail_server_is_retried(team, readers, reading, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)

    report = send_pending_deliveries(digest=digest)

    assert report.retrying == 3
    assert all("ConnectionRefusedError" in e for e in digest.deliveries.values_list("last_error", flat=True))


def test_a_run_of_failures_ends_the_pass_without_spending_everyones_budget(
    team, readers, reading, smtp_server, settings
):
    settings.READING_MAX_CONSECUTIVE_FAILURES = 2
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)

    report = send_pending_deliveries(digest=digest)

    assert smtp_server.handler.attempts == 2
    assert sorted(digest.deliveries.values_list("attempts", flat=True)) == [0, 1, 1]
    untried = digest.deliveries.get(attempts=0)
    assert untried.status == m.DeliveryStatus.PENDING and untried.next_attempt_at > timezone.now()
    assert report.next_attempt_at is not None


def test_retry_delay_doubles_with_jitter_up_to_the_cap(settings):
    settings.READING_RETRY_BASE_SECONDS = 60
    settings.READING_RETRY_MAX_SECONDS = 600
    rng = random.Random(7)

    delays = [retry_delay(attempt, rng=rng).total_seconds() for attempt in (1, 2, 3, 5, 9)]

    for delay, step in zip(delays, (60, 120, 240, 600, 600), strict=True):
        assert step / 2 <= delay <= step
    samples = {retry_delay(1, rng=rng).total_seconds() for _ in range(5)}
    assert len(samples) == 5  # jitter: rows that failed together come back at different moments


def test_a_send_interrupted_mid_way_is_failed_not_sent_twice(team, readers, reading, mailoutbox):
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)
    # A worker claimed ana's row two hours ago and died: her email may or may not have gone out.
    digest.deliveries.filter(user=readers[0]).update(claimed_at=timezone.now() - timedelta(hours=2), claim_token="dead")

    report = send_pending_deliveries(digest=digest)

    assert report.abandoned == 1
    assert sorted(message.to[0] for message in mailoutbox) == ["ben@example.com", "cai@example.com"]
    ana = digest.deliveries.get(user=readers[0])
    assert ana.status == m.DeliveryStatus.FAILED
    assert "Outcome unknown" in ana.last_error


def test_retry_failed_gives_a_fresh_budget_and_enqueues_after_commit(
    team, readers, reading, mocker, django_capture_on_commit_callbacks
):
    digest, _ = create_weekly_digest(team=team, week_start=WEEK)
    plan_deliveries(digest=digest)
    digest.deliveries.filter(user=readers[0]).update(status=m.DeliveryStatus.FAILED, attempts=5, last_error="451")
    delay = mocker.patch("postmortems.tasks.deliver_digest.delay")

    with django_capture_on_commit_callbacks(execute=True):
        count = retry_failed(deliveries=m.DigestDelivery.objects.all())

    assert count == 1
    delay.assert_called_once_with(digest.pk)
    ana = digest.deliveries.get(user=readers[0])
    assert (ana.status, ana.attempts, ana.last_error) == (m.DeliveryStatus.PENDING, 0, "")


def test_counts_are_stored_per_digest_and_logged(team, readers, reading, mailoutbox, caplog):
    caplog.set_level("INFO", logger="postmortems.reading.delivery")
    m.DigestPreference.objects.create(user=readers[2], subscribed=False)

    run_team_digest(team=team, week_start=WEEK)

    record = next(r for r in caplog.records if r.getMessage() == "weekly digest pass")
    assert (record.team, record.week, record.sent, record.skipped, record.failed) == ("payments", "2026-W11", 2, 1, 0)
    assert record.pass_sent == 2


def test_team_of_many_is_sent_in_batches(settings, mailoutbox):
    settings.READING_SEND_BATCH = 7
    crowd = TeamFactory(slug="crowd", name="Crowd")
    for number in range(30):
        MembershipFactory(team=crowd, user=UserFactory(username=f"p{number:02d}"))
    published(3, key="PM-2026-001")

    with CaptureQueriesContext(connection) as queries:
        digest = run_team_digest(team=crowd, week_start=WEEK).digest

    claims = [q for q in queries.captured_queries if "claim_token" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert len(mailoutbox) == 30 and digest.sent_count == 30
    assert len([q for q in claims if '"claimed_at" = ' in q["sql"] and "IN (" in q["sql"]]) == 5  # ceil(30 / 7)
