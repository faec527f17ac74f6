"""Similar incidents: the postmortems that share the most with one postmortem, or with a draft being written.

What counts, and how much (a candidate's score is the sum):

| shared with the source                                   | points                                   |
|----------------------------------------------------------|------------------------------------------|
| a contributing factor                                    | 3 / (1 + log10(postmortems with it)) [*] |
| a service                                                | 2 (at most 4 in all)                     |
| a service one dependency away from one of the source's   | 1 (at most 2 in all)                     |
| an assumption (tested, or revealed by a factor)          | 3 (at most 6 in all)                     |
| at least two words of the title and summary              | up to 3 (full-text rank, best = 3)       |

Rare factors say more than common ones, hence the discount by how many postmortems carry the factor.
[*] counted up to RARE + 1: past that, every factor weighs the same (0.69 points).

Scoring every postmortem that shares anything would read most of a large library (a common factor
is on one postmortem in ten), so scores are computed exactly for a pool of candidates: postmortems
sharing a rare item (one on at most RARE postmortems), sharing three (or two) of the common ones at
once, or sharing words. Every candidate comes through the visibility rule; reasons name only what
both sides share.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from postmortems.models import (
    AssumptionEvidence,
    ContributingFactor,
    Dependency,
    Factor,
    Kind,
    Postmortem,
    PostmortemService,
    SearchDocument,
    Service,
)
from postmortems.search import postgres, sqlite
from postmortems.search.query import STOP_WORDS, stem, words_of
from postmortems.search.sql import Fragment, hidden_postmortems
from postmortems.search.types import DraftIncident, SimilarIncident

SIMILAR_COUNT = 5
CANDIDATES = 50  # from words, and from each of rare and combined items
RARE = 2000  # an item carried by at most this many postmortems is read in full to find candidates
COMBINED_ITEMS = 6  # the least common of the common items, combined three (or two) at a time
SERVICE_POINTS = 2.0
NEIGHBOUR_POINTS = 1.0
ASSUMPTION_POINTS = 3.0
TEXT_POINTS = 3.0
SERVICE_CAP = 4.0
NEIGHBOUR_CAP = 2.0
ASSUMPTION_CAP = 6.0
TEXT_WORDS = 8


@dataclass
class _Profile:
    """What the source shares-able: its factors, services, their neighbours, assumptions and words."""

    exclude_id: int | None = None
    factors: dict[int, str] = field(default_factory=dict)  # id -> name
    factor_slugs: dict[int, str] = field(default_factory=dict)
    services: dict[int, str] = field(default_factory=dict)
    service_slugs: dict[int, str] = field(default_factory=dict)
    neighbours: dict[int, str] = field(default_factory=dict)  # id -> "Redis (which Checkout depends on)"
    assumptions: dict[int, str] = field(default_factory=dict)
    text: str = ""


def similar_postmortems(
    *,
    user: AbstractBaseUser | AnonymousUser,
    postmortem: Postmortem | None = None,
    draft: DraftIncident | None = None,
    limit: int = SIMILAR_COUNT,
) -> list[SimilarIncident]:
    """The `limit` postmortems most like `postmortem` (or `draft`) that this person may see, with reasons."""
    if not user.is_authenticated or not user.is_active:
        return []
    profile = _profile_of_postmortem(postmortem) if postmortem is not None else _profile_of_draft(draft)
    hidden = hidden_postmortems(user)
    frequency = _frequencies(profile)
    text = _text_scores(profile, hidden)
    pool = (
        _rare_candidates(profile, frequency, hidden) | _combination_candidates(profile, frequency, hidden) | set(text)
    )
    pool.discard(profile.exclude_id)
    shared = _shared_items(profile, sorted(pool))
    scores = {pk: _points(profile, shared[pk], frequency) + text.get(pk, 0.0) for pk in pool}
    best = sorted(scores, key=lambda pk: (-scores[pk], -pk))[: limit * 3]
    return _explain(user, profile, {pk: scores[pk] for pk in best}, shared, limit)


def _profile_of_postmortem(postmortem: Postmortem) -> _Profile:
    profile = _Profile(exclude_id=postmortem.pk)
    tags = ContributingFactor.objects.filter(postmortem=postmortem).select_related("factor", "assumption")
    for tag in tags:
        if tag.factor_id:
            profile.factors[tag.factor_id] = tag.factor.name
            profile.factor_slugs[tag.factor_id] = tag.factor.slug
        if tag.assumption_id:
            profile.assumptions[tag.assumption_id] = tag.assumption.statement
    for ev in AssumptionEvidence.objects.filter(postmortem=postmortem).select_related("assumption"):
        profile.assumptions[ev.assumption_id] = ev.assumption.statement
    links = PostmortemService.objects.filter(postmortem=postmortem).select_related("service")
    profile.services = {link.service_id: link.service.name for link in links}
    profile.service_slugs = {link.service_id: link.service.slug for link in links}
    profile.neighbours = _neighbours(profile.services)
    profile.text = f"{postmortem.title}\n{postmortem.summary}"
    return profile


def _profile_of_draft(draft: DraftIncident | None) -> _Profile:
    draft = draft or DraftIncident()
    profile = _Profile(text=f"{draft.title}\n{draft.summary}")
    if draft.exclude_key:
        profile.exclude_id = Postmortem.objects.filter(key=draft.exclude_key).values_list("pk", flat=True).first()
    if draft.factors:
        for pk, slug, name in Factor.objects.filter(slug__in=draft.factors).values_list("pk", "slug", "name"):
            profile.factors[pk], profile.factor_slugs[pk] = name, slug
    if draft.services:
        for pk, slug, name in Service.objects.filter(slug__in=draft.services).values_list("pk", "slug", "name"):
            profile.services[pk], profile.service_slugs[pk] = name, slug
        profile.neighbours = _neighbours(profile.services)
    return profile


def _neighbours(services: dict[int, str]) -> dict[int, str]:
    """Services one dependency away from any of `services`, described by how they are linked."""
    if not services:
        return {}
    found: dict[int, str] = {}
    edges = Dependency.objects.filter(Q(source__in=services) | Q(target__in=services)).select_related(
        "source", "target"
    )
    for edge in edges:
        if edge.source_id in services and edge.target_id not in services:
            found.setdefault(edge.target_id, f"{edge.target.name} (which {edge.source.name} depends on)")
        elif edge.target_id in services and edge.source_id not in services:
            found.setdefault(edge.source_id, f"{edge.source.name} (which depends on {edge.target.name})")
    return found


def _frequencies(profile: _Profile) -> dict[tuple[str, int], int]:
    """How many postmortems carry each of the source's factors and services (and neighbours), up to RARE + 1.

    Counting stops there: past it an item is common, and common ones all weigh about the same, so a
    large library costs no more to count than a small one.
    """
    tags, links = ContributingFactor._meta.db_table, PostmortemService._meta.db_table
    items = [("factor", pk, tags, "factor_id") for pk in profile.factors]
    items += [("service", pk, links, "service_id") for pk in {*profile.services, *profile.neighbours}]
    if not items:
        return {}
    counted = " UNION ALL ".join(
        f"SELECT %s, %s, (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT {RARE + 1}) AS c)"
        for _kind, _pk, table, column in items
    )
    params = [value for kind, pk, _table, _column in items for value in (kind, pk, pk)]
    with connection.cursor() as cursor:
        cursor.execute(counted, params)
        return {(kind, pk): count for kind, pk, count in cursor.fetchall()}


def _is_rare(frequency: dict[tuple[str, int], int], kind: str, pk: int) -> bool:
    return frequency.get((kind, pk), 0) <= RARE


def _rare_candidates(profile: _Profile, frequency, hidden: Fragment | None) -> set[int]:
    """Postmortems sharing the most rare items: the rows read are bounded by RARE per item."""
    tags, links = ContributingFactor._meta.db_table, PostmortemService._meta.db_table
    parts: list[Fragment] = []
    factors = [pk for pk in profile.factors if _is_rare(frequency, "factor", pk)]
    services = [pk for pk in {*profile.services, *profile.neighbours} if _is_rare(frequency, "service", pk)]
    if factors:
        parts.append(
            Fragment(f"SELECT postmortem_id AS pid FROM {tags} WHERE factor_id IN ({_marks(factors)})", factors)
        )
    if services:
        parts.append(
            Fragment(f"SELECT postmortem_id AS pid FROM {links} WHERE service_id IN ({_marks(services)})", services)
        )
    if profile.assumptions:
        assumptions = list(profile.assumptions)
        evidence = AssumptionEvidence._meta.db_table
        parts.append(
            Fragment(
                f"SELECT postmortem_id AS pid FROM {evidence} WHERE assumption_id IN ({_marks(assumptions)})",
                assumptions,
            )
        )
        parts.append(
            Fragment(
                f"SELECT postmortem_id AS pid FROM {tags} WHERE assumption_id IN ({_marks(assumptions)})", assumptions
            )
        )
    if not parts:
        return set()
    conditions, params = ["1 = 1"], [value for part in parts for value in part.params]
    if hidden is not None:
        conditions.append(f"u.pid NOT IN ({hidden.sql})")
        params += hidden.params
    union = " UNION ALL ".join(part.sql for part in parts)
    sql = (
        f"SELECT u.pid FROM ({union}) AS u WHERE {' AND '.join(conditions)} "
        f"GROUP BY u.pid ORDER BY count(*) DESC, u.pid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES])
        return {row[0] for row in cursor.fetchall()}


def _combination_candidates(profile: _Profile, frequency, hidden: Fragment | None) -> set[int]:
    """Postmortems sharing three (or, if too few, two) of the source's common factors and services at once.

    Found through the GIN index on the documents' facet keys, which intersects the postings itself.
    """
    common = [
        ("factor", pk, slug) for pk, slug in profile.factor_slugs.items() if not _is_rare(frequency, "factor", pk)
    ]
    common += [
        ("service", pk, slug) for pk, slug in profile.service_slugs.items() if not _is_rare(frequency, "service", pk)
    ]
    common.sort(key=lambda item: frequency.get(item[:2], 0))
    keys = [f"{kind}:{slug}" for kind, _pk, slug in common[:COMBINED_ITEMS]]
    found: set[int] = set()
    for size in (3, 2):
        if len(keys) < size or len(found) >= CANDIDATES // 4:
            continue
        combos = [list(combo) for combo in itertools.combinations(keys, size)]
        found |= _documents_containing_any(combos, hidden, profile.exclude_id)
    return found


def _documents_containing_any(combos: list[list[str]], hidden: Fragment | None, exclude_id: int | None) -> set[int]:
    """Documents whose facet keys include every key of at least one of `combos`, newest first."""
    if connection.vendor == "postgresql":
        contains = [("d.facets @> %s::jsonb", [json.dumps(combo)]) for combo in combos]
    else:
        # No jsonb containment here: the same test, key by key, through json_each.
        exists = "EXISTS (SELECT 1 FROM json_each(d.facets) AS f WHERE f.value = %s)"
        contains = [("(" + " AND ".join([exists] * len(combo)) + ")", list(combo)) for combo in combos]
    conditions = ["(" + " OR ".join(sql for sql, _ in contains) + ")"]
    params = [value for _, values in contains for value in values]
    if exclude_id is not None:
        conditions.append("d.postmortem_id <> %s")
        params.append(exclude_id)
    if hidden is not None:
        conditions.append(f"d.postmortem_id NOT IN ({hidden.sql})")
        params += hidden.params
    sql = (
        f"SELECT d.postmortem_id FROM {SearchDocument._meta.db_table} AS d WHERE {' AND '.join(conditions)} "
        "ORDER BY d.is_published DESC, d.started_at DESC, d.postmortem_id DESC LIMIT %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            postgres.prepare(cursor)
        cursor.execute(sql, [*params, CANDIDATES])
        return {row[0] for row in cursor.fetchall()}


def _points(profile: _Profile, shared: dict[str, set[int]], frequency) -> float:
    """The score from the table in the module docstring, for what one candidate shares."""
    factors = sum(3.0 / (1.0 + math.log10(max(1, frequency.get(("factor", pk), 1)))) for pk in shared["factors"])
    own = sum(1 for pk in shared["services"] if pk in profile.services)
    near = len(shared["services"]) - own
    return (
        factors
        + min(SERVICE_CAP, SERVICE_POINTS * own)
        + min(NEIGHBOUR_CAP, NEIGHBOUR_POINTS * near)
        + min(ASSUMPTION_CAP, ASSUMPTION_POINTS * len(shared["assumptions"]))
    )


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _significant_words(text: str) -> list[str]:
    chosen: dict[str, str] = {}
    for word in words_of(text):
        if len(word) > 2 and word not in STOP_WORDS and not word.isdigit():
            chosen.setdefault(stem(word), word)
    # Longer words first: a cheap stand-in for rarity that keeps "stampede" over "slow".
    return sorted(chosen.values(), key=len, reverse=True)[:TEXT_WORDS]


def _text_scores(profile: _Profile, hidden: Fragment | None) -> dict[int, float]:
    words = _significant_words(profile.text)
    backend = {"postgresql": postgres, "sqlite": sqlite}.get(connection.vendor)
    if not words or backend is None:
        return {}
    exclude = [profile.exclude_id] if profile.exclude_id is not None else []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            backend.prepare(cursor)
            rows = backend.text_matches(cursor, words=words, hidden=hidden, exclude_ids=exclude, limit=CANDIDATES)
    except DatabaseError:
        return {}  # text is one signal of several; the others still answer
    top = max((score for _, score in rows), default=0.0)
    return {pk: TEXT_POINTS * score / top for pk, score in rows} if top > 0 else {}


def _explain(
    user: AbstractBaseUser | AnonymousUser,
    profile: _Profile,
    scores: dict[int, float],
    shared: dict[int, dict[str, set[int]]],
    limit: int,
) -> list[SimilarIncident]:
    """The best candidates the person may see, each with the reasons in words."""
    if not scores:
        return []
    rows = (
        Postmortem.objects.visible_to(user)
        .filter(pk__in=scores)
        .select_related("search_document")
        .only("key", "title", "kind", "started_at", "search_document__summary", "search_document__names")
    )
    ranked = sorted(rows, key=lambda pm: (-scores[pm.pk], -(pm.started_at.timestamp() if pm.started_at else 0)))
    ranked = ranked[:limit]
    source_words = _significant_words(profile.text)
    results = []
    for pm in ranked:
        document = getattr(pm, "search_document", None)
        text = f"{pm.title}\n{document.summary}\n{document.names}" if document else pm.title
        reasons = _reasons(profile, shared.get(pm.pk, {}), source_words, text)
        results.append(
            SimilarIncident(
                postmortem_id=pm.pk,
                key=pm.key,
                title=pm.title,
                kind=pm.kind,
                kind_label=Kind(pm.kind).label if pm.kind in Kind.values else pm.kind,
                started_at=pm.started_at,
                score=round(scores[pm.pk], 3),
                reasons=reasons,
            )
        )
    return results


def _shared_items(profile: _Profile, ids: list[int]) -> dict[int, dict[str, set[int]]]:
    shared: dict[int, dict[str, set[int]]] = {
        pk: {"factors": set(), "services": set(), "assumptions": set()} for pk in ids
    }
    if not ids:
        return shared
    if profile.factors or profile.assumptions:
        tags = ContributingFactor.objects.filter(postmortem_id__in=ids).filter(
            Q(factor_id__in=profile.factors) | Q(assumption_id__in=profile.assumptions)
        )
        for pk, factor_id, assumption_id in tags.values_list("postmortem_id", "factor_id", "assumption_id"):
            if factor_id in profile.factors:
                shared[pk]["factors"].add(factor_id)
            if assumption_id in profile.assumptions:
                shared[pk]["assumptions"].add(assumption_id)
    if profile.assumptions:
        evidence = AssumptionEvidence.objects.filter(postmortem_id__in=ids, assumption_id__in=profile.assumptions)
        for pk, assumption_id in evidence.values_list("postmortem_id", "assumption_id"):
            shared[pk]["assumptions"].add(assumption_id)
    wanted = set(profile.services) | set(profile.neighbours)
    if wanted:
        links = PostmortemService.objects.filter(postmortem_id__in=ids, service_id__in=wanted)
        for pk, service_id in links.values_list("postmortem_id", "service_id"):
            shared[pk]["services"].add(service_id)
    return shared


def _listing(names: list[str]) -> str:
    names = sorted(names, key=str.casefold)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _reasons(profile: _Profile, shared: dict[str, set[int]], source_words: list[str], text: str) -> list[str]:
    reasons = []
    factors = [profile.factors[pk] for pk in shared.get("factors", ())]
    if factors:
        noun = "contributing factor" if len(factors) == 1 else "contributing factors"
        reasons.append(f"Shares the {noun} {_listing(factors)}")
    same = [profile.services[pk] for pk in shared.get("services", ()) if pk in profile.services]
    if same:
        reasons.append(f"Also involved {_listing(same)}")
    near = sorted(profile.neighbours[pk] for pk in shared.get("services", ()) if pk not in profile.services)
    if near:
        more = f" and {len(near) - 2} more" if len(near) > 2 else ""
        reasons.append(f"On the same dependency path: {', '.join(near[:2])}{more}")
    for pk in shared.get("assumptions", ()):
        reasons.append(f"Tested the same assumption: “{profile.assumptions[pk]}”")
    theirs = {stem(word) for word in words_of(text)}
    common = [word for word in source_words if stem(word) in theirs]
    if common:
        reasons.append(f"Similar wording: {', '.join(common[:5])}")
    return reasons or ["Close in wording to the title and summary"]
