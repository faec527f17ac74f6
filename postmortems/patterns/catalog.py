"""Names for the ids the index counts: factors and families, services and teams. One query each, on demand."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from postmortems.models import Factor, Service


@dataclass(frozen=True)
class FamilyInfo:
    id: int
    slug: str
    name: str
    position: int


@dataclass(frozen=True)
class FactorInfo:
    id: int
    slug: str
    name: str
    family_id: int


@dataclass(frozen=True)
class TeamInfo:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    slug: str
    name: str
    team_id: int | None


class Catalog:
    """Looked up once per request; taxonomy and ownership edits show at once, without a rebuild."""

    @cached_property
    def _taxonomy(self) -> tuple[dict[int, FactorInfo], dict[int, FamilyInfo]]:
        factors: dict[int, FactorInfo] = {}
        families: dict[int, FamilyInfo] = {}
        rows = Factor.objects.values_list(
            "id", "slug", "name", "family_id", "family__slug", "family__name", "family__position"
        ).order_by("family__position", "position", "slug")
        for factor_id, slug, name, family_id, family_slug, family_name, family_position in rows:
            factors[factor_id] = FactorInfo(factor_id, slug, name, family_id)
            families.setdefault(family_id, FamilyInfo(family_id, family_slug, family_name, family_position))
        return factors, families

    @property
    def factors(self) -> dict[int, FactorInfo]:
        return self._taxonomy[0]

    @property
    def families(self) -> dict[int, FamilyInfo]:
        return self._taxonomy[1]

    def factor_by_slug(self, slug: str) -> FactorInfo | None:
        return next((f for f in self.factors.values() if f.slug == slug), None)

    def family_by_slug(self, slug: str) -> FamilyInfo | None:
        return next((f for f in self.families.values() if f.slug == slug), None)

    def factors_in_family(self, family_id: int) -> list[int]:
        return [f.id for f in self.factors.values() if f.family_id == family_id]

    @cached_property
    def _ownership(self) -> tuple[dict[int, ServiceInfo], dict[int, TeamInfo]]:
        services: dict[int, ServiceInfo] = {}
        teams: dict[int, TeamInfo] = {}
        rows = Service.objects.values_list("id", "slug", "name", "team_id", "team__slug", "team__name").order_by("name")
        for service_id, slug, name, team_id, team_slug, team_name in rows:
            services[service_id] = ServiceInfo(service_id, slug, name, team_id)
            if team_id is not None:
                teams.setdefault(team_id, TeamInfo(team_id, team_slug, team_name))
        return services, teams

    @property
    def services(self) -> dict[int, ServiceInfo]:
        return self._ownership[0]

    @property
    def teams(self) -> dict[int, TeamInfo]:
        return self._ownership[1]

    def service_id(self, slug: str) -> int | None:
        return next((s.id for s in self.services.values() if s.slug == slug), None)

    def team_by_slug(self, slug: str) -> TeamInfo | None:
        return next((t for t in self.teams.values() if t.slug == slug), None)

    def team_service_ids(self, slug: str) -> set[int]:
        """The services a team owns now (ownership changes apply to past postmortems too)."""
        return {s.id for s in self.services.values() if s.team_id is not None and self.teams[s.team_id].slug == slug}
