"""The postmortem editor as a page: its sections, row editors, writing checklist and edit-conflict report.

The views (views_authoring.py for the document, views_editor_rows.py for timeline events, contributing
factors and action items) build their answers from here, so a full page and an htmx fragment show the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postmortems import lint
from postmortems.diffing import DiffLine, diff_lines
from postmortems.forms_authoring import (
    FORM_KEYS,
    SECTION_LABELS,
    SECTIONS,
    EditorChoices,
    PostmortemForm,
    canonical_snapshot,
    normalise_text,
    zone_of,
)
from postmortems.forms_editor_rows import (
    DECISION_PROMPT,
    ROLE_HELP,
    ActionItemForm,
    ContributingFactorForm,
    TimelineEventForm,
    TimelinePasteForm,
)
from postmortems.markdown import render_markdown
from postmortems.models import ActionItem, ContributingFactor, FactorRole, Postmortem, Revision, TimelineEvent
from postmortems.services import snapshot

# ---- Row editors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowKind:
    """One kind of row the editor edits: how to list it, build its form and name it."""

    name: str  # "timeline", "factors", "actions": URL names, anchors and template names derive from it
    noun: str
    model: type
    rows: Callable[[Postmortem], list]
    anchor: str  # element id prefix of one row: "event" -> id="event-12"
    first_field: str  # where the cursor goes in the form that adds a row

    def form(
        self,
        postmortem: Postmortem,
        choices: EditorChoices,
        *,
        row: Any = None,
        data: Any = None,
        initial: dict | None = None,
    ) -> forms.Form:
        """The form of one row (prefix `<anchor>-<id>`) or of a new one (prefix `<anchor>-new`)."""
        zone = zone_of(postmortem.timezone)
        prefix = f"{self.anchor}-{row.pk if row is not None else 'new'}"
        if initial is None and row is not None:
            initial = self.initial(row, zone)
        kwargs: dict[str, Any] = {"data": data, "initial": initial, "prefix": prefix}
        if self.name == "timeline":
            return TimelineEventForm(zone=zone, **kwargs)
        if self.name == "factors":
            events = list(postmortem.timeline.all())
            return ContributingFactorForm(choices=choices, events=events, zone=zone, current=row, **kwargs)
        return ActionItemForm(choices=choices, **kwargs)

    def initial(self, row: Any, zone: tzinfo) -> dict[str, Any]:
        if self.name == "timeline":
            return TimelineEventForm.initial_for(row, zone)
        if self.name == "factors":
            return ContributingFactorForm.initial_for(row)
        return ActionItemForm.initial_for(row)


ROW_KINDS = {
    "timeline": RowKind(
        "timeline", "timeline event", TimelineEvent, lambda pm: list(pm.timeline.all()), "event", "occurred_at"
    ),
    "factors": RowKind(
        "factors",
        "contributing factor",
        ContributingFactor,
        lambda pm: list(pm.contributing_factors.all()),
        "factor",
        "factor",
    ),
    "actions": RowKind("actions", "action item", ActionItem, lambda pm: list(pm.action_items.all()), "action", "title"),
}


@dataclass
class RowView:
    row: Any
    form: forms.Form
    open: bool = False  # the row's edit form is shown unfolded (it has errors or a notice)
    notice: str = ""
    current: Any = None  # on a conflict, the row as someone else left it
    previews: dict[str, str] = field(default_factory=dict)


@dataclass
class RowSection:
    kind: RowKind
    rows: list[RowView]
    add_form: forms.Form
    add_open: bool = False
    add_previews: dict[str, str] = field(default_factory=dict)
    paste_form: forms.Form | None = None
    status: str = ""  # what just happened, announced politely
    alert: str = ""  # what went wrong, announced at once
    focus: str = ""  # id of the control to put the cursor in once htmx has swapped the editor in


@dataclass
class SectionState:
    """What a request changes in a row editor: the row whose form failed, a bound add form, messages."""

    row_id: int | None = None
    row_form: forms.Form | None = None
    row_notice: str = ""
    row_current: Any = None
    add_form: forms.Form | None = None
    paste_form: forms.Form | None = None
    status: str = ""
    alert: str = ""
    previews: dict[str, str] = field(default_factory=dict)  # of the bound row or add form's markdown fields
    keep_adding: bool = False  # leave the add form open (empty) after a row was added


def first_error_id(form: forms.Form) -> str:
    """The id of the first control with an error, for the cursor to go to; "" for errors of the whole form."""
    for name in form.errors:
        if name in form.fields:
            return form[name].auto_id
    return ""


def build_section(
    kind: RowKind, postmortem: Postmortem, choices: EditorChoices, state: SectionState | None = None
) -> RowSection:
    state = state or SectionState()
    rows = []
    for row in kind.rows(postmortem):
        if row.pk == state.row_id and state.row_form is not None:
            rows.append(
                RowView(
                    row,
                    state.row_form,
                    open=True,
                    notice=state.row_notice,
                    current=state.row_current,
                    previews=state.previews,
                )
            )
        else:
            rows.append(RowView(row, kind.form(postmortem, choices, row=row)))
    add_form = state.add_form or kind.form(postmortem, choices)
    paste_form = None
    if kind.name == "timeline":
        zone = zone_of(postmortem.timezone)
        paste_form = state.paste_form or TimelinePasteForm(zone=zone, start=postmortem.started_at, prefix="paste")
    focus = ""
    if state.keep_adding:
        focus = add_form[kind.first_field].auto_id
    elif state.row_form is not None and state.row_form.is_bound:
        focus = first_error_id(state.row_form)
    elif state.add_form is not None and state.add_form.is_bound:
        focus = first_error_id(state.add_form)
    elif state.paste_form is not None and state.paste_form.is_bound:
        focus = first_error_id(state.paste_form)
    return RowSection(
        kind=kind,
        rows=rows,
        add_form=add_form,
        focus=focus,
        add_open=state.add_form is not None or state.keep_adding,
        add_previews=state.previews if state.row_id is None else {},
        paste_form=paste_form,
        status=state.status,
        alert=state.alert,
    )


# ---- The writing checklist --------------------------------------------------------------------------------


@dataclass
class CheckItem:
    where: str
    href: str
    message: str
    quote: str


@dataclass
class CheckGroup:
    rule: lint.Rule
    items: list[CheckItem] = field(default_factory=list)


def _locate(name: str, postmortem: Postmortem | None, zone: tzinfo) -> tuple[str, str]:
    """A finding's field (`narrative`, `timeline.12.text`, ...) as words and a link to it in the editor."""
    if name in SECTION_LABELS:
        return SECTION_LABELS[name], f"#field-{name}"
    if name == "title":
        return "Title", "#id_title"
    parts = name.split(".")
    rows = {"timeline": "event", "contributing_factors": "factor", "action_items": "action"}
    if postmortem is None or parts[0] not in rows:
        return name.replace("_", " ").capitalize(), ""
    anchor = rows[parts[0]]
    if len(parts) == 1:
        return "Contributing factors", "#factors"
    pk = int(parts[1])
    if parts[0] == "timeline":
        event = next((e for e in postmortem.timeline.all() if e.pk == pk), None)
        label = f"Timeline, {event.occurred_at.astimezone(zone):%H:%M}" if event else "Timeline"
    elif parts[0] == "contributing_factors":
        tag = next((t for t in postmortem.contributing_factors.all() if t.pk == pk), None)
        label = f"Factor: {tag.factor.name}" if tag and tag.factor_id else "Contributing factor"
    else:
        label = "Action item"
    return label, f"#{anchor}-{pk}"


