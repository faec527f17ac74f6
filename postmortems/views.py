"""HTML pages. Each selects through a queryset method and shows nothing the person may not see."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from postmortems.filters import FILTER_PARAMETERS, filter_postmortems, narrow_to_linked_set
from postmortems.forms_list import SORTS, PostmortemFilterForm, filter_choices, sort_order
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


def _carried_link_parameters(params: QueryDict) -> list[tuple[str, str]]:
    """What the form does not show but the list applies: the patterns page's link parameters, and all but the last
    of a repeated factor or service (the form's select holds the last one, the one `filter_postmortems` reads)."""
    carried = [(name, params[name]) for name in LINK_PARAMETERS if params.get(name)]
    for name in ("factor", "service"):
        values = [value for value in params.getlist(name) if value]
        carried += [(name, value) for value in values[:-1]]
    return carried


def _without_carried(params: QueryDict) -> str:
    """The query string with the carried parameters dropped: the link that clears them."""
    kept = params.copy()
    for name in LINK_PARAMETERS:
        kept.pop(name, None)
    for name in ("factor", "service"):
        values = [value for value in params.getlist(name) if value]
        kept.setlist(name, values[-1:])
    kept.pop("page", None)
    return kept.urlencode()


def postmortem_list(request: HttpRequest) -> HttpResponse:
    """Postmortems the person may see, filtered, sorted and paginated; htmx swaps only the results.

    Queries: session, user, profile, the form's choices (one UNION; not for htmx), COUNT, the page, its services.
    """
    sort, order = sort_order(request.GET)
    postmortems = Postmortem.objects.visible_to(request.user).for_list().order_by(*order)
    postmortems, filter_errors = filter_postmortems(postmortems, request.GET)
    postmortems = narrow_to_linked_set(postmortems, request.GET)
    filtered = any(request.GET.get(name) for name in (*FILTER_PARAMETERS, *LINK_PARAMETERS))
    page = Paginator(postmortems, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filtered": filtered,
        "filter_errors": filter_errors,
        "sort": sort,
        "sort_label": SORTS[sort][1],
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "postmortems/_list_results.html", context | {"partial": True})
    else:
        carried = _carried_link_parameters(request.GET)
        context |= {
            "form": PostmortemFilterForm(request.GET, choices=filter_choices(), errors=filter_errors),
            "carried": carried,
            "clear_carried_query": _without_carried(request.GET) if carried else "",
        }
        response = render(request, "postmortems/list.html", context)
    patch_vary_headers(response, ("HX-Request",))  # the same address answers a fragment to htmx
    return response


def postmortem_detail(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user).for_detail(), key=key)
    context = {"postmortem": postmortem, "can_edit": can_edit_postmortem(request.user, postmortem, known_visible=True)}
    return render(request, "postmortems/detail.html", context)
