"""Walking the dependency graph: what a service depends on (upstream) and what depends on it (downstream).

`Dependency(source=a, target=b)` means a depends on b, so b is upstream of a and a is downstream of b.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Q, QuerySet

from postmortems.models import Dependency, Service

Direction = Literal["upstream", "downstream", "both"]
DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream", "both")


@dataclass(frozen=True)
class GraphNode:
    """A service reached by the walk, with its hop distance on each side (None: not reached on that side)."""

    service: Service
    upstream_distance: int | None = None
    downstream_distance: int | None = None

    @property
    def distance(self) -> int:
        """Fewest hops from the walk's root, on whichever side reached the service first."""
        return min(d for d in (self.upstream_distance, self.downstream_distance) if d is not None)


@dataclass(frozen=True)
class GraphEdge:
    """`source` depends on `target`."""

    source: Service
    target: Service
    kind: str


@dataclass
class GraphWalk:
    """The services around `root` within `depth` hops, and every dependency between two of them."""

    root: Service
    depth: int
    direction: Direction
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)

    @property
    def upstream(self) -> list[GraphNode]:
        """Services the root depends on, directly or through others (the root excluded)."""
        return [n for n in self.nodes if n.upstream_distance]

    @property
    def downstream(self) -> list[GraphNode]:
        """Services that depend on the root, directly or through others (the root excluded)."""
        return [n for n in self.nodes if n.downstream_distance]


def _breadth_first(start: int, neighbours: dict[int, list[int]], depth: int) -> dict[int, int]:
    """Hop distance of every id reachable from `start` within `depth` hops; the visited set stops cycles."""
    distances = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if distances[current] == depth:
            continue
        for nxt in neighbours.get(current, ()):
            if nxt not in distances:
                distances[nxt] = distances[current] + 1
                queue.append(nxt)
    return distances


# Up to this depth the walk asks for one hop at a time; deeper, it reads every edge once (see walk_dependencies).
HOP_BY_HOP_MAX_DEPTH = 2

Distances = dict[int, int]
Edge = tuple[int, int, str]


def _adjacency(edges: Iterable[Edge]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    depends_on: dict[int, list[int]] = defaultdict(list)
    depended_on_by: dict[int, list[int]] = defaultdict(list)
    for source, target, _kind in edges:
        depends_on[source].append(target)
        depended_on_by[target].append(source)
    return depends_on, depended_on_by


def _walk_whole_graph(root: int, depth: int, up: bool, down: bool) -> tuple[Distances, Distances, list[Edge]]:
    """One query: every edge, walked in memory."""
    edges = list(Dependency.objects.order_by().values_list("source_id", "target_id", "kind"))
    depends_on, depended_on_by = _adjacency(edges)
    up_dist = _breadth_first(root, depends_on, depth) if up else {root: 0}
    down_dist = _breadth_first(root, depended_on_by, depth) if down else {root: 0}
    reached = up_dist.keys() | down_dist.keys()
    return up_dist, down_dist, [e for e in edges if e[0] in reached and e[1] in reached]


def _walk_hop_by_hop(root: int, depth: int, up: bool, down: bool) -> tuple[Distances, Distances, list[Edge]]:
    """One query per hop for both sides at once, reading only the edges that touch the frontier, and one
    for the edges between the services reached (two services two hops out may depend on each other)."""
    up_dist, down_dist = {root: 0}, {root: 0}
    up_frontier, down_frontier = ({root} if up else set()), ({root} if down else set())
    for hop in range(1, depth + 1):
        if not up_frontier and not down_frontier:
            break
        touching = Q(source_id__in=up_frontier) | Q(target_id__in=down_frontier)
        next_up, next_down = set(), set()
        for source, target in Dependency.objects.filter(touching).order_by().values_list("source_id", "target_id"):
            if source in up_frontier and target not in up_dist:
                up_dist[target] = hop
                next_up.add(target)
            if target in down_frontier and source not in down_dist:
                down_dist[source] = hop
                next_down.add(source)
        up_frontier, down_frontier = next_up, next_down
    reached = up_dist.keys() | down_dist.keys()
    between = Dependency.objects.filter(source_id__in=reached, target_id__in=reached).order_by()
    return up_dist, down_dist, list(between.values_list("source_id", "target_id", "kind"))


def walk_dependencies(
    *, service: Service, depth: int, direction: Direction = "both", services: QuerySet[Service] | None = None
) -> GraphWalk:
    """Services up to `depth` hops upstream, downstream or both from `service`, in at most four queries.

    Breadth-first with a visited set, so cycles end. Two ways to get the edges, chosen by depth, so the query
    count never depends on the size of the catalogue (bench/graph_walk.py has the figures):
    - up to HOP_BY_HOP_MAX_DEPTH hops (the service page's two-hop graph): one query per hop for the edges
      touching the frontier, then one for the edges between the services reached. It reads only the
      neighbourhood, which beats reading a catalogue of thousands of edges to draw a dozen of them.
    - deeper: the whole edge list as (source, target, kind) tuples, once, walked in memory. A catalogue
      holds hundreds of services and a few thousand dependencies, so this stays cheap.
    A recursive CTE could do either in one query, but needs cycle handling and hop counting written for
    each database; it does not pay at this size. A last query loads the reached services with their team,
    from `services` when given (e.g. annotated with postmortem counts for drawing).
    On "both", each side is walked on its own: a service downstream of the root does not become upstream
    of it through something else it depends on.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    walk = GraphWalk(root=service, depth=depth, direction=direction)
    if depth == 0:
        walk.nodes = [GraphNode(service=service, upstream_distance=0, downstream_distance=0)]
        return walk

    strategy = _walk_hop_by_hop if depth <= HOP_BY_HOP_MAX_DEPTH else _walk_whole_graph
    up, down, edges = strategy(service.pk, depth, direction != "downstream", direction != "upstream")
    reached = up.keys() | down.keys()
    rows = Service.objects.all() if services is None else services
    by_pk = {s.pk: s for s in rows.filter(pk__in=reached).select_related("team")}
    by_pk[service.pk] = service
    walk.nodes = sorted(
        (
            GraphNode(service=by_pk[pk], upstream_distance=up.get(pk), downstream_distance=down.get(pk))
            for pk in reached
        ),
        key=lambda n: (n.distance, n.service.name),
    )
    walk.edges = sorted(
        (GraphEdge(source=by_pk[source], target=by_pk[target], kind=kind) for source, target, kind in edges),
        key=lambda e: (e.source.name, e.target.name),
    )
    return walk
