"""A logged-out htmx request sends the whole browser to the login page, then back to the page it was on."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

PREVIEW = "/write/preview/"  # a fragment: the editor's live preview


def _htmx(current_url: str | None = "http://testserver/postmortems/PM-2026-042/edit/?tab=2") -> dict[str, str]:
    headers = {"HX-Request": "true"}
    if current_url is not None:
        headers["HX-Current-URL"] = current_url
    return headers


def test_htmx_request_without_a_session_redirects_the_browser_back_to_the_page(client):
    response = client.post(PREVIEW, {"field": "summary"}, headers=_htmx())

    assert response.status_code == 200  # htmx acts on HX-Redirect only in a 2xx answer
    assert response["HX-Redirect"] == "/accounts/login/?next=/postmortems/PM-2026-042/edit/%3Ftab%3D2"
    assert "Location" not in response
    assert response.content == b""  # nothing to swap into the preview


def test_htmx_request_after_the_session_expired_redirects_the_browser(client, member):
    client.force_login(member)
    assert client.post(PREVIEW, {"field": "summary", "summary": "Hi"}, headers=_htmx()).status_code == 200

    with time_machine.travel(timedelta(weeks=3)):  # past SESSION_COOKIE_AGE (two weeks)
        response = client.post(PREVIEW, {"field": "summary", "summary": "Hi"}, headers=_htmx())

    assert response["HX-Redirect"] == "/accounts/login/?next=/postmortems/PM-2026-042/edit/%3Ftab%3D2"


def test_plain_request_keeps_the_normal_login_redirect(client):
    response = client.get("/reviews/", headers={"HX-Current-URL": "http://testserver/somewhere/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/reviews/"
    assert "HX-Redirect" not in response


@pytest.mark.parametrize(
    "current_url",
    [
        "https://evil.example/phish/",
        "http://testserver.evil.example/",
        "http://testserver//evil.example/",  # on this site, but "//evil.example/" alone is not
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_htmx_request_from_an_unknown_page_goes_to_the_login_page_without_next(client, current_url):
    response = client.post(PREVIEW, {"field": "summary"}, headers=_htmx(current_url))

    assert response["HX-Redirect"] == "/accounts/login/"


def test_http_page_is_not_a_next_for_an_https_request(client):
    response = client.post(PREVIEW, {"field": "summary"}, headers=_htmx("http://testserver/reviews/"), secure=True)

    assert response["HX-Redirect"] == "/accounts/login/"


def test_htmx_request_to_a_page_open_to_everyone_is_answered(client):
    response = client.get(reverse("healthz"), headers=_htmx())

    assert response.status_code == 200
    assert "HX-Redirect" not in response


def test_htmx_request_with_a_session_is_answered(client, member):
    client.force_login(member)

    response = client.post(PREVIEW, {"field": "summary", "summary": "**Hi**"}, headers=_htmx())

    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert "<strong>Hi</strong>" in response.content.decode()


def test_logging_in_from_the_htmx_redirect_returns_to_the_page(client, member):
    login_url = client.post(PREVIEW, {"field": "summary"}, headers=_htmx())["HX-Redirect"]

    response = client.post(login_url, {"username": "mira", "password": "correct horse battery staple"})

    assert response.status_code == 302
    assert response["Location"] == "/postmortems/PM-2026-042/edit/?tab=2"
