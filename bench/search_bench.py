"""Time search on the benchmark corpus: through the API view, as raw SQL, against a naive ILIKE scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_search_bench .venv/bin/python bench/search_bench.py

Needs the corpus from bench/search_corpus.py. For each of 50 representative queries (2-3 words mostly,
some phrases, OR, exclusions and filters) it runs, warm:

- the API: GET /api/v1/search/?q=... through Django's full stack (middleware, session auth, DRF, JSON);
- raw SQL: the same SQL statements the API view sent for that search (the search statement with its
  settings, the page's rows, the total and the facet counts; the labels), replayed on a cursor as the
  API ran them, every result read, leaving out only the session and user lookups every request makes;
- a naive ILIKE scan: every word as a substring of title, summary or narrative, newest first.

and prints per-query figures, then p50/p95 of each, the API/raw ratio and the speed-up over ILIKE. It
also times similar incidents for 50 postmortems and counts the search page's SQL queries for queries
with few and with many results. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from postmortems import models as m  # noqa: E402
from postmortems.search import SearchFilters, similar_postmortems  # noqa: E402
from postmortems.search import postgres as backend  # noqa: E402
from postmortems.search.query import parse_query  # noqa: E402
from postmortems.search.sql import hidden_postmortems  # noqa: E402
from postmortems.search.synonyms import load_synonyms  # noqa: E402

# 50 queries a responder might type mid-incident; a few carry filters (service and year from the corpus).
QUERIES: list[dict] = [
    {"q": "dns resolution timeout"},
    {"q": "certificate expired"},
    {"q": "kafka consumer lag"},
    {"q": "replica failover"},
    {"q": "redis eviction"},
    {"q": "connection pool exhausted"},
    {"q": "pods oomkilled"},
    {"q": "configuration flag rollback"},
    {"q": "health check ingress"},
    {"q": "disk full"},
    {"q": "canary rollout"},
    {"q": "cache stampede"},
    {"q": "rate limiter storm"},
    {"q": "tls handshake"},
    {"q": "replica lag"},
    {"q": "clock skew"},
    {"q": "dead letter backlog"},
    {"q": "memory leak"},
    {"q": "packet loss"},
    {"q": "session login"},
    {"q": "partition rebalance"},
    {"q": "nameserver propagation"},
    {"q": "cron midnight"},
    {"q": "payment duplicate refund"},
    {"q": "cold cache"},
    {"q": "vacuum deadlock"},
    {"q": "ingress upstream"},
    {"q": "heap garbage collection"},
    {"q": "quota burst"},
    {"q": "inode filesystem"},
    {"q": "sso identity token"},
    {"q": "elasticsearch shard"},
    {"q": "cdn purge origin"},
    {"q": "email bounce"},
    {"q": "webhook signature"},
    {"q": "backup restore snapshot"},
    {"q": "schema migration lock"},
    {"q": "secret rotation"},
    {"q": '"connection pool"'},
    {"q": '"health check" timeout'},
    {"q": '"out of memory"'},
    {"q": "redis OR memcached"},
    {"q": "db OR database primary"},
    {"q": "cache -redis"},
    {"q": "timeout -dns"},
    {"q": "latency"},
    {"q": "timeout", "filters": {"severity": [1, 2]}},
    {"q": "failover", "filters": {"kind": ["incident"], "status": ["published"]}},
    {"q": "expired", "filters": {"year": [2024]}},
    {"q": "", "filters": {"severity": [1]}},
]
REPEATS = 5


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_user():
    user, _ = get_user_model().objects.get_or_create(username="search-bench-reader")
    m.Profile.objects.update_or_create(user=user, defaults={"role": "viewer"})
    team = m.Team.objects.order_by("pk").first()
    if team is not None:
        m.Membership.objects.get_or_create(team=team, user=user)
    return user


def filters_of(spec: dict) -> SearchFilters:
    values = spec.get("filters", {})
    return SearchFilters(**{name: tuple(v) for name, v in values.items()})


def api_url(spec: dict) -> str:
    params = [("q", spec["q"])] + [(k, v) for k, vs in spec.get("filters", {}).items() for v in vs]
    return "/api/v1/search/?" + urlencode(params)


def time_api(client: Client, spec: dict) -> float:
    url = api_url(spec)
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code, response.content[:200])
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# Statements the API issues that belong to serving any request, not to the search: left out of "raw".
FRAMEWORK_SQL = ('SELECT "django_session"', 'SELECT "auth_user"', 'SELECT "postmortems_profile"')


def search_statements(client: Client, spec: dict) -> list[str]:
    """The SQL one API search sends, as sent (parameters bound), minus the session and user lookups."""
    with CaptureQueriesContext(connection) as captured:
        client.get(api_url(spec))
    statements = [query["sql"] for query in captured.captured_queries]
    return [sql for sql in statements if not sql.startswith(FRAMEWORK_SQL) and sql not in ("BEGIN", "COMMIT")]


def _read_all(cursor) -> None:
    """Fetch every row of every result, as the API does (a statement can carry several, settings first)."""
    while True:
        if cursor.description is not None:
            cursor.fetchall()
        if not cursor.nextset():
            return


def time_raw(client: Client, user, spec: dict) -> tuple[float, int]:
    """The same statements the API view ran for this search, replayed on a cursor: the database's share."""
    statements = search_statements(client, spec)
    timings = []
    for attempt in range(REPEATS + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:  # as the API ran them: each in its own transaction
            for sql in statements:
                cursor.execute(sql)
                _read_all(cursor)
        if attempt:  # the first run warms
            timings.append((time.perf_counter() - started) * 1000)
    parsed = parse_query(spec["q"], load_synonyms()) if spec["q"] else None
    with connection.cursor() as cursor:
        page = backend.search(
            cursor,
            parsed=parsed,
            filter_keys=filters_of(spec).keys(),
            hidden=hidden_postmortems(user),
            limit=20,
            offset=0,
        )
    return statistics.median(timings), page.total


def ilike_sql(spec: dict) -> tuple[str, list]:
    """Each word or phrase as a substring of title, summary or narrative: what a naive search does."""
    parsed = parse_query(spec["q"]) if spec["q"] else None
    conditions, params = ["TRUE"], []
    for clause in parsed.clauses if parsed else []:
        options = []
        for term in clause.options:
            options.append("(title ILIKE %s OR summary ILIKE %s OR narrative ILIKE %s)")
            params += [f"%{term.text}%"] * 3
        expression = "(" + " OR ".join(options) + ")"
        conditions.append(f"NOT {expression}" if clause.negated else expression)
    sql = (
        "SELECT id FROM postmortems_postmortem WHERE " + " AND ".join(conditions) + " ORDER BY started_at DESC LIMIT 20"
    )
    return sql, params


def time_ilike(spec: dict) -> float:
    sql, params = ilike_sql(spec)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def page_query_counts(client: Client) -> list[tuple[str, int, int]]:
    counts = []
    for q in ("certificate expired", "timeout", "zzzz-no-such-word"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/?" + urlencode({"q": q}))
        total = int(response.context["results"].total) if response.context and response.context["results"] else 0
        counts.append((q, total, len(captured)))
    return counts


def time_similar(user) -> list[float]:
    """Similar incidents for 50 postmortems picked at random (fixed seed), warm."""
    rng = random.Random(5)
    ids = list(m.Postmortem.objects.values_list("pk", flat=True))
    timings = []
    for pk in rng.sample(ids, 50):
        postmortem = m.Postmortem.objects.get(pk=pk)
        similar_postmortems(user=user, postmortem=postmortem)  # warm
        started = time.perf_counter()
        similar_postmortems(user=user, postmortem=postmortem)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def summary_line(name: str, values: list[float]) -> str:
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    return f"{name:<22} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   max {max(values):8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-ilike", action="store_true", help="Leave out the slow ILIKE scans.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("search_bench.py measures the PostgreSQL backend: point DATABASE_URL at the benchmark corpus")
    count = m.SearchDocument.objects.count()
    if count == 0:
        sys.exit("no search documents: generate the corpus with bench/search_corpus.py first")
    setup_test_environment()  # so responses carry their template context, for the page's query counts
    settings.ALLOWED_HOSTS = ["*"]
    # Pages are rendered without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    user = bench_user()
    client = Client()
    client.force_login(user)

    print(f"{count:,} search documents on PostgreSQL {connection.pg_version // 10000}; user {user.username}\n")
    # All warm timings first; the ILIKE scans read the whole postmortem table and would evict the
    # search's pages from the cache between queries.
    api, raw, totals = [], [], []
    for spec in QUERIES:
        api.append(time_api(client, spec))
        raw_ms, total = time_raw(client, user, spec)
        raw.append(raw_ms)
        totals.append(total)
    similar = time_similar(user)
    page_counts = page_query_counts(client)
    ilike = [] if args.skip_ilike else [time_ilike(spec) for spec in QUERIES]

    print(f"{'query':<34} {'total':>7} {'API ms':>8} {'raw ms':>8} {'API/raw':>7} {'ILIKE ms':>9} {'x faster':>8}")
    for n, spec in enumerate(QUERIES):
        label = spec["q"] + (" +" + ",".join(spec["filters"]) if spec.get("filters") else "")
        line = f"{label[:34]:<34} {totals[n]:>7,} {api[n]:>8.1f} {raw[n]:>8.1f} {api[n] / raw[n]:>7.2f}"
        if ilike:
            line += f" {ilike[n]:>9.0f} {ilike[n] / api[n]:>8.0f}"
        print(line)
    ratios = [a / r for a, r in zip(api, raw, strict=True)]
    speedups = [i / a for i, a in zip(ilike, api, strict=False)]

    print()
    print(summary_line("search through the API", api))
    print(summary_line("raw SQL", raw))
    print(
        f"{'API / raw SQL':<22} at p50 {percentile(api, 0.5) / percentile(raw, 0.5):.2f}, "
        f"per query median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}"
    )
    if ilike:
        print(summary_line("naive ILIKE", ilike))
        print(
            f"{'ILIKE / API':<22} at p50 {percentile(ilike, 0.5) / percentile(api, 0.5):.0f}x, "
            f"per query median {statistics.median(speedups):.0f}x, least {min(speedups):.0f}x"
        )

    print(summary_line("similar incidents", similar))

    print("\nSQL queries issued by the search page:")
    for q, total, queries in page_counts:
        print(f"  {q!r:<24} {total:>7,} results  {queries:>3} queries")


if __name__ == "__main__":
    main()
