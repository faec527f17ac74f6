"""Search page and similar incidents (HTML). Input is validated by forms; the work is in postmortems.search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from postmortems.models import Postmortem
from postmortems.search import search_postmortems, similar_postmortems
from postmortems.search.forms import DraftSimilarForm, SearchForm


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search with web-style queries, filters and facet counts; htmx requests get only the results part."""
    form = SearchForm(request.GET)
    context = {"form": form, "results": None, "query": request.GET.get("q", "")[:500]}
    status = 200
    if form.is_valid():
        context["results"] = search_postmortems(
            user=request.user,
            query=form.cleaned_data["q"],
            filters=form.filters(),
            page=form.page_number,
            page_size=form.page_length,
        )
    else:
        status = 400
    template = "postmortems/_search_results.html" if _is_htmx(request) else "postmortems/search.html"
    return render(request, template, context, status=status)


@require_GET
def similar_to_postmortem(request: HttpRequest, key: str) -> HttpResponse:
    """The five most similar postmortems, with reasons: a fragment for htmx, a small page otherwise."""
    if len(key) > 20:
        raise Http404("No such postmortem.")
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), key=key)
    context = {"postmortem": postmortem, "similar": similar_postmortems(user=request.user, postmortem=postmortem)}
    template = "postmortems/_similar.html" if _is_htmx(request) else "postmortems/similar.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def similar_to_draft(request: HttpRequest) -> HttpResponse:
    """Similar postmortems for what is typed so far on the edit page (summary, title, factor and service slugs)."""
    form = DraftSimilarForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(request, "postmortems/_similar.html", {"form": form, "similar": []}, status=400)
    context = {"form": form, "similar": similar_postmortems(user=request.user, draft=form.draft()), "draft": True}
    return render(request, "postmortems/_similar.html", context)
