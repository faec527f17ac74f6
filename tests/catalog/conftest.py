"""A small catalogue for the catalogue and registry pages: four services, three dependencies, two teams."""

from types import SimpleNamespace

import pytest

from postmortems import models as m
from tests.factories import DependencyFactory, PostmortemFactory, ServiceFactory


@pytest.fixture
def catalog(team, other_team):
    """web -> checkout -> payment-gateway, checkout -> orders-db (a data store). Payments owns the middle two."""
    checkout = ServiceFactory(name="Checkout", slug="checkout", team=team, tier=1)
    gateway = ServiceFactory(name="Payment gateway", slug="payment-gateway", team=team)
    web = ServiceFactory(name="Web storefront", slug="web", team=other_team, tier=2)
    orders_db = ServiceFactory(name="Orders DB", slug="orders-db", team=other_team, tier=2, service_type="database")
    DependencyFactory(source=web, target=checkout)
    DependencyFactory(source=checkout, target=gateway, notes="Three retries, 2 s timeout.")
    DependencyFactory(source=checkout, target=orders_db, kind=m.DependencyKind.DATASTORE)
    return SimpleNamespace(checkout=checkout, gateway=gateway, web=web, orders_db=orders_db)


def involve(postmortem: m.Postmortem, service: m.Service, role: str = m.ServiceRole.IMPACTED) -> m.Postmortem:
    m.PostmortemService.objects.create(postmortem=postmortem, service=service, role=role)
    return postmortem


@pytest.fixture
def secret_postmortem(other_team, catalog):
    """Restricted to the storefront team: the payments member, the viewer and the editor may not see it."""
    pm = PostmortemFactory(key="PM-2026-900", title="Secret outage of the gateway", restricted=True)
    pm.allowed_teams.set([other_team])
    return involve(pm, catalog.gateway)
