"""axe-core accessibility checks on a Playwright page.

axe.min.js comes from the axe-playwright-python package (it bundles Deque's axe-core), never from a CDN.
Imported lazily, so collecting the tests works where Playwright is absent (they skip instead).
"""

from __future__ import annotations

from functools import cache
from typing import Any

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@cache
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def blocking_violations(page: Any) -> list[str]:
    """The serious and critical axe violations on the page, one readable line each (empty when clean)."""
    response = _axe().run(page).response
    lines = []
    for violation in response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return lines
