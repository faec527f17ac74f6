"""Pattern routes under /api/v1/: one path per view, so each has its own documented answer."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from postmortems.api_patterns import PATTERN_VIEWS

app_name = "patterns_api"

# DRF authenticates these itself (session or token) and answers 401/403; the login redirect must not apply.
urlpatterns = [
    path(f"patterns/{name}/", login_not_required(view.as_view()), name=name) for name, view in PATTERN_VIEWS.items()
]
