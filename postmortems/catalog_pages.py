"""What the service catalogue pages show: the list, one service, and the dependency graph.

Reads only. Every count of postmortems counts those the viewer may see (the visibility rule runs as a
subquery, never as extra queries), and every function runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.http import urlencode

from postmortems.assumption_pages import status_rank, visible_evidence_count
from postmortems.graph import GraphWalk, walk_dependencies
from postmortems.graph_svg import DrawEdge, DrawNode, layout
from postmortems.models import (
    Assumption,
    AssumptionStatus,
    ContributingFactor,
    Dependency,
    DependencyKind,
    EvidenceType,
    PostmortemService,
    Service,
    Team,
)

User = AbstractBaseUser | AnonymousUser

# How many of a service's postmortems its page lists before linking to the filtered postmortem list.
POSTMORTEMS_SHOWN = 10
# How many assumptions the service page lists before linking to the registry.
ASSUMPTIONS_SHOWN = 50
# Unnarrowed, the catalogue graph is drawn up to this many connected services; beyond, the page asks for a
# team or a service to draw around (or an explicit "draw everything", up to GRAPH_MAX_NODES).
GRAPH_DEFAULT_MAX = 80
GRAPH_MAX_NODES = 300
OPEN_STATUSES = (AssumptionStatus.QUESTIONED, AssumptionStatus.VIOLATED)


def postmortem_list_url(**params: Any) -> str:
    """The postmortem list filtered by `params` (service, factor, family...), as the list page reads them."""
    return reverse("postmortems:list") + "?" + urlencode(params)


def _grouped_count(queryset: QuerySet) -> Coalesce:
    """Rows of `queryset` (correlated on service_id) counted per service, as an annotation."""
    counted = queryset.order_by().values("service_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def services_for_list(user: User) -> QuerySet[Service]:
    """Services with their team, visible postmortem count, and assumption counts (all, and questioned or violated)."""
    about = Assumption.objects.filter(service_id=OuterRef("pk"))
    return (
        Service.objects.with_postmortem_counts(user)
        .select_related("team")
        .annotate(
            assumption_count=_grouped_count(about),
            open_assumption_count=_grouped_count(about.filter(status__in=OPEN_STATUSES)),
        )
    )


def filter_services(services: QuerySet[Service], data: dict[str, Any]) -> QuerySet[Service]:
    """Apply the list's cleaned filters: team slug, tier, lifecycle, words in name, slug or description."""
    if data.get("team"):
        services = services.filter(team__slug=data["team"])
    if data.get("tier"):
        services = services.filter(tier=data["tier"])
    if data.get("lifecycle"):
        services = services.filter(lifecycle=data["lifecycle"])
    for word in (data.get("q") or "").split()[:10]:
        services = services.filter(Q(name__icontains=word) | Q(slug__icontains=word) | Q(description__icontains=word))
    if data.get("sort") == "postmortems":
        return services.order_by("-postmortem_count", "name")
    if data.get("sort") == "tier":
        return services.order_by("tier", "name")
    return services.order_by("name")


# ---- One service ------------------------------------------------------------------------------------------


@dataclass
class FactorFamilyRow:
    """Factors seen in postmortems involving a service, for one family."""

    slug: str
    name: str
    link: str
    factors: list[dict[str, Any]] = field(default_factory=list)


def _factor_families(user: User, service: Service) -> list[FactorFamilyRow]:
    """Per factor, the visible postmortems involving the service that carry it; grouped by family.

    The count matches the list behind its link (`?service=<slug>&factor=<slug>`): postmortems that
    involve the service and were tagged with the factor.
    """
    rows = (
        ContributingFactor.objects.visible_to(user)
        .filter(factor__isnull=False, postmortem__service_links__service=service)
        .values("factor__slug", "factor__name", "factor__family__slug", "factor__family__name")
        .annotate(postmortems=Count("postmortem", distinct=True))
        .order_by("-postmortems", "factor__name")
    )
    families: dict[str, FactorFamilyRow] = {}
    for row in rows:
        slug = row["factor__family__slug"]
        family = families.get(slug)
        if family is None:
            family = families[slug] = FactorFamilyRow(
                slug=slug,
                name=row["factor__family__name"],
                link=postmortem_list_url(service=service.slug, family=slug),
            )
        family.factors.append(
            {
                "name": row["factor__name"],
                "slug": row["factor__slug"],
                "count": row["postmortems"],
                "link": postmortem_list_url(service=service.slug, factor=row["factor__slug"]),
            }
        )
    # Families with the most tagged postmortems first (the top factor decides), then by name.
    return sorted(families.values(), key=lambda f: (-f.factors[0]["count"], f.name))


