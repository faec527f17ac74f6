"""Importing a Backstage catalog: mapping, folders, re-imports, and bad catalogs that change nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postmortems.catalog_import import CatalogImportError, import_catalog
from postmortems.models import Dependency, Service, Team
from tests.factories import ServiceFactory, TeamFactory

CHECKOUT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  title: Checkout
  description: Takes the money.
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
  dependsOn:
    - resource:default/payments-db
    - component:fraud-check
"""
FRAUD = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: fraud-check
spec: {type: service, lifecycle: experimental, owner: payments}
"""
DATABASE = """\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
  description: PostgreSQL cluster.
spec: {type: database, owner: group:dba}
"""
OTHERS = """\
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: dba}
spec: {type: team, profile: {displayName: Database Team}, children: []}
"""


def _write(path: Path, *documents: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n".join(documents), encoding="utf-8")
    return path


def _state() -> tuple:
    """Everything the import may write, to show that a failed or dry run wrote nothing."""
    return (
        sorted(Team.objects.values_list("slug", "name")),
        sorted(Service.objects.values_list("slug", "name", "description", "lifecycle", "service_type", "team__slug")),
        sorted(Dependency.objects.values_list("source__slug", "target__slug", "kind")),
    )


@pytest.fixture
def catalog_file(tmp_path):
    return _write(tmp_path / "catalog-info.yaml", CHECKOUT, FRAUD, DATABASE, OTHERS)


@pytest.mark.django_db
def test_import_catalog_creates_services_teams_and_dependencies(catalog_file):
    report = import_catalog(path=catalog_file)

    checkout = Service.objects.select_related("team").get(slug="checkout")
    assert (checkout.name, checkout.description, checkout.service_type) == ("Checkout", "Takes the money.", "service")
    assert (checkout.lifecycle, checkout.team.slug) == ("production", "payments")
    assert Service.objects.get(slug="fraud-check").lifecycle == "experimental"
    assert Team.objects.get(slug="dba").name == "Database Team"  # from the Group entity's display name
    assert _state()[2] == [("checkout", "fraud-check", "sync"), ("checkout", "payments-db", "datastore")]
    assert report.services == {"created": 3, "updated": 0, "unchanged": 0}
    assert report.dependencies == {"created": 2, "unchanged": 0}
    assert report.skipped == {"System": 1, "Group": 1}


@pytest.mark.django_db
def test_import_catalog_reads_a_folder_of_files(tmp_path):
    _write(tmp_path / "payments" / "catalog-info.yaml", CHECKOUT, FRAUD)
    _write(tmp_path / "data" / "db.yml", DATABASE)
    _write(tmp_path / "README.md", "not a catalog")

    report = import_catalog(path=tmp_path)

    assert report.services["created"] == 3
    assert Dependency.objects.count() == 2


@pytest.mark.django_db
def test_import_catalog_reimport_updates_without_duplicating(catalog_file):
    import_catalog(path=catalog_file)
    _write(catalog_file, CHECKOUT.replace("lifecycle: production", "lifecycle: deprecated"), FRAUD, DATABASE, OTHERS)

    report = import_catalog(path=catalog_file)

    assert Service.objects.get(slug="checkout").lifecycle == "deprecated"
    assert (Service.objects.count(), Dependency.objects.count(), Team.objects.count()) == (3, 2, 2)
    assert report.services == {"created": 0, "updated": 1, "unchanged": 2}
    assert report.dependencies == {"created": 0, "unchanged": 2}
    assert report.teams_created == []


@pytest.mark.django_db
def test_import_catalog_keeps_what_the_catalog_does_not_say(catalog_file):
    existing = ServiceFactory(slug="checkout", name="Checkout API", tier=1)
    _write(catalog_file, CHECKOUT.replace("  title: Checkout\n", ""), FRAUD, DATABASE)

    import_catalog(path=catalog_file)

    existing.refresh_from_db()
    assert (existing.name, existing.tier, existing.description) == ("Checkout API", 1, "Takes the money.")


@pytest.mark.django_db
def test_import_catalog_depends_on_a_service_already_in_the_knowledge_base(tmp_path):
    ServiceFactory(slug="ledger", service_type="database")
    ServiceFactory(slug="search", service_type="service")
    depends = "owner: payments, dependsOn: [ledger, 'component:search']"
    path = _write(tmp_path / "c.yaml", FRAUD.replace("owner: payments", depends))

    import_catalog(path=path)

    assert _state()[2] == [("fraud-check", "ledger", "datastore"), ("fraud-check", "search", "sync")]


@pytest.mark.django_db
def test_import_catalog_dry_run_writes_nothing(catalog_file):
    before = _state()

    report = import_catalog(path=catalog_file, dry_run=True)

    assert _state() == before
    assert report.services["created"] == 3
    assert report.teams_created == ["dba", "payments"]


@pytest.mark.django_db
def test_import_catalog_malformed_yaml_names_the_file_and_writes_nothing(tmp_path):
    _write(tmp_path / "a.yaml", CHECKOUT, FRAUD, DATABASE)
    _write(tmp_path / "b.yaml", "kind: Component\nmetadata: {name: broken\n")
    before = _state()

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path=tmp_path)

    assert caught.value.problems == [
        f"{tmp_path / 'b.yaml'}: invalid YAML at line 3, column 1: expected ',' or '}}', but got '<stream end>'"
    ]
    assert _state() == before


@pytest.mark.django_db
def test_import_catalog_missing_name_names_the_file_and_entity(tmp_path):
    path = _write(tmp_path / "c.yaml", CHECKOUT, FRAUD.replace("  name: fraud-check\n", "  title: Fraud\n"))

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path=path)

    assert caught.value.problems == [f"{path} (document 2): Component metadata.name is missing"]
    assert _state() == ([], [], [])


@pytest.mark.django_db
def test_import_catalog_unknown_depends_on_is_an_error(tmp_path):
    path = _write(tmp_path / "c.yaml", CHECKOUT, FRAUD)  # payments-db is neither here nor in the database

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path=path)

    assert caught.value.problems == [
        f"{path} (document 1): Component 'checkout': spec.dependsOn 'resource:default/payments-db' "
        "is neither in the catalog nor a service in the knowledge base"
    ]
    assert _state() == ([], [], [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("lifecycle: production", "lifecycle: sunset"), "spec.lifecycle 'sunset' is not one of"),
        (("  owner: group:default/payments\n", ""), "spec.owner is missing"),
        (("  type: service\n", "  type: [service]\n"), "spec.type must be text"),
        (("- component:fraud-check", "- component:checkout"), "a service cannot depend on itself"),
        (("- component:fraud-check", "- resource:fraud-check"), "names a Resource, but it is a Component"),
    ],
)
def test_import_catalog_bad_fields_name_the_entity_and_field(tmp_path, change, message):
    TeamFactory(slug="payments", name="Payments")
    path = _write(tmp_path / "c.yaml", CHECKOUT.replace(*change), FRAUD, DATABASE)
    before = _state()

    with pytest.raises(CatalogImportError) as caught:
        import_catalog(path=path)

    assert f"{path} (document 1): Component 'checkout'" in caught.value.problems[0]
    assert message in caught.value.problems[0]
    assert _state() == before


@pytest.mark.django_db
def test_import_catalog_duplicate_entity_is_an_error(tmp_path):
    path = _write(tmp_path / "c.yaml", FRAUD, FRAUD)

    with pytest.raises(CatalogImportError, match=r"\(document 2\): Component 'fraud-check' has the same slug as"):
        import_catalog(path=path)


@pytest.mark.django_db
def test_import_catalog_command_reports_counts(catalog_file):
    out = StringIO()

    call_command("import_catalog", str(catalog_file), stdout=out)

    assert "services: 3 created, 0 updated, 0 unchanged; dependencies: 2 created, 0 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_import_catalog_command_dry_run_writes_nothing(catalog_file):
    out = StringIO()

    call_command("import_catalog", str(catalog_file), "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run, nothing written: services: 3 created")
    assert _state() == ([], [], [])


@pytest.mark.django_db
def test_import_catalog_command_fails_with_a_one_line_reason(tmp_path):
    err = StringIO()
    _write(tmp_path / "c.yaml", "kind: Component\nmetadata: {}\n", "kind: Resource\nmetadata: {name: db}\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", str(tmp_path), stderr=err)

    assert str(caught.value) == (
        f"nothing imported: {tmp_path / 'c.yaml'} (document 1): "
        "Component metadata.name is missing (and 1 more problems)"
    )
    assert "\n" not in str(caught.value)
    assert "Resource 'db': spec is missing" in err.getvalue()


@pytest.mark.django_db
def test_import_catalog_refuses_a_service_named_like_a_catalog_page(tmp_path):
    entity = "kind: Component\nmetadata:\n  name: graph\nspec:\n  owner: team-a\n  lifecycle: production\n"
    path = _write(tmp_path / "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\n" + entity + "  type: service\n")
    with pytest.raises(CommandError, match="reserved for a page"):
        call_command("import_catalog", str(path))
    assert not Service.objects.exists()
