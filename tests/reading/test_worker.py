"""The weekly digest through the real parts: a Celery worker process, Redis as its broker, an SMTP server.

The worker is a separate process, so it sees only committed data: the test uses a transactional database
and hands the worker the test database's own URL (the SQLite test database is a file for this reason, see
tests/conftest.py). Tasks go to a queue of this test's own, so other test runs sharing the Redis
database cannot take them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from kb.celery import app
from postmortems import models as m
from postmortems.tasks import send_team_digest
from tests.factories import MembershipFactory, UserFactory
from tests.reading.conftest import WEEK_LABEL, published

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT_SECONDS = 90


@pytest.fixture
def broker_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs a Redis server at {url} (set REDIS_URL; .ci/run starts one): {exc}")
    return url


def _test_database_url() -> str:
    """The URL of the database this test writes to, for the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert "memory" not in str(db["NAME"]), "the worker cannot open an in-memory database"
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(broker_url, smtp_server, tmp_path):
    """A Celery worker in its own process: two threads, so two tasks really run at once."""
    queue = f"kb-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
    }
    log = tmp_path / "worker.log"
    command = [
        *(sys.executable, "-m", "celery", "-A", "kb", "worker", "--pool=threads", "--concurrency=2"),
        *("-Q", queue, "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle"),
        "--loglevel=WARNING",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield _Worker(queue=queue, broker_url=broker_url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Worker:
    def __init__(self, *, queue: str, broker_url: str, process: subprocess.Popen, log: Path):
        self.queue, self.broker_url, self.process, self.log = queue, broker_url, process, log

    def enqueue(self, task, *args) -> None:
        with app.connection_for_write(self.broker_url) as broker:
            task.apply_async(args, queue=self.queue, connection=broker)

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            assert self.process.poll() is None, f"worker exited:\n{self.log.read_text()}"
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.log.read_text()}")


def _runs_finished() -> int:
    digest = m.Digest.objects.first()
    return digest.run_count if digest else 0


def test_digest_task_sends_one_email_per_subscriber_even_when_enqueued_twice(team, readers, worker, smtp_server):
    quiet = UserFactory(username="quiet")
    MembershipFactory(team=team, user=quiet)
    m.DigestPreference.objects.create(user=quiet, subscribed=False)
    published(3, key="PM-2026-001")
    subscribers = ["ana@example.com", "ben@example.com", "cai@example.com"]

    # Both land on the queue before the worker has taken either, and its two threads run them side by side.
    worker.enqueue(send_team_digest, team.pk, WEEK_LABEL)
    worker.enqueue(send_team_digest, team.pk, WEEK_LABEL)
    worker.wait_for(lambda: _runs_finished() >= 2, "both runs to finish")

    assert smtp_server.handler.recipients == subscribers
    digest = m.Digest.objects.get()
    assert (digest.sent_count, digest.skipped_count, digest.failed_count) == (3, 1, 0)

    # The task delivered again (a retry, or beat firing twice) sends nobody anything more.
    worker.enqueue(send_team_digest, team.pk, WEEK_LABEL)
    worker.wait_for(lambda: _runs_finished() >= 3, "the third run to finish")

    assert smtp_server.handler.recipients == subscribers
    assert m.DigestDelivery.objects.filter(status=m.DeliveryStatus.SENT).count() == 3
