"""Server time and SQL queries of every API list endpoint and of postmortem details, on the demo data and on
the demo grown by a factor (--grow), to show the query counts stay the same as the rows multiply.

Works in a throwaway test database next to the one DATABASE_URL names (SQLite by default) and calls the API
through DRF's test client with a token, as a script would, so the figures are the application's own time
(authentication, throttling, queries, serialization) without the network. Run it on both databases:

    .venv/bin/python bench/api_lists.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api_lists.py --grow 20
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("API_THROTTLE_USER", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from postmortems import models as m  # noqa: E402

LISTS = [
    "postmortems",
    "timeline-events",
    "contributing-factors",
    "action-items",
    "review-comments",
    "assumption-evidence",
    "services",
    "dependencies",
    "teams",
    "assumptions",
    "factor-families",
    "factors",
]


def _grow(copies: int) -> None:
    """Copy every demo postmortem `copies` times with its timeline, factors and action items (bulk inserts)."""
    originals = list(m.Postmortem.objects.prefetch_related("timeline", "contributing_factors", "action_items"))
    for copy in range(1, copies + 1):
        clones = []
        for pm in originals:
            clone = m.Postmortem.objects.get(pk=pm.pk)
            clone.pk = None
            clone.key = f"PM-{8000 + copy}-{pm.pk:03d}"
            clones.append(clone)
        m.Postmortem.objects.bulk_create(clones)
        for pm, clone in zip(originals, clones, strict=True):
            m.TimelineEvent.objects.bulk_create(
                m.TimelineEvent(postmortem=clone, occurred_at=e.occurred_at, kind=e.kind, text=e.text)
                for e in pm.timeline.all()
            )
            m.ContributingFactor.objects.bulk_create(
                m.ContributingFactor(
                    postmortem=clone, factor_id=t.factor_id, role=t.role, narrative=t.narrative, position=t.position
                )
                for t in pm.contributing_factors.all()
            )
            m.ActionItem.objects.bulk_create(
                m.ActionItem(postmortem=clone, title=a.title, kind=a.kind, status=a.status)
                for a in pm.action_items.all()
            )


def _measure(client: APIClient, url: str, repeat: int) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries.captured_queries)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), count


def _report(label: str, repeat: int) -> None:
    print(f"-- {label}: {m.Postmortem.objects.count()} postmortems, {m.TimelineEvent.objects.count()} events")
    print(f"{'endpoint (page_size=50)':<46} {'median ms':>9} {'max ms':>8} {'queries':>8}")
    for username in ("demo", "tomasz"):  # an admin (no visibility filter) and an author (filtered)
        user = get_user_model().objects.get(username=username)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        urls = [f"/api/v1/{name}/" for name in LISTS]
        urls.append(f"/api/v1/postmortems/{m.Postmortem.objects.visible_to(user).order_by('key').first().key}/")
        for url in urls:
            median, worst, queries = _measure(client, url, repeat)
            print(f"{url + ' as ' + username:<46} {median:>9.1f} {worst:>8.1f} {queries:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per endpoint (default 7)")
    parser.add_argument("--grow", type=int, default=10, help="copies of the demo postmortems to add (default 10)")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False

    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        call_command("load_demo", password="demo", stdout=io.StringIO(), stderr=io.StringIO())
        print(f"{connection.vendor}, {args.repeat} timed requests per endpoint")
        _report("demo", args.repeat)
        _grow(args.grow)
        _report(f"demo x{args.grow + 1}", args.repeat)
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
