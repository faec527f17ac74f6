import pytest
from django.urls import reverse

from postmortems import models as m
from tests.factories import DigestFactory
from tests.reading.conftest import WEEK

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:postmortems_digestdelivery_changelist")


@pytest.fixture
def deliveries(team, readers):
    digest = DigestFactory(team=team, week_start=WEEK)
    failed = m.DigestDelivery.objects.create(
        digest=digest, user=readers[0], week_start=WEEK, status="failed", attempts=5, last_error="451 try later"
    )
    sent = m.DigestDelivery.objects.create(digest=digest, user=readers[1], week_start=WEEK, status="sent", attempts=1)
    return failed, sent


def test_admin_lists_failed_deliveries_by_status(admin_client, deliveries):
    response = admin_client.get(CHANGELIST, {"status__exact": "failed"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [deliveries[0]]


def test_admin_retries_the_selected_failed_deliveries(
    admin_client, deliveries, mocker, django_capture_on_commit_callbacks
):
    delay = mocker.patch("postmortems.tasks.deliver_digest.delay")
    failed, sent = deliveries

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )

    assert "1 failed deliveries queued for another try." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, sent.status) == ("pending", 0, "sent")
    delay.assert_called_once_with(failed.digest_id)


def test_admin_suppresses_a_person(admin_client, readers):
    preference = m.DigestPreference.objects.create(user=readers[0])

    admin_client.post(
        reverse("admin:postmortems_digestpreference_changelist"),
        {"action": "suppress", "_selected_action": [preference.pk]},
    )

    preference.refresh_from_db()
    assert preference.suppressed is True


def test_admin_pages_for_reading_models_render(admin_client, deliveries):
    for name in ("digest", "digestdelivery", "digestpreference", "readreceipt"):
        assert admin_client.get(reverse(f"admin:postmortems_{name}_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:postmortems_digestdelivery_change", args=[deliveries[0].pk])).status_code == 200
    )
