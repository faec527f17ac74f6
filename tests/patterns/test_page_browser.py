"""The patterns page in Chromium: it renders every section, and axe finds no serious or critical violation
in the light or the dark colour scheme. Uses the browser fixtures of tests/browser (one Chromium)."""

import pytest

from tests.browser.axe import blocking_violations
from tests.browser.conftest import _fast_password_hashing, browser, open_page, server_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_patterns_page_is_accessible_in_both_colour_schemes(open_page, library):  # noqa: F811
    page = open_page("/patterns/?period=all", user=library["member"])
    assert page.locator("section.patterns-section").count() == 8
    assert page.locator("figure.chart svg").count() >= 8
    found = [f"light: {line}" for line in blocking_violations(page)]
    page.emulate_media(color_scheme="dark")
    found += [f"dark: {line}" for line in blocking_violations(page)]
    assert found == []