def _assumptions_about(user: User, service: Service) -> list[Assumption]:
    """Assumptions about the service or that it relies on: violated, then questioned, then the rest; within a
    status, those about it before those it relies on."""
    relies = Assumption.relied_on_by.through.objects.filter(assumption_id=OuterRef("pk"), service_id=service.pk)
    rows = (
        Assumption.objects.filter(Q(service=service) | Exists(relies))
        .select_related("owner_team", "service")
        .annotate(
            rank=status_rank(),
            elsewhere=Case(When(service=service, then=Value(0)), default=Value(1)),
            violations=visible_evidence_count(user, EvidenceType.VIOLATED),
        )
        .order_by("rank", "elsewhere", "statement", "pk")
    )
    return list(rows[: ASSUMPTIONS_SHOWN + 1])


def _involved_postmortems(user: User, service: Service) -> list[PostmortemService]:
    links = (
        PostmortemService.objects.visible_to(user)
        .filter(service=service)
        .select_related("postmortem")
        .only(
            "role",
            "postmortem__key",
            "postmortem__title",
            "postmortem__kind",
            "postmortem__status",
            "postmortem__severity",
            "postmortem__started_at",
            "postmortem__restricted",
        )
        .order_by("-postmortem__started_at", "-postmortem_id")
    )
    return list(links[:POSTMORTEMS_SHOWN])


def service_page(user: User, service: Service) -> dict[str, Any]:
    """Everything on a service's page, in eight queries after the service itself (see the view's test).

    `service` comes from `Service.objects.with_postmortem_counts(user)`, so it carries its visible count.
    """
    walk = walk_dependencies(
        service=service, depth=2, direction="both", services=Service.objects.with_postmortem_counts(user)
    )
    direct = Dependency.objects.filter(Q(source=service) | Q(target=service)).select_related("source", "target")
    direct = sorted(direct, key=lambda d: (d.target.name if d.source_id == service.pk else d.source.name, d.pk))
    assumptions = _assumptions_about(user, service)
    return {
        "service": service,
        "depends_on": [d for d in direct if d.source_id == service.pk],
        "depended_on_by": [d for d in direct if d.target_id == service.pk],
        "graph": draw_walk(walk),
        "graph_edges": [
            {"source": e.source, "target": e.target, "kind": KIND_LABELS.get(e.kind, e.kind)} for e in walk.edges
        ],
        "postmortem_links": _involved_postmortems(user, service),
        "postmortems_url": postmortem_list_url(service=service.slug),
        "factor_families": _factor_families(user, service),
        "assumptions": assumptions[:ASSUMPTIONS_SHOWN],
        "more_assumptions": len(assumptions) > ASSUMPTIONS_SHOWN,
        "assumptions_url": reverse("postmortems:assumptions") + "?" + urlencode({"service": service.slug}),
    }


# ---- Drawing ----------------------------------------------------------------------------------------------

KIND_LABELS = dict(DependencyKind.choices)


def _service_url(slug: str) -> str:
    return reverse("postmortems:service", kwargs={"slug": slug})


def draw_walk(walk: GraphWalk) -> dict:
    """The service in the middle, what depends on it to the left and what it depends on to the right, one
    column per hop, so the picture stays five columns wide. A service on both sides (a cycle through the
    root) goes to the side where it is closer, upstream on a tie. Edges between services in one column,
    or pointing back, are drawn as lighter loops."""
    layers = {}
    for node in walk.nodes:
        up, down = node.upstream_distance, node.downstream_distance
        if up is not None and (down is None or up <= down):
            layers[node.service.pk] = up
        else:
            layers[node.service.pk] = -(down or 0)
    nodes = [
        DrawNode(
            key=n.service.pk,
            label=n.service.name,
            url=_service_url(n.service.slug),
            count=getattr(n.service, "postmortem_count", 0),
            focus=n.service.pk == walk.root.pk,
        )
        for n in walk.nodes
    ]
    edges = [DrawEdge(e.source.pk, e.target.pk, e.kind, KIND_LABELS.get(e.kind, e.kind)) for e in walk.edges]
    return layout(nodes, edges, layers=layers, id_prefix="service-graph")


@dataclass
class CatalogGraph:
    """The catalogue graph page: the drawing (or why there is none), and the rows of its table."""

    drawing: dict | None
    rows: list[dict[str, Any]]
    unconnected: list[Service]
    too_many: bool
    total: int


