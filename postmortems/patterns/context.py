"""What every pattern view works from: the filters, the person's population, names, and links."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from postmortems.patterns.catalog import Catalog
from postmortems.patterns.filters import PatternFilters, Period
from postmortems.patterns.index import SERVICE, SHARED_WITH
from postmortems.patterns.links import Links
from postmortems.patterns.population import Population, population_for
from postmortems.patterns.selection import Selection, Subset, select

ALL_KINDS = None


class PatternContext:
    def __init__(
        self,
        *,
        user: AbstractBaseUser | AnonymousUser,
        filters: PatternFilters,
        catalog: Catalog | None = None,
        population: Population | None = None,
    ):
        self.user = user
        self.filters = filters
        self.catalog = catalog or Catalog()
        self.links = Links(filters)
        if population is not None:
            self.population = population

    @cached_property
    def population(self) -> Population:
        return population_for(self.user)

    def service_sets(self) -> list[set[int]]:
        """The services each of the service and team filters allows (for records that hang off services)."""
        sets = []
        if self.filters.service:
            service_id = self.catalog.service_id(self.filters.service)
            sets.append({service_id} if service_id is not None else set())
        if self.filters.team:
            sets.append(self.catalog.team_service_ids(self.filters.team))
        return sets

    def constraints(self) -> list[list[tuple[str, int]]]:
        """The service filter, and the team filter: about a service the team owns, or shared with the team
        (as the postmortem list reads `team`)."""
        found = []
        if self.filters.service:
            service_id = self.catalog.service_id(self.filters.service)
            found.append([(SERVICE, service_id)] if service_id is not None else [])
        if self.filters.team:
            team = self.catalog.team_by_slug(self.filters.team)
            owned = [(SERVICE, s) for s in self.catalog.team_service_ids(self.filters.team)]
            found.append(owned + ([(SHARED_WITH, team.id)] if team is not None else []))
        return found

    def select(self, period: Period, *, kinds: list[str] | None | str = "filter") -> Selection:
        """Postmortems in `period` under the filters; `kinds` overrides the kind filter (None: every kind)."""
        if kinds == "filter":
            kinds = [self.filters.kind] if self.filters.kind else ALL_KINDS
        return select(
            self.population,
            start=period.start_ts,
            end=period.end_ts,
            kinds=kinds,
            severity=self.filters.severity,
            constraints=self.constraints(),
        )

    @cached_property
    def current(self) -> Selection:
        return self.select(self.filters.period)

    @cached_property
    def previous(self) -> Selection | None:
        previous = self.filters.previous
        return self.select(previous) if previous is not None else None

    def started_within(self, selection: Selection, period: Period) -> Subset:
        """The part of `selection` that started in `period` (a narrower range than the selection's)."""
        bits = []
        for window in selection.windows:
            lo, hi = window.index.position_range(period.start_ts, period.end_ts)
            lo, hi = max(lo, window.lo) - window.lo, min(hi, window.lo + window.width) - window.lo
            bits.append(window.mask & (((1 << max(0, hi - lo)) - 1) << max(0, lo)) if hi > lo else 0)
        return Subset(selection, bits)
