"""The editor's form renderer writes exactly what Django's templates write, field for field."""

from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from postmortems import services
from postmortems.forms_authoring import EditorChoices, PostmortemForm, SharedChoices
from postmortems.forms_editor_rows import ActionItemForm, ContributingFactorForm, TimelineEventForm, TimelinePasteForm
from postmortems.forms_rendering import EDITOR_RENDERER
from postmortems.models import EventKind, Factor, Postmortem, Severity
from tests.authoring.conftest import STARTED, as_query
from tests.factories import AssumptionFactory, TeamFactory

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DJANGO = DjangoTemplates()


def _markup(form: forms.Form) -> list[str]:
    """Every control and error list of a form, as its renderer writes them."""
    return [str(form.non_field_errors())] + [part for field in form for part in (str(field), str(field.errors))]


def _same_markup(form_class: type, *args, **kwargs) -> None:
    """The form as the editor writes it and as Django's templates write it (a bound one with its errors)."""
    ours, theirs = form_class(*args, **kwargs), form_class(*args, renderer=DJANGO, **kwargs)
    assert ours.renderer is EDITOR_RENDERER
    assert _markup(ours) == _markup(theirs)


@pytest.fixture
def saved(draft, member, checkout):
    """The draft with an event, a factor (with a service, an assumption and the event) and an action item."""
    event = services.add_timeline_event(postmortem=draft, added_by=member, occurred_at=STARTED, text="Alert <fired>")
    tag = services.add_contributing_factor(
        postmortem=draft,
        added_by=member,
        factor=Factor.objects.get(slug="load.retry-feedback-loop"),
        role="amplifier",
        services=[checkout],
        assumption=AssumptionFactory(statement='Retries are "safe" & cheap'),
        timeline_event=event,
    )
    item = services.add_action_item(postmortem=draft, added_by=member, title="Cap retries", team=TeamFactory())
    pm = Postmortem.objects.for_editor().get(pk=draft.pk)
    return pm, event, tag, item


def test_the_document_form_is_written_as_django_writes_it(saved, member):
    pm = saved[0]
    choices = EditorChoices(postmortem=pm)
    kwargs = {"choices": choices, "user": member, "postmortem": pm}
    _same_markup(PostmortemForm, initial=PostmortemForm.initial_for(pm), **kwargs)
    wrong = {"title": "", "kind": "nope", "timezone": "Mars/Olympus", "services_origin": ["checkout", "x"]}
    _same_markup(PostmortemForm, as_query({**wrong, "restricted": "on", "summary": "<b>bold</b>"}), **kwargs)


def test_the_row_forms_are_written_as_django_writes_them(saved):
    pm, event, tag, item = saved
    choices = EditorChoices(postmortem=pm)
    events = list(pm.timeline.all())
    factor = {"choices": choices, "events": events, "zone": COPENHAGEN}
    _same_markup(TimelineEventForm, initial=TimelineEventForm.initial_for(event, COPENHAGEN), zone=COPENHAGEN)
    _same_markup(TimelineEventForm, as_query({"kind": "nope", "occurred_at": "soon"}), zone=COPENHAGEN)
    _same_markup(ContributingFactorForm, initial=ContributingFactorForm.initial_for(tag), current=tag, **factor)
    _same_markup(ContributingFactorForm, as_query({"factor": "nope", "services": ["x"], "assumption": "0"}), **factor)
    _same_markup(ActionItemForm, initial=ActionItemForm.initial_for(item), choices=choices)
    _same_markup(ActionItemForm, as_query({"title": "", "team": "nope", "due_date": "soon"}), choices=choices)
    _same_markup(
        TimelinePasteForm, as_query({"lines": "no time here", "kind": "action"}), zone=COPENHAGEN, start=STARTED
    )


class Odd(forms.Form):
    """Choices and attributes the editor does not use (yet): groups, marked-safe and numeric labels, flags."""

    default_renderer = EDITOR_RENDERER
    grouped = forms.ChoiceField(
        choices=[("", "Choose…"), ("Tools & <more>", [("a", 'Say "a"'), ("b", "B")]), ("c", mark_safe("<i>C</i>"))],
        help_text="Pick <one>.",
        widget=forms.Select(attrs={"class": "x", "data-n": 3, "autofocus": True, "hidden": False}),
    )
    many = forms.MultipleChoiceField(choices=[*Severity.choices, (7, 7)], required=False)
    shared = forms.ChoiceField(choices=SharedChoices(EventKind.choices))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial="<script>x</script> & more")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    flag = forms.BooleanField(required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"grouped": "b", "many": ["1", "7"], "shared": "decision", "hidden": '"quoted"', "text": "x", "flag": "on"},
        {"grouped": "zzz", "many": ["9"], "shared": "nope", "day": "soon"},
    ],
)
def test_other_choices_and_attributes_are_written_as_django_writes_them(data):
    _same_markup(Odd, None if data is None else as_query(data))
