"""/healthz says the process is up; /readyz says whether it can serve (database, broker)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse


def test_healthz_answers_without_login_and_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_answers(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_when_database_is_down(client, mocker):
    mocker.patch.object(connection, "cursor", side_effect=OperationalError("connection refused"))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["database"] == "unreachable: OperationalError"


@pytest.mark.django_db
def test_readyz_is_503_when_configured_broker_is_unreachable(client, settings):
    # Port 1 on loopback has nothing listening: a real refused connection, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("unreachable")


@pytest.mark.django_db
def test_other_pages_require_login(client):
    response = client.get(reverse("postmortems:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
