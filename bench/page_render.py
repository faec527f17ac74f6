"""Server time and SQL queries for every page of the demo: the list (each of its pages), every postmortem with
its editor and history, search, patterns, reading, every service and assumption, and the other main pages.

Loads the demo into a throwaway test database next to the one DATABASE_URL names (SQLite by default),
logs in as the demo admin (who sees every postmortem) and a demo author, and requests each page through
Django's test client, so the figure is the time the application takes (middleware, views, queries,
templates) without a network or a browser. Prints the median and the slowest of several requests per
page and the number of SQL queries, then the slowest page overall. Run it on both databases:

    .venv/bin/python bench/page_render.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/page_render.py
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

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from postmortems.models import Assumption, Postmortem, Service  # noqa: E402
from postmortems.permissions import can_edit_postmortem, role_of  # noqa: E402
from postmortems.views import PAGE_SIZE  # noqa: E402

TARGET_MS = 200


def _measure(client: Client, url: str, repeat: int) -> tuple[float, float, float, int]:
    """Median and slowest wall time and median CPU time of this process, in ms, over `repeat` requests after
    one warm-up, and the queries of one request. CPU time leaves out waiting for a busy machine's cores (and
    the database server's own work), so it is the steadier figure on a shared machine."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the next request clears the connection's query log.
    query_count = len(queries.captured_queries)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    return statistics.median(times), max(times), statistics.median(cpu_times), query_count


def _other_pages(user, visible) -> list[str]:
    """The pages besides the list and the postmortems: one of each kind per postmortem, service and assumption."""
    urls = ["/search/?q=cache", "/search/?q=database+failover", "/search/", "/patterns/", "/reading/", "/reviews/"]
    urls += ["/services/", "/services/graph/", "/assumptions/", "/write/"]
    urls += [f"/services/{slug}/" for slug in Service.objects.order_by("slug").values_list("slug", flat=True)]
    urls += [f"/assumptions/{pk}/" for pk in Assumption.objects.order_by("pk").values_list("pk", flat=True)]
    for pm in visible.order_by("key")[:8]:
        urls += [f"/postmortems/{pm.key}/history/", f"/postmortems/{pm.key}/review/"]
        if can_edit_postmortem(user, pm):
            urls.append(f"/postmortems/{pm.key}/edit/")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page (default 7)")
    args = parser.parse_args()

    # Rendering, not static file serving, is measured: plain static URLs need no collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False

    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        call_command("load_demo", password="demo", stdout=io.StringIO(), stderr=io.StringIO())
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"{connection.vendor}, {Postmortem.objects.count()} postmortems, {args.repeat} timed requests a page")
        print(f"machine: {os.cpu_count()} cores, load average {load} (other work inflates wall times)")
        print(f"{'page':<44} {'median ms':>9} {'max ms':>8} {'cpu ms':>8} {'queries':>8}")
        slowest = ("", 0.0)
        slowest_median = (0.0, "")
        users = get_user_model().objects.filter(username__in=["demo", "priya"]).order_by("username")
        for user in users:
            client = Client()
            client.force_login(user)
            visible = Postmortem.objects.visible_to(user)
            pages = -(-visible.count() // PAGE_SIZE)
            urls = [f"/?page={n}" for n in range(1, pages + 1)]
            urls += [pm.get_absolute_url() for pm in visible.order_by("key")]
            urls += _other_pages(user, visible)
            print(f"-- as {user.username} ({role_of(user)})")
            for url in urls:
                median, worst, cpu, queries = _measure(client, url, args.repeat)
                print(f"{url:<44} {median:>9.1f} {worst:>8.1f} {cpu:>8.1f} {queries:>8}")
                slowest_median = max(slowest_median, (median, f"{url} as {user.username}"))
                if worst > slowest[1]:
                    slowest = (f"{url} as {user.username}", worst)
        for label, (where, ms) in (("slowest median", slowest_median[::-1]), ("slowest request", slowest)):
            verdict = "under" if ms < TARGET_MS else "OVER"
            print(f"{label}: {where} {ms:.1f} ms ({verdict} the {TARGET_MS} ms target)")
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
