"""Load the contributing-factor taxonomy (9 families, 45 factors).

Existing rows are matched by slug and left as admins edited them; the reverse removes
only factors that no contributing factor uses.
"""

from django.db import migrations

from postmortems.taxonomy_data import FAMILIES


def fill_taxonomy(apps, schema_editor):
    FactorFamily = apps.get_model("postmortems", "FactorFamily")
    Factor = apps.get_model("postmortems", "Factor")
    for family_position, data in enumerate(FAMILIES):
        family, _ = FactorFamily.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "question": data["question"],
                "traces_to": data.get("traces_to", ""),
                "position": family_position,
            },
        )
        for position, factor in enumerate(data["factors"]):
            Factor.objects.get_or_create(
                slug=factor["slug"],
                defaults={
                    "family": family,
                    "name": factor["name"],
                    "definition": factor["definition"],
                    "examples": factor["examples"],
                    "traces_to": factor["traces_to"],
                    "position": position,
                },
            )


def remove_taxonomy(apps, schema_editor):
    FactorFamily = apps.get_model("postmortems", "FactorFamily")
    Factor = apps.get_model("postmortems", "Factor")
    slugs = [factor["slug"] for family in FAMILIES for factor in family["factors"]]
    Factor.objects.filter(slug__in=slugs, tags__isnull=True).delete()
    FactorFamily.objects.filter(slug__in=[f["slug"] for f in FAMILIES], factors__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0001_initial")]

    operations = [migrations.RunPython(fill_taxonomy, remove_taxonomy)]
