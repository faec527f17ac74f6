"""The editor's row forms: a timeline event, a pasted block of events, a contributing factor, an action item.

Each row form carries `loaded`, the row's fingerprint when the page showed it (services.row_fingerprint), so
an edit of a row someone changed in the meantime is refused instead of silently replacing their change.
Choices come from `EditorChoices`, read once for the whole page.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe

from postmortems.forms_authoring import (
    EditorChoices,
    SharedChoices,
    WallTimeField,
    aware_in_zone,
    local_wall_time,
    normalise_text,
    users_by_username,
)
from postmortems.forms_rendering import EDITOR_RENDERER
from postmortems.importers.timeline_text import parse_pasted_timeline
from postmortems.models import (
    ActionItem,
    ActionKind,
    ActionStatus,
    AssumptionKind,
    ContributingFactor,
    EventKind,
    EvidenceType,
    FactorRole,
    TimelineEvent,
)
from postmortems.services import row_fingerprint

MAX_PASTED_LINES = 500

# What each role means (TAXONOMY.md section 3.2), shown beside the choice.
ROLE_HELP = {
    FactorRole.ACTIVATOR: "Set things in motion; usually a minor or near-normal event. Necessary, never enough alone.",
    FactorRole.ENABLING: "Already present, and made the activator matter: latent defects, drift, eroded slack.",
    FactorRole.AMPLIFIER: "Made the consequences grow or spread: load, retries, shared fate, automation.",
    FactorRole.IMPEDIMENT: "Made detection, diagnosis or recovery harder: signals, strange loops, coordination.",
    FactorRole.MITIGATOR: "Limited or ended the impact, luck included: what kept it from being worse?",
}
DECISION_PROMPT = "What did people know, what were they trying to do, and why did this make sense at the time?"


def _text(value: str | None) -> str:
    return normalise_text(value or "")


class RowForm(forms.Form):
    default_renderer = EDITOR_RENDERER
    loaded = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class TimelineEventForm(RowForm):
    occurred_at = WallTimeField(label="When", error_messages={"required": "When did it happen?"})
    kind = forms.ChoiceField(choices=EventKind.choices, initial=EventKind.OBSERVATION, label="Kind")
    text = forms.CharField(
        max_length=5000,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what happened."},
    )
    actor = forms.CharField(
        required=False, max_length=200, label="Who", help_text="A role or a name, e.g. “on-call SRE”, “the deploy bot”."
    )
    why_it_made_sense = forms.CharField(
        required=False,
        max_length=10_000,
        label="Why it made sense",
        help_text=f"For a decision: {DECISION_PROMPT}",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, zone: tzinfo, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.zone = zone

    @classmethod
    def initial_for(cls, event: TimelineEvent, zone: tzinfo) -> dict[str, Any]:
        return {
            "loaded": row_fingerprint(event),
            "occurred_at": local_wall_time(event.occurred_at, zone),
            "kind": event.kind,
            "text": event.text,
            "actor": event.actor,
            "why_it_made_sense": event.why_it_made_sense,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("text", "why_it_made_sense"):
            data[name] = _text(data.get(name))
        data["actor"] = " ".join((data.get("actor") or "").split())
        if "text" not in self.errors and not data["text"]:
            self.add_error("text", "Say what happened.")
        if data.get("occurred_at") is not None:
            try:
                data["occurred_at"] = aware_in_zone(data["occurred_at"], self.zone)
            except ValidationError as error:
                self.add_error("occurred_at", error)
        return data

    def service_arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("occurred_at", "kind", "text", "actor", "why_it_made_sense")}


_KIND_PREFIX = re.compile(rf"^({'|'.join(EventKind.values)})\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)


class TimelinePasteForm(forms.Form):
    default_renderer = EDITOR_RENDERER
    lines = forms.CharField(
        max_length=50_000,
        label="Lines to add",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=(
            "One event per line: “HH:MM text” on the incident's first day, or “YYYY-MM-DD HH:MM | text”; a dated "
            "line sets the day for the HH:MM lines after it. Start the text with “decision:”, “action:”… to set "
            "its kind."
        ),
        error_messages={"required": "Paste at least one line."},
    )
    kind = forms.ChoiceField(
        choices=EventKind.choices, initial=EventKind.OBSERVATION, label="Kind of lines that name none"
    )

    def __init__(self, *args: Any, zone: tzinfo, start: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.start_day = local_wall_time(start, zone).date() if start else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = data.get("lines")
        if not text:
            return data
        if len(text.splitlines()) > MAX_PASTED_LINES:
            self.add_error("lines", f"At most {MAX_PASTED_LINES} lines at a time.")
            return data
        events, problems = parse_pasted_timeline(text, self.start_day)
        messages = [f"Line {p.line} (“{p.content[:80]}”): {p.reason}." for p in problems]
        rows = []
        for event in events:
            kind, what = data.get("kind") or EventKind.OBSERVATION, event.text
            named = _KIND_PREFIX.match(what)
            if named:
                kind, what = named.group(1).lower(), named.group(2).strip()
            try:
                moment = aware_in_zone(event.moment, self.zone)
            except ValidationError as error:
                messages.append(f"Line {event.line}: {error.messages[0]}")
                continue
            rows.append({"occurred_at": moment, "kind": kind, "text": what[:5000]})
        if messages:
            # All or nothing: one unreadable line means no line is added, and every problem is listed.
            raise ValidationError({"lines": ["Nothing was added. Fix these lines and try again:", *messages]})
        data["events"] = rows
        return data


class ContributingFactorForm(RowForm):
    factor = forms.ChoiceField(
        label="Factor",
        error_messages={
            "required": "Choose a factor from the taxonomy.",
            "invalid_choice": "%(value)s is not a factor in the taxonomy; choose one from the list.",
        },
    )
    role = forms.ChoiceField(
        choices=FactorRole.choices,
        widget=forms.RadioSelect,
        label="Role in this incident",
        error_messages={"required": "Choose the role it played."},
    )
    narrative = forms.CharField(
        required=False,
        max_length=20_000,
        label="What happened",
        help_text="Two to five sentences in the participants' terms: a second story, not a verdict.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    why_it_made_sense = forms.CharField(
        required=False,
        max_length=20_000,
        label="Why it made sense at the time",
        help_text="What people knew, expected, were trying to achieve, and were constrained by at that moment.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    services = forms.MultipleChoiceField(required=False, label="Services it concerns")
    timeline_event = forms.ChoiceField(required=False, label="Timeline event it concerns")
    assumption = forms.ChoiceField(required=False, label="Assumption it revealed")
    new_assumption = forms.CharField(
        required=False,
        max_length=300,
        label="Or record a new assumption",
        help_text="One checkable belief in the present tense, e.g. “Retries are safe because the API is idempotent”.",
    )
    new_assumption_kind = forms.ChoiceField(
        choices=AssumptionKind.choices, initial=AssumptionKind.DEPENDENCY, label="Kind of belief"
    )
    evidence_type = forms.ChoiceField(
        choices=EvidenceType.choices, initial=EvidenceType.VIOLATED, label="What this incident showed about it"
    )

    def __init__(
        self,
        *args: Any,
        choices: EditorChoices,
        events: list[TimelineEvent],
        zone: tzinfo,
        current: ContributingFactor | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.current = current
        self.events = {str(event.pk): event for event in events}
        self.fields["factor"].choices = choices.factor_choices
        self.fields["services"].choices = choices.service_choices
        event_choices = [
            (key, f"{local_wall_time(event.occurred_at, zone):%d %b %H:%M} · {event.text[:70]}")
            for key, event in self.events.items()
        ]
        self.fields["timeline_event"].choices = SharedChoices([("", "None"), *event_choices])
        self.fields["assumption"].choices = choices.assumption_choices

    @classmethod
    def initial_for(cls, tag: ContributingFactor) -> dict[str, Any]:
        return {
            "loaded": row_fingerprint(tag),
            "factor": tag.factor.slug if tag.factor_id else "",
            "role": tag.role,
            "narrative": tag.narrative,
            "why_it_made_sense": tag.why_it_made_sense,
            "services": [service.slug for service in tag.services.all()],
            "timeline_event": str(tag.timeline_event_id or ""),
            "assumption": str(tag.assumption_id or ""),
        }

    def factor_options(self) -> SafeString:
        """The taxonomy as the factor list's option groups, the chosen factor selected.

        Written here rather than in the template: a template loop over the whole taxonomy in every factor row
        was a large part of the editor's time.
        """
        chosen = self["factor"].value()
        groups = []
        for family, factors in self.choices.families:
            options = "".join(
                f'<option value="{escape(factor.slug)}"{" selected" if factor.slug == chosen else ""}>'
                f"{escape(factor.name)}{'' if factor.is_active else ' (retired)'}</option>"
                for factor in factors
            )
            groups.append(f'\n    <optgroup label="{escape(family.name)}">\n      {options}\n    </optgroup>\n    ')
        return mark_safe("".join(groups))

    @property
    def selected_factor(self):
        """The factor the form shows as chosen (to describe it without JavaScript), or None."""
        return self.choices.factors_by_slug.get(self["factor"].value() or "")

    def clean_factor(self):
        factor = self.choices.factors_by_slug[self.cleaned_data["factor"]]
        keeps_retired = self.current is not None and self.current.factor_id == factor.pk
        if not factor.is_active and not keeps_retired:
            raise ValidationError(f"{factor.name} has been retired from the taxonomy; choose another factor.")
        return factor

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("narrative", "why_it_made_sense"):
            data[name] = _text(data.get(name))
        data["new_assumption"] = " ".join((data.get("new_assumption") or "").split())
        if data["new_assumption"] and data.get("assumption"):
            self.add_error("new_assumption", "Choose an existing assumption or write a new one, not both.")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        services = [self.choices.services_by_slug[slug] for slug in data["services"]]
        arguments: dict[str, Any] = {
            "factor": data["factor"],
            "role": data["role"],
            "narrative": data["narrative"],
            "why_it_made_sense": data["why_it_made_sense"],
            "timeline_event": self.events.get(data["timeline_event"]),
            "services": services,
        }
        if data["new_assumption"]:
            arguments["new_assumption"] = {
                "statement": data["new_assumption"],
                "kind": data["new_assumption_kind"],
                "service": services[0] if services else None,
            }
        else:
            arguments["assumption"] = self.choices.assumptions_by_id.get(data["assumption"])
        if data["new_assumption"] or arguments.get("assumption") is not None:
            arguments["evidence_type"] = data["evidence_type"]
        return arguments


class ActionItemForm(RowForm):
    title = forms.CharField(max_length=300, label="Action", error_messages={"required": "Say what is to be done."})
    kind = forms.ChoiceField(choices=ActionKind.choices, initial=ActionKind.PREVENT, label="Kind")
    owner = forms.CharField(
        required=False,
        max_length=150,
        label="Owner",
        help_text="A username: the one person who follows it up.",
        widget=forms.TextInput(attrs={"list": "people", "autocomplete": "off"}),
    )
    team = forms.ChoiceField(required=False, label="Team")
    due_date = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    tracker_url = forms.URLField(required=False, max_length=500, assume_scheme="https", label="Tracker link")
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN, label="Status")

    def __init__(self, *args: Any, choices: EditorChoices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["team"].choices = SharedChoices([("", "No team"), *choices.team_choices])

    @classmethod
    def initial_for(cls, item: ActionItem) -> dict[str, Any]:
        return {
            "loaded": row_fingerprint(item),
            "title": item.title,
            "kind": item.kind,
            "owner": item.owner.get_username() if item.owner_id else "",
            "team": item.team.slug if item.team_id else "",
            "due_date": item.due_date,
            "tracker_url": item.tracker_url,
            "status": item.status,
        }

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("Say what is to be done.")
        return title

    def clean_owner(self):
        name = self.cleaned_data["owner"].strip()
        if not name:
            return None
        found, unknown = users_by_username([name])
        if unknown:
            raise ValidationError(f"Nobody has the username {name}.")
        return found[name]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {name: data[name] for name in ("title", "kind", "owner", "due_date", "status")}
        arguments["tracker_url"] = data["tracker_url"] or ""
        arguments["team"] = self.choices.teams_by_slug.get(data["team"]) if data["team"] else None
        return arguments
