"""Stage two of an import: resolve names to rows and find which postmortems already exist.

Reads only: a handful of queries for the whole batch, however many files it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Q
from django.db.models.fields.json import KT

from postmortems.importers.bulk_sql import chunks
from postmortems.importers.parsing import CatalogEntry
from postmortems.importers.problems import Problem
from postmortems.importers.records import IMPORT_METADATA_KEY, PostmortemIn
from postmortems.models import (
    Assumption,
    AssumptionKind,
    AssumptionStatus,
    EvidenceType,
    Factor,
    Lifecycle,
    Postmortem,
    Service,
    Team,
    Tier,
)
from postmortems.models.catalog import RESERVED_SERVICE_SLUGS
from postmortems.querysets import is_admin

_FINGERPRINT = f"metadata__{IMPORT_METADATA_KEY}__fingerprint"


@dataclass
class Catalog:
    """Names in the batch mapped to ids, and the teams, services and assumptions the import will create."""

    factors: dict[str, int]
    inactive_factors: set[str]
    services: dict[str, int]
    service_names: set[str]
    teams: dict[str, int]
    users: dict[str, int]
    assumptions: dict[str, int]
    create_services: bool
    unknown_users: set[str] = field(default_factory=set)
    new_teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_services: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_assumptions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, create_services: bool) -> Catalog:
        """The small tables whole (factors, services, teams); people and assumptions come with `learn`."""
        factor_rows = list(Factor.objects.values_list("slug", "id", "is_active"))
        return cls(
            factors={slug: pk for slug, pk, _active in factor_rows},
            inactive_factors={slug for slug, _pk, active in factor_rows if not active},
            services=dict(Service.objects.values_list("slug", "id")),
            service_names=set(Service.objects.values_list("name", flat=True)),
            teams=dict(Team.objects.values_list("slug", "id")),
            users={},
            assumptions={},
            create_services=create_services,
        )

    def learn(self, postmortems: list[PostmortemIn], entries: dict[str, list[CatalogEntry]]) -> None:
        """Look up the usernames and assumption statements these documents name, once each."""
        usernames = {name for pm in postmortems for name in pm.authors}
        usernames |= {item.owner for pm in postmortems for item in pm.action_items if item.owner}
        usernames -= self.users.keys() | self.unknown_users
        if usernames:
            found = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "id"))
            self.users.update(found)
            self.unknown_users |= usernames - found.keys()
        statements = {ev.statement for pm in postmortems for ev in pm.assumptions}
        statements |= {f.assumption for pm in postmortems for f in pm.factors if f.assumption}
        statements |= {str(e.data.get("statement", "")).strip() for e in entries.get("assumptions", [])}
        statements -= self.assumptions.keys()
        if statements:
            rows = Assumption.objects.filter(statement__in=statements).order_by("-id").values_list("statement", "id")
            self.assumptions.update(rows)  # newest first, so for a repeated statement the oldest row wins

    def prune(self, written: list[PostmortemIn]) -> None:
        """Forget services and assumptions only named by documents that will not be written."""
        services = {slug for pm in written for slug, _role in pm.services}
        services |= {slug for pm in written for f in pm.factors for slug in f.services}
        statements = {ev.statement for pm in written for ev in pm.assumptions}
        statements |= {f.assumption for pm in written for f in pm.factors if f.assumption}
        for slug in [s for s, data in self.new_services.items() if data.get("derived") and s not in services]:
            del self.new_services[slug]
        for text in [t for t, data in self.new_assumptions.items() if data.get("derived") and t not in statements]:
            del self.new_assumptions[text]

    def knows_team(self, slug: str) -> bool:
        return slug in self.teams or slug in self.new_teams

    def knows_service(self, slug: str) -> bool:
        return slug in self.services or slug in self.new_services

    def service_name_for(self, slug: str) -> str:
        """A readable, unused name for a service created from a slug: "checkout-api" -> "Checkout api"."""
        taken = self.service_names | {s["name"] for s in self.new_services.values()}
        for name in (slug.replace("-", " ").replace("_", " ").capitalize(), slug, f"{slug} (imported)"):
            if name not in taken:
                return name[:100]
        return slug[:100]


def check_catalog_entries(catalog: Catalog, entries: dict[str, list[CatalogEntry]]) -> list[Problem]:
    """Teams, services and assumptions listed in a JSON export: missing ones are created, existing ones kept."""
    errors: list[Problem] = []
    names = {t["name"] for t in Team.objects.values("name")}
    for entry in entries.get("teams", []):
        slug, name = str(entry.data.get("slug", "")).strip(), str(entry.data.get("name", "")).strip()
        if not _is_slug(slug):
            errors.append(Problem(entry.file, f"key '{entry.path}.slug'", f"bad team slug {slug!r}"))
        elif slug not in catalog.teams and slug not in catalog.new_teams:
            name = name or slug
            if name in names:
                errors.append(Problem(entry.file, f"key '{entry.path}.name'", f"another team is named {name!r}"))
                continue
            names.add(name)
            description = str(entry.data.get("description") or "")
            catalog.new_teams[slug] = {"slug": slug, "name": name[:100], "description": description}
    for entry in entries.get("services", []):
        errors += _catalog_service(catalog, entry)
    for entry in entries.get("assumptions", []):
        errors += _catalog_assumption(catalog, entry)
    return errors


def _is_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return len(value) <= 100


def _catalog_service(catalog: Catalog, entry: CatalogEntry) -> list[Problem]:
    data, where = entry.data, f"key '{entry.path}"
    slug = str(data.get("slug", "")).strip()
    if not _is_slug(slug):
        return [Problem(entry.file, f"{where}.slug'", f"bad service slug {slug!r}")]
    if catalog.knows_service(slug):
        return []
    if slug in RESERVED_SERVICE_SLUGS:
        return [Problem(entry.file, f"{where}.slug'", f"service slug {slug!r} is reserved for a page; rename it")]
    if not catalog.create_services:
        return [Problem(entry.file, f"{where}.slug'", f"unknown service {slug!r} (creating services is switched off)")]
    team = data.get("team") or None
    if team and not catalog.knows_team(team):
        return [Problem(entry.file, f"{where}.team'", f"unknown team {team!r}")]
    tier = data.get("tier", Tier.TIER_3)
    if tier not in Tier.values:
        return [Problem(entry.file, f"{where}.tier'", f"unknown tier {tier!r}; expected 1-4")]
    lifecycle = data.get("lifecycle") or Lifecycle.PRODUCTION
    if lifecycle not in Lifecycle.values:
        return [Problem(entry.file, f"{where}.lifecycle'", f"unknown lifecycle {lifecycle!r}")]
    name = str(data.get("name") or "").strip()
    if not name or name in catalog.service_names or any(s["name"] == name for s in catalog.new_services.values()):
        name = catalog.service_name_for(slug)
    catalog.new_services[slug] = {
        "slug": slug,
        "name": name[:100],
        "description": str(data.get("description") or ""),
        "tier": tier,
        "team": team,
        "lifecycle": lifecycle,
        "service_type": str(data.get("service_type") or "")[:50],
    }
    return []


def _catalog_assumption(catalog: Catalog, entry: CatalogEntry) -> list[Problem]:
    data, where = entry.data, f"key '{entry.path}"
    statement = str(data.get("statement", "")).strip()
    if not statement or len(statement) > 300:
        return [Problem(entry.file, f"{where}.statement'", "needs a statement of at most 300 characters")]
    if statement in catalog.assumptions or statement in catalog.new_assumptions:
        return []
    kind = data.get("kind") or AssumptionKind.DEPENDENCY
    status = data.get("status") or AssumptionStatus.HELD
    if kind not in AssumptionKind.values:
        return [Problem(entry.file, f"{where}.kind'", f"unknown assumption kind {kind!r}")]
    if status not in AssumptionStatus.values:
        return [Problem(entry.file, f"{where}.status'", f"unknown assumption status {status!r}")]
    service, team = data.get("service") or None, data.get("owner_team") or None
    if service and not catalog.knows_service(service):
        return [Problem(entry.file, f"{where}.service'", f"unknown service {service!r}")]
    if team and not catalog.knows_team(team):
        return [Problem(entry.file, f"{where}.owner_team'", f"unknown team {team!r}")]
    catalog.new_assumptions[statement] = {
        "statement": statement,
        "kind": kind,
        "status": status,
        "service": service,
        "owner_team": team,
        "where_encoded": str(data.get("where_encoded") or "")[:200],
    }
    return []


def check_references(pm: PostmortemIn, catalog: Catalog) -> tuple[list[Problem], list[Problem]]:
    """Factors, teams and services must exist (services may be created); unknown people are dropped."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    new_services: dict[str, dict[str, Any]] = {}

    def service(slug: str, path: str) -> None:
        if catalog.knows_service(slug) or slug in new_services:
            return
        if slug in RESERVED_SERVICE_SLUGS:
            errors.append(Problem(pm.file, pm.where(path), f"service slug {slug!r} is reserved for a page; rename it"))
        elif catalog.create_services:
            new_services[slug] = {"slug": slug, "name": "", "tier": 3, "team": None, "derived": True}
        else:
            errors.append(Problem(pm.file, pm.where(path), f"unknown service {slug!r} (creating services is off)"))

    for i, (slug, _role) in enumerate(pm.services):
        service(slug, f"services[{i}]")
    for i, slug in enumerate(pm.teams):
        if not catalog.knows_team(slug):
            errors.append(Problem(pm.file, pm.where(f"teams[{i}]"), f"unknown team {slug!r}"))
    for factor in pm.factors:
        if factor.factor and factor.factor not in catalog.factors:
            errors.append(Problem(pm.file, pm.where(f"{factor.path}.factor"), f"unknown factor {factor.factor!r}"))
        elif factor.factor in catalog.inactive_factors:
            warnings.append(Problem(pm.file, pm.where(f"{factor.path}.factor"), f"factor {factor.factor!r} is retired"))
        for j, slug in enumerate(factor.services):
            service(slug, f"{factor.path}.services[{j}]")
    for item in pm.action_items:
        if item.team and not catalog.knows_team(item.team):
            errors.append(Problem(pm.file, pm.where(f"{item.path}.team"), f"unknown team {item.team!r}"))
        if item.owner and item.owner not in catalog.users:
            warnings.append(Problem(pm.file, pm.where(f"{item.path}.owner"), f"no user {item.owner!r}; left unowned"))
            item.owner = None
    unknown_authors = [name for name in pm.authors if name not in catalog.users]
    if unknown_authors:
        warnings.append(Problem(pm.file, pm.where("authors"), f"no such users, left out: {', '.join(unknown_authors)}"))
        pm.authors = [name for name in pm.authors if name in catalog.users]
    if errors:
        return errors, warnings
    for slug, entry in new_services.items():
        catalog.new_services[slug] = {**entry, "name": catalog.service_name_for(slug), "lifecycle": "production"}
    for statement in [ev.statement for ev in pm.assumptions] + [f.assumption for f in pm.factors if f.assumption]:
        if statement not in catalog.assumptions and statement not in catalog.new_assumptions:
            violated = any(
                ev.statement == statement and ev.evidence_type == EvidenceType.VIOLATED for ev in pm.assumptions
            )
            catalog.new_assumptions[statement] = {
                "statement": statement,
                "kind": AssumptionKind.DEPENDENCY,
                "status": AssumptionStatus.VIOLATED if violated else AssumptionStatus.HELD,
                "service": None,
                "owner_team": None,
                "where_encoded": "",
                "derived": True,
            }
    return errors, warnings


