"""axe-core on the main pages, in the light and then the dark colour scheme: no serious or critical violation.

The patterns page has its own (tests/patterns/test_page_browser.py); pages added later belong here too.
"""

import pytest

from tests.browser.axe import blocking_violations
from tests.browser.sample import build_rich_postmortem
from tests.factories import PostmortemFactory, UserFactory

pytestmark = pytest.mark.browser


def violations_in_both_schemes(page) -> list[str]:
    """Check the page as loaded (light), then switch the same page to dark and check again."""
    found = [f"light: {line}" for line in blocking_violations(page)]
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    found += [f"dark: {line}" for line in blocking_violations(page)]
    return found


def test_login_page_is_accessible(open_page):
    page = open_page("/accounts/login/")
    assert page.locator("h1").inner_text() == "Log in"
    assert violations_in_both_schemes(page) == []


def test_login_page_with_an_error_is_accessible(open_page):
    page = open_page("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    assert violations_in_both_schemes(page) == []


def test_list_page_is_accessible(open_page):
    user = UserFactory(username="ada", role="admin", is_staff=True)  # sees the restricted one too
    build_rich_postmortem()
    PostmortemFactory.create_batch(3, severity=3, status="draft", kind="near_miss")
    PostmortemFactory(severity=4, status="in_review", kind="external")
    page = open_page("/", user=user)
    assert page.locator("table.pm-list tbody tr").count() == 5
    assert violations_in_both_schemes(page) == []


def test_empty_list_page_is_accessible(open_page):
    page = open_page("/", user=UserFactory(username="vera", role="viewer"))
    assert page.locator(".empty-state").is_visible()
    assert violations_in_both_schemes(page) == []


def test_detail_page_is_accessible(open_page):
    pm = build_rich_postmortem()
    page = open_page(pm.get_absolute_url(), user=pm.authors.get())
    page.wait_for_load_state("networkidle")  # parts fetched after load (htmx) are checked too
    assert page.locator(".factor").count() == 4
    assert violations_in_both_schemes(page) == []


def test_account_menu_open_is_accessible(open_page):
    page = open_page("/", user=UserFactory(username="vera", is_staff=True))
    page.locator("details.user-menu summary").click()
    assert page.get_by_role("button", name="Log out").is_visible()
    assert violations_in_both_schemes(page) == []


def test_not_found_page_is_accessible(open_page):
    page = open_page("/postmortems/PM-2099-001/", user=UserFactory(username="vera"))
    assert "could not find" in page.locator("h1").inner_text()
    assert violations_in_both_schemes(page) == []


def test_search_page_with_results_and_facets_is_accessible(open_page):
    from postmortems.search import reindex_postmortems

    pm = build_rich_postmortem()
    others = PostmortemFactory.create_batch(2, title="Cache warmer stalled the checkout", summary="The cache was cold.")
    reindex_postmortems([pm.pk, *(other.pk for other in others)])
    page = open_page("/search/?q=cache", user=UserFactory(username="ada", role="admin", is_staff=True))
    assert page.locator(".hit").count() == 3
    assert page.locator(".hit mark").count() >= 3  # the matched words are highlighted
    assert violations_in_both_schemes(page) == []


def test_reading_page_with_this_weeks_reading_is_accessible(open_page):
    from django.utils import timezone

    from postmortems.reading.weeks import current_week
    from tests.factories import DigestFactory, DigestItemFactory, MembershipFactory, TeamFactory

    team = TeamFactory(name="Payments", slug="payments")
    reader = UserFactory(username="ana", role="author")
    MembershipFactory(team=team, user=reader)
    digest = DigestFactory(team=team, week_start=current_week(team, timezone.now()), facilitator=reader)
    DigestItemFactory(digest=digest, postmortem=build_rich_postmortem(), explanation="Published this week.")
    page = open_page("/reading/", user=reader)
    assert page.get_by_text("Published this week.").is_visible()
    assert violations_in_both_schemes(page) == []
