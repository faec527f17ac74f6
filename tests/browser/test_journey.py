"""A reader's visit in a real browser: log in, find a postmortem, read it, print it, log out."""

import re

import pytest

from tests.browser.conftest import PHONE
from tests.browser.sample import build_rich_postmortem
from tests.factories import PostmortemFactory, UserFactory

pytestmark = pytest.mark.browser


def test_reader_logs_in_reads_a_postmortem_and_logs_out(open_page):
    reader = UserFactory(username="mira", first_name="Mira", last_name="Jansen")
    pm = build_rich_postmortem(author=reader)
    PostmortemFactory(title="An older near miss", kind="near_miss")

    page = open_page("/")
    assert "/accounts/login/" in page.url  # every page needs a login
    page.get_by_label("Username").fill("mira")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r"/$"))
    assert page.title() == "Postmortems · Incident Learning"
    assert page.get_by_role("link", name="Postmortems", exact=True).get_attribute("aria-current") == "page"
    page.get_by_role("link", name=pm.title).click()

    page.wait_for_url(f"**{pm.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == pm.title
    assert page.title().startswith("PM-2026-042: ")
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Contributing factors").click()
    assert page.url.endswith("#factors")
    assert page.get_by_role("heading", name="Misleading signal").is_visible()
    assert page.get_by_text("A green status page had always meant the problem was on our side.").is_visible()

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Postmortems").click()
    page.wait_for_url(re.compile(r"/$"))

    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_reading_pages_work_without_javascript(open_page):
    reader = UserFactory(username="mira")
    pm = build_rich_postmortem(author=reader)
    page = open_page("/", user=reader, javascript=False)
    page.get_by_role("link", name=pm.title).click()
    page.wait_for_url(f"**{pm.get_absolute_url()}")
    assert page.locator(".event").count() == 6
    # The account menu is a <details>, so logging out needs no script either.
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def test_printing_a_postmortem_leaves_only_the_document(open_page):
    reader = UserFactory(username="mira")
    pm = build_rich_postmortem(author=reader)
    page = open_page(pm.get_absolute_url(), user=reader)
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    for chrome in (".site-header", ".site-footer", ".breadcrumbs", ".toc", ".skip-link"):
        assert page.locator(chrome).is_hidden(), chrome
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".print-only").inner_text().endswith(pm.get_absolute_url())
    # External links show their address on paper.
    link = page.locator('.prose a[href^="http"]').first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "status.example.com" in after


@pytest.mark.parametrize("path", ["/", "detail"])
def test_pages_fit_a_phone_screen(open_page, path):
    reader = UserFactory(username="mira", first_name="Mira", last_name="Jansen")
    pm = build_rich_postmortem(author=reader)
    page = open_page(pm.get_absolute_url() if path == "detail" else path, user=reader, viewport=PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    nav = page.get_by_role("navigation", name="Main")
    assert nav.is_visible()
    assert nav.bounding_box()["width"] <= PHONE["width"]


def test_slash_key_jumps_to_the_search_box(open_page, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"
    reader = UserFactory(username="mira")
    page = open_page("/", user=reader)
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search postmortems")
    assert box.evaluate("el => el === document.activeElement")
    box.fill("retries")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=retries"))


def test_skip_link_moves_focus_to_the_content(open_page):
    reader = UserFactory(username="mira")
    page = open_page("/", user=reader)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
