"""Import services and their dependencies from a Backstage catalog (catalog-info.yaml files).

Three steps, so that a bad catalog changes nothing: read and check every file, plan the changes against
the database, then write them all in one transaction. See docs/catalog-import.md for the mapping.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from postmortems.catalog_services import create_dependency, create_service, create_team, update_service
from postmortems.models import Dependency, DependencyKind, Lifecycle, Service, Team
from postmortems.models.catalog import RESERVED_SERVICE_SLUGS

SERVICE_KINDS = {"component": "Component", "resource": "Resource"}
# Backstage's own values are production, experimental and deprecated; `retired` is this product's extra.
LIFECYCLES = {value: value for value in Lifecycle.values}
DATASTORE_TYPES = {"database"}
YAML_SUFFIXES = {".yaml", ".yml"}


class CatalogImportError(Exception):
    """The catalog cannot be imported; `problems` lists every reason, one line each. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


@dataclass
class Entity:
    """A Component or Resource read from the catalog, already checked."""

    where: str
    kind: str
    name: str
    slug: str
    title: str
    description: str
    owner: str | None
    lifecycle: str | None
    service_type: str
    depends_on: list[tuple[str | None, str, str]]  # (kind or None, slug, the reference as written)


@dataclass
class CatalogReport:
    """What an import did (or, on a dry run, would do)."""

    dry_run: bool = False
    services: Counter[str] = field(default_factory=Counter)
    dependencies: Counter[str] = field(default_factory=Counter)
    teams_created: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        s, d = self.services, self.dependencies
        parts = [
            f"services: {s['created']} created, {s['updated']} updated, {s['unchanged']} unchanged",
            f"dependencies: {d['created']} created, {d['unchanged']} unchanged",
            f"teams: {len(self.teams_created)} created",
        ]
        if self.skipped:
            kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.skipped.items()))
            parts.append(f"skipped {sum(self.skipped.values())} other entities ({kinds})")
        return "; ".join(parts)


class _Problem(ValueError):
    pass


# Reading ---------------------------------------------------------------------------------------------------