def checklist(findings: list[lint.Finding], postmortem: Postmortem | None) -> list[CheckGroup]:
    """Every rule in order, with what it found (an empty group is a rule that passed)."""
    zone = zone_of(postmortem.timezone if postmortem else "UTC")
    groups = {rule.id: CheckGroup(rule) for rule in lint.RULES}
    for finding in findings:
        where, href = _locate(finding.field, postmortem, zone)
        groups[finding.rule_id].items.append(CheckItem(where, href, finding.message, finding.quote))
    return list(groups.values())


def draft_checks(postmortem: Postmortem) -> list[CheckGroup]:
    """The checklist for a postmortem whose document fields may hold unsaved text.

    A new postmortem has no timeline, factors or action items until its first save, so only the rules that
    read its text apply yet.
    """
    if postmortem.pk:
        return checklist(lint.check_postmortem(postmortem), postmortem)
    groups = checklist(lint.check_postmortem(postmortem), None)
    return [group for group in groups if group.rule.kind == lint.WORDING or group.rule.id == "impact-empty"]


# ---- Edit conflicts ---------------------------------------------------------------------------------------

MERGED, CONFLICT, SAME = "merged", "conflict", "same"
# Parts of a postmortem the document form does not write: others' changes to them need no merging.
OTHER_PARTS = {
    "status": "the review status",
    "timeline": "the timeline",
    "contributing_factors": "contributing factors",
    "action_items": "action items",
}


