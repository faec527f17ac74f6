"""The data migration loads the taxonomy of TAXONOMY.md section 2."""

import pytest

from postmortems.models import Factor, FactorFamily

pytestmark = pytest.mark.django_db

EXPECTED = {"latent": 6, "change": 5, "load": 4, "coupling": 4, "automation": 4, "signals": 5, "org": 6, "coord": 4,
            "adaptive": 7}  # fmt: skip


def test_taxonomy_migration_loads_45_factors_in_9_families():
    assert FactorFamily.objects.count() == 9
    assert Factor.objects.count() == 45


def test_taxonomy_migration_puts_each_factor_in_its_family():
    counts = {family.slug: family.factors.count() for family in FactorFamily.objects.all()}
    assert counts == EXPECTED
    assert all(f.slug.startswith(f.family.slug + ".") for f in Factor.objects.select_related("family"))


def test_taxonomy_migration_fills_texts_and_questions():
    assert not Factor.objects.filter(definition="").exists()
    assert not Factor.objects.filter(examples="").exists()
    assert not FactorFamily.objects.filter(question="").exists()
    family = FactorFamily.objects.get(slug="adaptive")
    assert family.question == "What kept it from being worse, and who made that happen?"
    assert Factor.objects.get(slug="org.goal-conflict").family.slug == "org"


def test_taxonomy_has_no_root_cause_or_human_error_factor():
    slugs = set(Factor.objects.values_list("slug", flat=True))
    assert not {s for s in slugs if "root" in s or "human-error" in s or "operator" in s}


def test_taxonomy_families_come_in_the_documented_order():
    assert list(FactorFamily.objects.values_list("slug", flat=True)) == list(EXPECTED)
