"""Create the beat entry that starts the weekly reading: one task every 15 minutes sends to the due teams.

The entry lives in django-celery-beat's tables, so admins can change its interval or switch it off
in the admin without a deploy. An entry that already exists (for instance edited by hand) is left alone.
"""

from django.db import migrations

TASK_NAME = "Weekly reading: send due digests"
TASK = "postmortems.tasks.send_due_digests"


def fill_reading_beat_schedule(apps, schema_editor):
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
            "Sends each team's weekly reading once its local reading day and time (Team.reading_day, "
            "reading_time, reading_timezone) has passed this week. Safe to run often: a person gets at "
            "most one digest a week."
        ),
    )


def remove_reading_beat_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0003_reading_delivery_claims"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(fill_reading_beat_schedule, remove_reading_beat_schedule)]