@dataclass
class FieldChange:
    """One field someone else changed since the editor was loaded, and what happens to it in the form."""

    key: str
    label: str
    outcome: str  # MERGED: theirs is now in your form; CONFLICT: you both changed it, yours is kept; SAME
    before: str
    after: str
    lines: list[DiffLine] = field(default_factory=list)  # what they changed in a text field


@dataclass
class Conflict:
    loaded_version: int
    current_version: int
    editors: list[str]
    changes: list[FieldChange]
    also_changed: list[str]  # status, timeline, factors, actions: saved already, nothing to merge

    @property
    def conflicting(self) -> list[FieldChange]:
        return [change for change in self.changes if change.outcome == CONFLICT]


def _label(key: str) -> str:
    return {
        "title": "Title",
        "kind": "Kind",
        "severity": "Severity",
        "timezone": "Time zone",
        "started_at": "Started",
        "detected_at": "Detected",
        "mitigated_at": "Mitigated",
        "resolved_at": "Resolved",
        "services": "Services",
        "authors": "Authors",
        "restricted": "Restricted",
        "allowed_teams": "Teams that may see it",
        "source_url": "Source",
        **SECTION_LABELS,
    }[key]


def _show(value: Any, zone: tzinfo) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, datetime):
        return f"{value.astimezone(zone):%a %-d %b %Y, %H:%M %Z}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def _revisions(postmortem: Postmortem, loaded: int) -> tuple[dict | None, dict, list[str]]:
    """The snapshot the editor was loaded from, the current one, and who saved in between."""
    snapshots = dict(
        Revision.objects.filter(postmortem=postmortem, version__in=(loaded, postmortem.version)).values_list(
            "version", "snapshot"
        )
    )
    current = snapshots.get(postmortem.version) or snapshot(postmortem)
    later = Revision.objects.filter(postmortem=postmortem, version__gt=loaded).select_related("author")
    editors: list[str] = []
    for revision in later.order_by("version").defer("snapshot"):
        author = revision.author
        name = (author.get_full_name() or author.get_username()) if author else "an import or a script"
        if name not in editors:
            editors.append(name)
    return snapshots.get(loaded), current, editors


def find_conflict(postmortem: Postmortem, form: PostmortemForm, loaded: int) -> Conflict | None:
    """What others changed in the document since version `loaded`; None when they changed none of its fields.

    Changes to the timeline, factors or action items alone are no conflict: the main form does not write them.
    """
    base_snapshot, current_snapshot, editors = _revisions(postmortem, loaded)
    current = canonical_snapshot(current_snapshot)
    base = canonical_snapshot(base_snapshot) if base_snapshot is not None else None
    mine = form.canonical()
    theirs_changed = [key for key in FORM_KEYS if base is None or base[key] != current[key]]
    if base is not None and not theirs_changed:
        return None
    if base is None:  # the revision is missing: show every field where the saved version differs from the form
        theirs_changed = [key for key in FORM_KEYS if mine[key] != current[key]]
    zone = zone_of(postmortem.timezone)
    changes = []
    for key in theirs_changed:
        before = base[key] if base is not None else mine[key]
        if mine[key] == current[key]:
            outcome = SAME
        elif base is not None and mine[key] == base[key]:
            outcome = MERGED
        else:
            outcome = CONFLICT
        change = FieldChange(key, _label(key), outcome, _show(before, zone), _show(current[key], zone))
        if key in SECTION_LABELS:
            change.lines = diff_lines(before.splitlines(), current[key].splitlines())
        changes.append(change)
    # Revisions recorded before snapshots held the rows have no such keys: say nothing rather than guess.
    also = [
        label
        for key, label in OTHER_PARTS.items()
        if base_snapshot is not None and key in base_snapshot and base_snapshot[key] != current_snapshot.get(key)
    ]
    return Conflict(loaded, postmortem.version, editors, changes, also)


