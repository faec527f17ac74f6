from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from postmortems import models as m
from postmortems.tasks import deliver_digest, send_due_digests, send_team_digest
from tests.factories import DigestFactory, TeamFactory
from tests.reading.conftest import WEEK, WEEK_LABEL, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(team, readers):
    return published(3, key="PM-2026-001", title="Ledger writes stalled")


def _run(*args) -> str:
    out = StringIO()
    call_command("send_weekly_digest", *args, stdout=out)
    return out.getvalue()


def test_send_weekly_digest_dry_run_shows_the_choice_and_writes_nothing(team, reading, mailoutbox):
    output = _run("--team", "payments", "--week", WEEK_LABEL, "--dry-run")

    assert "Payments 2026-W11: would send to 3" in output
    assert "facilitator: ana" in output
    assert "PM-2026-001 Ledger writes stalled [Recent and not yet read]" in output
    assert not m.Digest.objects.exists() and mailoutbox == []


def test_send_weekly_digest_sends_and_reports_counts(team, reading, mailoutbox):
    output = _run("--team", "payments", "--week", WEEK_LABEL)

    assert "Payments 2026-W11: 1 postmortems, sent 3, skipped 0, failed 0" in output
    assert len(mailoutbox) == 3
    _run("--team", "payments", "--week", WEEK_LABEL)
    assert len(mailoutbox) == 3


def test_send_weekly_digest_covers_every_team_by_default(team, other_team, reading, mailoutbox, time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 12, tzinfo=UTC), tick=False)

    output = _run()

    assert "Payments 2026-W11" in output and "Storefront 2026-W11" in output
    assert set(m.Digest.objects.values_list("week_start", flat=True)) == {WEEK}


def test_send_weekly_digest_retries_in_process_without_a_broker(team, reading, smtp_server, fast_retries):
    smtp_server.handler.fail_first = 2

    output = _run("--team", "payments", "--week", WEEK_LABEL)

    assert "retrying 2 in" in output
    assert "sent 3, skipped 0, failed 0" in output
    assert smtp_server.handler.recipients == ["ana@example.com", "ben@example.com", "cai@example.com"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-13"], "week must look like 2026-W07"),
        (["--week", "2026-W60"], "2026 has no ISO week 60"),
        (["--team", "nobody"], "no team with slug 'nobody'"),
    ],
)
def test_send_weekly_digest_refuses_bad_arguments_with_a_reason(team, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not m.Digest.objects.exists()


def test_send_due_digests_starts_the_teams_whose_reading_time_has_passed(team, time_machine, mocker):
    later = TeamFactory(slug="later", reading_day=m.Weekday.THURSDAY, reading_time=time(9))
    done = TeamFactory(slug="done")
    DigestFactory(team=done, week_start=WEEK, run_count=1)
    apply_async = mocker.patch.object(send_team_digest, "apply_async")
    time_machine.move_to(datetime(2026, 3, 9, 9, 5, tzinfo=UTC), tick=False)

    result = send_due_digests()

    apply_async.assert_called_once_with((team.pk, WEEK_LABEL), queue=None)
    assert result == {"teams": ["payments"], "stalled_digests": []}
    assert later.slug not in result["teams"]


def test_send_team_digest_task_schedules_a_retry_pass(team, reading, smtp_server, mocker):
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    apply_async = mocker.patch.object(deliver_digest, "apply_async")

    result = send_team_digest(team.pk, WEEK_LABEL)

    assert result["retrying"] == 3
    digest = m.Digest.objects.get()
    (args,), kwargs = apply_async.call_args
    assert args == (digest.pk,)
    assert kwargs["eta"] == digest.deliveries.order_by("next_attempt_at").first().next_attempt_at


def test_deliver_digest_task_finishes_the_retries(team, reading, smtp_server, mocker):
    smtp_server.handler.reply = "451 4.3.0 Try again later"
    mocker.patch.object(deliver_digest, "apply_async")
    send_team_digest(team.pk, WEEK_LABEL)
    digest = m.Digest.objects.get()
    smtp_server.handler.reply = None
    digest.deliveries.update(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))

    result = deliver_digest(digest.pk)

    assert result["sent"] == 3
    digest.refresh_from_db()
    assert (digest.sent_count, digest.run_count) == (3, 2)


def test_tasks_ignore_what_no_longer_exists():
    assert send_team_digest(987654, WEEK_LABEL) == {}
    assert deliver_digest(987654) == {}
