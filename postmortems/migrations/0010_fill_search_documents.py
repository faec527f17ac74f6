"""Build the search documents of postmortems that existed before search did.

Runs the same builder the application uses, on the historical models. On a large database this
takes a while (about a minute per 10,000 postmortems on SQLite); `manage.py rebuild_search_index`
does the same work later and may be run instead. The reverse removes the documents.
"""

from django.db import migrations


def fill_search_documents(apps, schema_editor):
    from postmortems.search.index import write_documents

    ids = apps.get_model("postmortems", "Postmortem").objects.values_list("pk", flat=True)
    write_documents(list(ids), registry=apps)


def remove_search_documents(apps, schema_editor):
    apps.get_model("postmortems", "SearchDocument").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0009_fill_pattern_beat_schedule")]

    operations = [migrations.RunPython(fill_search_documents, remove_search_documents)]
