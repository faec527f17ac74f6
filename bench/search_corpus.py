"""Generate the search benchmark corpus into PostgreSQL: realistic postmortems, bulk-loaded with COPY.

    createdb -h 127.0.0.1 -U postgres kb_search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_search_bench .venv/bin/python bench/search_corpus.py

Migrates the database, refuses one that already holds postmortems, then writes --count postmortems
(default 100,000) and builds their search documents with the application's own indexer, timing it.

What the text looks like: words follow a Zipf distribution over a vocabulary of common English words,
real operations words and a long tail of rare tokens (invented, like product and host names are);
general operations words ("deploy", "latency", "timeout") rank among the common words. Each
postmortem is also about one or two of 40 topics (DNS, certificates, Kafka, ...), picked with a Zipf
popularity, whose specific words only it uses often, as real write-ups do. 1,000-3,000 words each;
2-6 contributing factors from the taxonomy; 1-4 services out of 80; 3-8 timeline events; 1-3 action
items; about 1% restricted to a team. The GIN and RUM indexes are dropped while the documents are written and
built afterwards, which is how a bulk load should be done; the rate printed is for that.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import NOT_PROVIDED  # noqa: E402
from django.utils.html import escape  # noqa: E402

from postmortems import models as m  # noqa: E402
from postmortems.search.index import rebuild_index  # noqa: E402

SEED = 7_2026
COMMON = """
the of and to in a is that for it as was with be by on not he this are or his from at which but have an they
you were her she there one all we their been has when who will more no if out so what up said about into than
them can only other new some could time these two may then do first any my now such like our over man me even
most made after also did many before must through back years where much your way well down should because each
just those people how too little state good very make world still own see men work long get here between both
life being under never day same another know while last might us great old year off come since against go came
right used take three states himself few house use during without again place around however home small found
thought went say part once general high upon school every does got united left number course war until always
away something fact though water less public put think almost hand enough far took head yet government system
better set told nothing night end why called didn't eyes find going look asked later knew point next program city
business give group toward young days let room president side social given present several order national second
possible rather per face among form important often things looking early white case john become large big need
four within felt along children saw best church ever least power development thing light seemed family interest
want members mind country area others done turned although open god service certain kind problem began different
door thus help sense means whole matter perhaps itself york times law human line above name example action company
hands local show whether five history gave today either act feet across taken past quite anything seen having
death week experience
""".split()
# Operations words any write-up uses, whatever it is about; they share the Zipf ranks with COMMON.
GENERAL_OPS = """
service services error errors request requests deploy deployed alert alerts team latency timeout timeouts incident
traffic response failure failed issue change changes system customer customers data server servers production
monitoring dashboard paged engineer oncall minutes restart restarted fix rollback update version config release
database cache queue api network load capacity retry retries slow outage degraded logs metrics graph investigation
mitigation impact root cause recovered recovery status page escalated
""".split()
# What a postmortem is about: topics follow a Zipf popularity, and each brings its own words.
TOPICS = {
    "database": "replica replicas primary failover postgres vacuum deadlock query planner index bloat".split(),
    "deploy": "rollout canary pipeline artifact hotfix bake promotion blue green revert".split(),
    "config": "configuration flag toggle typo validation default override templating push drift".split(),
    "cache": "redis memcached eviction stampede warm cold hit ratio keys invalidation".split(),
    "kubernetes": "kubernetes k8s pod pods node nodes scheduler kubelet daemonset helm".split(),
    "network": "packet loss partition firewall route bgp mtu interface link jitter".split(),
    "loadbalancer": "balancer health check checks ingress upstream backend draining listener target".split(),
    "dns": "dns resolver resolution nameserver record records zone cname propagation lookup".split(),
    "certificates": "certificate certificates tls ssl handshake expired expiry renewal intermediate chain".split(),
    "kafka": "kafka consumer consumers lag partition partitions broker rebalance offset topic".split(),
    "memory": "memory oom oomkilled leak heap garbage collection swap allocation fragmentation".split(),
    "disk": "disk full volume storage iops inode filesystem compaction space quota".split(),
    "auth": "authentication login session sessions oauth token tokens identity sso password".split(),
    "ratelimit": "rate limiter throttling burst quota backoff storm shedding admission budget".split(),
    "queue": "backlog worker workers job jobs batch dead letter poison visibility".split(),
    "payments": "payment payments card processor authorisation refund checkout settlement duplicate ledger".split(),
    "pool": "connection connections pool exhausted saturation threads starvation acquire leak".split(),
    "clock": "clock skew ntp timezone leap cron schedule midnight daylight drift".split(),
    "search": "elasticsearch shard shards reindex mapping relevance cluster replica heap segment".split(),
    "cdn": "cdn edge purge origin cached header vary stale shield pop".split(),
    "email": "email smtp bounce deliverability spam sender reputation queue template mailbox".split(),
    "mobile": "mobile app ios android release store version crash push notification".split(),
    "vendor": "vendor provider third party sla contract support ticket status escalation".split(),
    "backup": "backup restore snapshot retention corruption recovery point wal archive".split(),
    "migration": "migration schema column backfill lock alter table online ghost".split(),
    "secrets": "secret secrets vault rotation credential leak key revoked exposure".split(),
    "observability": "tracing sampling cardinality prometheus scrape retention alerting pager noise".split(),
    "ci": "build ci runner flaky test artifact registry image cache dependency".split(),
    "storage": "s3 bucket object lifecycle replication consistency listing multipart".split(),
    "webhooks": "webhook webhooks callback payload signature retry endpoint subscriber delivery".split(),
    "featureflags": "feature rollout percentage cohort experiment killswitch targeting".split(),
    "billing": "invoice billing subscription proration tax currency renewal charge".split(),
    "gpu": "gpu inference model batch accelerator driver cuda memory".split(),
    "serialization": "serialization json protobuf schema version encoding unicode parser".split(),
    "ipv6": "ipv6 dual stack address routing tunnel nat".split(),
    "timeouts": "deadline timeout propagation cascade budget hedging".split(),
    "hardware": "hardware disk controller firmware raid power rack datacenter".split(),
    "access": "permission iam role policy denied privilege audit".split(),
    "locks": "lock locks mutex contention distributed lease election zookeeper".split(),
    "data": "duplicate duplicates ordering idempotency replay dedupe exactly once".split(),
}
SYMPTOMS = ["errors", "timeouts", "slow responses", "outage", "degraded service", "failed requests", "data delay"]
FACTOR_ROLES = ["activator", "enabling", "amplifier", "impediment", "mitigator"]
EVENT_KINDS = ["detection", "observation", "decision", "action", "communication", "change"]
SERVICE_COUNT = 80
TEAM_COUNT = 10


def zipf_cum_weights(n: int, s: float = 1.07) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**s
        cumulative.append(total)
    return cumulative


def rare_tokens(rng: random.Random, count: int) -> list[str]:
    """A long tail of rare tokens (host names, products, people), as real text has."""
    syllables = "ka lo mi ra ve to sun dar pel qui no bex tor lan fi gro zu mar len sti".split()
    return [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) + str(rng.randint(0, 99)) for _ in range(count)
    ]


class Writer:
    """Sentences from a Zipf-distributed vocabulary, with extra weight on a document's topics."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        general = COMMON[:120] + GENERAL_OPS[:40] + COMMON[120:] + GENERAL_OPS[40:]
        self.vocabulary = list(dict.fromkeys(general + rare_tokens(rng, 20_000)))
        self.cumulative = zipf_cum_weights(len(self.vocabulary))
        # A pool of background words drawn once; documents sample from it (fast, same distribution).
        self.pool = rng.choices(self.vocabulary, cum_weights=self.cumulative, k=2_000_000)
        self.all_topic_words = [word for words in TOPICS.values() for word in words]

    def sentence(self, topics: list[str], topic_share: float = 0.05) -> str:
        start = self.rng.randrange(len(self.pool) - 30)
        words = self.pool[start : start + self.rng.randint(8, 22)]
        words = [self._topic_word(topics) if self.rng.random() < topic_share else w for w in words]
        return " ".join(words).capitalize() + "."

    def _topic_word(self, topics: list[str]) -> str:
        # Now and then a word from another topic: write-ups mention neighbouring systems in passing.
        if self.rng.random() < 0.03:
            return self.rng.choice(self.all_topic_words)
        return self.rng.choice(TOPICS[self.rng.choice(topics)])

    def paragraph(self, topics: list[str], words: int, topic_share: float = 0.05) -> str:
        sentences, count = [], 0
        while count < words:
            sentence = self.sentence(topics, topic_share)
            sentences.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(sentences)


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples of Python values) into `table` in text format."""

    def text(value) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, dict | list):
            value = json.dumps(value)
        value = str(value)
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(text(v) for v in row))
        buffer.write("\n")
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())


def html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def make_catalog(rng: random.Random) -> tuple[list[int], list[int], list[tuple[int, str]]]:
    teams = [m.Team.objects.create(name=f"Bench team {n}", slug=f"bench-team-{n}") for n in range(TEAM_COUNT)]
    names = sorted({w for words in TOPICS.values() for w in words})
    services = []
    for n in range(SERVICE_COUNT):
        name = f"{rng.choice(names)}-{rng.choice(['api', 'service', 'worker', 'store', 'gateway'])}-{n}"
        services.append(m.Service.objects.create(name=name, slug=name, team=teams[n % TEAM_COUNT], tier=1 + n % 4))
    factors = list(m.Factor.objects.filter(is_active=True).values_list("pk", "family__slug"))
    return [t.pk for t in teams], [s.pk for s in services], factors


def postmortem_columns() -> list[str]:
    return [f.column for f in m.Postmortem._meta.concrete_fields if f.column != "id"]


def defaults() -> dict[str, object]:
    values = {}
    for field in m.Postmortem._meta.concrete_fields:
        if field.column == "id":
            continue
        default = field.get_default() if field.default is not NOT_PROVIDED else ("" if not field.null else None)
        values[field.column] = default
    return values


def generate(count: int, seed: int) -> None:
    rng = random.Random(seed)
    writer = Writer(rng)
    team_ids, service_ids, factors = make_catalog(rng)
    cum_services = zipf_cum_weights(len(service_ids), 0.9)
    cum_factors = zipf_cum_weights(len(factors), 0.8)
    topic_names = list(TOPICS)
    cum_topics = zipf_cum_weights(len(topic_names), 0.8)
    base = defaults()
    columns = postmortem_columns()
    started = datetime(2020, 1, 1, tzinfo=UTC)
    batch = 2_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM postmortems_postmortem")
        next_id = cursor.fetchone()[0] + 1
    for offset in range(0, count, batch):
        rows, links, tags, events, actions, allowed = [], [], [], [], [], []
        for n in range(offset, min(count, offset + batch)):
            pk = next_id + n
            topics = list(dict.fromkeys(rng.choices(topic_names, cum_weights=cum_topics, k=rng.choice([1, 1, 2]))))
            when = started + timedelta(minutes=rng.randrange(6 * 365 * 24 * 60))
            title_words = rng.sample(TOPICS[topics[0]], 2)
            symptom, cause = rng.choice(SYMPTOMS).capitalize(), rng.choice(GENERAL_OPS)
            title = f"{symptom} in {title_words[0]} after {title_words[1]} {cause}"
            summary = writer.paragraph(topics, rng.randint(40, 80), topic_share=0.12)
            words = rng.randint(1_000, 3_000)
            narrative = [writer.paragraph(topics, 150) for _ in range(words // 150)]
            impact = writer.paragraph(topics, 60)
            status = rng.choices(["published", "in_review", "draft"], weights=[85, 5, 10])[0]
            restricted = rng.random() < 0.01
            row = dict(base)
            row.update(
                key=f"PM-{when.year}-{pk:06d}",
                title=title[:200],
                kind=rng.choices(["incident", "near_miss", "external"], weights=[80, 15, 5])[0],
                severity=rng.choices([1, 2, 3, 4], weights=[5, 20, 45, 30])[0],
                status=status,
                started_at=when,
                detected_at=when + timedelta(minutes=rng.randint(1, 60)),
                resolved_at=when + timedelta(minutes=rng.randint(60, 600)),
                timezone="UTC",
                summary=summary,
                summary_html=html([summary]),
                impact=impact,
                impact_html=html([impact]),
                narrative="\n\n".join(narrative),
                narrative_html=html(narrative),
                restricted=restricted,
                version=1,
                created_at=when + timedelta(days=2),
                updated_at=when + timedelta(days=3),
                published_at=when + timedelta(days=5) if status == "published" else None,
            )
            rows.append((pk, *[row[c] for c in columns]))
            if restricted:
                allowed.append((pk, rng.choice(team_ids)))
            for service in set(rng.choices(service_ids, cum_weights=cum_services, k=rng.randint(1, 4))):
                links.append((pk, service, rng.choice(["origin", "impacted", "involved"])))
            for position, (factor, _family) in enumerate(
                dict.fromkeys(rng.choices(factors, cum_weights=cum_factors, k=rng.randint(2, 6)))
            ):
                story = writer.paragraph(topics, 40)
                why = writer.paragraph(topics, 20)
                tags.append(
                    (pk, factor, rng.choice(FACTOR_ROLES), story, html([story]), why, html([why]), position, when)
                )
            for k in range(rng.randint(3, 8)):
                events.append(
                    (pk, when + timedelta(minutes=10 * k), rng.choice(EVENT_KINDS), writer.sentence(topics), "", "")
                )
            for _ in range(rng.randint(1, 3)):
                actions.append((pk, writer.sentence(topics)[:300], "prevent", "open", "", when))
        copy_rows("postmortems_postmortem", ["id", *columns], rows)
        copy_rows("postmortems_postmortem_allowed_teams", ["postmortem_id", "team_id"], allowed)
        copy_rows("postmortems_postmortemservice", ["postmortem_id", "service_id", "role"], links)
        copy_rows(
            "postmortems_contributingfactor",
            [
                "postmortem_id",
                "factor_id",
                "role",
                "narrative",
                "narrative_html",
                "why_it_made_sense",
                "why_it_made_sense_html",
                "position",
                "created_at",
            ],
            tags,
        )
        copy_rows(
            "postmortems_timelineevent",
            ["postmortem_id", "occurred_at", "kind", "text", "actor", "why_it_made_sense"],
            events,
        )
        copy_rows(
            "postmortems_actionitem", ["postmortem_id", "title", "kind", "status", "tracker_url", "created_at"], actions
        )
        print(f"  {min(count, offset + batch):>7,} postmortems written", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('postmortems_postmortem', 'id'), max(id)) FROM postmortems_postmortem"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("search_corpus.py writes to PostgreSQL: set DATABASE_URL to a database kept for the benchmark")
    call_command("migrate", verbosity=0)
    if m.Postmortem.objects.exists():
        sys.exit(f"{connection.settings_dict['NAME']} already holds postmortems: use an empty database")
    began = time.perf_counter()
    generate(args.count, args.seed)
    written = time.perf_counter()
    print(f"Wrote {args.count:,} postmortems and their rows in {written - began:.0f}s")
    # A GIN or RUM index is much faster to build once than to grow row by row: drop, write, build (same definitions).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s AND indexdef ~ %s",
            ["search_doc_%", "USING (gin|rum)"],
        )
        gin_indexes = cursor.fetchall()
        for name, _definition in gin_indexes:
            cursor.execute(f"DROP INDEX {name}")
    documents = rebuild_index()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in gin_indexes:
            cursor.execute(definition)
    indexed = time.perf_counter()
    print(
        f"Indexed {documents:,} search documents in {indexed - written:.0f}s ({documents / (indexed - written):.0f}/s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('postmortems_searchdocument'))")
        print(f"Search documents with their vectors and indexes: {cursor.fetchone()[0]}")


if __name__ == "__main__":
    main()
