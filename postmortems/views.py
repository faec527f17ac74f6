"""HTML pages. Each selects through a queryset method and shows nothing the person may not see."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from postmortems.filters import FILTER_PARAMETERS, filter_postmortems, narrow_to_linked_set
from postmortems.health import broker_ready, database_ready
from postmortems.models import Postmortem
from postmortems.permissions import can_edit_postmortem

PAGE_SIZE = 25
LINK_PARAMETERS = ("key", "family", "role")


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic when the database (and the broker, if configured) answer."""
    db_ok, db_detail = database_ready()
    broker_ok, broker_detail = broker_ready()
    ready = db_ok and broker_ok
    body = {"status": "ready" if ready else "not ready", "checks": {"database": db_detail, "broker": broker_detail}}
    return JsonResponse(body, status=200 if ready else 503)


def postmortem_list(request: HttpRequest) -> HttpResponse:
    postmortems = Postmortem.objects.visible_to(request.user).for_list().order_by("-started_at", "-id")
    postmortems, filter_errors = filter_postmortems(postmortems, request.GET)
    postmortems = narrow_to_linked_set(postmortems, request.GET)
    filtered = any(request.GET.get(name) for name in (*FILTER_PARAMETERS, *LINK_PARAMETERS))
    page = Paginator(postmortems, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filtered": filtered, "filter_errors": filter_errors}
    return render(request, "postmortems/list.html", context)


def postmortem_detail(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user).for_detail(), key=key)
    context = {"postmortem": postmortem, "can_edit": can_edit_postmortem(request.user, postmortem, known_visible=True)}
    return render(request, "postmortems/detail.html", context)
