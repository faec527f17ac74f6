"""Bulk import rate: postmortems per second for generated front-matter files.

Generates N Markdown files with YAML front matter (3 classified contributing factors, 10 timeline events,
2 action items, 2-3 services, a few paragraphs of narrative each), imports them into a throwaway
database with `import_postmortems` (the same call the command makes), and prints the rate for:

- a first import (every postmortem created), with as many parsing processes as there are cores while
  the main process writes (what the command does by default);
- the same with one parsing process, and with everything in the main process;
- a second import of the same files (every postmortem recognised as unchanged);
- the search indexing the import asks for once it commits (`postmortems.search.index`), timed on its
  own, and the rate of import and indexing together (what the command's caller waits for when no broker
  is configured; with one, a large import's indexing goes to the Celery workers). The pattern-figure
  refresh an import of published postmortems queues is a Celery task and is left out.

Each line also gives the CPU time per postmortem used by the importing process and its workers (the
database server's is not included), which does not depend on what else the machine is doing.

The database is the one DATABASE_URL names (SQLite by default); a temporary test database is created
next to it and dropped afterwards, so no real data is touched. Run it on both:

    .venv/bin/python bench/import_rate.py --count 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/import_rate.py --count 2000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

import postmortems.importers.service as import_service  # noqa: E402
from postmortems.importers import import_postmortems, read_paths  # noqa: E402
from postmortems.models import Factor, FactorRole  # noqa: E402
from postmortems.search.index import reindex_postmortems  # noqa: E402

WORDS = (
    "cache deploy retry queue replica latency timeout config flag rollout region broker database pool thread "
    "alert page dashboard runbook failover capacity shard index migration certificate token gateway client "
    "request error budget saturation backlog consumer producer lock schema vendor checkout payment search "
    "inventory warehouse scheduler cron worker node cluster kubernetes ingress dns resolver load balancer"
).split()
SERVICES = [f"svc-{name}" for name in ("checkout", "payments", "search", "catalog", "orders", "auth", "edge", "mail")]


def _sentence(rng: random.Random, words: int) -> str:
    # Zipf-ish: early words of the vocabulary are much more common, like real prose.
    picked = [WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] for _ in range(words)]
    return " ".join(picked).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(sentences))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_corpus(folder: Path, count: int, factor_slugs: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    roles = list(FactorRole.values)
    for n in range(count):
        year = 2020 + n % 6
        day, hour = 1 + n % 28, n % 24
        lines = [
            "---",
            f"key: PM-{year}-{n + 1:05d}",
            f"title: {_quote(_sentence(rng, 7)[:-1])}",
            f"kind: {rng.choice(['incident', 'incident', 'incident', 'near_miss'])}",
            f"severity: {rng.randint(1, 4)}",
            "status: published",
            "timezone: Europe/Copenhagen",
            f"started_at: {year}-03-{day:02d}T{hour:02d}:00:00+01:00",
            f"detected_at: {year}-03-{day:02d}T{hour:02d}:07:00+01:00",
            f"resolved_at: {year}-03-{day:02d}T{hour:02d}:55:00+01:00",
            f"services: [{', '.join(rng.sample(SERVICES, rng.randint(2, 3)))}]",
            f"summary: {_quote(_paragraph(rng, 2))}",
            f"impact: {_quote(_paragraph(rng, 1))}",
            "factors:",
        ]
        for slug in rng.sample(factor_slugs, 3):
            lines += [
                f"  - factor: {slug}",
                f"    role: {rng.choice(roles)}",
                f"    narrative: {_quote(_paragraph(rng, 2))}",
                f"    why_it_made_sense: {_quote(_sentence(rng, 14))}",
            ]
        lines.append("timeline:")
        for minute in range(0, 50, 5):
            lines += [
                f"  - at: {year}-03-{day:02d}T{hour:02d}:{minute:02d}:00+01:00",
                f"    kind: {rng.choice(['observation', 'action', 'decision', 'communication'])}",
                f"    text: {_quote(_sentence(rng, 12))}",
            ]
        lines += ["action_items:", f"  - title: {_quote(_sentence(rng, 9))}", f"  - title: {_quote(_sentence(rng, 9))}"]
        lines += ["---", "", _paragraph(rng, 4), "", _paragraph(rng, 3), "", _paragraph(rng, 3), ""]
        (folder / f"PM-{year}-{n + 1:05d}.md").write_text("\n".join(lines), encoding="utf-8")


# The import asks for search indexing once it commits; collect the ids and time that separately.
_to_index: list[int] = []
import_service.reindex_on_commit = _to_index.extend
import_service._refresh_patterns = lambda: None


def _cpu() -> float:
    """CPU seconds used by this process and its finished workers (not the database server's)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _run(folder: Path, workers: int) -> tuple[float, str]:
    started, cpu = time.perf_counter(), _cpu()
    sources, _skipped = read_paths([folder])
    report = import_postmortems(sources=sources, workers=workers)
    elapsed = time.perf_counter() - started
    if report.errors:
        raise SystemExit(f"import failed: {report.errors[0]}")
    per_postmortem = (_cpu() - cpu) / len(sources) * 1000
    return elapsed, f"{report.summary()}; {per_postmortem:.2f} ms CPU each"


def _index() -> float:
    started = time.perf_counter()
    reindex_postmortems(_to_index)
    _to_index.clear()
    return time.perf_counter() - started


def _clear() -> None:
    from postmortems.models import Postmortem, Service

    Postmortem.objects.all().delete()
    Service.objects.all().delete()


def _measure(folder: Path, workers: int, clear: bool, repeat: int) -> list[tuple[float, str]]:
    results = []
    for _ in range(repeat):
        if clear:
            _clear()
        results.append(_run(folder, workers))
        _to_index.clear()
    return sorted(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="how many files to generate (default 2000)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement; the best and the median are printed"
    )
    args = parser.parse_args()
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        # A database of its own: a file for SQLite (like production, not the in-memory one the test runner
        # would pick); on PostgreSQL a name no test run uses, since autoclobber drops an existing one.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = str(Path(tmp) / "bench.sqlite3") if vendor == "sqlite" else f"kb_bench_import_{os.getpid()}"
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        try:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            slugs = list(Factor.objects.values_list("slug", flat=True))
            write_corpus(folder, args.count, slugs)
            size = sum(p.stat().st_size for p in folder.iterdir()) / args.count
            cores = os.cpu_count() or 1
            print(f"{vendor}: {args.count} front-matter files, {size / 1024:.1f} KB each, {cores} cores")
            print(f"  best of {args.repeat} (median in brackets), wall clock; CPU of the importing processes")
            line = "  {:44} {:6.0f} postmortems/s ({:4.0f})  {}"
            runs = [(f"import, {cores} parsing processes", cores, True), ("import, 1 parsing process", 1, True)]
            runs += [("import, all in one process", 0, True), ("re-import, nothing changed", cores, False)]
            for label, workers, clear in runs:
                results = _measure(folder, workers, clear, args.repeat)
                (best, summary), (median, _) = results[0], results[len(results) // 2]
                print(line.format(label, args.count / best, args.count / median, summary))
            # What someone running the command without a broker waits for: the import, then the indexing.
            together, indexing = [], []
            for _ in range(args.repeat):
                _clear()
                elapsed, _summary = _run(folder, cores)
                indexing.append(_index())
                together.append(elapsed + indexing[-1])
            for label, times in (("search indexing after the import", indexing), ("import + indexing", together)):
                times.sort()
                print(line.format(label, args.count / times[0], args.count / times[len(times) // 2], ""))
        finally:
            connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
