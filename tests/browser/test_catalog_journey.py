"""The catalogue and the assumption registry in a real browser: an editor's journey, and axe on every page
(light, then dark)."""

import re

import pytest

from postmortems import assumption_services
from postmortems import models as m
from tests.browser.axe import blocking_violations
from tests.browser.sample import build_rich_postmortem
from tests.factories import DependencyFactory, PostmortemFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.browser


def test_editor_adds_a_service_and_an_assumption_then_a_postmortem_violates_it(open_page):
    editor = UserFactory(username="eddie", first_name="Eddie", last_name="Stone", role="editor")
    ServiceFactory(name="Payment gateway", slug="payment-gateway")
    pm = PostmortemFactory(key="PM-2026-050", title="Checkout retries overloaded the payment gateway")

    # A service with a dependency.
    page = open_page("/services/", user=editor)
    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("Name").fill("Checkout")
    page.get_by_label("Tier").select_option(label="Tier 1 (critical)")
    page.get_by_label("Type").fill("service")
    page.get_by_role("button", name="Add service").click()
    page.wait_for_url("**/services/checkout/")
    assert page.get_by_role("heading", level=1).inner_text() == "Checkout"
    page.get_by_role("link", name="Add a dependency").click()
    page.get_by_label("Other service", exact=True).select_option(label="Payment gateway")
    page.get_by_label("Kind").select_option(label="Synchronous call")
    page.get_by_label("Notes").fill("Card authorisations; 2 s timeout, three retries.")
    page.get_by_role("button", name="Add dependency").click()
    page.wait_for_url("**/services/checkout/")
    assert page.get_by_role("status").filter(has_text="Checkout now depends on Payment gateway").is_visible()

    # It is on both graphs, and the node links to the other service.
    graph = page.locator("#graph svg.graph-svg")
    assert graph.locator("text.graph-label", has_text="Payment gateway").is_visible()
    page.get_by_role("link", name="Explore further on the catalogue graph").click()
    page.wait_for_url(re.compile(r"/services/graph/\?focus=checkout"))
    drawing = page.locator("svg.graph-svg")
    assert sorted(drawing.locator("text.graph-label").all_text_contents()) == ["Checkout", "Payment gateway"]
    drawing.locator('a[href="/services/payment-gateway/"]').click()
    page.wait_for_url("**/services/payment-gateway/")
    assert page.get_by_role("table").filter(has_text="Checkout").first.is_visible()

    # An assumption about the gateway.
    page.get_by_role("link", name="Record an assumption").click()
    page.get_by_label("Statement").fill("The payment gateway answers within 500 ms at p99.")
    page.get_by_label("Kind").select_option(label="Latency")
    page.get_by_role("button", name="Record assumption").click()
    page.wait_for_url(re.compile(r"/assumptions/\d+/$"))
    assert page.locator(".kicker .asm-status").inner_text() == "Held"

    # From the postmortem: link it as violated.
    page.goto(pm.get_absolute_url())
    page.get_by_role("link", name="Link or record assumptions").click()
    page.wait_for_url(f"**/postmortems/{pm.key}/assumptions/")
    page.get_by_label("Find assumptions by words").fill("gateway 500")
    page.get_by_role("button", name="Find").click()
    page.get_by_label(re.compile("The payment gateway answers within 500 ms")).check()
    page.get_by_label("What this postmortem showed").first.select_option(label="Violated")
    page.get_by_label("Excerpt").first.fill("p99 reached 4.2 s for 18 minutes.")
    page.get_by_role("button", name="Link assumption").click()
    assert page.get_by_role("status").filter(has_text="was held and is now violated").is_visible()

    # The history says so, and names the postmortem.
    page.get_by_role("link", name="“The payment gateway answers within 500 ms at p99.”").click()
    page.wait_for_url(re.compile(r"/assumptions/\d+/$"))
    history = page.locator("#history table")
    row = history.locator("tbody tr").last
    assert "Held →" in row.inner_text() and "Violated" in row.inner_text()
    assert row.get_by_role("link", name=re.compile(pm.key)).is_visible()
    assert "Eddie Stone" in row.inner_text()
    assert page.locator("#evidence").get_by_text("p99 reached 4.2 s for 18 minutes.").is_visible()


