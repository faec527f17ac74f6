"""The profile page: who you are here (role, teams) and the API token your scripts use."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from postmortems.account_services import issue_api_token, revoke_api_token
from postmortems.permissions import role_of

# A new token's key is shown once, on the page the POST redirects to, then forgotten by the session.
NEW_TOKEN_SESSION_KEY = "new_api_token"


def _token_section() -> str:
    return reverse("postmortems:profile") + "#api-token"


def profile(request: HttpRequest) -> HttpResponse:
    context = {
        "role": role_of(request.user),
        "teams": request.user.teams.order_by("name"),
        "token": Token.objects.filter(user=request.user).first(),
        "new_key": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }
    return render(request, "postmortems/profile.html", context)


@require_POST
def profile_token_create(request: HttpRequest) -> HttpResponse:
    replaced = Token.objects.filter(user=request.user).exists()
    token = issue_api_token(user=request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = token.key
    note = "New API token created; the old one no longer works." if replaced else "API token created."
    messages.success(request, note)
    return redirect(_token_section())


@require_POST
def profile_token_revoke(request: HttpRequest) -> HttpResponse:
    if revoke_api_token(user=request.user):
        messages.success(request, "API token revoked: scripts using it are refused from now on.")
    return redirect(_token_section())
