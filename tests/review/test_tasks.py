"""The review emails, to reviewers and to authors sent changes: at most once each, retried when the mail server
fails, skipped when moot."""

import smtplib

import pytest

from postmortems import review_services
from postmortems.models import ChangeRequestNotice, ReviewRequest
from postmortems.tasks import enqueue_author_emails, enqueue_reviewer_emails, notify_authors, notify_reviewers
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


# The email to the authors when changes are requested.


@pytest.fixture
def co_author(draft):
    noor = UserFactory(username="noor", first_name="Noor", last_name="Haddad")
    draft.authors.add(noor)
    return noor


@pytest.fixture
def sent_back(in_review, co_author, reviewer):
    """Sent back to draft by the reviewer, with a note; the authors' email not yet sent."""
    review_services.request_changes(postmortem=in_review, requested_by=reviewer, note="Add what kept it <small>.")
    return in_review


def test_notify_authors_emails_each_author_with_the_note_and_the_edit_link(
    sent_back, member, co_author, reviewer, mailoutbox
):
    result = notify_authors(sent_back.pk)

    assert result == {"sent": 2, "skipped": 0}
    assert sorted(message.to[0] for message in mailoutbox) == [member.email, co_author.email]
    message = mailoutbox[0]
    assert message.subject == f"Changes requested: {sent_back.key} {sent_back.title}"
    assert "Rita Okafor asked for changes to a postmortem you wrote" in message.body
    assert "Add what kept it <small>." in message.body  # plain text is not HTML-escaped
    assert f"http://127.0.0.1:8000/postmortems/{sent_back.key}/edit/" in message.body
    html = message.alternatives[0][0]
    assert "Add what kept it &lt;small&gt;." in html  # but the HTML part is
    assert f'href="http://127.0.0.1:8000/postmortems/{sent_back.key}/edit/"' in html
    assert all(notice.email_sent for notice in ChangeRequestNotice.objects.all())


def test_notify_authors_twice_emails_each_author_once(sent_back, mailoutbox):
    notify_authors(sent_back.pk)
    assert notify_authors(sent_back.pk) == {"sent": 0, "skipped": 0}

    assert len(mailoutbox) == 2


def test_notify_authors_does_not_email_the_author_who_asked(in_review, member, co_author, mailoutbox):
    review_services.request_changes(postmortem=in_review, requested_by=member, note="Withdrawn: the timeline is wrong.")

    assert notify_authors(in_review.pk) == {"sent": 1, "skipped": 0}
    (message,) = mailoutbox
    assert message.to == [co_author.email]
    assert "mira asked for changes" in message.body


def test_notify_authors_without_a_note_still_links_to_the_editor(in_review, member, reviewer, mailoutbox):
    review_services.request_changes(postmortem=in_review, requested_by=reviewer)

    notify_authors(in_review.pk)

    (message,) = mailoutbox
    assert message.to == [member.email]
    assert "Their note" not in message.body
    assert f"http://127.0.0.1:8000/postmortems/{in_review.key}/edit/" in message.body


def test_notify_authors_skips_an_author_without_an_email_address(sent_back, co_author, member, mailoutbox):
    co_author.email = ""
    co_author.save(update_fields=["email"])

    assert notify_authors(sent_back.pk) == {"sent": 1, "skipped": 1}
    assert [message.to for message in mailoutbox] == [[member.email]]
    assert not ChangeRequestNotice.objects.get(author=co_author).email_sent


def test_notify_authors_skips_a_postmortem_submitted_again(sent_back, member, reviewer, mailoutbox):
    review_services.submit_for_review(postmortem=sent_back, submitted_by=member, reviewers=[reviewer])

    assert notify_authors(sent_back.pk) == {"sent": 0, "skipped": 2}
    assert mailoutbox == []


def test_notify_authors_gives_the_notice_back_when_the_mail_server_fails(sent_back, mocker, mailoutbox):
    mocker.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone"))

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notify_authors(sent_back.pk)

    first = ChangeRequestNotice.objects.order_by("pk").first()
    assert first.notified_at is None  # pending again, for the retry
    mocker.stopall()
    assert notify_authors(sent_back.pk) == {"sent": 2, "skipped": 0}


def test_notify_authors_retries_mail_errors_with_backoff():
    assert smtplib.SMTPException in notify_authors.autoretry_for
    assert notify_authors.retry_backoff and notify_authors.max_retries == 5


def test_enqueue_author_emails_survives_a_broker_that_is_down(mocker, caplog):
    from kombu.exceptions import OperationalError

    mocker.patch("postmortems.tasks.notify_authors.delay", side_effect=OperationalError("no broker"))

    enqueue_author_emails(42)

    assert "author emails not queued" in caplog.text


def test_changes_requested_stand_when_sending_fails_in_process(
    in_review, reviewer, mocker, django_capture_on_commit_callbacks
):
    mocker.patch("postmortems.tasks.notify_authors.delay", side_effect=smtplib.SMTPConnectError(421, "down"))

    with django_capture_on_commit_callbacks(execute=True):
        review_services.request_changes(postmortem=in_review, requested_by=reviewer, note="Add the mitigator.")

    in_review.refresh_from_db()
    assert in_review.status == "draft"
    assert ChangeRequestNotice.objects.get().notified_at is None  # still pending