def _neighbourhood(focus: Service, depth: int, edges: list[tuple[int, int, str]]) -> set[int]:
    """Services within `depth` hops of `focus`, either way along the edges (cycles end: visited set)."""
    around: dict[int, set[int]] = {}
    for source, target, _kind in edges:
        around.setdefault(source, set()).add(target)
        around.setdefault(target, set()).add(source)
    reached, frontier = {focus.pk}, {focus.pk}
    for _ in range(depth):
        frontier = {n for pk in frontier for n in around.get(pk, ())} - reached
        reached |= frontier
    return reached


def graph_services(user: User) -> list[Service]:
    """Every service with its team and the number of postmortems involving it that the person may see."""
    return list(Service.objects.with_postmortem_counts(user).select_related("team").order_by("name"))


def catalog_graph(
    services: list[Service],
    *,
    team: Team | None = None,
    focus: Service | None = None,
    depth: int = 2,
    kinds: Iterable[str] = (),
    draw_all: bool = False,
) -> CatalogGraph:
    """The catalogue's dependency graph from `graph_services()` and one query for every dependency,
    narrowed in memory:

    - `team`: its services, plus the services they depend on or that depend on them, drawn muted;
    - `focus`: the service and everything within `depth` hops of it, either way;
    - `kinds`: only these dependency kinds.
    Services without any dependency left are listed under the drawing rather than drawn. A large drawing
    is left out (`too_many`) unless narrowed or `draw_all`; the table still lists everything.
    """
    by_pk = {s.pk: s for s in services}
    edges = list(Dependency.objects.order_by().values_list("source_id", "target_id", "kind"))
    kinds = set(kinds)
    if kinds:
        edges = [e for e in edges if e[2] in kinds]
    keep = set(by_pk)
    core = set(by_pk)
    if focus is not None:
        core = keep = _neighbourhood(focus, depth, edges)
    if team is not None:
        core = {pk for pk in keep if by_pk[pk].team_id == team.pk}
        keep = core | {t for s, t, _ in edges if s in core} | {s for s, t, _ in edges if t in core}
    edges = [e for e in edges if e[0] in keep and e[1] in keep and (e[0] in core or e[1] in core)]
    connected = {pk for e in edges for pk in e[:2]}
    if focus is not None:
        connected.add(focus.pk)
    shown = sorted((by_pk[pk] for pk in connected), key=lambda s: (s.name.casefold(), s.pk))
    unconnected = sorted((by_pk[pk] for pk in core - connected), key=lambda s: (s.name.casefold(), s.pk))

    narrowed = team is not None or focus is not None or bool(kinds)
    too_many = len(shown) > (GRAPH_MAX_NODES if narrowed or draw_all else GRAPH_DEFAULT_MAX)
    drawing = None
    if shown and not too_many:
        nodes = [
            DrawNode(
                key=s.pk,
                label=s.name,
                url=_service_url(s.slug),
                count=s.postmortem_count,
                focus=focus is not None and s.pk == focus.pk,
                muted=s.pk not in core,
            )
            for s in shown
        ]
        drawn = [DrawEdge(s, t, k, KIND_LABELS.get(k, k)) for s, t, k in edges]
        drawing = layout(nodes, drawn, id_prefix="catalog-graph")
    return CatalogGraph(
        drawing=drawing,
        rows=_graph_rows(shown, edges, by_pk, core),
        unconnected=unconnected,
        too_many=too_many,
        total=len(by_pk),
    )


def _graph_rows(
    shown: list[Service], edges: list[tuple[int, int, str]], services: dict[int, Service], core: set[int]
) -> list[dict[str, Any]]:
    """The drawing as a table: each service with what it depends on and what depends on it."""
    depends_on: dict[int, list[tuple[Service, str]]] = {}
    depended_on_by: dict[int, list[tuple[Service, str]]] = {}
    for source, target, kind in edges:
        depends_on.setdefault(source, []).append((services[target], KIND_LABELS.get(kind, kind)))
        depended_on_by.setdefault(target, []).append((services[source], KIND_LABELS.get(kind, kind)))
    rows = []
    for service in shown:
        rows.append(
            {
                "service": service,
                "context_only": service.pk not in core,
                "depends_on": sorted(depends_on.get(service.pk, []), key=lambda p: p[0].name.casefold()),
                "depended_on_by": sorted(depended_on_by.get(service.pk, []), key=lambda p: p[0].name.casefold()),
            }
        )
    return rows
