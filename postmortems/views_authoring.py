"""Writing postmortems: the new-postmortem page, the editor's document form, markdown previews, writing checks.

The timeline, contributing factors and action items have their own views (views_editor_rows.py); the page
itself is assembled in editor_page.py. Anything a person may not see is a 404, and a postmortem they may
read but not edit is a 403.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from postmortems.editor_page import Conflict, draft_checks, find_conflict, merged_data, render_editor
from postmortems.forms_authoring import (
    SECTIONS,
    EditorChoices,
    PostmortemForm,
    default_zone,
    normalise_text,
)
from postmortems.markdown import render_markdown
from postmortems.models import MARKDOWN_FIELDS, Kind, Postmortem
from postmortems.permissions import can_create_postmortem, can_edit_postmortem
from postmortems.services import EditConflict, create_postmortem, update_postmortem

MAX_PREVIEW_CHARS = 100_000
# Field names a preview may be asked for: the document's sections, and a contributing factor's texts.
_PREVIEWABLE = re.compile(
    r"^(?:" + "|".join(MARKDOWN_FIELDS) + r"|factor-(?:new|\d+)-(?:narrative|why_it_made_sense))$"
)
# A save that meets a conflict made only of others' timeline, factor or action-item saves tries again this often.
SAVE_ATTEMPTS = 3


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def editable_postmortem(request: HttpRequest, key: str) -> Postmortem:
    """The postmortem for the editor: 404 if the person may not see it, 403 if they may see it but not edit it."""
    if len(key) > 20:
        raise Http404("No such postmortem.")
    postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user).for_editor(), key=key)
    if not can_edit_postmortem(request.user, postmortem, known_visible=True):
        raise PermissionDenied("You may read this postmortem but not edit it.")
    return postmortem


def _require_writer(request: HttpRequest) -> None:
    if not can_create_postmortem(request.user):
        raise PermissionDenied("Only authors, editors and admins write postmortems.")


def previews_of(data: QueryDict, names: list[str]) -> dict[str, str]:
    """Sanitised HTML of what was typed in each named field, through the same renderer as the saved page."""
    return {name: render_markdown(normalise_text(data.get(name, "")[:MAX_PREVIEW_CHARS])) for name in names}


def _section_previews(data: QueryDict) -> dict[str, str]:
    previews = previews_of(data, [name for name, _label, _prompt in SECTIONS])
    # An empty section still shows that the preview ran.
    return {name: html or '<p class="muted">Nothing written yet.</p>' for name, html in previews.items()}


@require_http_methods(["GET", "POST"])
def postmortem_create(request: HttpRequest) -> HttpResponse:
    """A new postmortem: facts and sections. The timeline, factors and action items follow on the editor."""
    _require_writer(request)
    choices = EditorChoices()
    if request.method == "GET":
        initial = {"authors": request.user.get_username(), "timezone": default_zone(), "kind": Kind.INCIDENT}
        form = PostmortemForm(initial=initial, choices=choices, user=request.user)
        return render_editor(request, None, form=form, choices=choices)
    if "preview" in request.POST:
        form = PostmortemForm.unchecked(request.POST, choices=choices, user=request.user)
        return render_editor(request, None, form=form, choices=choices, previews=_section_previews(request.POST))
    form = PostmortemForm(request.POST, choices=choices, user=request.user)
    if not form.is_valid():
        return render_editor(request, None, form=form, choices=choices, status=400)
    postmortem = create_postmortem(created_by=request.user, **form.service_arguments())
    messages.success(
        request,
        f"Draft {postmortem.key} saved. Add the timeline, the contributing factors and the action items below.",
    )
    return redirect("postmortems:edit", key=postmortem.key)


@require_http_methods(["GET", "POST"])
def postmortem_edit(request: HttpRequest, key: str) -> HttpResponse:
    """The editor: the document form, and the timeline, factors and action items, each saved on its own."""
    postmortem = editable_postmortem(request, key)
    choices = EditorChoices(postmortem=postmortem)
    if request.method == "GET":
        initial = PostmortemForm.initial_for(postmortem)
        form = PostmortemForm(initial=initial, choices=choices, user=request.user, postmortem=postmortem)
        return render_editor(request, postmortem, form=form, choices=choices)
    if "preview" in request.POST:
        form = PostmortemForm.unchecked(request.POST, choices=choices, user=request.user, postmortem=postmortem)
        previews = _section_previews(request.POST)
        return render_editor(request, postmortem, form=form, choices=choices, previews=previews)
    form = PostmortemForm(request.POST, choices=choices, user=request.user, postmortem=postmortem)
    if not form.is_valid():
        return render_editor(request, postmortem, form=form, choices=choices, status=400)
    return _save(request, postmortem, form, choices)


def _save(request: HttpRequest, postmortem: Postmortem, form: PostmortemForm, choices: EditorChoices) -> HttpResponse:
    """Save the document form made from version `loaded`.

    When others saved since, and changed none of the fields this form writes (only the timeline, factors,
    action items or the review status), the save goes ahead. When they changed the document, nothing is
    written: the form comes back with their changes merged in where this person had not changed the field,
    the fields both changed keep this person's text, and what changed is shown.
    """
    loaded = form.cleaned_data["version"]
    for _attempt in range(SAVE_ATTEMPTS):
        if loaded != postmortem.version:
            conflict = find_conflict(postmortem, form, loaded)
            if conflict is not None:
                return _conflict_page(request, postmortem, form, choices, conflict)
        try:
            update_postmortem(
                postmortem=postmortem,
                expected_version=postmortem.version,
                changed_by=request.user,
                **form.service_arguments(),
            )
        except EditConflict:
            # Someone saved between reading and writing: look again at what they changed.
            postmortem = editable_postmortem(request, postmortem.key)
            continue
        message = f"Saved: {postmortem.key} is at version {postmortem.version}."
        if loaded != postmortem.version - 1:
            message += (
                " Others saved other parts meanwhile (timeline, factors, action items, review); all of it is kept."
            )
        messages.success(request, message)
        return redirect("postmortems:edit", key=postmortem.key)
    conflict = find_conflict(postmortem, form, loaded) or Conflict(loaded, postmortem.version, [], [], [])
    return _conflict_page(request, postmortem, form, choices, conflict)


def _conflict_page(
    request: HttpRequest, postmortem: Postmortem, form: PostmortemForm, choices: EditorChoices, conflict: Conflict
) -> HttpResponse:
    merged = PostmortemForm(
        merged_data(form, postmortem, conflict), choices=choices, user=request.user, postmortem=postmortem
    )
    merged.is_valid()
    return render_editor(request, postmortem, form=merged, choices=choices, conflict=conflict, status=409)


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """What a markdown field will look like once saved: `field` names the posted field to render (htmx)."""
    _require_writer(request)
    name = request.POST.get("field", "")
    if not _PREVIEWABLE.match(name):
        return HttpResponse("Unknown field.", status=400, content_type="text/plain")
    html = previews_of(request.POST, [name])[name]
    return render(request, "postmortems/editor/_preview.html", {"html": html})


@require_POST
def writing_checks(request: HttpRequest, key: str | None = None) -> HttpResponse:
    """The writing checklist for the text as typed (htmx): the saved postmortem with the posted sections."""
    if key is None:
        _require_writer(request)
        postmortem = Postmortem(timezone=request.POST.get("timezone") or "UTC")
    else:
        postmortem = editable_postmortem(request, key)
    for name in ("title", *MARKDOWN_FIELDS):
        if name in request.POST:
            setattr(postmortem, name, normalise_text(request.POST[name][:MAX_PREVIEW_CHARS]))
    context = {"checks": draft_checks(postmortem), "postmortem": postmortem if postmortem.pk else None}
    return render(request, "postmortems/editor/_checks.html", context)