def catalog_files(path: Path) -> list[Path]:
    """The YAML files to read: the file itself, or every .yaml/.yml under the folder (hidden ones left out)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CatalogImportError([f"{path}: no such file or folder"])
    files = sorted(
        p
        for p in path.rglob("*")
        if p.suffix in YAML_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not files:
        raise CatalogImportError([f"{path}: no .yaml or .yml files in this folder"])
    return files


def _documents(path: Path) -> list[Any]:
    try:
        return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = " ".join(str(exc.problem or exc.context or "unreadable").split())
        raise _Problem(f"{path}: invalid YAML{at}: {reason}") from None
    except yaml.YAMLError as exc:
        raise _Problem(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None
    except UnicodeDecodeError:
        raise _Problem(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise _Problem(f"{path}: cannot be read ({exc.strerror})") from None


def _text(mapping: dict, key: str, label: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = mapping.get(key)
    if value is None or value == "":
        if required:
            raise _Problem(f"{label} is missing")
        return ""
    if not isinstance(value, str):
        raise _Problem(f"{label} must be text, not {value!r}")
    value = value.strip()
    if max_length and len(value) > max_length:
        raise _Problem(f"{label} is longer than {max_length} characters")
    return value


def _parse_ref(ref: str, label: str) -> tuple[str | None, str]:
    """`component:default/checkout`, `resource:payments-db` or `checkout` -> (kind or None, name)."""
    kind, _, rest = ref.partition(":") if ":" in ref else ("", "", ref)
    name = rest.rpartition("/")[2].strip()
    if not name:
        raise _Problem(f"{label} {ref!r} is not an entity reference")
    return (kind.strip().lower() or None), name


def _service_slug(name: str, label: str) -> str:
    slug = _slug(name, f"{label}: metadata.name")
    if slug in RESERVED_SERVICE_SLUGS:
        raise _Problem(f"{label}: metadata.name {name!r} is reserved for a page of the catalog; rename the entity")
    return slug


def _slug(name: str, label: str) -> str:
    slug = slugify(name)
    if not slug:
        raise _Problem(f"{label} {name!r} has no letters or digits to make a slug from")
    if len(slug) > 100:
        raise _Problem(f"{label} is longer than 100 characters")
    return slug


def _owner(spec: dict, label: str, warnings: list[str]) -> str | None:
    owner = _text(spec, "owner", f"{label}: spec.owner", required=True)
    kind, name = _parse_ref(owner, f"{label}: spec.owner")
    if kind not in (None, "group"):
        warnings.append(f"{label}: spec.owner {owner!r} is not a group; the owning team is left as it is")
        return None
    return _slug(name, f"{label}: spec.owner")


def _entity(doc: dict, kind: str, where: str, warnings: list[str]) -> Entity:
    metadata = doc.get("metadata")
    if not isinstance(metadata, dict):
        raise _Problem(f"{where}: {kind} without metadata.name")
    name = _text(metadata, "name", f"{where}: {kind} metadata.name", required=True)
    label = f"{where}: {kind} {name!r}"
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise _Problem(f"{label}: spec is missing")
    lifecycle = _text(spec, "lifecycle", f"{label}: spec.lifecycle", required=kind == "Component").lower()
    if lifecycle and lifecycle not in LIFECYCLES:
        raise _Problem(f"{label}: spec.lifecycle {lifecycle!r} is not one of {', '.join(LIFECYCLES)}")
    depends_on = spec.get("dependsOn") or []
    if not isinstance(depends_on, list) or not all(isinstance(ref, str) for ref in depends_on):
        raise _Problem(f"{label}: spec.dependsOn must be a list of entity references")
    refs = []
    for ref in dict.fromkeys(depends_on):
        ref_kind, ref_name = _parse_ref(ref, f"{label}: spec.dependsOn")
        if ref_kind not in (None, *SERVICE_KINDS):
            warnings.append(f"{label}: spec.dependsOn {ref!r} is not a Component or Resource; left out")
            continue
        refs.append((ref_kind, _slug(ref_name, f"{label}: spec.dependsOn"), ref))
    return Entity(
        where=where,
        kind=kind,
        name=name,
        slug=_service_slug(name, label),
        title=_text(metadata, "title", f"{label}: metadata.title", max_length=100),
        description=_text(metadata, "description", f"{label}: metadata.description"),
        owner=_owner(spec, label, warnings),
        lifecycle=lifecycle or None,
        service_type=_text(spec, "type", f"{label}: spec.type", required=True, max_length=50),
        depends_on=refs,
    )


def _group_title(doc: dict) -> tuple[str, str] | None:
    """(team slug, display name) from a Group entity, used to name teams the import creates."""
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
    name, title = metadata.get("name"), profile.get("displayName") or metadata.get("title")
    if isinstance(name, str) and slugify(name) and isinstance(title, str) and title.strip():
        return slugify(name), title.strip()[:100]
    return None


def read_catalog(path: Path, report: CatalogReport) -> tuple[list[Entity], dict[str, str]]:
    """Every Component and Resource under `path`, and the Group display names; raises with every problem found."""
    problems: list[str] = []
    entities: dict[str, Entity] = {}
    group_titles: dict[str, str] = {}
    for file in catalog_files(path):
        try:
            documents = _documents(file)
        except _Problem as exc:
            problems.append(str(exc))
            continue
        for number, doc in enumerate(documents, start=1):
            if doc is None:
                continue
            where = f"{file} (document {number})"
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or not doc["kind"].strip():
                problems.append(f"{where}: not a catalog entity (a mapping with apiVersion, kind, metadata, spec)")
                continue
            kind = doc["kind"].strip()
            if kind.lower() not in SERVICE_KINDS:
                report.skipped[kind] += 1
                if kind.lower() == "group" and (named := _group_title(doc)):
                    group_titles[named[0]] = named[1]
                continue
            try:
                entity = _entity(doc, SERVICE_KINDS[kind.lower()], where, report.warnings)
            except _Problem as exc:
                problems.append(str(exc))
                continue
            if entity.slug in entities:
                other = entities[entity.slug]
                problems.append(f"{where}: {entity.kind} {entity.name!r} has the same slug as {other.where}")
                continue
            entities[entity.slug] = entity
    if problems:
        raise CatalogImportError(problems)
    return list(entities.values()), group_titles


# Planning and writing --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    teams: dict[str, Team] = field(default_factory=dict)  # existing, by slug
    new_teams: dict[str, str] = field(default_factory=dict)  # slug -> name
    creates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (slug, fields incl. name)
    updates: list[tuple[Service, dict[str, Any]]] = field(default_factory=list)  # only the changed fields
    unchanged: list[Service] = field(default_factory=list)
    outside: dict[str, Service] = field(default_factory=dict)  # dependency targets not in the catalog
    dependencies: list[tuple[str, str, str]] = field(default_factory=list)  # (source slug, target slug, kind)
    dependencies_unchanged: int = 0


def _plan_teams(entities: list[Entity], group_titles: dict[str, str], plan: _Plan, problems: list[str]) -> None:
    first_owned = {}
    for entity in entities:
        if entity.owner:
            first_owned.setdefault(entity.owner, entity)
    plan.teams = {t.slug: t for t in Team.objects.filter(slug__in=first_owned)}
    plan.new_teams = {slug: group_titles.get(slug, slug) for slug in sorted(first_owned.keys() - plan.teams.keys())}
    taken = dict(Team.objects.filter(name__in=plan.new_teams.values()).values_list("name", "slug"))
    for slug, name in plan.new_teams.items():
        if name in taken:
            entity = first_owned[slug]
            problems.append(
                f"{entity.where}: {entity.kind} {entity.name!r}: spec.owner {slug!r} is a new team, "
                f"but its name {name!r} is already used by team {taken[name]!r}"
            )


def _plan_services(entities: list[Entity], plan: _Plan, problems: list[str]) -> None:
    existing = {s.slug: s for s in Service.objects.filter(slug__in=[e.slug for e in entities]).select_related("team")}
    names: dict[str, Entity] = {}
    for entity in entities:
        service = existing.get(entity.slug)
        # A title is the display name; without one, a service already in the knowledge base keeps its name.
        name = entity.title or (service.name if service else entity.name)
        if name in names:
            problems.append(f"{entity.where}: {entity.kind} {entity.name!r}: name {name!r} is also {names[name].where}")
        names[name] = entity
        fields: dict[str, Any] = {"name": name, "description": entity.description, "service_type": entity.service_type}
        if entity.lifecycle:
            fields["lifecycle"] = entity.lifecycle
        if entity.owner:
            fields["team"] = entity.owner  # a team slug until the write resolves it
        if service is None:
            plan.creates.append((entity.slug, fields))
            continue
        current = {key: getattr(service, key) for key in fields if key != "team"}
        current["team"] = service.team.slug if service.team else None
        changed = {key: value for key, value in fields.items() if current[key] != value}
        if changed:
            plan.updates.append((service, changed))
        else:
            plan.unchanged.append(service)
    taken = dict(Service.objects.filter(name__in=names).values_list("name", "slug"))
    for name, entity in names.items():
        if taken.get(name, entity.slug) != entity.slug:
            problems.append(
                f"{entity.where}: {entity.kind} {entity.name!r}: name {name!r} "
                f"is already used by service {taken[name]!r}"
            )


def _dependency_kind(resource_kind: str, service_type: str) -> str:
    """The catalog says only that one depends on another; a database Resource is a data store, all else sync."""
    if resource_kind == "Resource" and service_type.lower() in DATASTORE_TYPES:
        return DependencyKind.DATASTORE
    return DependencyKind.SYNC


def _plan_dependencies(entities: list[Entity], plan: _Plan, problems: list[str]) -> None:
    imported = {e.slug: e for e in entities}
    outside = {slug for e in entities for _kind, slug, _ref in e.depends_on if slug not in imported}
    plan.outside = {s.slug: s for s in Service.objects.filter(slug__in=outside)}
    present = set(Dependency.objects.filter(source__slug__in=imported).values_list("source__slug", "target__slug"))
    seen: set[tuple[str, str]] = set()
    for entity in entities:
        for ref_kind, slug, ref in entity.depends_on:
            label = f"{entity.where}: {entity.kind} {entity.name!r}: spec.dependsOn {ref!r}"
            target = imported.get(slug)
            if slug == entity.slug:
                problems.append(f"{label}: a service cannot depend on itself")
                continue
            if target is not None and ref_kind and SERVICE_KINDS[ref_kind] != target.kind:
                problems.append(
                    f"{label} names a {SERVICE_KINDS[ref_kind]}, but it is a {target.kind} in {target.where}"
                )
                continue
            if target is not None:
                kind = _dependency_kind(target.kind, target.service_type)
            elif slug in plan.outside:
                kind = _dependency_kind("Resource", plan.outside[slug].service_type)
            else:
                problems.append(f"{label} is neither in the catalog nor a service in the knowledge base")
                continue
            if (entity.slug, slug) in seen:
                continue
            seen.add((entity.slug, slug))
            if (entity.slug, slug) in present:
                plan.dependencies_unchanged += 1
            else:
                plan.dependencies.append((entity.slug, slug, kind))


def _write(plan: _Plan) -> None:
    """Apply the plan in one transaction."""
    with transaction.atomic():
        teams = dict(plan.teams)
        for slug, name in plan.new_teams.items():
            teams[slug] = create_team(created_by=None, name=name, slug=slug)
        services = {**plan.outside, **{s.slug: s for s in plan.unchanged}}
        for slug, fields in plan.creates:
            fields = {**fields, "team": teams[fields["team"]]} if "team" in fields else fields
            services[slug] = create_service(created_by=None, slug=slug, **fields)
        for service, fields in plan.updates:
            fields = {**fields, "team": teams[fields["team"]]} if "team" in fields else fields
            services[service.slug] = update_service(service=service, changed_by=None, **fields)
        for source, target, kind in plan.dependencies:
            create_dependency(created_by=None, source=services[source], target=services[target], kind=kind)


def import_catalog(*, path: Path | str, dry_run: bool = False) -> CatalogReport:
    """Create or update services, teams and dependencies from Backstage catalog files; all or nothing.

    Raises CatalogImportError listing every problem (file, entity, field) before anything is written.
    """
    report = CatalogReport(dry_run=dry_run)
    entities, group_titles = read_catalog(Path(path), report)
    plan, problems = _Plan(), []
    _plan_teams(entities, group_titles, plan, problems)
    _plan_services(entities, plan, problems)
    _plan_dependencies(entities, plan, problems)
    if problems:
        raise CatalogImportError(problems)
    report.services.update(created=len(plan.creates), updated=len(plan.updates), unchanged=len(plan.unchanged))
    report.dependencies.update(created=len(plan.dependencies), unchanged=plan.dependencies_unchanged)
    report.teams_created = list(plan.new_teams)
    if not dry_run:
        try:
            _write(plan)
        except (IntegrityError, ValidationError) as exc:
            # Only a concurrent edit can get here: the plan was checked against the same rows a moment ago.
            reason = " ".join(str(exc).split())
            raise CatalogImportError(
                [f"the catalogue changed during the import ({reason}); nothing was written"]
            ) from exc
    return report
