"""Generate the patterns benchmark corpus: 100,000 postmortems and 400,000 factor tags, bulk-loaded with COPY.

Used by bench/patterns_bench.py; runs against whatever database Django is configured for, which must be a
PostgreSQL database kept for the benchmark (never the development or test database).

The shape aims at real postmortem libraries: factors, services and people follow Zipf-like weights, a few
factor combinations are planted so combinations and lifts have something to find, most records are
incidents with a share of near misses and public write-ups, and a small share is restricted.
"""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, datetime, timedelta

from django.db import connection

from postmortems.models import Factor

SEED = 20261122
YEARS = 6
TEAMS = 25
SERVICES = 200
PEOPLE = 400
ASSUMPTIONS = 400
WORDS = (
    "cache deploy retry queue replica latency timeout config flag rollout region broker database pool "
    "thread alert page dashboard runbook failover capacity shard index migration certificate token "
    "gateway client request error budget saturation backlog consumer producer lock schema vendor"
).split()
# Combinations planted on top of the Zipf draw, with the share of postmortems that get each.
SIGNATURES = [
    (("change.config-change", "change.validation-gap", "coupling.shared-fate"), 0.04),
    (("load.capacity-saturation", "load.retry-feedback-loop", "automation.automation-surprise"), 0.035),
    (("signals.alert-fatigue", "org.normalized-degraded-mode"), 0.03),
    (("coord.expertise-concentration", "adaptive.expertise-mobilized"), 0.02),
]


