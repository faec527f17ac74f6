"""Drawing the dependency graph as server-side SVG: a deterministic layered layout, cycles included.

Pure geometry, no database: `layout()` takes nodes and edges and returns what the template draws (so
every label is autoescaped there). Columns run left to right from the services that depend on others to
the services they depend on, so an edge `a -> b` ("a depends on b") points right whenever it can.

- Layers: given (the service page puts dependents left and dependencies right of the service, by hop
  distance), or computed as the longest path from the services nothing depends on. Cycles are broken for
  the layering only: a depth-first search in name order drops the edges that close a cycle, and those
  edges are still drawn, curving back to the left.
- Order within a column: by name, then a few barycentre sweeps (each node moves towards the average
  position of its neighbours in the previous, then the next column), which removes most crossings.
  Ties keep the previous order, so the same graph is always drawn the same way.
- Highlight: a node's shade and border follow how many postmortems (that the viewer may see) involve
  the service, relative to the busiest service drawn; the number is printed in the node as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

NODE_WIDTH = 176
NODE_HEIGHT = 30
COLUMN_GAP = 64
ROW_GAP = 10
PADDING = 12
LABEL_CHARS = 20
SWEEPS = 4
LANE_HEIGHT = 8


@dataclass(frozen=True)
class DrawNode:
    """A service to draw. `count`: postmortems involving it that the viewer may see."""

    key: int
    label: str
    url: str
    count: int = 0
    focus: bool = False  # the service the picture is about
    muted: bool = False  # drawn only for context (e.g. a neighbour outside the team filter)


@dataclass(frozen=True)
class DrawEdge:
    """`source` depends on `target`."""

    source: int
    target: int
    kind: str
    kind_label: str = ""


def _truncate(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _acyclic_edges(keys: Sequence[int], edges: Iterable[tuple[int, int]], name: dict[int, str]) -> set[tuple[int, int]]:
    """The edges left once each cycle loses the edge that closes it (iterative DFS in name order)."""
    out: dict[int, list[int]] = defaultdict(list)
    for source, target in edges:
        if source != target:
            out[source].append(target)
    for targets in out.values():
        targets.sort(key=lambda k: (name[k], k))
    state: dict[int, int] = {}  # 1: on the stack, 2: done
    kept: set[tuple[int, int]] = set()
    for start in sorted(keys, key=lambda k: (name[k], k)):
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(out.get(start, ())))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                continue  # closes a cycle: not used for layering
            else:
                kept.add((node, child))
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(out.get(child, ()))))
    return kept


def assign_layers(keys: Sequence[int], edges: Iterable[tuple[int, int]], name: dict[int, str]) -> dict[int, int]:
    """Column of each node: 0 for services nothing depends on, else one more than the furthest dependent."""
    kept = _acyclic_edges(keys, edges, name)
    incoming: dict[int, int] = dict.fromkeys(keys, 0)
    out: dict[int, list[int]] = defaultdict(list)
    for source, target in kept:
        incoming[target] += 1
        out[source].append(target)
    layer = dict.fromkeys(keys, 0)
    ready = sorted((k for k in keys if incoming[k] == 0), key=lambda k: (name[k], k))
    while ready:  # Kahn's algorithm: every node is placed after all its dependents
        node = ready.pop(0)
        for target in out[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return layer


def _order_columns(columns: dict[int, list[Any]], links: Sequence[tuple[Any, Any]]) -> None:
    """Barycentre sweeps, in place: left to right against the previous column, then right to left."""
    neighbours: dict[Any, set[Any]] = defaultdict(set)
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    layers = sorted(columns)
    for _ in range(SWEEPS):
        for sequence, step in ((layers[1:], -1), (list(reversed(layers[:-1])), 1)):
            for layer in sequence:
                reference = {k: i for i, k in enumerate(columns.get(layer + step, []))}

                def barycentre(item: tuple[int, Any], reference: dict[Any, int] = reference) -> tuple[float, int]:
                    index, key = item
                    placed = [reference[n] for n in neighbours[key] if n in reference]
                    return (sum(placed) / len(placed) if placed else float(index), index)

                columns[layer] = [key for _index, key in sorted(enumerate(columns[layer]), key=barycentre)]


def _heat(count: int, busiest: int) -> int:
    """0: no postmortems; 1-3: share of the busiest service drawn (a third or less, up to two thirds, more)."""
    if count <= 0 or busiest <= 0:
        return 0
    share = count / busiest
    return 3 if share > 2 / 3 else 2 if share > 1 / 3 else 1


def _curve(ax: float, ay: float, bx: float, by: float) -> str:
    """A cubic from a to b leaving and arriving horizontally."""
    bend = (bx - ax) / 2
    return f" C{ax + bend:g} {ay:g} {bx - bend:g} {by:g} {bx:g} {by:g}"


def _forward_path(source: dict, target: dict, waypoints: list[tuple[float, float]]) -> str:
    """From the source's right side to the target's left side, straight through each column it crosses
    (where its placeholder keeps a lane free), curving in the gaps between columns."""
    x, y = source["x"] + NODE_WIDTH, source["y"] + NODE_HEIGHT / 2
    path = f"M{x:g} {y:g}"
    for left, lane in waypoints:
        path += _curve(x, y, left, lane) + f" L{left + NODE_WIDTH:g} {lane:g}"
        x, y = left + NODE_WIDTH, lane
    return path + _curve(x, y, target["x"], target["y"] + NODE_HEIGHT / 2)


def _loop_path(source: dict, target: dict) -> str:
    """Same column or a column to the left (a cycle): leave on the right, come round, enter the target's right."""
    x1, y1 = source["x"] + NODE_WIDTH, source["y"] + NODE_HEIGHT / 2
    x2, y2 = target["x"] + NODE_WIDTH, target["y"] + NODE_HEIGHT / 2
    reach = COLUMN_GAP * 0.6 + abs(y2 - y1) * 0.15
    return f"M{x1:g} {y1:g} C{x1 + reach:g} {y1:g} {x2 + reach:g} {y2:g} {x2:g} {y2:g}"


