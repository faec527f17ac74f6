"""Assumption registry pages, and linking assumptions from a postmortem.

Everyone reads the registry; editors (`permissions.can_manage_catalog`) record, edit and move assumptions.
From a postmortem, whoever may edit it (`permissions.can_edit_postmortem`) links existing assumptions or
records new ones, with what the postmortem showed. Writes go through assumption_services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from postmortems import assumption_services
from postmortems.assumption_pages import (
    CURRENT_STATUSES,
    REGISTRY_SORTS,
    assumption_page,
    filter_assumptions,
    registry_rows,
    status_counts,
    status_rank,
)
from postmortems.form_errors import add_service_errors
from postmortems.forms_catalog import (
    AssumptionFilterForm,
    AssumptionForm,
    AssumptionInPlaceForm,
    EvidenceFields,
    EvidenceLinkForm,
    StatusChangeForm,
)
from postmortems.models import (
    Assumption,
    AssumptionEvidence,
    AssumptionStatus,
    Postmortem,
    PostmortemService,
    Service,
    ServiceRole,
    Team,
)
from postmortems.permissions import can_edit_postmortem, can_manage_catalog

PAGE_SIZE = 50
# Assumptions offered for linking on a postmortem's page (search results or suggestions).
CANDIDATES_SHOWN = 20


def _require_editor(request: HttpRequest) -> None:
    if not can_manage_catalog(request.user):
        raise PermissionDenied("Only editors change the assumption registry.")


# ---- The registry -----------------------------------------------------------------------------------------


def assumption_list(request: HttpRequest) -> HttpResponse:
    services = list(Service.objects.order_by("name").only("pk", "name", "slug"))
    teams = list(Team.objects.order_by("name").only("pk", "name", "slug"))
    form = AssumptionFilterForm(request.GET, services=services, teams=teams)
    form.is_valid()  # invalid filters are shown as errors; the valid ones still apply
    data = form.cleaned_data
    counts = status_counts(filter_assumptions(Assumption.objects.all(), request.user, data))
    rows = filter_assumptions(registry_rows(request.user), request.user, data)
    if data.get("status"):
        rows = rows.filter(status=data["status"])
    rows = rows.order_by(*REGISTRY_SORTS.get(data.get("sort") or "status", REGISTRY_SORTS["status"]))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = ("q", "status", "service", "kind", "team", "never_validated", "repeatedly_violated")
    context = {
        "page": page,
        "form": form,
        "counts": counts,
        "total": sum(c["count"] for c in counts),
        "filtered": any(data.get(name) for name in names),
        "can_manage": can_manage_catalog(request.user),
    }
    return render(request, "catalog/assumption_list.html", context)


def _assumption_for_page(pk: int) -> Assumption:
    rows = Assumption.objects.select_related("service", "owner_team", "superseded_by", "created_by")
    rows = rows.prefetch_related(Prefetch("relied_on_by", queryset=Service.objects.order_by("name")))
    return get_object_or_404(rows, pk=pk)


def assumption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = assumption_page(request.user, _assumption_for_page(pk))
    context["can_manage"] = can_manage_catalog(request.user)
    return render(request, "catalog/assumption_detail.html", context)


@require_http_methods(["GET", "POST"])
def assumption_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    initial = {}
    if service := Service.objects.filter(slug=request.GET.get("service") or "").first():
        initial = {"service": service, "owner_team": service.team_id}
    form = AssumptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.assumption_fields()
        try:
            assumption = assumption_services.create_assumption(created_by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Assumption recorded.")
            return redirect("postmortems:assumption", pk=assumption.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/assumption_form.html", {"form": form, "assumption": None}, status=status)


@require_http_methods(["GET", "POST"])
def assumption_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    assumption = get_object_or_404(Assumption, pk=pk)
    form = AssumptionForm(request.POST or None, instance=assumption)
    if request.method == "POST" and form.is_valid():
        try:
            assumption_services.update_assumption(
                assumption=assumption, changed_by=request.user, **form.assumption_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Assumption saved.")
            return redirect("postmortems:assumption", pk=assumption.pk)
    if request.method == "POST":
        assumption.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/assumption_form.html", {"form": form, "assumption": assumption}, status=status)


def _replacements(assumption: Assumption):
    """Assumptions that may replace this one: about the same service (or about none), not itself."""
    rows = Assumption.objects.exclude(pk=assumption.pk).exclude(status=AssumptionStatus.RETIRED)
    if assumption.service_id:
        rows = rows.filter(service_id=assumption.service_id)
    else:
        rows = rows.filter(service__isnull=True)
    return rows.order_by("statement", "pk")


@require_http_methods(["GET", "POST"])
def assumption_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    assumption = get_object_or_404(Assumption.objects.select_related("service"), pk=pk)
    form = StatusChangeForm(
        request.POST or None,
        assumption=assumption,
        visible_postmortems=Postmortem.objects.visible_to(request.user),
        replacements=_replacements(assumption),
        initial={"to_status": request.GET.get("to")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _apply_status(request, assumption, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, default_field="to_status")
        else:
            return redirect(reverse("postmortems:assumption", kwargs={"pk": assumption.pk}) + "#history")
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/assumption_status.html", {"form": form, "assumption": assumption}, status=status)


def _apply_status(request: HttpRequest, assumption: Assumption, data: dict[str, Any]) -> None:
    common = {
        "assumption": assumption,
        "changed_by": request.user,
        "reason": data["reason"],
        "evidence": data["evidence"],
        "postmortem": data["postmortem"],
    }
    if data["to_status"] == AssumptionStatus.REVISED:
        replacement = assumption_services.revise_assumption(
            replacement=data["replacement"], new_statement=data["new_statement"], **common
        )
        messages.success(request, f"Marked revised; replaced by “{replacement.statement}”.")
    else:
        assumption_services.change_assumption_status(to_status=data["to_status"], **common)
        messages.success(request, f"Status changed to {assumption.get_status_display().lower()}.")


# ---- From a postmortem ------------------------------------------------------------------------------------


def _editable_postmortem(request: HttpRequest, key: str) -> Postmortem:
    """A postmortem the person may see (else 404) and edit (else 403), with its authors and services."""
    links = Prefetch("service_links", queryset=PostmortemService.objects.select_related("service").order_by("role"))
    rows = Postmortem.objects.visible_to(request.user).only("pk", "key", "title", "created_by_id", "restricted")
    postmortem = get_object_or_404(rows.prefetch_related("authors", links), key=key)
    if not can_edit_postmortem(request.user, postmortem, known_visible=True):
        raise PermissionDenied(f"You may not edit {postmortem.key}.")
    return postmortem


def _candidates(postmortem: Postmortem, query: str, linked: set[int]) -> list[Assumption]:
    """Assumptions matching every word of `query`; without one, the current ones about the postmortem's services."""
    rows = Assumption.objects.select_related("service").exclude(pk__in=linked)
    words = query.split()[:10]
    if words:
        for word in words:
            rows = rows.filter(Q(statement__icontains=word) | Q(service__name__icontains=word))
    else:
        services = [link.service_id for link in postmortem.service_links.all()]
        rows = rows.filter(service_id__in=services, status__in=CURRENT_STATUSES)
    return list(rows.annotate(rank=status_rank()).order_by("rank", "statement", "pk")[:CANDIDATES_SHOWN])