def _zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    """COPY rows into a table; values are tab-separated text with \\N for NULL."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in row))
        buffer.write("\n")
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())


def _tag_counts(rng: random.Random, postmortems: int, tags: int) -> list[int]:
    """Between 1 and 9 tags each, adding up to exactly `tags`."""
    counts = [max(1, min(9, round(rng.gauss(tags / postmortems, 1.6)))) for _ in range(postmortems)]
    difference = tags - sum(counts)
    while difference:
        i = rng.randrange(postmortems)
        step = 1 if difference > 0 else -1
        if 1 <= counts[i] + step <= 9:
            counts[i] += step
            difference -= step
    return counts


def generate(*, postmortems: int = 100_000, tags: int = 400_000) -> dict[str, int]:
    """Fill an empty benchmark database; returns row counts."""
    rng = random.Random(SEED)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    start = now - timedelta(days=365 * YEARS)
    factors = list(Factor.objects.order_by("id").values_list("id", "slug", "family__slug"))
    factor_ids = [f[0] for f in factors]
    by_slug = {f[1]: f[0] for f in factors}
    adaptive = {f[0] for f in factors if f[2] == "adaptive"}
    shuffled = factor_ids[:]
    rng.shuffle(shuffled)
    factor_weights = dict(zip(shuffled, _zipf_weights(len(shuffled), 0.8), strict=True))
    weights = [factor_weights[f] for f in factor_ids]

    _copy(
        "postmortems_team",
        ["id", "name", "slug", "description", "reading_day", "reading_time", "reading_timezone"],
        [(t, f"Team {t}", f"team-{t}", "", 0, "09:00", "UTC") for t in range(1, TEAMS + 1)],
    )
    stamp = now.isoformat()
    _copy(
        "postmortems_service",
        [
            "id",
            "name",
            "slug",
            "description",
            "tier",
            "lifecycle",
            "service_type",
            "created_at",
            "updated_at",
            "team_id",
        ],
        [
            (s, f"Service {s}", f"service-{s}", "", 1 + s % 4, "production", "service", stamp, stamp, 1 + s % TEAMS)
            for s in range(1, SERVICES + 1)
        ],
    )
    service_weights = _zipf_weights(SERVICES)
    people = [f"person-{p}" for p in range(1, PEOPLE + 1)]
    people_weights = _zipf_weights(PEOPLE, 1.2)

    pm_rows, tag_rows, svc_rows, event_rows, allowed_rows = [], [], [], [], []
    counts = _tag_counts(rng, postmortems, tags)
    tag_id = svc_id = event_id = 0
    span = (now - start).total_seconds()
    for pm_id in range(1, postmortems + 1):
        # More postmortems in recent years: the library grows as the practice spreads.
        started = start + timedelta(seconds=span * math.sqrt(rng.random()))
        kind = rng.choices(["incident", "near_miss", "external"], [80, 15, 5])[0]
        severity = (
            None if kind == "near_miss" and rng.random() < 0.8 else rng.choices([1, 2, 3, 4], [10, 25, 40, 25])[0]
        )
        status = "published" if rng.random() < 0.95 else "draft"
        restricted = rng.random() < 0.02
        minutes = min(60 * 24 * 10, rng.lognormvariate(4.2, 1.1))
        resolved = started + timedelta(minutes=minutes)
        words = " ".join(rng.choices(WORDS, k=300))
        pm_rows.append(
            (
                pm_id,
                f"PM-{started.year}-{pm_id:06d}",
                f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} incident {pm_id}",
                kind,
                severity,
                status,
                started.isoformat(),
                resolved.isoformat(),
                "UTC",
                words[:400],
                f"<p>{words[:400]}</p>",
                words,
                f"<p>{words}</p>",
                restricted,
                "{}",
                1,
                started.isoformat(),
                started.isoformat(),
                resolved.isoformat() if status == "published" else None,
                *([""] * 9),
                False,
            )
        )
        if restricted:
            allowed_rows.append((len(allowed_rows) + 1, pm_id, 1 + pm_id % TEAMS))
        chosen: list[int] = []
        for signature, share in SIGNATURES:
            if rng.random() < share:
                chosen.extend(by_slug[slug] for slug in signature)
        while len(set(chosen)) < counts[pm_id - 1]:
            chosen.append(rng.choices(factor_ids, weights)[0])
        for position, factor_id in enumerate(dict.fromkeys(chosen)):
            if position >= counts[pm_id - 1]:
                break
            tag_id += 1
            if factor_id in adaptive:
                role = "mitigator"
            else:
                role = rng.choice(["activator", "enabling", "amplifier", "impediment"])
            tag_rows.append((tag_id, role, "", "", "", "", position, stamp, factor_id, pm_id))
        services = set(rng.choices(range(1, SERVICES + 1), service_weights, k=rng.choice([1, 2, 2, 3, 3, 4, 5])))
        for position, service_id in enumerate(sorted(services)):
            svc_id += 1
            svc_rows.append((svc_id, "origin" if position == 0 else "involved", pm_id, service_id))
        for actor in set(rng.choices(people, people_weights, k=3)):
            event_id += 1
            event_rows.append((event_id, started.isoformat(), "action", "Joined the response.", actor, "", pm_id))

    _copy(
        "postmortems_postmortem",
        [
            "id",
            "key",
            "title",
            "kind",
            "severity",
            "status",
            "started_at",
            "resolved_at",
            "timezone",
            "summary",
            "summary_html",
            "narrative",
            "narrative_html",
            "restricted",
            "metadata",
            "version",
            "created_at",
            "updated_at",
            "published_at",
            "impact",
            "impact_html",
            "went_well",
            "went_well_html",
            "got_lucky",
            "got_lucky_html",
            "open_questions",
            "open_questions_html",
            "source_url",
            "in_library",
        ],
        pm_rows,
    )
    _copy(
        "postmortems_contributingfactor",
        [
            "id",
            "role",
            "narrative",
            "narrative_html",
            "why_it_made_sense",
            "why_it_made_sense_html",
            "position",
            "created_at",
            "factor_id",
            "postmortem_id",
        ],
        tag_rows,
    )
    _copy("postmortems_postmortemservice", ["id", "role", "postmortem_id", "service_id"], svc_rows)
    _copy(
        "postmortems_timelineevent",
        ["id", "occurred_at", "kind", "text", "actor", "why_it_made_sense", "postmortem_id"],
        event_rows,
    )
    _copy("postmortems_postmortem_allowed_teams", ["id", "postmortem_id", "team_id"], allowed_rows)
    assumption_rows, relied_rows, evidence_rows = [], [], []
    for a in range(1, ASSUMPTIONS + 1):
        validated = None if rng.random() < 0.6 else (now - timedelta(days=rng.randrange(30, 900))).date().isoformat()
        assumption_rows.append(
            (
                a,
                f"Belief {a}: {' '.join(rng.choices(WORDS, k=8))}",
                "dependency",
                "",
                "held",
                validated,
                "",
                stamp,
                stamp,
            )
        )
        for service_id in set(rng.choices(range(1, SERVICES + 1), service_weights, k=rng.randrange(0, 6))):
            relied_rows.append((len(relied_rows) + 1, a, service_id))
    assumption_weights = _zipf_weights(ASSUMPTIONS)
    pairs = set()
    for _ in range(15_000):
        pairs.add((rng.choices(range(1, ASSUMPTIONS + 1), assumption_weights)[0], rng.randrange(1, postmortems + 1)))
    for a, pm_id in sorted(pairs):
        kind = rng.choices(["violated", "stressed", "supported", "near_miss"], [50, 25, 15, 10])[0]
        evidence_rows.append((len(evidence_rows) + 1, kind, "", stamp, a, pm_id))
    _copy(
        "postmortems_assumption",
        [
            "id",
            "statement",
            "kind",
            "where_encoded",
            "status",
            "last_validated_at",
            "validation_method",
            "created_at",
            "updated_at",
        ],
        assumption_rows,
    )
    _copy("postmortems_assumption_relied_on_by", ["id", "assumption_id", "service_id"], relied_rows)
    _copy(
        "postmortems_assumptionevidence",
        ["id", "evidence_type", "excerpt", "created_at", "assumption_id", "postmortem_id"],
        evidence_rows,
    )
    with connection.cursor() as cursor:
        for table in (
            "team",
            "service",
            "postmortem",
            "contributingfactor",
            "postmortemservice",
            "timelineevent",
            "postmortem_allowed_teams",
            "assumption",
            "assumption_relied_on_by",
            "assumptionevidence",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('postmortems_{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM postmortems_{table}))"
            )
        cursor.execute("ANALYZE")
    return {
        "postmortems": len(pm_rows),
        "factor_tags": len(tag_rows),
        "service_links": len(svc_rows),
        "timeline_events": len(event_rows),
        "assumption_evidence": len(evidence_rows),
    }
