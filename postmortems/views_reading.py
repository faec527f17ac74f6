"""Pages for the weekly reading: the reading page, digest settings, the unsubscribe link and the library."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from postmortems.models import DigestItem, DigestPreference, Kind, Postmortem, Role, Team
from postmortems.permissions import has_role
from postmortems.reading import services
from postmortems.reading.emails import user_id_from_unsubscribe_token
from postmortems.reading.pages import reading_page
from postmortems.services import EditConflict

LIBRARY_PAGE_SIZE = 25


class ReflectionForm(forms.Form):
    reflection = forms.CharField(
        required=False,
        max_length=services.REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown. A few sentences: what surprised you, what you would ask the responders.",
    )


class PreferenceForm(forms.Form):
    subscribed = forms.BooleanField(required=False, label="Email me the weekly reading")
    muted_teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Leave these teams out of my email",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_teams"].queryset = teams


def _my_item(request: HttpRequest, item_id: int) -> DigestItem:
    """An item of one of the person's teams' digests that they may see; anything else is a 404."""
    items = DigestItem.objects.visible_to(request.user).filter(digest__team__memberships__user=request.user)
    return get_object_or_404(items.select_related("postmortem", "digest"), pk=item_id)


def reading(request: HttpRequest) -> HttpResponse:
    page = reading_page(request.user, timezone.localdate())
    return render(request, "reading/reading.html", {"page": page, "form": ReflectionForm()})


def _item_anchor(item: DigestItem) -> str:
    return reverse("postmortems:reading") + f"#item-{item.pk}"


@require_POST
def reading_mark_read(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _my_item(request, item_id)
    services.mark_read(user=request.user, item=item)
    return redirect(f"{reverse('postmortems:reading')}#item-{item.pk}")


@require_POST
def reading_reflect(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _my_item(request, item_id)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.save_reflection(user=request.user, item=item, text=form.cleaned_data["reflection"])
        except ValidationError as exc:
            form.add_error(None, exc)
    if not form.is_valid():
        page = reading_page(request.user, timezone.localdate())
        context = {"page": page, "form": ReflectionForm(), "error_item": item.pk, "error_form": form}
        return render(request, "reading/reading.html", context, status=400)
    messages.success(request, "Reflection saved.")
    return redirect(f"{reverse('postmortems:reading')}#item-{item.pk}")


@require_http_methods(["GET", "POST"])
def reading_settings(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.filter(memberships__user=request.user).order_by("name")
    preference = DigestPreference.objects.filter(user=request.user).first()
    if request.method == "POST":
        form = PreferenceForm(request.POST, teams=teams)
        if form.is_valid():
            services.update_digest_preference(
                user=request.user,
                subscribed=form.cleaned_data["subscribed"],
                muted_teams=form.cleaned_data["muted_teams"],
            )
            messages.success(request, "Digest settings saved.")
            return redirect("postmortems:reading_settings")
        status = 400
    else:
        initial = {
            "subscribed": preference.subscribed if preference else True,
            "muted_teams": list(preference.muted_teams.all()) if preference else [],
        }
        form, status = PreferenceForm(initial=initial, teams=teams), 200
    context = {"form": form, "suppressed": bool(preference and preference.suppressed), "teams": teams}
    return render(request, "reading/settings.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def reading_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every digest email: works without logging in, and only a POST changes anything.

    Mail scanners fetch links in emails; a GET that unsubscribed would let them unsubscribe people.
    """
    try:
        user_id = user_id_from_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "reading/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            services.unsubscribe(user_id=user_id)
        except get_user_model().DoesNotExist:
            return render(request, "reading/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "reading/unsubscribe.html", {"done": True})
    return render(request, "reading/unsubscribe.html", {"token": token})


def _can_curate(request: HttpRequest) -> bool:
    return has_role(request.user, Role.EDITOR)


def library(request: HttpRequest) -> HttpResponse:
    shelf = (
        Postmortem.objects.visible_to(request.user)
        .published()
        .filter(in_library=True)
        .for_list()
        .order_by("-started_at", "-id")
    )
    page = Paginator(shelf, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    candidates = []
    if _can_curate(request):
        candidates = list(
            Postmortem.objects.visible_to(request.user)
            .filter(kind=Kind.EXTERNAL, in_library=False)
            .only("id", "key", "title", "source_url", "started_at")
            .order_by("-started_at", "-id")[:50]
        )
    context = {"page": page, "can_curate": _can_curate(request), "candidates": candidates}
    return render(request, "reading/library.html", context)


def _library_change(request: HttpRequest, key: str, in_library: bool) -> HttpResponse:
    if not _can_curate(request):
        raise PermissionDenied("Only editors curate the library.")
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), key=key)
    try:
        services.set_in_library(postmortem=postmortem, in_library=in_library, changed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("postmortems:library")
    except EditConflict:
        messages.error(request, f"{key} was changed by someone else just now; try again.")
        return redirect("postmortems:library")
    verb = "added to" if in_library else "removed from"
    messages.success(request, f"{postmortem.key} {verb} the library.")
    return redirect("postmortems:library")


@require_POST
def library_add(request: HttpRequest, key: str) -> HttpResponse:
    return _library_change(request, key, in_library=True)


@require_POST
def library_remove(request: HttpRequest, key: str) -> HttpResponse:
    return _library_change(request, key, in_library=False)
