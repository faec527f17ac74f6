"""The profile page: role, teams, and creating and revoking the API token."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from postmortems.api.throttling import AnonThrottle

pytestmark = pytest.mark.django_db


def test_profile_page_shows_role_and_teams(client, member):
    client.force_login(member)
    body = client.get(reverse("postmortems:profile")).content.decode()
    assert "Author" in body
    assert "Payments" in body
    assert "You have no token." in body


def test_profile_page_needs_login(client):
    assert client.get(reverse("postmortems:profile")).status_code == 302


def test_profile_token_is_shown_once_and_works(client, member):
    client.force_login(member)
    response = client.post(reverse("postmortems:profile_token_create"), follow=True)
    key = Token.objects.get(user=member).key
    assert key in response.content.decode()
    assert key not in client.get(reverse("postmortems:profile")).content.decode()
    api = client.__class__()
    assert api.get("/api/v1/postmortems/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_profile_new_token_replaces_the_old_one(client, member):
    client.force_login(member)
    client.post(reverse("postmortems:profile_token_create"))
    first = Token.objects.get(user=member).key
    client.post(reverse("postmortems:profile_token_create"))
    assert Token.objects.get(user=member).key != first


def test_profile_token_revoke_stops_the_token_working(client, api, member):
    client.force_login(member)
    client.post(reverse("postmortems:profile_token_create"))
    key = Token.objects.get(user=member).key
    client.post(reverse("postmortems:profile_token_revoke"))
    assert not Token.objects.filter(user=member).exists()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/postmortems/").status_code == 401


def test_profile_token_changes_need_post(client, member):
    client.force_login(member)
    assert client.get(reverse("postmortems:profile_token_create")).status_code == 405
    assert not Token.objects.exists()


def test_header_links_to_the_profile_and_its_token(client, member):
    client.force_login(member)
    body = client.get(reverse("postmortems:list")).content.decode()
    assert f'href="{reverse("postmortems:profile")}#api-token"' in body


def test_drf_create_token_command_makes_a_token_for_a_user(member, capsys):
    call_command("drf_create_token", "mira")
    key = Token.objects.get(user=member).key
    assert key in capsys.readouterr().out


def test_bogus_tokens_are_rate_limited_like_anonymous_callers(api, monkeypatch):
    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": "1/minute"})
    cache.clear()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert [api.get("/api/v1/postmortems/").status_code for _ in range(2)] == [401, 429]
