"""Drawing the dependency graph: layering with cycles, lanes for long edges, highlights, the two-hop picture."""

import pytest

from postmortems.catalog_pages import draw_walk
from postmortems.graph import walk_dependencies
from postmortems.graph_svg import NODE_WIDTH, DrawEdge, DrawNode, assign_layers, layout
from tests.factories import DependencyFactory, ServiceFactory


def _nodes(*names: str, counts: dict[str, int] | None = None) -> list[DrawNode]:
    counts = counts or {}
    return [DrawNode(key=i, label=n, url=f"/services/{n}/", count=counts.get(n, 0)) for i, n in enumerate(names)]


def _edges(nodes: list[DrawNode], *pairs: str, kind: str = "sync") -> list[DrawEdge]:
    key = {n.label: n.key for n in nodes}
    return [DrawEdge(key[a], key[b], kind) for a, b in (pair.split(">") for pair in pairs)]


def _columns(drawing: dict) -> dict[str, int]:
    """Each node's column, counted from the left."""
    return {n["label"]: round((n["x"] - 12) / (NODE_WIDTH + 64)) for n in drawing["nodes"]}


def test_layout_puts_each_service_right_of_what_depends_on_it():
    nodes = _nodes("web", "checkout", "gateway", "db")
    drawing = layout(nodes, _edges(nodes, "web>checkout", "checkout>gateway", "checkout>db", "web>db"))

    assert _columns(drawing) == {"web": 0, "checkout": 1, "gateway": 2, "db": 2}
    assert not any(e["backwards"] for e in drawing["edges"])


def test_layout_survives_a_cycle_and_draws_its_closing_edge_backwards():
    nodes = _nodes("a", "b", "c")
    drawing = layout(nodes, _edges(nodes, "a>b", "b>c", "c>a"))

    assert _columns(drawing) == {"a": 0, "b": 1, "c": 2}
    assert [e["backwards"] for e in drawing["edges"]] == [False, False, True]
    assert len(drawing["nodes"]) == 3


def test_assign_layers_handles_self_loops_and_two_cycles():
    name = {1: "a", 2: "b"}
    assert assign_layers([1, 2], [(1, 1), (1, 2), (2, 1)], name) == {1: 0, 2: 1}


def test_layout_routes_a_long_edge_through_a_lane_in_each_column_it_crosses():
    nodes = _nodes("edge", "api", "app", "db")
    drawing = layout(nodes, _edges(nodes, "edge>api", "api>app", "app>db", "edge>db"))

    long_edge = next(e for e in drawing["edges"] if e["title"].startswith("edge depends on db"))
    # Two straight runs across the api and app columns, each the width of a node.
    assert long_edge["d"].count(" L") == 2
    assert _columns(drawing)["db"] == 3


def test_layout_is_the_same_whatever_the_input_order():
    nodes = _nodes("web", "checkout", "gateway", "db", "cache")
    pairs = ("web>checkout", "checkout>gateway", "checkout>db", "web>cache", "cache>db", "gateway>web")
    first = layout(nodes, _edges(nodes, *pairs))
    second = layout(list(reversed(nodes)), list(reversed(_edges(nodes, *pairs))))

    assert first == second


def test_layout_reduces_crossings_by_ordering_columns():
    # Named so that alphabetical order would cross: a->z, b->y.
    nodes = _nodes("a", "b", "y", "z")
    drawing = layout(nodes, _edges(nodes, "a>z", "b>y"))

    y = {n["label"]: n["y"] for n in drawing["nodes"]}
    assert (y["a"] < y["b"]) == (y["z"] < y["y"])


def test_layout_highlights_services_by_their_share_of_the_busiest():
    nodes = _nodes("a", "b", "c", "d", counts={"a": 12, "b": 6, "c": 1})
    drawing = layout(nodes, _edges(nodes, "a>b", "b>c", "c>d"))

    assert {n["label"]: n["heat"] for n in drawing["nodes"]} == {"a": 3, "b": 2, "c": 1, "d": 0}
    assert drawing["busiest"] == 12


def test_layout_keeps_edge_kinds_and_says_who_depends_on_whom():
    nodes = _nodes("app", "queue")
    drawing = layout(nodes, _edges(nodes, "app>queue", kind="async"))

    assert drawing["edges"][0]["kind"] == "async"
    assert drawing["edges"][0]["title"] == "app depends on queue (async)"


def test_layout_shortens_long_names_but_keeps_them_whole_for_the_tooltip():
    nodes = [DrawNode(key=1, label="Postgres (main cluster, eu-west-1)", url="/x/")]
    node = layout(nodes, [])["nodes"][0]

    assert node["short_label"] == "Postgres (main clus…"
    assert node["label"] == "Postgres (main cluster, eu-west-1)"


def test_layout_of_nothing_is_empty():
    assert layout([], [])["nodes"] == []
    assert layout([], [])["width"] == 0


def test_layout_of_two_hundred_services_stays_in_bounds():
    nodes = [DrawNode(key=i, label=f"service-{i:03d}", url="/") for i in range(200)]
    edges = [DrawEdge(i, (i * 7 + 3) % 200, "sync") for i in range(200)] + [
        DrawEdge(i, i + 1, "async") for i in range(199)
    ]

    drawing = layout(nodes, edges)

    assert len(drawing["nodes"]) == 200 and len(drawing["edges"]) == 399
    assert all(0 <= n["x"] < drawing["width"] and 0 <= n["y"] < drawing["height"] for n in drawing["nodes"])


@pytest.mark.django_db
def test_draw_walk_puts_dependents_left_and_dependencies_right_by_hop():
    s = {slug: ServiceFactory(name=slug.title(), slug=slug) for slug in ("web", "edge", "checkout", "gw", "bank")}
    for source, target in (("edge", "web"), ("web", "checkout"), ("checkout", "gw"), ("gw", "bank")):
        DependencyFactory(source=s[source], target=s[target])

    drawing = draw_walk(walk_dependencies(service=s["checkout"], depth=2, direction="both"))

    assert _columns(drawing) == {"Edge": 0, "Web": 1, "Checkout": 2, "Gw": 3, "Bank": 4}
    assert [n["label"] for n in drawing["nodes"] if n["focus"]] == ["Checkout"]


@pytest.mark.django_db
def test_draw_walk_places_a_service_in_a_cycle_with_the_root_on_one_side():
    a, b = ServiceFactory(name="A", slug="a"), ServiceFactory(name="B", slug="b")
    DependencyFactory(source=a, target=b)
    DependencyFactory(source=b, target=a)

    drawing = draw_walk(walk_dependencies(service=a, depth=2, direction="both"))

    assert _columns(drawing) == {"A": 0, "B": 1}  # upstream on a tie
    assert sorted(e["backwards"] for e in drawing["edges"]) == [False, True]
