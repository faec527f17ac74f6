"""Shared fixtures: personas, and the rules for tests that need an outside part.

A test that needs PostgreSQL, Redis, Chromium or ../shared/data skips with a reason where
the part is absent; when CI is set, that skip is turned into a failure, because CI must
exercise every real part.
"""

import os

import pytest
from django.db import connection

from tests.factories import MembershipFactory, TeamFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every real part must be present: {reason}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file rather than memory, so that a Celery worker started by a test
    (tests/reading/test_worker.py) can open the same database from its own process."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _database_marks(request):
    """`postgres` tests need PostgreSQL as the database; `sqlite` tests need SQLite."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (see README, Tests)")
    if request.node.get_closest_marker("sqlite") and connection.vendor != "sqlite":
        pytest.skip("exercises the SQLite backend; runs when DATABASE_URL is unset")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing cached by one test (synonyms, rate counts) reaches the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The production hasher is slow on purpose; tests build many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_eager_celery():
    """Tests call tasks directly or capture on-commit callbacks; never run everything eagerly."""
    from kb.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def team(db):
    return TeamFactory(name="Payments", slug="payments")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Storefront", slug="storefront")


@pytest.fixture
def member(team):
    """An author on the payments team."""
    user = UserFactory(username="mira", role="author")
    MembershipFactory(team=team, user=user)
    return user


@pytest.fixture
def outsider(other_team):
    """An author who belongs only to another team."""
    user = UserFactory(username="otto", role="author")
    MembershipFactory(team=other_team, user=user)
    return user


@pytest.fixture
def viewer(db):
    return UserFactory(username="vera", role="viewer")


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", role="editor")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role="admin", is_staff=True, is_superuser=True)
