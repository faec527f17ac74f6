"""The pattern index: every counted fact about a set of postmortems, as one bitset per fact.

Postmortems are numbered 0..n-1 in order of their start (unknown starts first), so a date range is a
contiguous run of bits. Each fact ("tagged with factor 12", "involves service 3", "Ana is in its
timeline") is a Python int whose bit i is set when postmortem i has it. Counting a pattern is then an
AND and a popcount, which takes microseconds even for 100,000 postmortems, and the same code serves
SQLite and PostgreSQL.

The index over all published, unrestricted postmortems is built in the background and stored in
PatternSnapshot; the postmortems a snapshot cannot vouch for (restricted, or changed since the
build) get a small index of their own, built per request from the same code (population.py).
"""

from __future__ import annotations

import bisect
import json
import struct
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import CharField, IntegerField, QuerySet, Value

from postmortems.models import (
    AssumptionEvidence,
    ContributingFactor,
    FactorRole,
    Postmortem,
    PostmortemService,
    TimelineEvent,
)

FORMAT_VERSION = 3
# Sorts before every real start time, so postmortems without one sit at the front of the order.
NO_START = float("-inf")
NO_DURATION = -1.0

# Fact kinds. A fact is (kind, key).
KIND = "k"  # key: postmortem kind ("incident", ...)
SEVERITY = "v"  # key: severity, 0 when unset
FACTOR = "f"  # key: factor id, any role
MITIGATOR = "m"  # key: factor id, tagged in the mitigator role
SERVICE = "s"  # key: service id (services involved in the postmortem)
SHARED_WITH = "t"  # key: team id the (restricted) postmortem is shared with
ACTOR = "a"  # key: a name from the timeline's "who", case-folded
EVIDENCE = "e"  # key: assumption id, shown violated or stressed
VIOLATED = "x"  # key: assumption id, shown violated
DEPTH = "d"  # key: one of the DEPTH_* names below
DEPTH_SINGLE = "single"  # exactly one non-mitigating classified factor (the "root cause smell")
DEPTH_MITIGATOR = "mitigator"  # at least one factor in the mitigator role
DEPTH_UNCLASSIFIED = "unclassified"  # no classified factor at all
DURATION = "b"  # key: index into DURATION_BANDS of the band the time from start to resolution falls in

# Lower bounds, in seconds, of the duration bands (the last is open-ended).
DURATION_BANDS = [0, 15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 86400, 3 * 86400]

Fact = tuple[str, int | str]


@dataclass
class PostmortemRow:
    """The columns of a postmortem the index needs."""

    id: int
    key: str
    started_at: datetime | None
    resolved_at: datetime | None
    kind: str
    severity: int | None


