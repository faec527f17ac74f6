"""The postmortem editor's main form: incident facts and the document's sections.

Times are typed as wall-clock times in the postmortem's own zone and stored aware. Everything the page
offers to choose from (factors, services, teams, assumptions, people) is read once per page by
`EditorChoices`, so a page with many row forms costs the same number of queries as one with none.
`canonical_*` put form input and revision snapshots in one shape, which is how an edit made from an old
version is compared with what others saved since (views_authoring.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from functools import cache, cached_property
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from postmortems.forms_rendering import EDITOR_RENDERER
from postmortems.models import (
    MARKDOWN_FIELDS,
    Assumption,
    Factor,
    FactorFamily,
    Kind,
    Postmortem,
    Service,
    ServiceRole,
    Severity,
    Team,
)
from postmortems.querysets import is_admin

TIME_FIELDS = ("started_at", "detected_at", "mitigated_at", "resolved_at")
SERVICE_FIELDS = {role: f"services_{role}" for role in ServiceRole.values}
# People offered as suggestions in the page's list of usernames; anyone active may still be named.
MAX_SUGGESTED_PEOPLE = 1000


# The document's sections in reading order, each with the question it answers (TAXONOMY.md sections 2-3).
SECTIONS = (
    (
        "summary",
        "Summary",
        "Two or three sentences a colleague can read in a hurry: what happened, who noticed, how it ended.",
    ),
    (
        "impact",
        "Impact",
        "Who and what was affected, for how long, and how you know. For a near miss: what was at risk, and what "
        "kept it from happening.",
    ),
    (
        "narrative",
        "Narrative",
        "Tell the story from inside it: what people saw, what they expected, what they were trying to do and what "
        "competed for their time. Describe what was visible then, not what is obvious now.",
    ),
    (
        "went_well",
        "What went well",
        "What kept it from being worse, and who made that happen? Adaptations, buffers, people who noticed early.",
    ),
    (
        "got_lucky",
        "Where we got lucky",
        "What limited the impact by chance rather than by design? Luck is data too: it shows where the margins are.",
    ),
    (
        "open_questions",
        "Open questions",
        "What do you still not understand? What surprised you about how the system works?",
    ),
)
SECTION_LABELS = {name: label for name, label, _prompt in SECTIONS}


def normalise_text(value: str) -> str:
    """Browsers send textarea lines ending in CR LF; store and compare plain LF, without trailing blank space."""
    return value.replace("\r\n", "\n").replace("\r", "\n").rstrip()


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


class SharedChoices(BaseChoiceIterator):
    """A choice list made once and given as it is to every field that offers it.

    Django copies and re-checks a plain list for each field and widget it is given (`normalize_choices`): on
    the editor that was every row form of the page, and the 600 time zones on every document form.
    """

    def __init__(self, choices: Iterable[tuple[Any, Any]]):
        self.items = tuple(choices)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.items)


@cache
def zone_choices() -> SharedChoices:
    return SharedChoices((name, name) for name in zone_names())


def zone_of(name: str) -> tzinfo:
    return ZoneInfo(name) if name in zone_names() else UTC


def aware_in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in `zone` as an aware time; a time the clocks skipped (spring forward) is refused.

    A time that happens twice (autumn) is read as the first of the two.
    """
    aware = moment.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise ValidationError(
            f"{moment:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skipped it. Check the time.",
            code="nonexistent",
        )
    return aware


