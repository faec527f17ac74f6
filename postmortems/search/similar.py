"""Similar incidents: the postmortems that share the most with one postmortem, or with a draft being written.

What counts, and how much (a candidate's score is the sum):

| shared with the source                                   | points                                   |
|----------------------------------------------------------|------------------------------------------|
| a contributing factor                                    | 3 / (1 + log10(postmortems with it))     |
| a service                                                | 2 (at most 4 in all)                     |
| a service one dependency away from one of the source's   | 1 (at most 2 in all)                     |
| an assumption (tested, or revealed by a factor)          | 3 (at most 6 in all)                     |
| words of the title and summary (full-text rank, scaled)  | up to 3                                  |

Rare factors say more than common ones, hence the discount by how many postmortems carry the factor.
Every candidate comes through the visibility rule; the reasons name only what both sides share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q

from postmortems.models import (
    AssumptionEvidence,
    ContributingFactor,
    Dependency,
    Factor,
    Kind,
    Postmortem,
    PostmortemService,
    Service,
)
from postmortems.search import postgres, sqlite
from postmortems.search.query import STOP_WORDS, stem, words_of
from postmortems.search.sql import Fragment, hidden_postmortems
from postmortems.search.types import DraftIncident, SimilarIncident

SIMILAR_COUNT = 5
CANDIDATES = 50
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
    services: dict[int, str] = field(default_factory=dict)
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
    scores = _structural_scores(profile, hidden)
    for pk, points in _text_scores(profile, hidden).items():
        scores[pk] = scores.get(pk, 0.0) + points
    best = sorted(scores.items(), key=lambda item: -item[1])[: limit * 2]
    return _explain(user, profile, dict(best), limit)


def _profile_of_postmortem(postmortem: Postmortem) -> _Profile:
    profile = _Profile(exclude_id=postmortem.pk)
    tags = ContributingFactor.objects.filter(postmortem=postmortem).select_related("factor", "assumption")
    for tag in tags:
        if tag.factor_id:
            profile.factors[tag.factor_id] = tag.factor.name
        if tag.assumption_id:
            profile.assumptions[tag.assumption_id] = tag.assumption.statement
    for ev in AssumptionEvidence.objects.filter(postmortem=postmortem).select_related("assumption"):
        profile.assumptions[ev.assumption_id] = ev.assumption.statement
    links = PostmortemService.objects.filter(postmortem=postmortem).select_related("service")
    profile.services = {link.service_id: link.service.name for link in links}
    profile.neighbours = _neighbours(profile.services)
    profile.text = f"{postmortem.title}\n{postmortem.summary}"
    return profile


def _profile_of_draft(draft: DraftIncident | None) -> _Profile:
    draft = draft or DraftIncident()
    profile = _Profile(text=f"{draft.title}\n{draft.summary}")
    if draft.exclude_key:
        profile.exclude_id = Postmortem.objects.filter(key=draft.exclude_key).values_list("pk", flat=True).first()
    if draft.factors:
        profile.factors = dict(Factor.objects.filter(slug__in=draft.factors).values_list("pk", "name"))
    if draft.services:
        profile.services = dict(Service.objects.filter(slug__in=draft.services).values_list("pk", "name"))
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


def _factor_points(factor_ids: list[int]) -> dict[int, float]:
    counts = dict(
        ContributingFactor.objects.filter(factor_id__in=factor_ids)
        .values("factor_id")
        .annotate(n=Count("postmortem_id", distinct=True))
        .values_list("factor_id", "n")
    )
    return {pk: 3.0 / (1.0 + math.log10(max(1, counts.get(pk, 1)))) for pk in factor_ids}


def _case(column: str, points: dict[int, float]) -> Fragment:
    if not points:
        return Fragment("0", [])
    whens = " ".join("WHEN %s THEN %s" for _ in points)
    params = [value for pk, weight in points.items() for value in (pk, weight)]
    return Fragment(f"(CASE {column} {whens} ELSE 0 END)", params)


def _structural_scores(profile: _Profile, hidden: Fragment | None) -> dict[int, float]:
    """Points per candidate for shared factors, services, neighbours and assumptions, best CANDIDATES only.

    Each part yields (postmortem, factor points, service points, neighbour points, assumption points);
    services and neighbours are capped so that a postmortem touching many services does not win on that alone.
    """
    parts: list[Fragment] = []
    tags = ContributingFactor._meta.db_table
    if profile.factors:
        case = _case("t.factor_id", _factor_points(list(profile.factors)))
        parts.append(
            Fragment(
                f"SELECT t.postmortem_id AS pid, {case.sql} AS f, 0 AS s, 0 AS n, 0 AS a FROM (SELECT DISTINCT "
                f"postmortem_id, factor_id FROM {tags} WHERE factor_id IN ({_marks(profile.factors)})) AS t",
                [*case.params, *profile.factors],
            )
        )
    services = {**dict.fromkeys(profile.neighbours, 0), **dict.fromkeys(profile.services, 1)}
    if services:
        same = _case("l.service_id", {pk: SERVICE_POINTS for pk, own in services.items() if own})
        near = _case("l.service_id", {pk: NEIGHBOUR_POINTS for pk, own in services.items() if not own})
        parts.append(
            Fragment(
                f"SELECT l.postmortem_id AS pid, 0 AS f, {same.sql} AS s, {near.sql} AS n, 0 AS a "
                f"FROM {PostmortemService._meta.db_table} AS l WHERE l.service_id IN ({_marks(services)})",
                [*same.params, *near.params, *services],
            )
        )
    if profile.assumptions:
        marks = _marks(profile.assumptions)
        parts.append(
            Fragment(
                f"SELECT e.postmortem_id AS pid, 0 AS f, 0 AS s, 0 AS n, %s AS a FROM (SELECT postmortem_id, "
                f"assumption_id FROM {AssumptionEvidence._meta.db_table} WHERE assumption_id IN ({marks}) "
                f"UNION SELECT postmortem_id, assumption_id FROM {tags} WHERE assumption_id IN ({marks})) AS e",
                [ASSUMPTION_POINTS, *profile.assumptions, *profile.assumptions],
            )
        )
    if not parts:
        return {}
    conditions, params = ["1 = 1"], [value for part in parts for value in part.params]
    if profile.exclude_id is not None:
        conditions.append("u.pid <> %s")
        params.append(profile.exclude_id)
    if hidden is not None:
        conditions.append(f"u.pid NOT IN ({hidden.sql})")
        params += hidden.params
    union = " UNION ALL ".join(part.sql for part in parts)
    score = (
        f"SUM(u.f) + {_capped('SUM(u.s)', SERVICE_CAP)} + {_capped('SUM(u.n)', NEIGHBOUR_CAP)} "
        f"+ {_capped('SUM(u.a)', ASSUMPTION_CAP)}"
    )
    sql = (
        f"SELECT u.pid, {score} AS score FROM ({union}) AS u WHERE {' AND '.join(conditions)} "
        f"GROUP BY u.pid ORDER BY score DESC, u.pid DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES])
        return {pk: float(score) for pk, score in cursor.fetchall()}


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _capped(expression: str, cap: float) -> str:
    return f"(CASE WHEN {expression} > {cap} THEN {cap} ELSE {expression} END)"


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
    user: AbstractBaseUser | AnonymousUser, profile: _Profile, scores: dict[int, float], limit: int
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
    ids = [pm.pk for pm in ranked]
    shared = _shared_items(profile, ids)
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
