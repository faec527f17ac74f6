"""How a request's user is loaded: its session read plainly (kb/sessions.py), with the profile in the same query
as the user (kb/auth.py), by session and by token."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from postmortems.models import Profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _tables_read(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [query["sql"] for query in captured.captured_queries]


def test_a_session_user_comes_with_the_profile_in_one_query(client):
    user = UserFactory(username="ada", role="editor")
    client.force_login(user)
    response, statements = _tables_read(client, reverse("postmortems:list"))
    assert response.status_code == 200
    loaded = response.wsgi_request.user
    stored = Profile.objects.get(user=user)
    assert (loaded.profile.pk, loaded.profile.user_id, loaded.profile.role) == (stored.pk, user.pk, "editor")
    assert loaded.profile.user == user
    user_reads = [sql for sql in statements if 'FROM "auth_user"' in sql]
    assert len(user_reads) == 1 and "postmortems_profile" in user_reads[0]
    assert not any(sql.startswith('SELECT "postmortems_profile"') for sql in statements)


def test_a_session_user_without_a_profile_is_still_logged_in(client):
    user = UserFactory(username="bea")
    user.profile.delete()
    client.force_login(user)
    response = client.get(reverse("postmortems:list"))
    assert response.status_code == 200 and response.wsgi_request.user == user


def test_an_inactive_session_user_is_logged_out(client):
    user = UserFactory(username="cy")
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get(reverse("postmortems:list")).status_code == 302


def test_a_token_user_comes_with_the_profile_in_one_query():
    user = UserFactory(username="dee", role="viewer")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response, statements = _tables_read(api, "/api/v1/postmortems/")
    assert response.status_code == 200
    assert len([sql for sql in statements if "postmortems_profile" in sql]) == 1
    assert not any(sql.startswith('SELECT "postmortems_profile"') for sql in statements)


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_a_bad_token_is_refused_with_the_reason(case):
    user = UserFactory(username="eve", is_active=case != "inactive")
    key = "0" * 40 if case == "unknown" else Token.objects.create(user=user).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/postmortems/")
    assert response.status_code == 401
    assert response.json()["detail"] == ("Invalid token." if case == "unknown" else "User inactive or deleted.")


def test_a_session_is_read_with_one_plain_statement(client):
    client.force_login(UserFactory(username="fay"))
    response, statements = _tables_read(client, reverse("postmortems:list"))
    assert response.status_code == 200 and response.wsgi_request.user.username == "fay"
    session_reads = [sql for sql in statements if "django_session" in sql]
    assert len(session_reads) == 1 and session_reads[0].startswith('SELECT session_data FROM "django_session"')


def test_an_expired_or_unknown_session_is_logged_out(client):
    client.force_login(UserFactory(username="gus"))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("postmortems:list"))
    assert response.status_code == 302 and response.wsgi_request.user.is_anonymous

    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get(reverse("postmortems:list"))
    assert response.status_code == 302 and response.wsgi_request.user.is_anonymous
    assert response.wsgi_request.session.session_key != "x" * 32


def test_logging_out_ends_the_session(client):
    client.force_login(UserFactory(username="hal"))
    assert client.get(reverse("postmortems:list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("postmortems:list")).status_code == 302
    assert not Session.objects.exists()
