"""Create the beat entry that refreshes the precomputed pattern figures every 15 minutes.

Publishing a postmortem also asks for a refresh; the schedule catches everything else (edits made in
the admin, deletions). The entry lives in django-celery-beat's tables, so admins can change the interval
or switch it off without a deploy. An entry that already exists is left alone.
"""

from django.db import migrations

TASK_NAME = "Patterns: refresh precomputed figures"
TASK = "postmortems.tasks.refresh_pattern_snapshot"


def fill_pattern_beat_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    if task_model.objects.filter(name=TASK_NAME).exists():
        return
    every_15_minutes, _ = interval_model.objects.get_or_create(every=15, period="minutes")
    task_model.objects.create(
        name=TASK_NAME,
        task=TASK,
        interval=every_15_minutes,
        enabled=True,
        description=(
            "Rebuilds the pattern index (PatternSnapshot) over published, unrestricted postmortems. "
            "Pages stay correct between runs (changed and restricted postmortems are counted live); "
            "a run keeps that live part small."
        ),
    )


def remove_pattern_beat_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0008_pattern_snapshot"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(fill_pattern_beat_schedule, remove_pattern_beat_schedule)]
