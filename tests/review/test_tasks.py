"""The reviewer email: at most once per request, retried when the mail server fails, skipped when moot."""

import smtplib

import pytest

from postmortems import review_services
from postmortems.models import ReviewRequest
from postmortems.tasks import enqueue_reviewer_emails, notify_reviewers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(draft, member, reviewer, mocker):
    mocker.patch("postmortems.tasks.notify_reviewers.delay")
    review_services.submit_for_review(
        postmortem=draft, submitted_by=member, reviewers=[reviewer], note="Is the timeline <complete>?"
    )
    return draft


def test_notify_reviewers_emails_each_reviewer_with_the_link_and_the_note(in_review, reviewer, mailoutbox):
    result = notify_reviewers(in_review.pk)

    assert result == {"sent": 1, "skipped": 0}
    (message,) = mailoutbox
    assert message.to == [reviewer.email]
    assert message.subject == f"Review requested: {in_review.key} {in_review.title}"
    assert "mira asked you to review" in message.body
    assert "Is the timeline <complete>?" in message.body  # plain text is not HTML-escaped
    assert f"http://127.0.0.1:8000/postmortems/{in_review.key}/#review" in message.body
    html = message.alternatives[0][0]
    assert "Is the timeline &lt;complete&gt;?" in html  # but the HTML part is
    assert ReviewRequest.objects.get().email_sent


def test_notify_reviewers_twice_emails_nobody_twice(in_review, mailoutbox):
    notify_reviewers(in_review.pk)
    assert notify_reviewers(in_review.pk) == {"sent": 0, "skipped": 0}

    assert len(mailoutbox) == 1


def test_notify_reviewers_skips_a_postmortem_no_longer_in_review(in_review, reviewer, mailoutbox):
    review_services.request_changes(postmortem=in_review, requested_by=reviewer)

    assert notify_reviewers(in_review.pk) == {"sent": 0, "skipped": 1}
    assert mailoutbox == []
    request = ReviewRequest.objects.get()
    assert request.notified_at is not None and not request.email_sent


def test_notify_reviewers_skips_someone_removed_as_reviewer(in_review, member, reviewer, mailoutbox):
    sam = UserFactory(username="sam")
    review_services.change_reviewers(postmortem=in_review, changed_by=member, reviewers=[sam])

    assert notify_reviewers(in_review.pk) == {"sent": 1, "skipped": 1}
    assert [message.to for message in mailoutbox] == [[sam.email]]


def test_notify_reviewers_sends_one_email_for_two_rounds_not_yet_sent(in_review, member, reviewer, mailoutbox):
    review_services.request_changes(postmortem=in_review, requested_by=reviewer)
    review_services.submit_for_review(postmortem=in_review, submitted_by=member, reviewers=[reviewer])

    assert notify_reviewers(in_review.pk) == {"sent": 1, "skipped": 1}
    assert len(mailoutbox) == 1


def test_notify_reviewers_gives_the_request_back_when_the_mail_server_fails(in_review, mocker, mailoutbox):
    mocker.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone"))

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notify_reviewers(in_review.pk)

    assert ReviewRequest.objects.get().notified_at is None  # pending again, for the retry
    mocker.stopall()
    assert notify_reviewers(in_review.pk) == {"sent": 1, "skipped": 0}


def test_notify_reviewers_retries_mail_errors_with_backoff():
    assert smtplib.SMTPException in notify_reviewers.autoretry_for
    assert notify_reviewers.retry_backoff and notify_reviewers.max_retries == 5


def test_notify_reviewers_skips_someone_without_an_email_address(draft, member, mocker, mailoutbox):
    mocker.patch("postmortems.tasks.notify_reviewers.delay")
    silent = UserFactory(username="quiet", email="")
    review_services.submit_for_review(postmortem=draft, submitted_by=member, reviewers=[silent])

    assert notify_reviewers(draft.pk) == {"sent": 0, "skipped": 1}


def test_enqueue_reviewer_emails_survives_a_broker_that_is_down(mocker, caplog):
    from kombu.exceptions import OperationalError

    mocker.patch("postmortems.tasks.notify_reviewers.delay", side_effect=OperationalError("no broker"))

    enqueue_reviewer_emails(42)

    assert "review emails not queued" in caplog.text


def test_a_submission_stands_when_sending_fails_in_process(
    draft, member, reviewer, mocker, django_capture_on_commit_callbacks
):
    # The embedded default runs tasks in the web process: a mail server that is down must not become an error page.
    mocker.patch("postmortems.tasks.notify_reviewers.delay", side_effect=smtplib.SMTPConnectError(421, "down"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_services.submit_for_review(postmortem=draft, submitted_by=member, reviewers=[reviewer])

    assert len(callbacks) == 1
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert ReviewRequest.objects.get().notified_at is None  # still pending