def _postmortem_page(
    request: HttpRequest,
    postmortem: Postmortem,
    *,
    link_form: EvidenceLinkForm | None = None,
    new_form: AssumptionInPlaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    evidence = list(
        postmortem.assumption_evidence.select_related("assumption__service").order_by("id")  # type: ignore[attr-defined]
    )
    query = (request.GET.get("q") or "").strip()[:200]
    candidates = _candidates(postmortem, query, {e.assumption_id for e in evidence})
    if link_form is None:
        link_form = EvidenceLinkForm(prefix="link", candidates=Assumption.objects.none())
    if new_form is None:
        origin = next((link for link in postmortem.service_links.all() if link.role == ServiceRole.ORIGIN), None)
        origin = origin or next(iter(postmortem.service_links.all()), None)
        initial = {"service": origin.service, "owner_team": origin.service.team_id} if origin else {}
        new_form = AssumptionInPlaceForm(prefix="new", initial=initial)
    context = {
        "postmortem": postmortem,
        "evidence": [(e, EvidenceFields(prefix=f"ev{e.pk}", initial=_initial(e))) for e in evidence],
        "query": query,
        "candidates": candidates,
        "link_form": link_form,
        "new_form": new_form,
    }
    return render(request, "catalog/postmortem_assumptions.html", context, status=status)


def _initial(evidence: AssumptionEvidence) -> dict[str, str]:
    return {"evidence_type": evidence.evidence_type, "excerpt": evidence.excerpt}


def postmortem_assumptions(request: HttpRequest, key: str) -> HttpResponse:
    return _postmortem_page(request, _editable_postmortem(request, key))


def _linked_message(request: HttpRequest, before: str, assumption: Assumption, postmortem: Postmortem) -> None:
    if before != assumption.status:
        messages.success(
            request,
            f"Linked to {postmortem.key}. The assumption was {before} and is now {assumption.status}; "
            "its history records the change.",
        )
    else:
        messages.success(request, f"Linked to {postmortem.key}.")


def _back(postmortem: Postmortem, anchor: str = "linked") -> HttpResponse:
    return redirect(reverse("postmortems:postmortem_assumptions", kwargs={"key": postmortem.key}) + f"#{anchor}")


@require_POST
def postmortem_assumption_link(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = _editable_postmortem(request, key)
    form = EvidenceLinkForm(request.POST, prefix="link", candidates=Assumption.objects.all())
    if form.is_valid():
        assumption = form.cleaned_data["assumption"]
        before = assumption.status
        try:
            assumption_services.link_assumption_to_postmortem(
                assumption=assumption,
                postmortem=postmortem,
                evidence_type=form.cleaned_data["evidence_type"],
                excerpt=form.cleaned_data["excerpt"],
                linked_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error, default_field="assumption")
        else:
            _linked_message(request, before, assumption, postmortem)
            return _back(postmortem)
    return _postmortem_page(request, postmortem, link_form=form, status=400)


@require_POST
def postmortem_assumption_create(request: HttpRequest, key: str) -> HttpResponse:
    postmortem = _editable_postmortem(request, key)
    form = AssumptionInPlaceForm(request.POST, prefix="new")
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            evidence = assumption_services.record_assumption_from_postmortem(
                postmortem=postmortem, created_by=request.user, **data
            )
        except ValidationError as error:
            add_service_errors(form, error, default_field="statement")
        else:
            messages.success(
                request,
                f"Assumption recorded and linked to {postmortem.key}; it is now {evidence.assumption.status}.",
            )
            return _back(postmortem)
    return _postmortem_page(request, postmortem, new_form=form, status=400)


def _evidence_of(postmortem: Postmortem, evidence_id: int) -> AssumptionEvidence:
    rows = AssumptionEvidence.objects.select_related("assumption")
    return get_object_or_404(rows, pk=evidence_id, postmortem=postmortem)


@require_POST
def postmortem_evidence_update(request: HttpRequest, key: str, evidence_id: int) -> HttpResponse:
    postmortem = _editable_postmortem(request, key)
    evidence = _evidence_of(postmortem, evidence_id)
    form = EvidenceFields(request.POST, prefix=f"ev{evidence.pk}")
    if not form.is_valid():
        messages.error(request, "Not saved: " + " ".join(m for errors in form.errors.values() for m in errors))
        return _back(postmortem)
    assumption = evidence.assumption
    before = assumption.status
    assumption_services.link_assumption_to_postmortem(
        assumption=assumption, postmortem=postmortem, linked_by=request.user, **form.cleaned_data
    )
    _linked_message(request, before, assumption, postmortem)
    return _back(postmortem)


@require_POST
def postmortem_evidence_unlink(request: HttpRequest, key: str, evidence_id: int) -> HttpResponse:
    postmortem = _editable_postmortem(request, key)
    evidence = _evidence_of(postmortem, evidence_id)
    assumption_services.unlink_assumption_from_postmortem(evidence=evidence, unlinked_by=request.user)
    messages.success(
        request,
        f"Unlinked “{evidence.assumption.statement}”. Its status and history stay as they are; "
        "change its status on its page if this link was what moved it.",
    )
    return _back(postmortem)
