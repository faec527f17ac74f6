"""Links from each figure to the postmortem list, filtered to the postmortems behind it.

The list page (postmortems:list) reads these query parameters:

- `started_after` (first day counted), `started_before` (first day not counted), `team`, `service`,
  `kind`, `severity`: the patterns filters, as chosen;
- `factor`, repeated: tagged with every one of these factors (a pair repeats it twice);
- `service`, repeated: involving every one of these services (a service pair);
- `family`: a comma-separated list, tagged with a factor from any of these families;
- `role`: with `factor`, tagged with it in this role; alone, with any factor in this role;
- `key`: a comma-separated list of postmortem keys, for sets no filter describes (at most KEY_LINK_LIMIT,
  the most recent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from postmortems.patterns.filters import PatternFilters, Period
from postmortems.patterns.selection import Subset

KEY_LINK_LIMIT = 50


@dataclass(frozen=True)
class KeyLink:
    url: str | None  # None when the set is empty
    shown: int  # how many keys the link carries
    total: int

    @property
    def truncated(self) -> bool:
        return self.shown < self.total


class Links:
    def __init__(self, filters: PatternFilters):
        self.filters = filters
        self.base = reverse("postmortems:list")

    def postmortems(
        self,
        *,
        period: Period | None = None,
        factors: Iterable[str] = (),
        families: Iterable[str] = (),
        services: Iterable[str] = (),
        kind: str | None = None,
        role: str | None = None,
        started_after: str | None = None,
    ) -> str:
        params: dict[str, str | list[str]] = dict(self.filters.link_params(period))
        if started_after is not None:
            params["started_after"] = started_after
        if kind is not None:
            params["kind"] = kind
        factor_list = list(factors)
        if factor_list:
            params["factor"] = factor_list
        family_list = list(families)
        if family_list:
            params["family"] = ",".join(family_list)
        service_list = list(dict.fromkeys([*([self.filters.service] if self.filters.service else []), *services]))
        if service_list:
            params["service"] = service_list
        if role is not None:
            params["role"] = role
        return f"{self.base}?{urlencode(params, doseq=True)}"

    def keys(self, subset: Subset) -> KeyLink:
        """A link to exactly these postmortems (the most recent KEY_LINK_LIMIT of them)."""
        total = subset.count()
        if not total:
            return KeyLink(None, 0, 0)
        keys = subset.newest_keys(KEY_LINK_LIMIT)
        # Keys are PM-YYYY-NNN (a database constraint), so only the separator needs quoting.
        return KeyLink(f"{self.base}?key={'%2C'.join(keys)}", len(keys), total)
