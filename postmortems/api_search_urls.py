"""Search routes under /api/v1/, mounted before the main API so `postmortems/{key}/similar/` is matched here."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from postmortems.api_search import SearchView, SimilarView

app_name = "search_api"

# DRF authenticates these itself (session or token) and answers 401/403; the login redirect must not apply.
urlpatterns = [
    path("search/", login_not_required(SearchView.as_view()), name="search"),
    path("postmortems/<str:key>/similar/", login_not_required(SimilarView.as_view()), name="similar"),
]