@dataclass
class PatternIndex:
    """Facts about `size` postmortems, numbered by start time."""

    ids: list[int]
    keys: list[str]
    started: list[float]  # seconds since the epoch, ascending; NO_START when unknown
    durations: list[float]  # seconds from start to resolution; NO_DURATION when either is unknown
    bits: dict[Fact, int]
    actor_names: dict[str, str] = field(default_factory=dict)  # case-folded name -> name as first written

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def positions(self) -> dict[int, int]:
        """Postmortem id -> position."""
        return {pm_id: i for i, pm_id in enumerate(self.ids)}

    def bit(self, kind: str, key: int | str) -> int:
        return self.bits.get((kind, key), 0)

    def keys_of(self, kind: str) -> set[int | str]:
        return {key for fact_kind, key in self.bits if fact_kind == kind}

    def position_range(self, start: float | None, end: float | None) -> tuple[int, int]:
        """Positions [lo, hi) of postmortems that started in [start, end); None is open-ended."""
        lo = 0 if start is None else bisect.bisect_left(self.started, start)
        hi = self.size if end is None else bisect.bisect_left(self.started, end)
        return lo, max(lo, hi)

    def first_position_at_or_after(self, when: float) -> int:
        return bisect.bisect_left(self.started, when)

    # Serialisation: a length-prefixed JSON header, then each bitset as fixed-width little-endian bytes.
    # Plain data only (no pickle), so reading a snapshot can never run code.

    def to_bytes(self) -> bytes:
        width = (self.size + 7) // 8
        facts = sorted(self.bits, key=lambda fact: (fact[0], str(fact[1])))
        header = {
            "version": FORMAT_VERSION,
            "ids": self.ids,
            "keys": self.keys,
            "started": [None if s == NO_START else s for s in self.started],
            "durations": self.durations,
            "actors": self.actor_names,
            "facts": [[kind, key] for kind, key in facts],
        }
        head = json.dumps(header, separators=(",", ":")).encode()
        body = b"".join(self.bits[fact].to_bytes(width, "little") for fact in facts)
        return zlib.compress(struct.pack("<Q", len(head)) + head + body, level=6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> PatternIndex:
        raw = zlib.decompress(bytes(blob))
        (head_length,) = struct.unpack_from("<Q", raw)
        header = json.loads(raw[8 : 8 + head_length])
        if header.get("version") != FORMAT_VERSION:
            raise ValueError(f"pattern index format {header.get('version')} is not {FORMAT_VERSION}")
        width = (len(header["ids"]) + 7) // 8
        view = memoryview(raw)[8 + head_length :]
        bits = {
            (kind, key): int.from_bytes(view[i * width : (i + 1) * width], "little")
            for i, (kind, key) in enumerate(header["facts"])
        }
        return cls(
            ids=header["ids"],
            keys=header["keys"],
            started=[NO_START if s is None else s for s in header["started"]],
            durations=header["durations"],
            bits=bits,
            actor_names=header["actors"],
        )


def normalise_actor(name: str) -> str:
    """People are written by hand: "Ana ", "ana" and "ANA" are one person."""
    return " ".join(name.split()).casefold()


def bitset_of(positions: Iterable[int], size: int) -> int:
    """A bitset with the given positions set (built in a byte buffer: setting bits one by one on an int is slow)."""
    buffer = bytearray((size + 7) // 8)
    for i in positions:
        buffer[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buffer, "little")


def fact_rows(postmortem_ids: QuerySet | list[int]) -> QuerySet:
    """(postmortem id, fact kind, number, text) for every tag, service, timeline person, assumption link and
    team a postmortem is shared with.

    One query (a UNION ALL) whatever the number of postmortems; `postmortem_ids` is a query or list of ids.
    """
    text = CharField()
    number = IntegerField()
    tags = ContributingFactor.objects.filter(postmortem_id__in=postmortem_ids, factor__isnull=False).values_list(
        "postmortem_id", Value(FACTOR, output_field=text), "factor_id", "role"
    )
    services = PostmortemService.objects.filter(postmortem_id__in=postmortem_ids).values_list(
        "postmortem_id", Value(SERVICE, output_field=text), "service_id", Value("", output_field=text)
    )
    people = (
        TimelineEvent.objects.filter(postmortem_id__in=postmortem_ids)
        .exclude(actor="")
        .values_list("postmortem_id", Value(ACTOR, output_field=text), Value(0, output_field=number), "actor")
    )
    evidence = AssumptionEvidence.objects.filter(postmortem_id__in=postmortem_ids).values_list(
        "postmortem_id", Value(EVIDENCE, output_field=text), "assumption_id", "evidence_type"
    )
    shared = Postmortem.allowed_teams.through.objects.filter(postmortem_id__in=postmortem_ids).values_list(
        "postmortem_id", Value(SHARED_WITH, output_field=text), "team_id", Value("", output_field=text)
    )
    parts = (services, people, evidence, shared)
    return tags.order_by().union(*(part.order_by() for part in parts), all=True)


def _order(rows: Iterable[PostmortemRow]) -> list[PostmortemRow]:
    return sorted(rows, key=lambda r: (NO_START if r.started_at is None else r.started_at.timestamp(), r.id))


def build_index(rows: Iterable[PostmortemRow], facts: Iterable[Sequence[Any]]) -> PatternIndex:
    """Number the postmortems by start and turn their facts into bitsets; facts of others are ignored."""
    ordered = _order(rows)
    position = {row.id: i for i, row in enumerate(ordered)}
    positions: dict[Fact, list[int]] = defaultdict(list)
    durations = [_duration(row) for row in ordered]
    for i, row in enumerate(ordered):
        positions[(KIND, row.kind)].append(i)
        positions[(SEVERITY, row.severity or 0)].append(i)
        if durations[i] != NO_DURATION:
            positions[(DURATION, bisect.bisect_right(DURATION_BANDS, durations[i]) - 1)].append(i)
    non_mitigating: dict[int, set[int]] = defaultdict(set)
    classified: set[int] = set()
    written: dict[str, Counter] = defaultdict(Counter)
    for postmortem_id, kind, number, text in facts:
        i = position.get(postmortem_id)
        if i is None:
            continue
        if kind == FACTOR:
            positions[(FACTOR, number)].append(i)
            classified.add(i)
            if text == FactorRole.MITIGATOR:
                positions[(MITIGATOR, number)].append(i)
                positions[(DEPTH, DEPTH_MITIGATOR)].append(i)
            else:
                non_mitigating[i].add(number)
        elif kind in (SERVICE, SHARED_WITH):
            positions[(kind, number)].append(i)
        elif kind == ACTOR:
            name = normalise_actor(text)
            if name:
                written[name][" ".join(text.split())] += 1
                positions[(ACTOR, name)].append(i)
        elif kind == EVIDENCE and text in ("violated", "stressed"):
            positions[(EVIDENCE, number)].append(i)
            if text == "violated":
                positions[(VIOLATED, number)].append(i)
    positions[(DEPTH, DEPTH_SINGLE)] = [i for i, factors in non_mitigating.items() if len(factors) == 1]
    positions[(DEPTH, DEPTH_UNCLASSIFIED)] = [i for i in range(len(ordered)) if i not in classified]
    size = len(ordered)
    # A person is shown as most often written, capitals preferred on a tie ("Ana" over "ana").
    actor_names = {
        name: max(forms, key=lambda form: (forms[form], form != form.lower(), form)) for name, forms in written.items()
    }
    return PatternIndex(
        ids=[row.id for row in ordered],
        keys=[row.key for row in ordered],
        started=[NO_START if row.started_at is None else row.started_at.timestamp() for row in ordered],
        durations=durations,
        bits={fact: bitset_of(found, size) for fact, found in positions.items() if found},
        actor_names=actor_names,
    )


def _duration(row: PostmortemRow) -> float:
    if row.started_at is None or row.resolved_at is None:
        return NO_DURATION
    return max(0.0, (row.resolved_at - row.started_at).total_seconds())


POSTMORTEM_COLUMNS = ("id", "key", "started_at", "resolved_at", "kind", "severity")


def postmortem_rows(queryset: QuerySet) -> list[PostmortemRow]:
    return [PostmortemRow(*values) for values in queryset.values_list(*POSTMORTEM_COLUMNS)]


def index_queryset(queryset: QuerySet) -> PatternIndex:
    """Build an index over a query of postmortems, in two queries; facts stream rather than load at once."""
    return build_index(postmortem_rows(queryset), fact_rows(queryset.values("id")).iterator(chunk_size=20_000))
