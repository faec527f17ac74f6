"""Builders for search tests: postmortems with the rows search reads, indexed the way the services index them."""

import pytest

from postmortems import models as m
from postmortems.search import reindex_postmortems
from tests.factories import ContributingFactorFactory, PostmortemFactory, ServiceFactory, TimelineEventFactory


def make_indexed(**fields) -> m.Postmortem:
    """A postmortem (with optional services, factors, timeline and action items) and its search document."""
    services = fields.pop("services", ())
    factors = fields.pop("factors", ())
    events = fields.pop("events", ())
    actions = fields.pop("actions", ())
    pm = PostmortemFactory(**fields)
    for slug in services:
        service = ServiceFactory(slug=slug, name=slug.replace("-", " ").title())
        m.PostmortemService.objects.create(postmortem=pm, service=service)
    for slug in factors:
        ContributingFactorFactory(postmortem=pm, factor=m.Factor.objects.get(slug=slug))
    for text in events:
        TimelineEventFactory(postmortem=pm, text=text)
    for title in actions:
        m.ActionItem.objects.create(postmortem=pm, title=title)
    reindex_postmortems([pm.pk])
    return pm


@pytest.fixture
def indexed(db):
    return make_indexed