def _columns_with_lanes(
    keys: list[int], layer_of: dict[int, int], edges: Sequence[DrawEdge]
) -> tuple[dict[int, list[Any]], list[tuple[Any, Any]]]:
    """Columns of node keys, plus a placeholder ("lane") in every column an edge crosses, and the links between
    neighbouring columns that the ordering works on (each long edge becomes a chain through its lanes)."""
    columns: dict[int, list[Any]] = defaultdict(list)
    for key in keys:
        columns[layer_of[key]].append(key)
    links: list[tuple[Any, Any]] = []
    for index, e in enumerate(edges):
        first, last = layer_of[e.source], layer_of[e.target]
        if last <= first:
            continue  # loops are drawn without lanes
        chain: list[Any] = [e.source]
        for layer in range(first + 1, last):
            lane = ("lane", index, layer)
            columns[layer].append(lane)
            chain.append(lane)
        chain.append(e.target)
        links += list(zip(chain, chain[1:], strict=False))
    return columns, links


def layout(
    nodes: Sequence[DrawNode],
    edges: Sequence[DrawEdge],
    *,
    layers: dict[int, int] | None = None,
    id_prefix: str = "graph",
) -> dict:
    """Place every node and edge; `layers` fixes the columns (else they are computed, cycles allowed)."""
    by_key = {n.key: n for n in nodes}
    name = {n.key: n.label.casefold() for n in nodes}
    edges = sorted(
        (e for e in edges if e.source in by_key and e.target in by_key and e.source != e.target),
        key=lambda e: (name[e.source], name[e.target], e.source, e.target),
    )
    keys = sorted(by_key, key=lambda k: (name[k], k))
    if layers is None:
        layers = assign_layers(keys, [(e.source, e.target) for e in edges], name)
    lowest = min((layers[k] for k in keys), default=0)
    layer_of = {k: layers[k] - lowest for k in keys}
    columns, links = _columns_with_lanes(keys, layer_of, edges)
    _order_columns(columns, links)

    # Nodes take a row each; lanes only a thin strip. Columns are centred on the tallest.
    def height(item: Any) -> float:
        return LANE_HEIGHT if isinstance(item, tuple) else NODE_HEIGHT + ROW_GAP

    tallest = max((sum(height(i) for i in column) for column in columns.values()), default=0)
    busiest = max((n.count for n in nodes), default=0)
    placed: dict[Any, dict] = {}
    for layer, members in columns.items():
        y = PADDING + (tallest - sum(height(i) for i in members)) / 2
        x = PADDING + layer * (NODE_WIDTH + COLUMN_GAP)
        for item in members:
            if isinstance(item, tuple):
                placed[item] = {"x": x, "lane": round(y + LANE_HEIGHT / 2, 1)}
            else:
                node = by_key[item]
                placed[item] = {
                    "key": item,
                    "x": x,
                    "y": round(y, 1),
                    "label": node.label,
                    "short_label": _truncate(node.label),
                    "url": node.url,
                    "count": node.count,
                    "heat": _heat(node.count, busiest),
                    "focus": node.focus,
                    "muted": node.muted,
                    "text_x": x + 8,
                    "text_y": round(y + NODE_HEIGHT / 2 + 4, 1),
                    "count_x": x + NODE_WIDTH - 8,
                }
            y += height(item)

    drawn_edges = []
    for index, e in enumerate(edges):
        source, target = placed[e.source], placed[e.target]
        backwards = layer_of[e.target] <= layer_of[e.source]
        if backwards:
            path = _loop_path(source, target)
        else:
            lanes = [placed[("lane", index, layer)] for layer in range(layer_of[e.source] + 1, layer_of[e.target])]
            path = _forward_path(source, target, [(lane["x"], lane["lane"]) for lane in lanes])
        drawn_edges.append(
            {
                "d": path,
                "kind": e.kind,
                "title": f"{by_key[e.source].label} depends on {by_key[e.target].label} ({e.kind_label or e.kind})",
                "backwards": backwards,
            }
        )
    count = max(layer_of.values(), default=-1) + 1
    width = PADDING * 2 + count * NODE_WIDTH + max(0, count - 1) * COLUMN_GAP
    if any(e["backwards"] for e in drawn_edges):
        width += COLUMN_GAP  # loops reach past the last column
    return {
        "id": id_prefix,
        "width": width if keys else 0,
        "height": round(PADDING * 2 + tallest - ROW_GAP, 1) if keys else 0,
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
        "nodes": [placed[k] for k in keys],
        "edges": drawn_edges,
        "busiest": busiest,
        "columns": count,
    }