@dataclass
class Existing:
    id: int
    key: str
    source_url: str
    fingerprint: str | None


def find_existing(postmortems: list[PostmortemIn], user: Any) -> tuple[dict[int, Existing], set[int]]:
    """Rows that match any document by key, source URL or fingerprint, and which of them `user` may see.

    Keys are unique and indexed, so most imports cost one indexed lookup; only documents whose key is
    new (or absent) are looked up by source URL, and only keyless ones without a known URL by fingerprint.
    """
    found: dict[int, Existing] = {}
    keys = sorted({pm.key for pm in postmortems if pm.key})
    for chunk in chunks(keys):
        found.update(_rows(Q(key__in=chunk)))
    known_keys = {row.key for row in found.values()}
    rest = [pm for pm in postmortems if not pm.key or pm.key not in known_keys]
    urls = sorted({pm.source_url for pm in rest if pm.source_url})
    for chunk in chunks(urls):
        found.update(_rows(Q(source_url__in=chunk)))
    known_urls = {row.source_url for row in found.values()}
    # A file that names its own key is that postmortem; only keyless files are recognised by content (which
    # reads every row's metadata, so it is kept to the files that need it).
    prints = sorted({pm.fingerprint for pm in rest if not pm.key and pm.source_url not in known_urls})
    for chunk in chunks(prints):
        found.update(_rows(Q(**{f"{_FINGERPRINT}__in": chunk})))
    existing = dict(sorted(found.items()))
    if user is None or is_admin(user):
        return existing, set(existing)
    visible: set[int] = set()
    for chunk in chunks(list(existing)):
        visible.update(Postmortem.objects.visible_to(user).filter(id__in=chunk).values_list("id", flat=True))
    return existing, visible


def _rows(query: Q) -> dict[int, Existing]:
    rows = (
        Postmortem.objects.filter(query)
        .annotate(fingerprint=KT(_FINGERPRINT))
        .values_list("id", "key", "source_url", "fingerprint")
    )
    return {row[0]: Existing(*row) for row in rows}
