"""Timeline events, contributing factors and action items in the editor: add, change, delete, paste.

Every write is a save of the postmortem (a new version and revision, services.py). With htmx the answer is
the row editor again, with the writing checklist and the document form's version updated out of band; a
plain form post is redirected back to the editor, or gets the whole editor page when something needs saying
(field errors, a row someone else changed or deleted meanwhile).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from postmortems import services
from postmortems.editor_page import ROW_KINDS, RowKind, SectionState, render_editor, render_section
from postmortems.form_errors import add_service_errors
from postmortems.forms_authoring import FORM_KEYS, EditorChoices, PostmortemForm, canonical_snapshot, zone_of
from postmortems.forms_editor_rows import TimelinePasteForm
from postmortems.models import Postmortem, Revision
from postmortems.views_authoring import editable_postmortem, is_htmx, previews_of

PREVIEW_FIELDS = ("narrative", "why_it_made_sense")


def _kind(name: str) -> RowKind:
    return ROW_KINDS[name]


def _row(kind: RowKind, postmortem: Postmortem, row_id: int) -> Any:
    """The row among the postmortem's own (prefetched), or None: deleted, or never this postmortem's."""
    return next((row for row in kind.rows(postmortem) if row.pk == row_id), None)


def _next_form_version(request: HttpRequest, postmortem: Postmortem) -> int | None:
    """The version the document form on the page may move to after this person's row save, or None to leave it.

    It moves only when nobody changed the document's fields since the form's version: otherwise the form keeps
    its version, so that saving it shows the others' changes instead of overwriting them.
    """
    try:
        form_version = int(request.POST.get("version", ""))
    except ValueError:
        return None
    if form_version >= postmortem.version:
        return None
    versions = (form_version, postmortem.version)
    snapshots = dict(
        Revision.objects.filter(postmortem=postmortem, version__in=versions).values_list("version", "snapshot")
    )
    if len(snapshots) != 2:
        return None
    before, after = (canonical_snapshot(snapshots[version]) for version in versions)
    return postmortem.version if all(before[key] == after[key] for key in FORM_KEYS) else None


def _answer(
    request: HttpRequest,
    key: str,
    kind: RowKind,
    state: SectionState,
    *,
    status: int = 200,
    saved: bool = False,
    anchor: str = "",
) -> HttpResponse:
    """The row editor (htmx), a redirect to the editor after a plain save, or the editor page with a message."""
    postmortem = editable_postmortem(request, key)  # fresh: shows what this request (and others) saved
    choices = EditorChoices(postmortem=postmortem)
    if is_htmx(request):
        form_version = _next_form_version(request, postmortem) if saved else None
        return render_section(request, postmortem, kind, choices, state, status=status, form_version=form_version)
    if status == 200 and not (state.row_form or state.add_form or state.paste_form):
        # Done (or nothing left to do): back to the editor, where a reload repeats nothing.
        (messages.success if saved else messages.info)(request, state.status)
        return redirect(reverse("postmortems:edit", kwargs={"key": key}) + f"#{anchor or kind.name}")
    form = PostmortemForm(
        initial=PostmortemForm.initial_for(postmortem), choices=choices, user=request.user, postmortem=postmortem
    )
    return render_editor(request, postmortem, form=form, choices=choices, states={kind.name: state}, status=status)


def _write(kind: RowKind, postmortem: Postmortem, user: Any, form: Any, row: Any = None) -> Any:
    """Add (no `row`) or change a row through its service; ValidationError, RowGone and RowChanged pass up."""
    arguments = form.service_arguments()
    loaded = form.cleaned_data.get("loaded") or None
    if kind.name == "timeline":
        if row is None:
            return services.add_timeline_event(postmortem=postmortem, added_by=user, **arguments)
        return services.update_timeline_event(event=row, changed_by=user, loaded=loaded, **arguments)
    if kind.name == "factors":
        if row is None:
            return services.add_contributing_factor(postmortem=postmortem, added_by=user, **arguments)
        return services.update_contributing_factor(tag=row, changed_by=user, loaded=loaded, **arguments)
    if row is None:
        return services.add_action_item(postmortem=postmortem, added_by=user, **arguments)
    return services.update_action_item(item=row, changed_by=user, loaded=loaded, **arguments)


def _delete(kind: RowKind, row: Any, user: Any, loaded: str | None) -> None:
    if kind.name == "timeline":
        services.delete_timeline_event(event=row, deleted_by=user, loaded=loaded)
    elif kind.name == "factors":
        services.delete_contributing_factor(tag=row, deleted_by=user, loaded=loaded)
    else:
        services.delete_action_item(item=row, deleted_by=user, loaded=loaded)


def _rekeyed(data: QueryDict, old: str, new: str) -> QueryDict:
    """Posted form data under another form prefix (a row's edit moved into the form that adds a new row)."""
    moved = QueryDict(mutable=True)
    for name in data:
        if name.startswith(f"{old}-"):
            moved.setlist(f"{new}-{name[len(old) + 1 :]}", data.getlist(name))
    moved.pop(f"{new}-loaded", None)
    return moved


def _previews_for(kind: RowKind, form: Any, request: HttpRequest) -> dict[str, str]:
    if kind.name != "factors":
        return {}
    previews = previews_of(request.POST, [f"{form.prefix}-{name}" for name in PREVIEW_FIELDS])
    return {name: previews[f"{form.prefix}-{name}"] for name in PREVIEW_FIELDS}


@require_POST
def row_add(request: HttpRequest, key: str, kind: str) -> HttpResponse:
    row_kind = _kind(kind)
    postmortem = editable_postmortem(request, key)
    choices = EditorChoices(postmortem=postmortem)
    form = row_kind.form(postmortem, choices, data=request.POST)
    if "preview" in request.POST:
        form.is_valid()
        state = SectionState(add_form=form, previews=_previews_for(row_kind, form, request))
        return _answer(request, key, row_kind, state)
    if form.is_valid():
        try:
            row = _write(row_kind, postmortem, request.user, form)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.RowGone:
            raise Http404("The postmortem was deleted.") from None
        else:
            state = SectionState(status=f"{row_kind.noun.capitalize()} added.", keep_adding=True)
            return _answer(request, key, row_kind, state, saved=True, anchor=_anchor(row_kind, row))
    alert = f"The {row_kind.noun} was not added: see the messages by the fields."
    return _answer(request, key, row_kind, SectionState(add_form=form, alert=alert), status=400)


def _anchor(kind: RowKind, row: Any) -> str:
    return f"{kind.anchor}-{row.pk}"


def _gone(request: HttpRequest, key: str, kind: RowKind, postmortem: Postmortem, choices: Any, row_id: int):
    """An edit of a row someone deleted: say so, and offer what was typed in the form that adds a new row."""
    data = _rekeyed(request.POST, f"{kind.anchor}-{row_id}", f"{kind.anchor}-new")
    add_form = kind.form(postmortem, choices, data=data)
    add_form.is_valid()
    alert = (
        f"This {kind.noun} was deleted by someone else while you were editing it, so your change was not saved. "
        "What you wrote is in the form below: add it again if it still belongs."
    )
    return _answer(request, key, kind, SectionState(add_form=add_form, alert=alert), status=409)


@require_POST
def row_update(request: HttpRequest, key: str, kind: str, row_id: int) -> HttpResponse:
    row_kind = _kind(kind)
    postmortem = editable_postmortem(request, key)
    choices = EditorChoices(postmortem=postmortem)
    row = _row(row_kind, postmortem, row_id)
    if row is None:
        return _gone(request, key, row_kind, postmortem, choices, row_id)
    form = row_kind.form(postmortem, choices, row=row, data=request.POST)
    if "preview" in request.POST:
        form.is_valid()
        previews = _previews_for(row_kind, form, request)
        return _answer(request, key, row_kind, SectionState(row_id=row.pk, row_form=form, previews=previews))
    if form.is_valid():
        try:
            _write(row_kind, postmortem, request.user, form, row=row)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.RowGone:
            return _gone(request, key, row_kind, postmortem, choices, row_id)
        except services.RowChanged as changed:
            return _changed(request, key, row_kind, postmortem, choices, row, changed.current)
        else:
            status = f"{row_kind.noun.capitalize()} saved."
            return _answer(
                request, key, row_kind, SectionState(status=status), saved=True, anchor=_anchor(row_kind, row)
            )
    alert = f"The {row_kind.noun} was not saved: see the messages by the fields."
    state = SectionState(row_id=row.pk, row_form=form, alert=alert)
    return _answer(request, key, row_kind, state, status=400)


def _changed(request: HttpRequest, key: str, kind: RowKind, postmortem: Postmortem, choices: Any, row: Any, current):
    """An edit of a row someone changed meanwhile: keep what was typed, show theirs, and let a second save win."""
    prefix = f"{kind.anchor}-{row.pk}"
    data = request.POST.copy()
    data[f"{prefix}-loaded"] = services.row_fingerprint(current)
    form = kind.form(postmortem, choices, row=row, data=data)
    form.is_valid()
    notice = (
        f"Someone else changed this {kind.noun} since you opened the page, so your change was not saved. "
        "Theirs is shown first; your version is in the form. Save again to replace theirs with yours."
    )
    state = SectionState(row_id=row.pk, row_form=form, row_notice=notice, row_current=current, alert=notice)
    return _answer(request, key, kind, state, status=409)


@require_POST
def row_delete(request: HttpRequest, key: str, kind: str, row_id: int) -> HttpResponse:
    row_kind = _kind(kind)
    postmortem = editable_postmortem(request, key)
    row = _row(row_kind, postmortem, row_id)
    already = SectionState(status=f"That {row_kind.noun} had already been deleted.")
    if row is None:
        return _answer(request, key, row_kind, already)
    try:
        _delete(row_kind, row, request.user, request.POST.get("loaded") or None)
    except services.RowGone:
        return _answer(request, key, row_kind, already)
    except services.RowChanged:
        notice = (
            f"Someone else changed this {row_kind.noun} since you opened the page, so it was not deleted. "
            "Check what it says now, and delete it again if it should go."
        )
        choices = EditorChoices(postmortem=postmortem)
        form = row_kind.form(postmortem, choices, row=row)
        state = SectionState(row_id=row.pk, row_form=form, row_notice=notice, alert=notice)
        return _answer(request, key, row_kind, state, status=409)
    return _answer(request, key, row_kind, SectionState(status=f"{row_kind.noun.capitalize()} deleted."), saved=True)


@require_POST
def timeline_paste(request: HttpRequest, key: str) -> HttpResponse:
    """Many events at once from pasted `HH:MM text` or `YYYY-MM-DD HH:MM | text` lines: all of them or none."""
    kind = _kind("timeline")
    postmortem = editable_postmortem(request, key)
    zone = zone_of(postmortem.timezone)
    form = TimelinePasteForm(request.POST, zone=zone, start=postmortem.started_at, prefix="paste")
    if not form.is_valid():
        alert = "Nothing was added from the pasted lines: see the list below them."
        return _answer(request, key, kind, SectionState(paste_form=form, alert=alert), status=400)
    created = services.add_timeline_events(
        postmortem=postmortem, added_by=request.user, events=form.cleaned_data["events"]
    )
    status = f"{len(created)} timeline event{'s' if len(created) != 1 else ''} added."
    return _answer(request, key, kind, SectionState(status=status), saved=True)
