"""Forms for the service catalogue and the assumption registry. They check input; services write."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify

from postmortems.models import (
    Assumption,
    AssumptionKind,
    AssumptionStatus,
    DependencyKind,
    EvidenceType,
    Lifecycle,
    Postmortem,
    Service,
    Team,
    Tier,
)
from postmortems.models.catalog import RESERVED_SERVICE_SLUGS
from postmortems.models.postmortem import KEY_PATTERN

# Paths under /services/ that are pages, so no service may take these slugs.
ANY = [("", "Any")]


class Form(forms.Form):
    """Labels without a trailing colon, as on the rest of the site."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _slug_choices(rows: Sequence[Service | Team]) -> list[tuple[str, str]]:
    return ANY + [(row.slug, row.name) for row in rows]


# ---- Filters (GET) ----------------------------------------------------------------------------------------


class ServiceFilterForm(Form):
    """The service list's filters. Choices come from rows the view read once, so checking costs no query."""

    q = forms.CharField(required=False, max_length=100, label="Name or description contains")
    team = forms.ChoiceField(required=False, label="Owner team")
    tier = forms.TypedChoiceField(required=False, choices=ANY + Tier.choices, coerce=int, empty_value=None)
    lifecycle = forms.ChoiceField(required=False, choices=ANY + Lifecycle.choices)
    sort = forms.ChoiceField(
        required=False,
        choices=[("name", "Name"), ("postmortems", "Most postmortems"), ("tier", "Tier")],
        label="Sort by",
    )

    def __init__(self, *args: Any, teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = _slug_choices(teams)


class AssumptionFilterForm(Form):
    """The registry's filters; status is applied after the per-status counts are taken."""

    q = forms.CharField(required=False, max_length=100, label="Statement contains")
    status = forms.ChoiceField(required=False, choices=ANY + AssumptionStatus.choices)
    service = forms.ChoiceField(required=False, label="About service")
    kind = forms.ChoiceField(required=False, choices=ANY + AssumptionKind.choices)
    team = forms.ChoiceField(required=False, label="Owner team")
    never_validated = forms.BooleanField(required=False, label="Never validated")
    repeatedly_violated = forms.BooleanField(required=False, label="Violated in 2 or more postmortems")
    sort = forms.ChoiceField(
        required=False,
        # The keys of assumption_pages.REGISTRY_SORTS.
        choices=[
            ("status", "Status (violated first)"),
            ("violations", "Most violations"),
            ("recent", "Recently changed"),
            ("statement", "Statement A–Z"),
        ],
        label="Sort by",
    )

    def __init__(self, *args: Any, services: Sequence[Service], teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _slug_choices(services)
        self.fields["team"].choices = _slug_choices(teams)


# ---- Services and dependencies ----------------------------------------------------------------------------


class ServiceForm(ModelForm):
    """Create or edit a service. The slug is fixed once created: URLs and catalogue imports match on it."""

    class Meta:
        model = Service
        fields = ["name", "slug", "description", "tier", "team", "lifecycle", "service_type"]
        labels = {"team": "Owner team", "service_type": "Type"}
        help_texts = {
            "slug": "Lower-case letters, digits and hyphens; left empty, it is made from the name. "
            "It cannot change later: links and catalogue imports use it.",
            "description": "What it does and for whom, in a sentence or two.",
            "service_type": "e.g. service, website, database, queue, library",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["team"].queryset = Team.objects.order_by("name")
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed: links and catalogue imports use it."

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug in RESERVED_SERVICE_SLUGS and not self.instance.pk:
            raise forms.ValidationError(f"“{slug}” is the name of a page; choose another slug.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("slug") and data.get("name") and not self.instance.pk:
            slug = slugify(data["name"])[:100]
            if not slug or slug in RESERVED_SERVICE_SLUGS:
                self.add_error("slug", "Give a slug: none can be made from this name.")
            data["slug"] = slug
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the catalogue services take them (without the slug on an edit)."""
        fields = dict(self.cleaned_data)
        if self.instance.pk:
            fields.pop("slug", None)
        return fields


class DependencyForm(Form):
    """A new dependency of or on the service whose page it is on."""

    DEPENDS_ON = "depends_on"
    DEPENDED_ON_BY = "depended_on_by"

    direction = forms.ChoiceField(widget=forms.RadioSelect, label="Direction")
    other = forms.ModelChoiceField(queryset=Service.objects.none(), label="Other service")
    kind = forms.ChoiceField(choices=DependencyKind.choices, initial=DependencyKind.SYNC)
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What flows over it, timeouts, fallbacks, what happens when it is slow.",
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["direction"].choices = [
            (self.DEPENDS_ON, f"{service.name} depends on the other service"),
            (self.DEPENDED_ON_BY, f"The other service depends on {service.name}"),
        ]
        self.fields["direction"].initial = self.DEPENDS_ON
        self.fields["other"].queryset = Service.objects.order_by("name")

    def endpoints(self) -> tuple[Service, Service]:
        """(source, target): the source depends on the target."""
        other = self.cleaned_data["other"]
        if self.cleaned_data["direction"] == self.DEPENDS_ON:
            return self.service, other
        return other, self.service


class DependencyEditForm(Form):
    kind = forms.ChoiceField(choices=DependencyKind.choices)
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


# ---- Assumptions ------------------------------------------------------------------------------------------

STATEMENT_HELP = (
    "One checkable belief, in the present tense: “The payment gateway answers within 500 ms at p99.” "
    "Not “the system is reliable”."
)


class AssumptionForm(ModelForm):
    """Record or edit an assumption. Its status changes only through the status form (with a reason)."""

    status = forms.ChoiceField(
        choices=[(s, label) for s, label in AssumptionStatus.choices if s != AssumptionStatus.REVISED],
        initial=AssumptionStatus.HELD,
        label="Status when recorded",
        help_text="Usually held. A revised assumption is recorded through the status form of the one it replaces.",
    )

    class Meta:
        model = Assumption
        fields = [
            "statement",
            "kind",
            "service",
            "owner_team",
            "relied_on_by",
            "where_encoded",
            "last_validated_at",
            "validation_method",
        ]
        labels = {
            "service": "About service",
            "relied_on_by": "Services that rely on it",
            "last_validated_at": "Last validated on",
        }
        help_texts = {
            "statement": STATEMENT_HELP,
            "owner_team": "Who keeps this record current; not who is at fault when it fails.",
            "relied_on_by": "Hold Ctrl (⌘ on a Mac) to choose several.",
            "where_encoded": "Timeout config, capacity plan, runbook, design doc, code comment, or tribal.",
            "last_validated_at": "When someone last checked it: load test, game day, production metric, code read.",
            "validation_method": "How it was checked, with a link if there is one.",
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "last_validated_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "relied_on_by": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.order_by("name")
        self.fields["service"].queryset = services
        self.fields["relied_on_by"].queryset = services
        self.fields["owner_team"].queryset = Team.objects.order_by("name")
        if self.instance.pk:
            del self.fields["status"]

    def clean_statement(self) -> str:
        return " ".join(self.cleaned_data["statement"].split())

    def assumption_fields(self) -> dict[str, Any]:
        """The cleaned values as the assumption services take them."""
        return dict(self.cleaned_data)


def postmortem_for_key(key: str, visible: QuerySet[Postmortem]) -> Postmortem:
    """The postmortem with this key among those the person may see; the same error whether it is missing or
    hidden, so the form never tells whether a restricted key exists."""
    key = key.strip().upper()
    postmortem = visible.filter(key=key).first() if re.match(KEY_PATTERN, key) else None
    if postmortem is None:
        raise forms.ValidationError(f"No postmortem {key} that you may see.")
    return postmortem


class StatusChangeForm(Form):
    """Move an assumption to another status, saying why. The history keeps every move."""

    to_status = forms.ChoiceField(label="New status")
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What changed: a near miss, a load test, a design change. It stays in the history.",
    )
    evidence = forms.CharField(
        required=False,
        max_length=1000,
        label="Evidence (note or link)",
        help_text="A dashboard, load-test report, ticket or document that backs this.",
    )
    postmortem = forms.CharField(
        required=False, max_length=20, label="Postmortem (key)", help_text="e.g. PM-2026-042, if one prompted this"
    )
    replacement = forms.ModelChoiceField(
        queryset=Assumption.objects.none(),
        required=False,
        label="Replaced by an existing assumption",
        help_text="For “revised”: the assumption that restates it.",
    )
    new_statement = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Or state the revised assumption",
        help_text="For “revised”: recorded as a new assumption (held) with the same kind, service and team.",
    )

    def __init__(
        self,
        *args: Any,
        assumption: Assumption,
        visible_postmortems: QuerySet[Postmortem],
        replacements: QuerySet[Assumption],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.assumption = assumption
        self.visible_postmortems = visible_postmortems
        self.fields["to_status"].choices = [
            (s, label) for s, label in AssumptionStatus.choices if s != assumption.status
        ]
        self.fields["replacement"].queryset = replacements

    def clean_postmortem(self) -> Postmortem | None:
        key = self.cleaned_data.get("postmortem") or ""
        return postmortem_for_key(key, self.visible_postmortems) if key.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("to_status") == AssumptionStatus.REVISED:
            has_new = bool((data.get("new_statement") or "").strip())
            if bool(data.get("replacement")) == has_new:
                self.add_error(
                    "replacement", "A revised assumption needs its replacement: choose one, or state the new one."
                )
        else:
            data["replacement"], data["new_statement"] = None, ""
        return data


# ---- From a postmortem ------------------------------------------------------------------------------------

EVIDENCE_HELP = (
    "Violated: the incident showed it false. Stressed: it held, barely. Supported: the incident confirmed it. "
    "Near miss: it nearly failed."
)


class EvidenceFields(Form):
    evidence_type = forms.ChoiceField(
        choices=EvidenceType.choices, initial=EvidenceType.VIOLATED, label="What this postmortem showed"
    )
    excerpt = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What happened, in a sentence or two: “p99 reached 4.2 s for 18 minutes.”",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].help_text = EVIDENCE_HELP


class EvidenceLinkForm(EvidenceFields):
    """Link an existing assumption, chosen among the candidates shown."""

    assumption = forms.ModelChoiceField(
        queryset=Assumption.objects.none(),
        widget=forms.RadioSelect,
        label="Assumption",
        error_messages={"required": "Choose the assumption to link."},
    )
    field_order = ["assumption", "evidence_type", "excerpt"]

    def __init__(self, *args: Any, candidates: QuerySet[Assumption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assumption"].queryset = candidates


class AssumptionInPlaceForm(EvidenceFields):
    """Record a new assumption from a postmortem, with what the postmortem showed about it."""

    statement = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}), help_text=STATEMENT_HELP)
    kind = forms.ChoiceField(choices=AssumptionKind.choices, initial=AssumptionKind.DEPENDENCY)
    service = forms.ModelChoiceField(queryset=Service.objects.none(), required=False, label="About service")
    owner_team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Owner team")
    field_order = ["statement", "kind", "service", "owner_team", "evidence_type", "excerpt"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.order_by("name")
        self.fields["owner_team"].queryset = Team.objects.order_by("name")

    def clean_statement(self) -> str:
        return " ".join(self.cleaned_data["statement"].split())


class GraphFilterForm(Form):
    """Narrow the catalogue graph: one team's services, one service's neighbourhood, some kinds of dependency."""

    team = forms.ChoiceField(required=False, label="Team")
    focus = forms.ChoiceField(required=False, label="Around service")
    depth = forms.TypedChoiceField(
        required=False,
        choices=[(1, "1 hop"), (2, "2 hops"), (3, "3 hops")],
        coerce=int,
        empty_value=2,
        initial=2,
        label="Within",
        help_text="Of the service chosen around.",
    )
    kinds = forms.MultipleChoiceField(
        required=False,
        choices=DependencyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of dependency",
        help_text="None ticked: all kinds.",
    )
    draw_all = forms.BooleanField(required=False, label="Draw everything, however large")

    def __init__(self, *args: Any, services: Sequence[Service], teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + _slug_choices(teams)[1:]
        self.fields["focus"].choices = [("", "Whole catalogue")] + _slug_choices(services)[1:]
