"""Time of walk_dependencies on generated catalogues of growing size, against a walk that queries each node.

Builds each catalogue (random dependencies, about four per service, with cycles) in a throwaway database
next to the one DATABASE_URL names, then prints the median time and the SQL query count of a two-hop walk
and of a walk over the whole graph. Run it on both databases:

    .venv/bin/python bench/graph_walk.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/graph_walk.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from postmortems import graph  # noqa: E402
from postmortems.graph import walk_dependencies  # noqa: E402
from postmortems.models import Dependency, Service  # noqa: E402


def _build(size: int, per_service: int, rng: random.Random) -> list[Service]:
    Dependency.objects.all().delete()
    Service.objects.all().delete()
    Service.objects.bulk_create(Service(name=f"Service {i}", slug=f"service-{i}") for i in range(size))
    ids = list(Service.objects.values_list("pk", flat=True))
    edges = {(a, b) for a in ids for b in rng.sample(ids, per_service) if a != b}
    Dependency.objects.bulk_create((Dependency(source_id=a, target_id=b) for a, b in edges), batch_size=2000)
    return list(Service.objects.order_by("?")[:20])


def _walk_one_query_per_node(service: Service, depth: int) -> int:
    """The walk to avoid: ask the database for each service's neighbours in turn, on each side."""
    reached = set()
    for near, far in (("source_id", "target_id"), ("target_id", "source_id")):
        seen, queue = {service.pk: 0}, deque([service.pk])
        while queue:
            current = queue.popleft()
            if seen[current] == depth:
                continue
            for nxt in Dependency.objects.filter(**{near: current}).values_list(far, flat=True):
                if nxt not in seen:
                    seen[nxt] = seen[current] + 1
                    queue.append(nxt)
        reached |= seen.keys()
    return len(reached)


def _measure(call, roots: list[Service]) -> tuple[float, int]:
    times, queries = [], 0
    for root in roots:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call(root)
            times.append((time.perf_counter() - start) * 1000)
        queries = max(queries, len(captured))
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500,2000", help="services per catalogue (default 100,500,2000)")
    parser.add_argument("--per-service", type=int, default=4, help="dependencies per service (default 4)")
    args = parser.parse_args()
    database = settings.DATABASES["default"]
    # A name of its own, so that a test run on the same server keeps its test database.
    with tempfile.TemporaryDirectory() as tmp:
        database.setdefault("TEST", {})["NAME"] = (
            str(Path(tmp) / "bench.sqlite3") if connection.vendor == "sqlite" else "test_bench_graph_walk"
        )
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        try:
            print(f"{connection.vendor}; median of 20 roots; ms (max SQL queries)")
            print(
                f"{'services':>8} {'edges':>6} {'2 hops':>12} {'2 hops, edge list':>18} {'whole graph':>14} "
                f"{'2 hops, query per node':>24}"
            )
            rng = random.Random(42)
            hop_by_hop = graph.HOP_BY_HOP_MAX_DEPTH
            for size in (int(s) for s in args.sizes.split(",")):
                roots = _build(size, args.per_service, rng)
                two, two_q = _measure(lambda s: walk_dependencies(service=s, depth=2, direction="both"), roots)
                graph.HOP_BY_HOP_MAX_DEPTH = 0
                listed, listed_q = _measure(lambda s: walk_dependencies(service=s, depth=2, direction="both"), roots)
                graph.HOP_BY_HOP_MAX_DEPTH = hop_by_hop
                whole, whole_q = _measure(
                    lambda s, n=size: walk_dependencies(service=s, depth=n, direction="both"), roots
                )
                naive, naive_q = _measure(lambda s: _walk_one_query_per_node(s, 2), roots)
                edges = Dependency.objects.count()
                print(
                    f"{size:>8} {edges:>6} {two:>7.2f} ({two_q}) {listed:>13.2f} ({listed_q}) "
                    f"{whole:>9.2f} ({whole_q}) {naive:>16.2f} ({naive_q})"
                )
        finally:
            connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
