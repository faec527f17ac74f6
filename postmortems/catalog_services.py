"""Writes for the catalogue: teams and their members, services, dependencies, and the factor taxonomy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from postmortems.models import Dependency, Factor, FactorFamily, Membership, Service, Team
from postmortems.models.catalog import RESERVED_SERVICE_SLUGS


class InUse(Exception):
    """The row is still referenced (by postmortems, tags, ...) and cannot be deleted; nothing was written."""


def _check_fields(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {', '.join(sorted(unknown))}")


def _apply(row: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


# Teams -----------------------------------------------------------------------------------------------------

TEAM_FIELDS = ("name", "slug", "description", "reading_day", "reading_time", "reading_timezone")


def _set_members(team: Team, members: Iterable[AbstractBaseUser]) -> None:
    """Keep the memberships that stay (and their joined_at), add the new ones, drop the rest."""
    wanted = {user.pk for user in members}
    team.memberships.exclude(user_id__in=wanted).delete()
    present = set(team.memberships.values_list("user_id", flat=True))
    Membership.objects.bulk_create(Membership(team=team, user_id=pk) for pk in sorted(wanted - present))


def create_team(
    *, created_by: AbstractBaseUser | None, name: str, slug: str, members: Iterable[AbstractBaseUser] = (), **fields
) -> Team:
    _check_fields(fields, TEAM_FIELDS, "team")
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=slug, **fields)
        _set_members(team, members)
    return team


def update_team(
    *, team: Team, changed_by: AbstractBaseUser | None, members: Iterable[AbstractBaseUser] | None = None, **fields
) -> Team:
    """Change a team; `members` replaces the membership list (and so who sees the team's restricted postmortems)."""
    _check_fields(fields, TEAM_FIELDS, "team")
    with transaction.atomic():
        _apply(team, fields)
        if members is not None:
            _set_members(team, members)
    return team


def delete_team(*, team: Team, deleted_by: AbstractBaseUser | None) -> None:
    """Services, action items and assumptions it owned lose their team; restricted postmortems lose it as a reader."""
    team.delete()


# Services and dependencies ---------------------------------------------------------------------------------

SERVICE_FIELDS = ("name", "slug", "description", "tier", "team", "lifecycle", "service_type")
DEPENDENCY_FIELDS = ("kind", "notes")


def create_service(*, created_by: AbstractBaseUser | None, name: str, slug: str, **fields: Any) -> Service:
    _check_fields(fields, SERVICE_FIELDS, "service")
    if slug in RESERVED_SERVICE_SLUGS:
        raise ValidationError({"slug": f"“{slug}” is the name of a page; choose another slug."})
    return Service.objects.create(name=name, slug=slug, **fields)


def update_service(*, service: Service, changed_by: AbstractBaseUser | None, **fields: Any) -> Service:
    _check_fields(fields, SERVICE_FIELDS, "service")
    _apply(service, fields)
    return service


def delete_service(*, service: Service, deleted_by: AbstractBaseUser | None) -> None:
    """Only a service no postmortem mentions can go; one that did should be retired instead (lifecycle)."""
    try:
        with transaction.atomic():
            service.delete()
    except ProtectedError:
        raise InUse(f"{service.slug} is linked to postmortems; set its lifecycle to retired instead.") from None


def _validate_dependency(source: Service, target: Service, *, exclude_pk: int | None = None) -> None:
    if source.pk == target.pk:
        raise ValidationError({"target": "A service cannot depend on itself."})
    duplicate = Dependency.objects.filter(source=source, target=target).exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError({"target": f"{source.slug} already depends on {target.slug}."})


def create_dependency(
    *, created_by: AbstractBaseUser | None, source: Service, target: Service, **fields: Any
) -> Dependency:
    """`source` depends on `target`."""
    _check_fields(fields, DEPENDENCY_FIELDS, "dependency")
    _validate_dependency(source, target)
    return Dependency.objects.create(source=source, target=target, **fields)


def update_dependency(
    *,
    dependency: Dependency,
    changed_by: AbstractBaseUser | None,
    source: Service | None = None,
    target: Service | None = None,
    **fields: Any,
) -> Dependency:
    _check_fields(fields, DEPENDENCY_FIELDS, "dependency")
    dependency.source = source or dependency.source
    dependency.target = target or dependency.target
    _validate_dependency(dependency.source, dependency.target, exclude_pk=dependency.pk)
    _apply(dependency, fields)
    return dependency


def delete_dependency(*, dependency: Dependency, deleted_by: AbstractBaseUser | None) -> None:
    dependency.delete()


# Taxonomy --------------------------------------------------------------------------------------------------

FAMILY_FIELDS = ("name", "question", "traces_to", "position")
FACTOR_FIELDS = ("name", "definition", "examples", "traces_to", "position", "is_custom", "team", "is_active")


def create_factor_family(*, created_by: AbstractBaseUser | None, slug: str, name: str, **fields: Any) -> FactorFamily:
    _check_fields(fields, FAMILY_FIELDS, "factor family")
    return FactorFamily.objects.create(slug=slug, name=name, **fields)


def update_factor_family(*, family: FactorFamily, changed_by: AbstractBaseUser | None, **fields: Any) -> FactorFamily:
    """Slugs never change: patterns and imports refer to them."""
    _check_fields(fields, FAMILY_FIELDS, "factor family")
    _apply(family, fields)
    return family


def create_factor(
    *, created_by: AbstractBaseUser | None, family: FactorFamily, slug: str, name: str, **fields: Any
) -> Factor:
    """Add a factor; its slug is `<family slug>.<name>` and never changes afterwards."""
    _check_fields(fields, FACTOR_FIELDS, "factor")
    if not slug.startswith(f"{family.slug}.") or slug == f"{family.slug}.":
        raise ValidationError({"slug": f"A factor in {family.slug} has a slug starting with '{family.slug}.'."})
    return Factor.objects.create(family=family, slug=slug, name=name, **fields)


def update_factor(*, factor: Factor, changed_by: AbstractBaseUser | None, **fields: Any) -> Factor:
    """Edit a factor's wording or retire it (is_active=False); its slug and family stay."""
    _check_fields(fields, FACTOR_FIELDS, "factor")
    _apply(factor, fields)
    return factor
