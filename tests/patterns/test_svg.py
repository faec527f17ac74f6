"""Chart geometry: shapes placed from the figures; the templates draw them, tables carry the numbers."""

from postmortems.patterns import svg


def _pair(a, b, count, lift):
    return {
        "factors": [{"slug": a, "name": a.title()}, {"slug": b, "name": b.title()}],
        "count": count,
        "lift": lift,
        "link": f"/?factor={a}&factor={b}",
    }


def test_bar_chart_scales_bars_to_the_largest_value():
    chart = svg.bar_chart([{"label": "A", "share": 0.5}, {"label": "B", "share": 0.25}])
    assert chart["bars"][0]["width"] == 2 * chart["bars"][1]["width"]
    assert chart["bars"][0]["text"] == "50%"
    assert [t["text"] for t in chart["ticks"]] == ["0%", "20%", "40%"]  # round steps, never past the largest bar


def test_bar_chart_of_nothing_draws_no_bars():
    assert svg.bar_chart([])["bars"] == []


def test_network_draws_only_pairs_more_frequent_than_chance():
    chart = svg.network([_pair("a", "b", 4, 2.0), _pair("b", "c", 9, 0.8)])
    assert len(chart["edges"]) == 1
    assert {n["label"] for n in chart["nodes"]} == {"A", "B"}


def test_heatmap_leaves_empty_cells_blank_and_shades_by_share():
    heat = {
        "families": [{"slug": "load", "name": "Load"}, {"slug": "org", "name": "Org"}],
        "rows": [
            {
                "service": {"name": "Checkout"},
                "count": 4,
                "cells": [{"count": 4, "share": 1.0, "link": "/a"}, {"count": 0, "share": 0.0, "link": "/b"}],
            }
        ],
    }
    cells = svg.heatmap(heat)["rows"][0]["cells"]
    assert [c["opacity"] for c in cells] == [1.0, 0]


def test_durations_chart_places_longer_postmortems_further_right():
    dots = [{"key": "PM-2026-001", "minutes": 10.0}, {"key": "PM-2026-002", "minutes": 600.0}]
    bins = [{"label": "x", "count": 1, "link": "/"}]
    placed = svg.durations_chart(bins, dots)["dots"]
    assert placed[0]["x"] < placed[1]["x"]
