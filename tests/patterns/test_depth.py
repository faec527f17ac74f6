"""Depth of analysis: org/coord examined, mitigators recorded, the single-factor smell, nothing classified."""

import pytest

pytestmark = pytest.mark.django_db


def test_depth_of_analysis_measures_the_review_process(library, figures):
    data = figures("depth", library["outsider"])
    measures = {m["name"]: (m["count"], m["share"]) for m in data["measures"]}
    assert measures == {
        "org_or_coord": (2, round(2 / 9, 4)),  # F in 104 and 105
        "with_mitigator": (3, round(3 / 9, 4)),  # 101, 104, 108
        "single_factor": (1, round(1 / 9, 4)),  # 107 has only D
        "unclassified": (1, round(1 / 9, 4)),  # 109 has no factor
    }


def test_depth_of_analysis_compares_with_the_previous_period(library, figures):
    measures = {m["name"]: m for m in figures("depth", library["outsider"])["measures"]}
    assert measures["single_factor"]["previous_count"] == 1  # PM-2025-203 has only D
    assert measures["single_factor"]["link"] == "/?key=PM-2026-107"
    assert measures["org_or_coord"]["link"].endswith("family=org%2Ccoord")