def local_wall_time(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored time as the naive wall-clock time a person types in the postmortem's zone."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0) if moment else None


def wall_time_text(moment: datetime) -> str:
    """A wall-clock time as a `datetime-local` value: minutes, or seconds when it has them (imports may)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


class WallTimeField(forms.DateTimeField):
    """A date and time without a zone (the form attaches the postmortem's zone); `datetime-local` in browsers."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(UTC):
            moment = super().to_python(value)
        return moment.replace(tzinfo=None) if moment else None

    def prepare_value(self, value: Any) -> Any:
        return wall_time_text(value) if isinstance(value, datetime) else value


class EditorChoices:
    """What the editor's controls offer, each list read at most once per request."""

    def __init__(self, *, postmortem: Postmortem | None = None):
        self.postmortem = postmortem

    @cached_property
    def factors(self) -> list[Factor]:
        """Active factors, plus retired ones this postmortem still uses (so its rows keep their choice)."""
        in_use = []
        if self.postmortem is not None and self.postmortem.pk:
            in_use = [tag.factor_id for tag in self.postmortem.contributing_factors.all() if tag.factor_id]
        rows = Factor.objects.filter(Q(is_active=True) | Q(pk__in=in_use)).select_related("family")
        return list(rows.order_by("family__position", "family__slug", "position", "slug"))

    @cached_property
    def factors_by_slug(self) -> dict[str, Factor]:
        return {factor.slug: factor for factor in self.factors}

    @cached_property
    def families(self) -> list[tuple[FactorFamily, list[Factor]]]:
        grouped: dict[int, tuple[FactorFamily, list[Factor]]] = {}
        for factor in self.factors:
            grouped.setdefault(factor.family_id, (factor.family, []))[1].append(factor)
        return list(grouped.values())

    @cached_property
    def services(self) -> list[Service]:
        return list(Service.objects.only("id", "slug", "name").order_by("name"))

    @cached_property
    def services_by_slug(self) -> dict[str, Service]:
        return {service.slug: service for service in self.services}

    @cached_property
    def teams(self) -> list[Team]:
        return list(Team.objects.only("id", "slug", "name").order_by("name"))

    @cached_property
    def teams_by_slug(self) -> dict[str, Team]:
        return {team.slug: team for team in self.teams}

    @cached_property
    def assumptions(self) -> list[Assumption]:
        return list(Assumption.objects.select_related("service").only("id", "statement", "status", "service__name"))

    @cached_property
    def assumptions_by_id(self) -> dict[str, Assumption]:
        return {str(assumption.pk): assumption for assumption in self.assumptions}

    @cached_property
    def factor_choices(self) -> SharedChoices:
        """The factors grouped by family, for the factor list of every factor row."""
        return SharedChoices(
            (family.name, tuple((factor.slug, factor.name) for factor in factors)) for family, factors in self.families
        )

    @cached_property
    def service_choices(self) -> SharedChoices:
        return SharedChoices((service.slug, service.name) for service in self.services)

    @cached_property
    def team_choices(self) -> SharedChoices:
        return SharedChoices((team.slug, team.name) for team in self.teams)

    @cached_property
    def assumption_choices(self) -> SharedChoices:
        return SharedChoices(
            [("", "None"), *((str(assumption.pk), assumption.statement) for assumption in self.assumptions)]
        )

    @cached_property
    def people(self) -> list[AbstractBaseUser]:
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        return list(users.only("id", "username", "first_name", "last_name")[:MAX_SUGGESTED_PEOPLE])


def users_by_username(names: list[str]) -> tuple[dict[str, AbstractBaseUser], list[str]]:
    """Active people with these usernames (one query), and the names that matched nobody."""
    found = {user.get_username(): user for user in get_user_model().objects.filter(username__in=names, is_active=True)}
    return found, [name for name in names if name not in found]


def _usernames(text: str) -> list[str]:
    return list(dict.fromkeys(name for name in re.split(r"[\s,;]+", text.strip()) if name))


class PostmortemForm(forms.Form):
    """Facts and sections of one postmortem. `cleaned_data` becomes create/update_postmortem's arguments."""

    default_renderer = EDITOR_RENDERER
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    title = forms.CharField(max_length=200, label="Title", error_messages={"required": "Give the postmortem a title."})
    kind = forms.ChoiceField(choices=Kind.choices, label="Kind")
    severity = forms.TypedChoiceField(
        choices=[("", "Not set"), *Severity.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="Severity",
        help_text="Required for incidents; optional for near misses and external postmortems.",
    )
    timezone = forms.ChoiceField(
        label="Time zone", help_text="The times below are in this zone; the postmortem shows them in it."
    )
    started_at = WallTimeField(required=False, label="Started", help_text="When the trouble began, as far as known.")
    detected_at = WallTimeField(required=False, label="Detected", help_text="When someone or something noticed.")
    mitigated_at = WallTimeField(required=False, label="Mitigated", help_text="When the impact stopped growing.")
    resolved_at = WallTimeField(required=False, label="Resolved", help_text="When things were back to normal.")
    services_origin = forms.MultipleChoiceField(required=False, label="Where it started")
    services_impacted = forms.MultipleChoiceField(required=False, label="Impacted")
    services_involved = forms.MultipleChoiceField(required=False, label="Involved")
    authors = forms.CharField(
        max_length=2000,
        label="Authors",
        help_text="Usernames, separated by commas. Authors may edit the postmortem.",
        error_messages={"required": "Name at least one author."},
    )
    restricted = forms.BooleanField(
        required=False,
        label="Restricted",
        help_text="Only the teams below, the authors and reviewers, and admins may see it.",
    )
    allowed_teams = forms.MultipleChoiceField(
        required=False, label="Teams that may see it", widget=forms.CheckboxSelectMultiple
    )
    source_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Source",
        help_text="For an external postmortem: where it was published.",
    )

    def __init__(self, *args: Any, choices: EditorChoices, user: AbstractBaseUser, postmortem=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.user = user
        self.postmortem = postmortem
        for name, label, _prompt in SECTIONS:
            self.fields[name] = forms.CharField(
                required=False, strip=False, max_length=100_000, label=label, widget=forms.Textarea(attrs={"rows": 6})
            )
        self.fields["timezone"].choices = zone_choices()
        for field in SERVICE_FIELDS.values():
            self.fields[field].choices = choices.service_choices
        self.fields["allowed_teams"].choices = choices.team_choices
        if postmortem is not None:
            self.fields["version"].required = True

    @classmethod
    def initial_for(cls, postmortem: Postmortem) -> dict[str, Any]:
        """Form values for a saved postmortem (its times as wall-clock times in its zone)."""
        zone = zone_of(postmortem.timezone)
        initial: dict[str, Any] = {
            "version": postmortem.version,
            "title": postmortem.title,
            "kind": postmortem.kind,
            "severity": postmortem.severity,
            "timezone": postmortem.timezone,
            "authors": ", ".join(author.get_username() for author in postmortem.authors.all()),
            "restricted": postmortem.restricted,
            "allowed_teams": [team.slug for team in postmortem.allowed_teams.all()],
            "source_url": postmortem.source_url,
        }
        for name in TIME_FIELDS:
            initial[name] = local_wall_time(getattr(postmortem, name), zone)
        for name in MARKDOWN_FIELDS:
            initial[name] = getattr(postmortem, name)
        for role, field in SERVICE_FIELDS.items():
            initial[field] = [link.service.slug for link in postmortem.service_links.all() if link.role == role]
        return initial

    @classmethod
    def data_for(cls, postmortem: Postmortem) -> QueryDict:
        """A saved postmortem as submitted form data (for merging its values into someone's unsaved edit)."""
        data = QueryDict(mutable=True)
        for name, value in cls.initial_for(postmortem).items():
            if isinstance(value, list):
                data.setlist(name, value)
            elif isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif isinstance(value, datetime):
                data[name] = wall_time_text(value)
            else:
                data[name] = "" if value is None else str(value)
        return data

    @classmethod
    def unchecked(cls, data: QueryDict, **kwargs: Any) -> PostmortemForm:
        """A form showing submitted values without checking them (a preview is not a save: no errors yet)."""
        form = cls(**kwargs)
        form.initial = {
            name: data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name)
            for name, field in form.fields.items()
            if name in data or isinstance(field, forms.BooleanField)
        }
        return form

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("Give the postmortem a title.")
        return title

    def clean_authors(self) -> list[AbstractBaseUser]:
        names = _usernames(self.cleaned_data["authors"])
        if not names:
            raise ValidationError("Name at least one author.")
        found, unknown = users_by_username(names)
        if unknown:
            raise ValidationError(f"Nobody has the username {', '.join(unknown)}.")
        return [found[name] for name in names]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in MARKDOWN_FIELDS:
            if name in data:
                data[name] = normalise_text(data[name])
        zone = zone_of(data.get("timezone") or "UTC")
        for name in TIME_FIELDS:
            if data.get(name) is not None:
                try:
                    data[name] = aware_in_zone(data[name], zone)
                except ValidationError as error:
                    self.add_error(name, error)
        self._check_order(data)
        if data.get("kind") == Kind.INCIDENT and data.get("severity") is None and "severity" not in self.errors:
            self.add_error("severity", "Choose a severity for an incident (near misses and external ones may skip it).")
        self._check_services(data)
        self._check_restriction(data)
        return data

    def _check_order(self, data: dict[str, Any]) -> None:
        """Detected, mitigated and resolved come after the start; resolved comes after detected and mitigated."""
        after = (
            ("detected_at", "started_at"),
            ("mitigated_at", "started_at"),
            ("resolved_at", "started_at"),
            ("resolved_at", "mitigated_at"),
            ("resolved_at", "detected_at"),
        )
        for later, earlier in after:
            late, early = data.get(later), data.get(earlier)
            if late is not None and early is not None and late < early and later not in self.errors:
                label = self.fields[earlier].label.lower()
                self.add_error(later, f"This is before the time it {label}; an end cannot come before its start.")

    def _check_services(self, data: dict[str, Any]) -> None:
        seen: dict[str, str] = {}
        for role, field in SERVICE_FIELDS.items():
            for slug in data.get(field, []):
                if slug in seen:
                    name = self.choices.services_by_slug[slug].name
                    self.add_error(field, f"{name} is listed under two roles; choose one.")
                seen[slug] = role

    def _check_restriction(self, data: dict[str, Any]) -> None:
        """A restricted postmortem must stay visible to the person restricting it (or they lose it on save)."""
        if not data.get("restricted"):
            data["allowed_teams"] = []
            return
        if is_admin(self.user) or any(author.pk == self.user.pk for author in data.get("authors") or []):
            return
        if self.postmortem is not None and any(r.pk == self.user.pk for r in self.postmortem.reviewers.all()):
            return
        mine = set(self.user.memberships.values_list("team__slug", flat=True))
        if not mine & set(data.get("allowed_teams", [])):
            self.add_error(
                "allowed_teams",
                "You would no longer see this postmortem: add one of your teams, or yourself as an author.",
            )

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for create_postmortem / update_postmortem."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            name: data[name] for name in ("title", "kind", "severity", "timezone", "restricted", "source_url")
        }
        for name in (*TIME_FIELDS, *MARKDOWN_FIELDS):
            arguments[name] = data[name]
        arguments["services"] = [
            (self.choices.services_by_slug[slug], role)
            for role, field in SERVICE_FIELDS.items()
            for slug in data[field]
        ]
        arguments["authors"] = data["authors"]
        arguments["allowed_teams"] = [self.choices.teams_by_slug[slug] for slug in data["allowed_teams"]]
        return arguments

    def canonical(self) -> dict[str, Any]:
        """The submitted values in the shape `canonical_snapshot` gives a revision."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) for name in ("title", "kind", "severity", "timezone")}
        values.update({name: data.get(name) for name in MARKDOWN_FIELDS})
        values.update({name: data.get(name) for name in TIME_FIELDS})
        values["restricted"] = bool(data.get("restricted"))
        values["source_url"] = data.get("source_url") or ""
        values["services"] = sorted(f"{slug}:{role}" for role, field in SERVICE_FIELDS.items() for slug in data[field])
        values["authors"] = sorted(author.get_username() for author in data["authors"])
        values["allowed_teams"] = sorted(data["allowed_teams"]) if values["restricted"] else []
        return _canonical(values)


# What the main form edits, as snapshot keys, and the form fields behind each.
FORM_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "kind": ("kind",),
    "severity": ("severity",),
    "timezone": ("timezone",),
    **{name: (name,) for name in TIME_FIELDS},
    "services": tuple(SERVICE_FIELDS.values()),
    **{name: (name,) for name in MARKDOWN_FIELDS},
    "authors": ("authors",),
    "restricted": ("restricted",),
    "allowed_teams": ("allowed_teams",),
    "source_url": ("source_url",),
}


def _time(value: Any) -> datetime | None:
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC) if isinstance(value, datetime) else None


def _canonical(values: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key in FORM_KEYS:
        value = values.get(key)
        if key in TIME_FIELDS:
            value = _time(value)
        elif key in MARKDOWN_FIELDS or key in ("title", "source_url"):
            value = normalise_text(value or "")
        elif key in ("services", "authors", "allowed_teams"):
            value = sorted(value or [])
        elif key == "restricted":
            value = bool(value)
        result[key] = value
    # Teams only matter while the postmortem is restricted.
    if not result["restricted"]:
        result["allowed_teams"] = []
    return result


def canonical_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The main form's part of a revision snapshot, comparable with PostmortemForm.canonical()."""
    return _canonical(snapshot)


def default_zone() -> str:
    return settings.TIME_ZONE if settings.TIME_ZONE in zone_names() else "UTC"
