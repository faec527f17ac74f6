"""Benchmark the patterns views at 100,000 postmortems and 400,000 factor tags on PostgreSQL.

    .venv/bin/python bench/patterns_bench.py --generate     # (re)create the benchmark database, then measure
    .venv/bin/python bench/patterns_bench.py                # measure again on the existing data

The data goes into its own database (default kb_patterns_bench on 127.0.0.1), never the development or
test one: --generate drops and recreates it, migrates it, and bulk-loads the corpus with COPY (see
bench/patterns_data.py). Then it builds the snapshot and, for each view, times GET /api/v1/patterns/<name>/
through Django's test client (the whole stack: middleware, authentication, DRF, JSON) for several filter
sets and people, and counts the page's SQL queries. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kb_patterns_bench"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("PATTERNS_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--generate", action="store_true", help="drop, recreate and fill the benchmark database")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per view and scenario (default 30)")
    parser.add_argument("--rss-probe", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    if name in ("postgres", "kb", "") or name.startswith("test"):
        sys.exit(f"refusing to recreate database {name!r}: give the benchmark its own database")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _people():
    from django.contrib.auth import get_user_model

    from postmortems.models import Membership, Profile, Team

    users = get_user_model()
    viewer, _ = users.objects.get_or_create(username="bench-viewer")
    Profile.objects.update_or_create(user=viewer, defaults={"role": "viewer"})
    member, _ = users.objects.get_or_create(username="bench-member")
    Profile.objects.update_or_create(user=member, defaults={"role": "viewer"})
    Membership.objects.get_or_create(user=member, team=Team.objects.order_by("id").first())
    admin, _ = users.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    return {"viewer (no restricted)": viewer, "team member": member, "admin (all restricted)": admin}


def _time_requests(client, path: str, params: dict, runs: int) -> tuple[list[float], int]:
    timings, status = [], 0
    for _ in range(runs + 2):
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return timings[2:], status  # the first two warm caches and connections


def main() -> None:
    args = _arguments()
    if args.rss_probe:
        rss_probe(args.database_url)
        return
    if args.generate:
        _recreate_database(args.database_url)
    _setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from patterns_data import generate  # next to this script

    from postmortems.models import ContributingFactor, Postmortem
    from postmortems.patterns import VIEWS
    from postmortems.patterns.snapshot import build_snapshot, forget_cached_index

    if args.generate:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = generate()
        print(f"generated {counts} in {time.perf_counter() - started:.1f} s")
    print(
        f"corpus: {Postmortem.objects.count():,} postmortems, {ContributingFactor.objects.count():,} factor tags; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    snapshot = build_snapshot()
    print(
        f"snapshot: {snapshot.postmortem_count:,} postmortems, {len(snapshot.data) / 1e6:.1f} MB stored, "
        f"built in {time.perf_counter() - started:.1f} s"
    )

    people = _people()
    scenarios = [
        ("default (last 12 months)", {}, "viewer (no restricted)"),
        ("all time", {"period": "all"}, "viewer (no restricted)"),
        ("last 12 months, one service", {"service": "service-1"}, "viewer (no restricted)"),
        ("last 12 months, one team", {"team": "team-2"}, "viewer (no restricted)"),
        ("last 12 months", {}, "team member"),
        ("last 12 months", {}, "admin (all restricted)"),
    ]
    print(f"\nGET /api/v1/patterns/<name>/, {args.runs} timed requests each (ms)")
    header = f"{'scenario':<34}{'person':<24}{'view':<20}{'p50':>7}{'p95':>7}{'max':>7}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for label, params, who in scenarios:
        client = Client()
        client.force_login(people[who])
        for name in VIEWS:
            timings, status = _time_requests(client, f"/api/v1/patterns/{name}/", params, args.runs)
            p95 = _percentile(timings, 0.95)
            worst = max(worst, p95)
            flag = "" if status == 200 else f"  HTTP {status}"
            print(
                f"{label:<34}{who:<24}{name:<20}{statistics.median(timings):>7.1f}{p95:>7.1f}{max(timings):>7.1f}{flag}"
            )
    print(f"worst p95 over every view and scenario: {worst:.1f} ms (target 300 ms)")

    print("\nthe patterns page (all eight views, HTML)")
    for who in ("viewer (no restricted)", "admin (all restricted)"):
        client = Client()
        client.force_login(people[who])
        forget_cached_index()
        with CaptureQueriesContext(connection) as cold:
            client.get("/patterns/")
        with CaptureQueriesContext(connection) as warm:
            timings, _ = _time_requests(client, "/patterns/", {}, max(5, args.runs // 3))
        per_request = len(warm.captured_queries) // (len(timings) + 2)
        print(
            f"  {who}: {len(cold.captured_queries)} SQL queries on the first request in a process, "
            f"{per_request} after; p50 {statistics.median(timings):.0f} ms, p95 {_percentile(timings, 0.95):.0f} ms"
        )

    print("\nwithout a snapshot (everything counted live), one request each")
    from postmortems.models import PatternSnapshot

    PatternSnapshot.objects.all().delete()
    forget_cached_index()
    client = Client()
    client.force_login(people["viewer (no restricted)"])
    for name in ("factors", "combinations"):
        timings, _ = _time_requests(client, f"/api/v1/patterns/{name}/", {}, 1)
        print(f"  {name}: {timings[0]:.0f} ms")
    build_snapshot()
    probe = subprocess.run(
        [sys.executable, __file__, "--database-url", args.database_url, "--rss-probe"],
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"\n{probe.stdout.strip()}")


def rss_probe(url: str) -> None:
    """A fresh process that serves like a web worker: every view for a viewer and an admin (both snapshots
    decoded and cached), then its peak resident memory."""
    _setup_django(url)
    from django.test import Client

    from postmortems.patterns import VIEWS

    people = _people()
    before = _memory()
    for who in ("viewer (no restricted)", "admin (all restricted)"):
        client = Client()
        client.force_login(people[who])
        client.get("/patterns/")
        for name in VIEWS:
            client.get(f"/api/v1/patterns/{name}/", {"period": "all"})
    after = _memory()
    print(
        f"web-worker-like process after every view for a viewer and an admin: RSS {after['VmRSS']:.0f} MB, "
        f"peak {after['VmHWM']:.0f} MB ({before['VmRSS']:.0f} MB once Django was set up)"
    )


def _memory() -> dict[str, float]:
    """Resident memory now and at its peak, in MB (/proc: getrusage's peak survives exec on Linux)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


if __name__ == "__main__":
    main()
