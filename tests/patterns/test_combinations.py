"""Factor combinations: pair and triad counts, and lift against chance."""

import pytest

from postmortems.patterns.combinations import lift, min_support
from tests.patterns.conftest import LETTERS

pytestmark = pytest.mark.django_db


def _combos(rows):
    return {frozenset(f["slug"] for f in row["factors"]): row for row in rows}


def test_combinations_counts_pairs_with_lift(library, figures):
    data = figures("combinations", library["outsider"])
    pairs = _combos(data["pairs"])
    ab = pairs[frozenset((LETTERS["A"], LETTERS["B"]))]
    # A in 5 of 9, B in 4 of 9, together in 4: expected 5 * 4 / 9 = 2.22, lift 4 / 2.22 = 1.8.
    assert (ab["count"], ab["expected"], ab["lift"]) == (4, 2.22, 1.8)
    df = pairs[frozenset((LETTERS["D"], LETTERS["F"]))]
    assert (df["count"], df["lift"]) == (2, 2.25)


def test_combinations_leaves_out_pairs_below_the_minimum_support(library, figures):
    data = figures("combinations", library["outsider"])
    assert data["min_support"] == 2
    # A and D share only PM-2025-103.
    assert frozenset((LETTERS["A"], LETTERS["D"])) not in _combos(data["pairs"])
    assert set(_combos(data["pairs"])) == {
        frozenset((LETTERS["A"], LETTERS["B"])),
        frozenset((LETTERS["A"], LETTERS["C"])),
        frozenset((LETTERS["B"], LETTERS["C"])),
        frozenset((LETTERS["D"], LETTERS["F"])),
    }


def test_combinations_orders_pairs_by_lift(library, figures):
    lifts = [row["lift"] for row in figures("combinations", library["outsider"])["pairs"]]
    assert lifts == sorted(lifts, reverse=True)
    assert lifts[0] == 2.25


def test_combinations_counts_triads_against_independence(library, figures):
    triads = _combos(figures("combinations", library["outsider"])["triads"])
    abc = triads[frozenset((LETTERS["A"], LETTERS["B"], LETTERS["C"]))]
    # Together in 101, 102, 108; expected 5 * 4 * 4 / 81 = 0.99, lift 3.04.
    assert (abc["count"], abc["expected"], abc["lift"]) == (3, 0.99, 3.04)


def test_combinations_links_a_pair_to_postmortems_with_both(library, figures):
    pair = _combos(figures("combinations", library["outsider"])["pairs"])[frozenset((LETTERS["D"], LETTERS["F"]))]
    assert "factor=load.retry-feedback-loop" in pair["link"]
    assert "factor=org.production-pressure" in pair["link"]


def test_lift_of_independent_factors_is_one():
    # 100 postmortems, A in 50, B in 20, together in 10: exactly what chance predicts.
    assert lift(10, 100, 50, 20) == (10.0, 1.0)


def test_min_support_grows_with_the_number_analysed():
    assert min_support(9) == 2
    assert min_support(1000) == 5