def merged_data(form: PostmortemForm, postmortem: Postmortem, conflict: Conflict) -> Any:
    """The person's submitted form with others' changes taken in wherever the person had not changed the field."""
    data = form.data.copy()
    theirs = PostmortemForm.data_for(postmortem)
    for change in conflict.changes:
        if change.outcome != MERGED:
            continue
        for name in FORM_KEYS[change.key]:
            data.setlist(name, theirs.getlist(name))
    data["version"] = str(postmortem.version)
    return data


# ---- The page ---------------------------------------------------------------------------------------------


def editor_context(
    request: HttpRequest,
    postmortem: Postmortem | None,
    *,
    form: PostmortemForm,
    choices: EditorChoices,
    previews: dict[str, str] | None = None,
    conflict: Conflict | None = None,
    states: dict[str, SectionState] | None = None,
    checks: list[CheckGroup] | None = None,
) -> dict[str, Any]:
    states = states or {}
    previewing = bool(previews)
    if not previews:
        previews = _first_previews(form, postmortem)
    context: dict[str, Any] = {
        "postmortem": postmortem,
        "form": form,
        "choices": choices,
        "conflict": conflict,
        "conflict_fields": {
            name for change in (conflict.conflicting if conflict else []) for name in FORM_KEYS[change.key]
        },
        "previewing": previewing,
        "sections": [
            {"name": name, "label": label, "prompt": prompt, "field": form[name], "preview_html": previews.get(name)}
            for name, label, prompt in SECTIONS
        ],
        "service_fields": [form[name] for name in ("services_origin", "services_impacted", "services_involved")],
        "time_fields": [form[name] for name in ("started_at", "detected_at", "mitigated_at", "resolved_at")],
        "role_help": [(value, label, ROLE_HELP[value]) for value, label in FactorRole.choices],
        "decision_prompt": DECISION_PROMPT,
    }
    if postmortem is not None:
        context["row_sections"] = {
            name: build_section(kind, postmortem, choices, states.get(name)) for name, kind in ROW_KINDS.items()
        }
        context["checks"] = checks if checks is not None else checklist(lint.check_postmortem(postmortem), postmortem)
        context["similar_factors"] = sorted(
            {tag.factor.slug for tag in postmortem.contributing_factors.all() if tag.factor_id}
        )
        context["similar_services"] = sorted({link.service.slug for link in postmortem.service_links.all()})
        context["factor_help"] = {
            factor.slug: {
                "name": factor.name,
                "definition": factor.definition,
                "family": factor.family.name,
                "question": factor.family.question,
            }
            for factor in choices.factors
        }
    else:
        context["checks"] = checks if checks is not None else draft_checks(Postmortem(**_document_values(form)))
    return context


def _first_previews(form: PostmortemForm, postmortem: Postmortem | None) -> dict[str, str]:
    """What the preview beside each section starts as: the text in the form, rendered as the page will show it.

    Where that is the saved text, it is the HTML rendered when it was saved, which the postmortem's page shows.
    """
    previews = {}
    for name, _label, _prompt in SECTIONS:
        text = normalise_text(form[name].value() or "")
        as_saved = postmortem is not None and text == getattr(postmortem, name)
        previews[name] = getattr(postmortem, f"{name}_html") if as_saved else render_markdown(text)
    return previews


def _document_values(form: PostmortemForm) -> dict[str, str]:
    """The typed title and sections, for checking a postmortem that does not exist yet."""
    return {name: normalise_text(form[name].value() or "") for name in ("title", *SECTION_LABELS)}


def render_editor(request: HttpRequest, postmortem: Postmortem | None, *, status: int = 200, **kwargs: Any):
    """The whole editor page (or the new-postmortem page when `postmortem` is None)."""
    return render(request, "postmortems/edit.html", editor_context(request, postmortem, **kwargs), status=status)


def render_section(
    request: HttpRequest,
    postmortem: Postmortem,
    kind: RowKind,
    choices: EditorChoices,
    state: SectionState,
    *,
    status: int = 200,
    form_version: int | None = None,
) -> HttpResponse:
    """One row editor for htmx, with the checklist and (given `form_version`) the main form's version out of band."""
    context = {
        "form_version": form_version,
        "postmortem": postmortem,
        "section": build_section(kind, postmortem, choices, state),
        "choices": choices,
        "role_help": [(value, label, ROLE_HELP[value]) for value, label in FactorRole.choices],
        "decision_prompt": DECISION_PROMPT,
        "checks": checklist(lint.check_postmortem(postmortem), postmortem),
        "oob": True,
    }
    return render(request, "postmortems/editor/_section_response.html", context, status=status)
