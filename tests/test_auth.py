"""How a request's user is loaded (kb/auth.py): with the profile in the same query, by session and by token."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _tables_read(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [query["sql"] for query in captured.captured_queries]


def test_a_session_user_comes_with_the_profile_in_one_query(client):
    user = UserFactory(username="ada", role="admin")
    client.force_login(user)
    response, statements = _tables_read(client, reverse("postmortems:list"))
    assert response.status_code == 200
    assert response.wsgi_request.user.profile.role == "admin"
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
