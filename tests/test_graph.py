"""Walking the dependency graph: depth, direction, cycles and a fixed number of queries."""

import random

import pytest

from postmortems import graph
from postmortems.graph import walk_dependencies
from postmortems.models import Dependency, DependencyKind, Service
from tests.factories import DependencyFactory, ServiceFactory


def _chain(*slugs: str) -> dict[str, Service]:
    """Services where each depends on the next: the first is furthest downstream."""
    services = {slug: ServiceFactory(name=slug.title(), slug=slug) for slug in slugs}
    for source, target in zip(slugs, slugs[1:], strict=False):
        DependencyFactory(source=services[source], target=services[target])
    return services


def _distances(walk, side: str) -> dict[str, int]:
    return {n.service.slug: getattr(n, f"{side}_distance") for n in getattr(walk, side)}


@pytest.mark.django_db
def test_walk_dependencies_upstream_stops_at_depth():
    s = _chain("web", "checkout", "payments", "ledger")

    walk = walk_dependencies(service=s["web"], depth=2, direction="upstream")

    assert _distances(walk, "upstream") == {"checkout": 1, "payments": 2}
    assert walk.downstream == []
    assert [(e.source.slug, e.target.slug) for e in walk.edges] == [("checkout", "payments"), ("web", "checkout")]


@pytest.mark.django_db
def test_walk_dependencies_downstream_follows_dependents():
    s = _chain("web", "checkout", "payments", "ledger")

    walk = walk_dependencies(service=s["ledger"], depth=5, direction="downstream")

    assert _distances(walk, "downstream") == {"payments": 1, "checkout": 2, "web": 3}
    assert walk.upstream == []


@pytest.mark.django_db
def test_walk_dependencies_both_walks_each_side_on_its_own():
    s = _chain("web", "checkout", "payments")
    # mobile also depends on payments, but from checkout it is neither upstream nor downstream.
    DependencyFactory(source=ServiceFactory(slug="mobile"), target=s["payments"])

    walk = walk_dependencies(service=s["checkout"], depth=2, direction="both")

    assert _distances(walk, "upstream") == {"payments": 1}
    assert _distances(walk, "downstream") == {"web": 1}
    assert walk.nodes[0].service == s["checkout"]
    assert walk.nodes[0].distance == 0


@pytest.mark.django_db
def test_walk_dependencies_edges_keep_their_kind():
    checkout, db = ServiceFactory(slug="checkout"), ServiceFactory(slug="checkout-db")
    DependencyFactory(source=checkout, target=db, kind=DependencyKind.DATASTORE)

    walk = walk_dependencies(service=checkout, depth=1, direction="upstream")

    assert [(e.source, e.target, e.kind) for e in walk.edges] == [(checkout, db, "datastore")]


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [2, 50])  # hop by hop, then the whole edge list
def test_walk_dependencies_terminates_on_a_cycle(depth):
    s = _chain("a", "b", "c")
    DependencyFactory(source=s["c"], target=s["a"])

    walk = walk_dependencies(service=s["a"], depth=depth, direction="both")

    assert _distances(walk, "upstream") == {"b": 1, "c": 2}
    assert _distances(walk, "downstream") == {"c": 1, "b": 2}
    assert len(walk.nodes) == 3
    assert len(walk.edges) == 3


@pytest.mark.django_db
def test_walk_dependencies_depth_zero_is_the_service_alone(django_assert_num_queries):
    s = _chain("a", "b")

    with django_assert_num_queries(0):
        walk = walk_dependencies(service=s["a"], depth=0, direction="both")

    assert [n.service for n in walk.nodes] == [s["a"]]
    assert walk.edges == []


@pytest.mark.django_db
def test_walk_dependencies_rejects_bad_arguments():
    service = ServiceFactory()

    with pytest.raises(ValueError, match="direction"):
        walk_dependencies(service=service, depth=1, direction="sideways")
    with pytest.raises(ValueError, match="depth"):
        walk_dependencies(service=service, depth=-1, direction="both")


def _random_catalogue(size: int, per_service: int = 3) -> list[int]:
    """`size` services with random dependencies (cycles included), made in two bulk inserts."""
    rng = random.Random(size)
    Service.objects.bulk_create(Service(name=f"S{i:04d}", slug=f"s{i}") for i in range(size))
    ids = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    edges = {(a, b) for a in ids for b in rng.sample(ids, per_service) if a != b}
    Dependency.objects.bulk_create(Dependency(source_id=a, target_id=b) for a, b in edges)
    return ids


def _shape(walk) -> tuple:
    nodes = sorted((n.service.pk, n.upstream_distance, n.downstream_distance) for n in walk.nodes)
    return nodes, sorted((e.source.pk, e.target.pk, e.kind) for e in walk.edges)


@pytest.mark.django_db
@pytest.mark.parametrize("direction", ["upstream", "downstream", "both"])
def test_walk_dependencies_hop_by_hop_matches_the_whole_graph_walk(direction, monkeypatch):
    ids = _random_catalogue(60)
    root = Service.objects.get(pk=ids[7])

    hop_by_hop = walk_dependencies(service=root, depth=2, direction=direction)
    monkeypatch.setattr(graph, "HOP_BY_HOP_MAX_DEPTH", 0)
    whole_graph = walk_dependencies(service=root, depth=2, direction=direction)

    assert _shape(hop_by_hop) == _shape(whole_graph)
    assert len(hop_by_hop.nodes) > 5


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 400])
@pytest.mark.parametrize("depth", [2, 1000])
def test_walk_dependencies_query_count_does_not_grow_with_the_graph(size, depth, django_assert_max_num_queries):
    ids = _random_catalogue(size)
    root = Service.objects.get(pk=ids[size // 2])

    # Queries, two hops: the edges touching each hop's frontier (2), the edges between the services reached,
    # the services with their team. Deeper: every edge at once, then the services.
    with django_assert_max_num_queries(4 if depth == 2 else 2):
        walk = walk_dependencies(service=root, depth=depth, direction="both")
        teams = {n.service.team for n in walk.nodes}

    assert teams == {None}
    assert len(walk.nodes) > (5 if depth == 2 else size // 2)
