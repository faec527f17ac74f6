"""Service hot spots: postmortems per service, the service x family heat map, services seen together."""

import pytest

pytestmark = pytest.mark.django_db


def test_hotspots_counts_postmortems_per_service(library, figures):
    data = figures("hotspots", library["outsider"])
    counts = {row["service"]["slug"]: row["count"] for row in data["services"]}
    assert counts == {"checkout": 5, "payments": 4, "search": 3}
    assert data["services"][0]["service"] == {"slug": "checkout", "name": "Checkout", "team": "Payments"}


def test_hotspots_heatmap_crosses_services_with_factor_families(library, figures):
    heat = figures("hotspots", library["outsider"])["heatmap"]
    rows = {row["service"]["slug"]: {c["family"]: c["count"] for c in row["cells"]} for row in heat["rows"]}
    assert rows["checkout"]["change"] == 5
    assert rows["checkout"]["load"] == 1  # only PM-2025-103 has D
    assert rows["search"]["org"] == 2  # F in 104 and 105
    assert [f["slug"] for f in heat["families"]][0] == "latent"


def test_hotspots_finds_services_that_appear_together(library, figures):
    pairs = figures("hotspots", library["outsider"])["service_pairs"]
    # checkout + payments in 101, 102, 108; payments + search only in 105 (below two).
    assert [([s["slug"] for s in p["services"]], p["count"]) for p in pairs] == [(["checkout", "payments"], 3)]
    assert pairs[0]["lift"] == round(3 * 9 / (5 * 4), 2)


def test_hotspots_counts_a_restricted_postmortem_only_for_its_team(library, figures):
    outsider = {r["service"]["slug"]: r["count"] for r in figures("hotspots", library["outsider"])["services"]}
    member = {r["service"]["slug"]: r["count"] for r in figures("hotspots", library["member"])["services"]}
    assert (outsider["payments"], member["payments"]) == (4, 5)
