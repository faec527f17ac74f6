"""Forms of the review workflow (submit, comments, publish, request changes) and of the revision comparison."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from postmortems.review_services import NOTE_MAX_CHARS

COMMENT_MAX_CHARS = 10_000
MAX_NAMED_REVIEWERS = 20

# What a comment can be about: the detail page's sections, by the id each has there (the link target).
SECTIONS = (
    ("", "The whole postmortem"),
    ("facts", "Title, times and services"),
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("timeline", "Timeline"),
    ("narrative", "Narrative"),
    ("factors", "Contributing factors"),
    ("assumptions", "Assumptions"),
    ("went-well", "What went well"),
    ("got-lucky", "Where we got lucky"),
    ("open-questions", "Open questions"),
    ("actions", "Action items"),
)
SECTION_LABELS = dict(SECTIONS)
SECTION_ANCHORS = {"facts": "pm-title"}


def section_slug(section: str) -> str:
    """Comments written through the API may name a section freely ("Timeline", "went_well"): match them up."""
    return re.sub(r"[\s_]+", "-", section.strip().lower())


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class SubmitForReviewForm(forms.Form):
    reviewers = PeopleField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Suggested reviewers",
        help_text="People on the teams of the services involved, and those who reviewed it before.",
    )
    other_reviewers = forms.CharField(
        required=False,
        max_length=1000,
        label="Other reviewers",
        help_text="Usernames or email addresses, separated by commas or spaces.",
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note to the reviewers",
        help_text="Optional: what you would like them to look at. It is quoted in the email.",
    )

    def __init__(self, *args, suggestions: QuerySet, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["reviewers"].queryset = suggestions

    def clean_other_reviewers(self) -> list:
        names = [name for name in re.split(r"[\s,;]+", self.cleaned_data["other_reviewers"]) if name]
        if len(names) > MAX_NAMED_REVIEWERS:
            raise forms.ValidationError(f"Name at most {MAX_NAMED_REVIEWERS} people here.")
        if not names:
            return []
        match = Q()
        for name in names:
            match |= Q(username__iexact=name) | Q(email__iexact=name)
        found = list(get_user_model().objects.filter(match, is_active=True))
        known = {user.get_username().lower() for user in found} | {user.email.lower() for user in found if user.email}
        unknown = [name for name in names if name.lower() not in known]
        if unknown:
            raise forms.ValidationError(f"Nobody active is called {', '.join(unknown)}.")
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not (list(cleaned.get("reviewers") or []) or cleaned.get("other_reviewers")):
            raise forms.ValidationError("Choose at least one reviewer.")
        return cleaned

    def chosen(self) -> list:
        return [*self.cleaned_data["reviewers"], *self.cleaned_data["other_reviewers"]]


class PanelForm(forms.Form):
    """Forms of the review panel, which sits inside the postmortem page: their ids must not clash with it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "review-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CommentForm(PanelForm):
    section = forms.ChoiceField(choices=SECTIONS, required=False, label="About")
    body = forms.CharField(
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Comment",
        help_text="Markdown. Ask about what people knew and why it made sense, rather than what they should have done.",
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("A comment needs some text.")
        return body


class RequestChangesForm(PanelForm):
    note = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What should change",
        help_text="Optional; it is added as a comment for the authors.",
    )


class PublishForm(PanelForm):
    publish_with_open_comments = forms.BooleanField(
        required=False,
        label="Publish although some comments are unresolved",
    )


class CompareForm(forms.Form):
    """Two versions of a postmortem to compare (`?from=3&to=7`); the choices are the versions with a revision."""

    def __init__(self, *args, versions: list[tuple[int, str]], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["from"] = forms.TypedChoiceField(
            coerce=int, choices=versions, label="Compare version", required=False, empty_value=None
        )
        self.fields["to"] = forms.TypedChoiceField(
            coerce=int, choices=versions, label="with version", required=False, empty_value=None
        )
