"""Shared builders for the editor's tests: a draft written through the services, and form data for it."""

from datetime import UTC, datetime

import pytest
from django.http import QueryDict

from postmortems import services
from postmortems.forms_authoring import PostmortemForm
from postmortems.models import Postmortem, ServiceRole
from tests.factories import ServiceFactory

MULTIPLE = {"services_origin", "services_impacted", "services_involved", "allowed_teams"}
# 09:30 UTC is 10:30 in Copenhagen (CET) on this day.
STARTED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def checkout(db):
    return ServiceFactory(slug="checkout", name="Checkout")


@pytest.fixture
def draft(member, checkout) -> Postmortem:
    """A draft by mira (an author on the payments team), its times in Copenhagen."""
    return services.create_postmortem(
        created_by=member,
        title="Checkout errors after the payment client upgrade",
        started_at=STARTED,
        timezone="Europe/Copenhagen",
        severity=2,
        summary="Checkout failed for some customers.",
        services=[(checkout, ServiceRole.ORIGIN)],
    )


def form_data(postmortem: Postmortem, **changes) -> dict:
    """What the editor's document form posts for this postmortem as saved, with `changes` applied."""
    postmortem = Postmortem.objects.for_editor().get(pk=postmortem.pk)
    data = PostmortemForm.data_for(postmortem)
    result = {key: data.getlist(key) if key in MULTIPLE else data[key] for key in data}
    result.update(changes)
    return {key: value for key, value in result.items() if value is not None}


def as_query(data: dict) -> QueryDict:
    """Form data as a request carries it (several values per name), for forms built directly in tests."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query