def test_catalog_pages_work_without_javascript(open_page):
    editor = UserFactory(username="eddie", role="editor")
    gateway = ServiceFactory(name="Payment gateway", slug="payment-gateway")
    checkout = ServiceFactory(name="Checkout", slug="checkout")
    DependencyFactory(source=checkout, target=gateway)

    page = open_page("/services/graph/", user=editor, javascript=False)
    page.get_by_label("Around service").select_option(label="Checkout")
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url(re.compile(r"focus=checkout"))
    assert page.locator("text.graph-label").count() == 2
    page.goto("/services/checkout/dependencies/new/")
    page.get_by_label("Other service", exact=True).select_option(label="Checkout")
    page.get_by_role("button", name="Add dependency").click()
    assert page.get_by_text("A service cannot depend on itself.").is_visible()


def _catalog_with_history():
    """A rich postmortem plus a catalogue around its services and an assumption with a revision and evidence."""
    pm = build_rich_postmortem()
    author = pm.authors.get()
    checkout = m.Service.objects.get(slug="checkout")
    gateway = m.Service.objects.get(slug="payment-gateway")
    web, db = ServiceFactory(name="Web storefront", slug="web"), ServiceFactory(name="Orders DB", slug="orders-db")
    DependencyFactory(source=web, target=checkout)
    DependencyFactory(source=checkout, target=gateway, kind=m.DependencyKind.SYNC, notes="2 s timeout")
    DependencyFactory(source=checkout, target=db, kind=m.DependencyKind.DATASTORE)
    DependencyFactory(source=gateway, target=web, kind=m.DependencyKind.ASYNC)  # a cycle
    assumption = m.Assumption.objects.get()
    assumption.service = gateway
    assumption.save()
    assumption_services.change_assumption_status(
        assumption=assumption, to_status="violated", changed_by=author, reason="Duplicate charges.", postmortem=pm
    )
    assumption_services.revise_assumption(
        assumption=assumption, changed_by=author, reason="Keys now stored.", new_statement="Retries carry a stored key"
    )
    return pm, author, assumption


def _violations_in_both_schemes(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    found = [f"light: {line}" for line in blocking_violations(page)]
    page.emulate_media(color_scheme="dark")
    found += [f"dark: {line}" for line in blocking_violations(page)]
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/services/",
        "/services/checkout/",
        "/services/graph/",
        "/assumptions/",
        "assumption",
        "/assumptions/new/",
        "status",
        "postmortem",
        "links",
    ],
)
def test_catalog_pages_are_accessible(open_page, path):
    pm, author, assumption = _catalog_with_history()
    admin = UserFactory(username="ada", role="admin", is_staff=True)  # sees everything and every control
    path = {
        "assumption": f"/assumptions/{assumption.pk}/",
        "status": f"/assumptions/{assumption.superseded_by_id}/status/",
        "postmortem": pm.get_absolute_url(),
        "links": f"/postmortems/{pm.key}/assumptions/",
    }.get(path, path)

    page = open_page(path, user=admin)

    assert page.locator("h1").count() == 1
    assert _violations_in_both_schemes(page) == []


def test_service_pages_fit_a_phone_screen(open_page):
    from tests.browser.conftest import PHONE

    _catalog_with_history()
    for path in ("/services/", "/services/checkout/", "/services/graph/", "/assumptions/"):
        page = open_page(path, user=UserFactory(username="vera", role="viewer"), viewport=PHONE)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path


def test_a_graph_wider_than_the_page_scrolls_and_is_accessible(open_page):
    chain = [ServiceFactory(name=f"Service {i:02d}", slug=f"s{i:02d}") for i in range(10)]
    for source, target in zip(chain, chain[1:], strict=False):
        DependencyFactory(source=source, target=target)

    page = open_page("/services/graph/", user=UserFactory(username="vera", role="viewer"))

    scroller = page.locator(".graph-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    scroller.focus()
    page.keyboard.press("End")
    assert _violations_in_both_schemes(page) == []
