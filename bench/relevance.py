"""Relevance of search on the demo data: recall@10 for questions responders ask, with the postmortems each must find.

    .venv/bin/python bench/relevance.py                      # SQLite, in a throwaway database file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_relevance .venv/bin/python bench/relevance.py

Loads the demo data (Larder) into an empty database, builds the index, searches as an admin (so the
restricted postmortems count too) and prints, per query, how many of the expected postmortems are in the
top 10, then the mean. The expected sets were written from reading the postmortems, not from the results.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kb-relevance-')}/relevance.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from postmortems.demo.loader import load_demo  # noqa: E402
from postmortems.models import Postmortem  # noqa: E402
from postmortems.search import rebuild_index, search_postmortems  # noqa: E402

# (query, postmortems it must return in the top 10). Several use words the postmortems do not:
# synonyms (db, cert, k8s, oom), other word forms, or a description of what happened.
QUERIES: list[tuple[str, set[str]]] = [
    ("cache keys changed by a deploy", {"PM-2024-047"}),
    ("cold cache", {"PM-2024-047", "PM-2025-038"}),
    ("certificate expired", {"PM-2025-028", "PM-2025-003"}),
    ("cert expiry", {"PM-2025-003", "PM-2025-028"}),
    ("mutual tls", {"PM-2025-028"}),
    ("kafka consumer", {"PM-2025-013", "PM-2025-035", "PM-2026-004"}),
    ("duplicate card payments", {"PM-2024-052", "PM-2025-021"}),
    ("refunded twice", {"PM-2025-021"}),
    ("retries overloaded the payment processor", {"PM-2025-017", "PM-2026-013", "PM-2024-052"}),
    ("postgres failover runbook", {"PM-2025-024", "PM-2026-017"}),
    ("db failover", {"PM-2025-024", "PM-2026-017"}),
    ("autoscaler too slow", {"PM-2025-006", "PM-2025-042"}),
    ("oom", {"PM-2025-042", "PM-2024-001"}),
    ("clock drift time sync", {"PM-2026-009"}),
    ("leap second", {"PM-2017-001"}),
    ("rate limit", {"PM-2025-031"}),
    ("network partition", {"PM-2018-001"}),
    ("redis upgrade", {"PM-2025-038"}),
    ("cdn cached private account page", {"PM-2025-046"}),
    ("schema change broke search filters", {"PM-2026-021"}),
    ("k8s cluster upgrade", {"PM-2026-029", "PM-2026-009"}),
    ("Tillpoint slow", {"PM-2024-052", "PM-2025-017", "PM-2025-049", "PM-2026-038", "PM-2026-013"}),
    ("wrong promotion prices shown", {"PM-2026-033"}),
    ("command removed more capacity than intended", {"PM-2017-002"}),
    ("alert routed to the old team", {"PM-2026-004"}),
    ("token leaked in an app build", {"PM-2026-026"}),
    ("substitution rules", {"PM-2025-009"}),
    ("circuit breaker", {"PM-2025-049", "PM-2025-017"}),
    ("customers could not log in", {"PM-2025-028"}),
    ("users logged out", {"PM-2026-009"}),
    ('"connection pool"', {"PM-2025-017"}),
    ("surge -tillpoint", {"PM-2024-001", "PM-2025-006"}),
    ("replayed events processed twice", {"PM-2025-013", "PM-2025-035"}),
    ("runbook out of date", {"PM-2025-024", "PM-2026-017"}),
    ("payment processor maintenance", {"PM-2026-038"}),
]


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Postmortem.objects.exists():
        load_demo()
    rebuild_index()
    admin, _ = get_user_model().objects.get_or_create(
        username="relevance-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    print(f"Demo data: {Postmortem.objects.count()} postmortems; {connection.vendor} backend\n")
    print(f"{'query':<45} {'recall@10':>9} {'ranks':>9} {'hits':>5}  missing")
    recalls, reciprocal_ranks, top3 = [], [], []
    for query, expected in QUERIES:
        results = search_postmortems(user=admin, query=query, page_size=10)
        keys = [hit.key for hit in results.hits]
        found = set(keys) & expected
        recalls.append(len(found) / len(expected))
        # Where the expected postmortems came: with 30 postmortems a top 10 is easy, the order is the test.
        ranks = sorted(keys.index(key) + 1 for key in found)
        reciprocal_ranks.append(1 / ranks[0] if ranks else 0.0)
        top3.append(sum(1 for rank in ranks if rank <= 3) / min(3, len(expected)))
        missing = ", ".join(sorted(expected - found))
        shown = ",".join(map(str, ranks)) or "-"
        print(f"{query[:45]:<45} {recalls[-1]:>9.2f} {shown:>9} {results.total:>5}  {missing}")
    n = len(QUERIES)
    print(f"\nmean recall@10 over {n} queries: {sum(recalls) / n:.3f}")
    print(f"mean reciprocal rank of the first expected postmortem: {sum(reciprocal_ranks) / n:.3f}")
    print(f"mean recall@3 (of at most 3 expected): {sum(top3) / n:.3f}")


if __name__ == "__main__":
    main()
