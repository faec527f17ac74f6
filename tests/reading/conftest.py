"""Fixtures for the weekly reading: a real SMTP server on loopback, a team with subscribers, dates."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from postmortems import models as m
from tests.factories import ContributingFactorFactory, MembershipFactory, PostmortemFactory, UserFactory

# A Monday; the reading tests run "in" this week unless they say otherwise.
WEEK = date(2026, 3, 9)
WEEK_LABEL = "2026-W11"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """An aiosmtpd handler that keeps every accepted message; `reply` or `fail_first` make it refuse."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list = []
        self.reply: str | None = None
        self.fail_first = 0  # answer this many DATA commands with 451 before accepting
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            if self.reply:
                return self.reply
            if self.attempts <= self.fail_first:
                return "451 4.3.0 Busy, try again later"
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    @property
    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(message["To"] for message in self.messages)


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Test users are built by the dozen; the production hasher costs a noticeable fraction of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django pointed at it."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def fast_retries(settings):
    """Backoff in milliseconds instead of minutes."""
    settings.READING_RETRY_BASE_SECONDS = 0.01
    settings.READING_RETRY_MAX_SECONDS = 0.05


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def published(days_before_week: int, **kwargs) -> m.Postmortem:
    """A published postmortem that went out `days_before_week` days before WEEK began."""
    when = at(WEEK - timedelta(days=days_before_week))
    kwargs.setdefault("started_at", when - timedelta(days=7))
    return PostmortemFactory(published_at=when, **kwargs)


def tag(postmortem: m.Postmortem, *slugs: str) -> None:
    for slug in slugs:
        ContributingFactorFactory(postmortem=postmortem, factor=m.Factor.objects.get(slug=slug))


@pytest.fixture
def readers(team):
    """Three members of the payments team with email addresses, oldest membership first."""
    people = [UserFactory(username=name, role="author") for name in ("ana", "ben", "cai")]
    for person in people:
        MembershipFactory(team=team, user=person)
    return people
