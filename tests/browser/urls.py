"""A URL configuration for UI tests: the real one, plus stand-ins for pages later issues add.

The frame shows a navigation entry (and the search box) only once its route exists; these stand-ins let
the tests see that happen; `boom/` shows the real 500 page and `flash/` queues a message.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLResolver, include, path

from kb.urls import urlpatterns as project_patterns
from postmortems.urls import urlpatterns as postmortem_patterns

STAND_INS = ["create", "search", "patterns", "reading", "services", "assumptions", "profile"]


def stand_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"stand-in for {request.resolver_match.view_name}: q={request.GET.get('q', '')}")


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the 500 page test")


def flash(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Postmortem published.")
    return redirect("postmortems:list")


def _without_postmortems(patterns: list) -> list:
    return [p for p in patterns if not (isinstance(p, URLResolver) and p.namespace == "postmortems")]


# reverse() picks the last route of a name: stand-ins come first, so a page that exists by now wins.
_stand_in_patterns = [
    *(path(f"stand-in/{name}/", stand_in, name=name) for name in STAND_INS),
    path("stand-in/edit/<str:key>/", stand_in, name="edit"),
]
urlpatterns = [
    path("boom/", boom),
    path("flash/", flash),
    *_without_postmortems(project_patterns),
    path("", include(([*_stand_in_patterns, *postmortem_patterns], "postmortems"))),
]
