"""Writing a postmortem in a real browser: the whole document, two people editing at once, and accessibility."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.sessions.models import Session

from postmortems import services
from postmortems.models import Factor, Postmortem, ServiceRole
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.browser.test_review_journey import _panel
from tests.factories import ServiceFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser


def _expect():
    from playwright.sync_api import expect  # imported late: collecting works where Playwright is absent

    return expect


@pytest.fixture
def writer(db):
    return UserFactory(username="mira", first_name="Mira", last_name="Jansen", role="author")


@pytest.fixture
def catalog(db):
    team = TeamFactory(name="Payments", slug="payments")
    return {
        "checkout": ServiceFactory(name="Checkout", slug="checkout", team=team),
        "gateway": ServiceFactory(name="Payment gateway", slug="payment-gateway", team=team),
    }


def _draft(author, catalog) -> Postmortem:
    return services.create_postmortem(
        created_by=author,
        title="Card payments declined after a certificate rotation",
        started_at=None,
        timezone="Europe/London",
        severity=2,
        summary="Card payments were declined for forty minutes.",
        services=[(catalog["checkout"], ServiceRole.ORIGIN)],
    )


def _add_factor(page, slug: str, role: str, narrative: str, why: str, *, new_assumption: str = "") -> None:
    expect = _expect()
    adder = page.locator("#factors details.row-add")
    if adder.get_attribute("open") is None:
        adder.locator("summary").click()
    adder.get_by_label("Factor", exact=True).select_option(slug)
    expect(adder.locator(".factor-about")).not_to_contain_text("appear here once chosen")
    adder.get_by_label(role, exact=True).check()
    adder.get_by_label("What happened", exact=True).fill(narrative)
    adder.get_by_label("Why it made sense at the time", exact=True).fill(why)
    adder.get_by_label("Services it concerns", exact=True).select_option(["checkout"])
    if new_assumption:
        adder.get_by_label("Or record a new assumption", exact=True).fill(new_assumption)
    adder.get_by_role("button", name="Add factor").click()
    expect(page.locator("#factors .factor-row").filter(has_text=narrative)).to_be_visible()


def _add_event(page, when: str, kind: str, text: str, why: str = "") -> None:
    expect = _expect()
    adder = page.locator("#timeline details.row-add").first
    if adder.get_attribute("open") is None:
        adder.locator("summary").click()
    adder.get_by_label("When", exact=True).fill(when)
    adder.get_by_label("Kind", exact=True).select_option(kind)
    adder.get_by_label("What happened", exact=True).fill(text)
    if why:
        adder.get_by_label("Why it made sense", exact=True).fill(why)
    adder.get_by_role("button", name="Add event").click()
    expect(page.locator("#timeline .event-row").filter(has_text=text)).to_be_visible()


def test_writing_a_postmortem_from_the_first_line_to_the_published_page(open_page, writer, catalog, mocker):
    expect = _expect()
    mocker.patch("postmortems.tasks.notify_reviewers.delay")  # the reviewer email is tested in tests/review
    reviewer = UserFactory(username="ola", first_name="Ola", last_name="Berg")
    page = open_page("/", user=writer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Write").click()
    page.wait_for_url("**/write/")
    assert page.title() == "Write a postmortem · Incident Learning"

    # Incident facts, in the incident's own zone.
    page.get_by_label("Title", exact=True).fill("Card payments declined after a certificate rotation")
    page.get_by_label("Severity", exact=True).select_option("2")
    page.get_by_label("Time zone", exact=True).select_option("Europe/London")
    page.get_by_label("Started", exact=True).fill("2026-03-01T10:30")
    page.get_by_label("Mitigated", exact=True).fill("2026-03-01T11:10")
    page.get_by_label("Where it started", exact=True).select_option(["checkout"])
    page.get_by_label("Impacted", exact=True).select_option(["payment-gateway"])

    # Sections, with the preview following the typing.
    page.get_by_label("Summary", exact=True).fill("Card payments were **declined** for forty minutes.")
    expect(page.locator("#id_summary_preview strong")).to_have_text("declined")
    page.get_by_label("Impact", exact=True).fill("About 3,000 orders could not be paid.")
    page.get_by_label("Narrative", exact=True).fill("The new certificate chain was missing an intermediate.")
    page.get_by_label("What went well", exact=True).fill("Support spotted the pattern in tickets within minutes.")
    page.get_by_label("Where we got lucky", exact=True).fill("It happened on a quiet Sunday morning.")
    page.get_by_label("Open questions", exact=True).fill("Which other clients pin intermediates?")
    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url(re.compile(r"/postmortems/PM-2026-\d{3}/edit/$"))
    expect(page.locator(".messages")).to_contain_text("Draft PM-2026-")
    key = Postmortem.objects.get().key

    # Two timeline events, one a decision with why it made sense.
    _add_event(page, "2026-03-01T10:31", "detection", "Card decline rate alert fired")
    _add_event(
        page,
        "2026-03-01T10:45",
        "decision",
        "Rolled back the certificate",
        why="It was the only change in the last day, and rolling back took two minutes.",
    )
    expect(page.locator("#timeline .event-row")).to_have_count(2)

    # Three contributing factors with their roles, one revealing an assumption.
    _add_factor(
        page,
        "change.config-change",
        "Activator",
        "A certificate rotation shipped outside the deploy pipeline.",
        "Rotations had always been routine.",
    )
    _add_factor(
        page,
        "change.validation-gap",
        "Enabling condition",
        "Staging trusted a different root, so the chain looked complete there.",
        "Staging had matched production for every earlier rotation.",
        new_assumption="Staging trusts the same certificate roots as production",
    )
    _add_factor(
        page,
        "adaptive.early-noticing",
        "Mitigator",
        "Support noticed a cluster of decline tickets and paged payments.",
        "They had seen a similar pattern the year before.",
    )

    # An action item with an owner.
    adder = page.locator("#actions details.row-add")
    adder.get_by_label("Action", exact=True).fill("Check the full chain in the rotation script")
    adder.get_by_label("Owner", exact=True).fill("ola")
    adder.get_by_label("Kind", exact=True).select_option("prevent")
    adder.get_by_role("button", name="Add action item").click()
    expect(page.locator("#actions .action-row")).to_contain_text("Ola Berg")

    # The writing checks have seen all of it: two contributing conditions, a mitigator, a reasoned decision.
    checks = page.locator("#checks")
    for passed in ("Fewer than two contributing conditions", "No mitigator", "Decision without why it made sense"):
        expect(checks.locator(".check-pass", has_text=passed)).to_be_visible()

    # The document as readers see it.
    page.get_by_role("link", name="View the postmortem").click()
    page.wait_for_url(f"**/postmortems/{key}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Card payments declined after a certificate rotation")
    expect(page.locator("#summary strong")).to_have_text("declined")
    expect(page.locator(".facts")).to_contain_text("Checkout (where it started)")
    expect(page.locator(".facts")).to_contain_text("GMT")
    expect(page.locator("#timeline .event")).to_have_count(2)
    expect(page.locator("#timeline")).to_contain_text("10:45")
    expect(page.locator("#timeline .why")).to_contain_text("rolling back took two minutes")
    expect(page.locator("#factors .factor")).to_have_count(3)
    for role in ("Activator", "Enabling condition", "Mitigator"):
        expect(page.locator("#factors .role", has_text=role)).to_be_visible()
    expect(page.locator("#factors")).to_contain_text("Staging trusts the same certificate roots as production")
    expect(page.locator("#assumptions")).to_contain_text("Staging trusts the same certificate roots")
    expect(page.locator("#actions")).to_contain_text("Check the full chain in the rotation script")
    expect(page.locator("#went-well")).to_contain_text("Support spotted the pattern")
    assert Postmortem.objects.get().version == 7  # created, then 2 events, 3 factors, 1 action item: each a save

    # Review: Ola is asked to review and comments on the timeline; Mira resolves it, publishes, finds it listed.
    _panel(page).get_by_role("link", name="Submit for review").click()
    page.wait_for_url("**/review/submit/")
    page.get_by_label("Other reviewers").fill("ola")  # not on a team of the postmortem's, so not suggested
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"**/postmortems/{key}/")
    expect(page.get_by_role("status").filter(has_text="is in review")).to_be_visible()
    reviewing = open_page(f"/postmortems/{key}/", user=reviewer)
    panel = _panel(reviewing)
    panel.get_by_label("About").select_option(label="Timeline")
    panel.get_by_label("Comment", exact=True).fill("When was the rotation scheduled, and who knew?")
    panel.get_by_role("button", name="Add comment").click()
    expect(reviewing.locator(".comment").filter(has_text="rotation scheduled")).to_be_visible()
    page.reload()
    _panel(page).get_by_role("button", name="Resolve comment by ola").click()
    expect(page.get_by_text("No open comments.")).to_be_visible()
    _panel(page).get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").filter(has_text="is published")).to_be_visible()
    page.goto("/?status=published")
    expect(page.get_by_role("link", name="Card payments declined after a certificate rotation")).to_be_visible()
    assert Postmortem.objects.get().status == "published"


def test_two_people_editing_the_same_section_see_each_others_changes(open_page, writer, catalog, browser):
    expect = _expect()
    draft = _draft(writer, catalog)
    bea = UserFactory(username="bea", first_name="Bea", last_name="Okafor", role="editor")
    edit = f"/postmortems/{draft.key}/edit/"
    mira_page = open_page(edit, user=writer)
    bea_page = open_page(edit, user=bea)

    bea_page.get_by_label("Summary", exact=True).fill("Card payments were declined for forty minutes from 10:31.")
    bea_page.get_by_role("button", name="Save", exact=True).click()
    expect(bea_page.locator(".messages")).to_contain_text("is at version 2")

    mira_page.get_by_label("Summary", exact=True).fill("Card payments failed: the new chain lacked an intermediate.")
    mira_page.get_by_label("Impact", exact=True).fill("About 3,000 orders could not be paid.")
    mira_page.get_by_role("button", name="Save", exact=True).click()

    conflict = mira_page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Bea Okafor saved since you opened the editor")
    expect(conflict.locator(".change-conflict")).to_contain_text("You both changed it")
    expect(conflict.locator("ins")).to_contain_text("from 10:31")
    expect(conflict).to_be_focused()
    # Nothing she typed is lost, and nothing was written yet.
    expect(mira_page.get_by_label("Summary", exact=True)).to_have_value(
        "Card payments failed: the new chain lacked an intermediate."
    )
    expect(mira_page.get_by_label("Impact", exact=True)).to_have_value("About 3,000 orders could not be paid.")
    assert Postmortem.objects.get().impact == ""

    mira_page.get_by_label("Summary", exact=True).fill(
        "Card payments failed from 10:31: the new chain lacked an intermediate."
    )
    mira_page.get_by_role("button", name="Save", exact=True).click()
    expect(mira_page.locator(".messages")).to_contain_text("is at version 3")
    saved = Postmortem.objects.get()
    assert (saved.summary, saved.impact) == (
        "Card payments failed from 10:31: the new chain lacked an intermediate.",
        "About 3,000 orders could not be paid.",
    )


def test_editing_a_timeline_event_someone_deleted_says_so(open_page, writer, catalog):
    expect = _expect()
    draft = _draft(writer, catalog)
    event = services.add_timeline_event(
        postmortem=draft, added_by=writer, occurred_at=datetime(2026, 3, 1, 10, 31, tzinfo=UTC), text="Alert fired"
    )
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer)
    services.delete_timeline_event(event=event, deleted_by=None)  # someone else, meanwhile
    row = page.locator(f"#event-{event.pk}")
    row.locator("summary").click()
    row.get_by_label("What happened", exact=True).fill("Card decline alert fired")
    row.get_by_role("button", name="Save event").click()
    expect(page.locator("#timeline .message-error")).to_contain_text("was deleted by someone else")
    expect(page.locator("#timeline details.row-add").first.get_by_label("What happened", exact=True)).to_have_value(
        "Card decline alert fired"
    )


def test_the_editor_works_without_javascript(open_page, writer, catalog):
    expect = _expect()
    draft = _draft(writer, catalog)
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer, javascript=False)
    page.get_by_label("Narrative", exact=True).fill("We *thought* it was DNS.")
    page.get_by_role("button", name="Preview").first.click()
    expect(page.locator("#id_narrative_preview em")).to_have_text("thought")
    expect(page.get_by_label("Narrative", exact=True)).to_have_value("We *thought* it was DNS.")
    assert Postmortem.objects.get().narrative == ""

    adder = page.locator("#timeline details.row-add").first
    adder.get_by_label("When", exact=True).fill("2026-03-01T10:31")
    adder.get_by_label("What happened", exact=True).fill("Card decline alert fired")
    adder.get_by_role("button", name="Add event").click()
    page.wait_for_url(re.compile(r"#event-\d+$"))
    expect(page.locator(".messages")).to_contain_text("Timeline event added.")
    expect(page.locator("#timeline .event-row")).to_contain_text("Card decline alert fired")


def test_an_expired_session_takes_the_editor_to_the_login_page_and_back(open_page, writer, catalog):
    expect = _expect()
    draft = _draft(writer, catalog)
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer)
    page.wait_for_load_state("networkidle")  # the similar-incidents panel has loaded (htmx, on load)
    Session.objects.all().delete()  # the session ends while the editor is open

    page.get_by_label("Summary", exact=True).fill("Card payments were declined.")  # preview and similar ask (htmx)

    page.wait_for_url("**/accounts/login/**")  # the whole page, not the preview
    assert page.url.endswith(f"/accounts/login/?next=/postmortems/{draft.key}/edit/")
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/postmortems/{draft.key}/edit/")
    expect(page.get_by_label("Summary", exact=True)).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_editor_is_accessible(open_page, writer, catalog, scheme):
    draft = _draft(writer, catalog)
    services.add_contributing_factor(
        postmortem=draft,
        added_by=writer,
        factor=Factor.objects.get(slug="load.hidden-limit"),
        role="amplifier",
        narrative="The pool had **twenty** slots.",
    )
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer, color_scheme=scheme)
    page.wait_for_load_state("networkidle")
    for details in page.locator("details.row-edit, details.row-add, details.glossary").all():
        details.locator("summary").click()
    page.get_by_label("Summary", exact=True).fill("The engineer should have checked the chain.")  # a finding to show
    page.wait_for_load_state("networkidle")
    assert blocking_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_postmortem_page_and_its_errors_are_accessible(open_page, writer, catalog, scheme):
    page = open_page("/write/", user=writer, color_scheme=scheme)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "Nothing was saved" in page.locator("#form-errors").inner_text()
    assert blocking_violations(page) == []


def test_the_conflict_report_is_accessible(open_page, writer, catalog):
    draft = _draft(writer, catalog)
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer)
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=None, summary="Theirs.\nSecond line.")
    page.get_by_label("Summary", exact=True).fill("Mine.\nSecond line.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#conflict").wait_for()
    assert blocking_violations(page) == []
    page.emulate_media(color_scheme="dark")
    assert blocking_violations(page) == []


def test_the_editor_fits_a_phone_screen(open_page, writer, catalog):
    draft = _draft(writer, catalog)
    services.add_timeline_event(
        postmortem=draft, added_by=writer, occurred_at=datetime(2026, 3, 1, 10, 31, tzinfo=UTC), text="Alert fired"
    )
    page = open_page(f"/postmortems/{draft.key}/edit/", user=writer, viewport=PHONE)
    for details in page.locator("details.row-edit, details.row-add").all():
        details.locator("summary").click()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
