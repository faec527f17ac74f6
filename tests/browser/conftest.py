"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

One Chromium per test session; each test gets fresh browser contexts (cookies, colour scheme, viewport).
The live server needs transactional tests, which empty every table afterwards; serialized rollback puts
back what the migrations loaded (the factor taxonomy) before each test. Tests skip with the reason when
Playwright or /usr/bin/chromium is missing (and fail under CI, see tests/conftest.py).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def missing_browser_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "needs Playwright (pip install -r requirements.txt)"
    if not CHROMIUM.exists():
        return "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    return None


# Package scope: one Chromium for all browser tests (pytest-django runs them together, with the other
# transactional tests), closed before the rest of the suite runs, so its event loop and the switches below
# never reach tests outside this package.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    reason = missing_browser_reason()
    if reason:
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an asyncio loop running on the main thread. Two things in Django notice:
    # its guard against ORM calls from async code (the tests' ORM calls are plain synchronous code, so the
    # guard is switched off), and its per-thread store of database connections, which becomes per-context
    # while a loop runs. The connections opened so far (the test database, with the serialized contents that
    # serialized rollback restores) are carried over, so every test keeps using the same ones.
    opened = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in opened.items():
            setattr(connections._connections, alias, connection)
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users log in with real passwords here; the default hasher is slow on purpose, which tests do not need."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def server_url(live_server, settings) -> str:
    """The live server by IP: Chromium tries ::1 first for "localhost", which costs a few hundred ms per page."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    return live_server.url.replace("//localhost:", "//127.0.0.1:")


@pytest.fixture
def open_page(browser, server_url, django_db_serialized_rollback) -> Iterator[Callable[..., Any]]:
    """`open_page(path, user=..., color_scheme="dark", viewport=PHONE, javascript=True)`: a loaded page.

    With a user, the browser carries a session for them (made with Django's test client, which is
    quicker than the login form; the journey test uses the form).
    """
    contexts = []

    def _open(
        path: str,
        *,
        user=None,
        color_scheme: str = "light",
        viewport: dict[str, int] = DESKTOP,
        javascript: bool = True,
    ):
        context = browser.new_context(
            base_url=server_url,
            color_scheme=color_scheme,
            viewport=viewport,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server_url}])
        page = context.new_page()
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()
