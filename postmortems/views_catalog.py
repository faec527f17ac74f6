"""Service catalogue pages: the list, one service, its dependencies, and the catalogue's dependency graph.

Everyone may read them (counts of postmortems count only those the person may see); editors
(`permissions.can_manage_catalog`) create and edit services and dependencies, through catalog_services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from postmortems import catalog_services
from postmortems.catalog_pages import (
    KIND_LABELS,
    catalog_graph,
    filter_services,
    graph_services,
    service_page,
    services_for_list,
)
from postmortems.form_errors import add_service_errors
from postmortems.forms_catalog import (
    DependencyEditForm,
    DependencyForm,
    GraphFilterForm,
    ServiceFilterForm,
    ServiceForm,
)
from postmortems.models import Dependency, DependencyKind, Service, Team
from postmortems.permissions import can_manage_catalog

PAGE_SIZE = 50


def _require_editor(request: HttpRequest) -> None:
    if not can_manage_catalog(request.user):
        raise PermissionDenied("Only editors change the service catalogue.")


def _teams() -> list[Team]:
    return list(Team.objects.order_by("name").only("pk", "name", "slug"))


def service_list(request: HttpRequest) -> HttpResponse:
    teams = _teams()
    form = ServiceFilterForm(request.GET, teams=teams)
    form.is_valid()  # invalid filters are shown as errors; the valid ones still apply
    data = form.cleaned_data
    services = filter_services(services_for_list(request.user), data)
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(data.get(name) for name in ("q", "team", "tier", "lifecycle"))
    context = {"page": page, "form": form, "filtered": filtered, "can_manage": can_manage_catalog(request.user)}
    return render(request, "catalog/service_list.html", context)


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.with_postmortem_counts(request.user).select_related("team"), slug=slug)
    context = service_page(request.user, service)
    context["can_manage"] = can_manage_catalog(request.user)
    return render(request, "catalog/service_detail.html", context)


@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = catalog_services.create_service(created_by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Service {service.name} added. Add what it depends on below.")
            return redirect("postmortems:service", slug=service.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/service_form.html", {"form": form, "service": None}, status=status)


@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    service = get_object_or_404(Service.objects.select_related("team"), slug=slug)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_services.update_service(service=service, changed_by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Service {service.name} saved.")
            return redirect("postmortems:service", slug=service.slug)
    if request.method == "POST":
        service.refresh_from_db()  # the form changed the instance while checking it; show the saved name
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/service_form.html", {"form": form, "service": service}, status=status)


@require_http_methods(["GET", "POST"])
def dependency_create(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    service = get_object_or_404(Service, slug=slug)
    form = DependencyForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        source, target = form.endpoints()
        fields = {"kind": form.cleaned_data["kind"], "notes": form.cleaned_data["notes"]}
        try:
            catalog_services.create_dependency(created_by=request.user, source=source, target=target, **fields)
        except ValidationError as error:
            add_service_errors(form, error, default_field="other")
        else:
            messages.success(request, f"{source.name} now depends on {target.name}.")
            return redirect("postmortems:service", slug=service.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/dependency_form.html", {"form": form, "service": service}, status=status)


def _dependency_of(service_slug: str, pk: int) -> tuple[Service, Dependency]:
    """A dependency seen from the page of one of its two services; anything else is a 404."""
    service = get_object_or_404(Service, slug=service_slug)
    dependency = get_object_or_404(Dependency.objects.select_related("source", "target"), pk=pk)
    if service.pk not in (dependency.source_id, dependency.target_id):
        raise Http404("No such dependency of this service.")
    return service, dependency


@require_http_methods(["GET", "POST"])
def dependency_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_editor(request)
    service, dependency = _dependency_of(slug, pk)
    initial = {"kind": dependency.kind, "notes": dependency.notes}
    form = DependencyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalog_services.update_dependency(dependency=dependency, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, default_field="kind")
        else:
            messages.success(request, f"Dependency of {dependency.source.name} on {dependency.target.name} saved.")
            return redirect("postmortems:service", slug=service.slug)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "service": service, "dependency": dependency}
    return render(request, "catalog/dependency_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dependency_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_editor(request)
    service, dependency = _dependency_of(slug, pk)
    if request.method == "POST":
        catalog_services.delete_dependency(dependency=dependency, deleted_by=request.user)
        messages.success(request, f"{dependency.source.name} no longer depends on {dependency.target.name}.")
        return redirect("postmortems:service", slug=service.slug)
    return render(request, "catalog/dependency_delete.html", {"service": service, "dependency": dependency})


def service_graph(request: HttpRequest) -> HttpResponse:
    services = graph_services(request.user)
    teams = _teams()
    params = request.GET.copy()
    params.setdefault("depth", "2")  # so the select shows the depth in use
    form = GraphFilterForm(params, services=services, teams=teams)
    form.is_valid()
    data = form.cleaned_data
    team = next((t for t in teams if t.slug == data.get("team")), None)
    focus = next((s for s in services if s.slug == data.get("focus")), None)
    graph = catalog_graph(
        services,
        team=team,
        focus=focus,
        depth=data.get("depth") or 2,
        kinds=data.get("kinds") or (),
        draw_all=bool(data.get("draw_all")),
    )
    context = {
        "form": form,
        "graph": graph,
        "team": team,
        "focus": focus,
        "kinds": DependencyKind.choices,
        "kind_labels": KIND_LABELS,
        "narrowed": bool(team or focus or data.get("kinds")),
        "can_manage": can_manage_catalog(request.user),
    }
    return render(request, "catalog/graph.html", context)
