"""`manage.py load_demo`: the fictional company Larder, its services and postmortems. Safe to run on every start."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from postmortems.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo company (Larder): teams, people, services, assumptions, about 25 postmortems and the public "
        "library. Idempotent: creates only what is missing and never changes existing rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default="demo",
            help="Password for demo users this run creates (existing users keep theirs). Default: demo.",
        )

    def handle(self, *args, password: str, **options) -> None:
        counts = load_demo(password=password)
        created = [f"{count} {name.replace('_', ' ')}" for name, count in counts.items() if count]
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data created: " + ", ".join(created) + "."))
            if counts["users"] and not settings.DEBUG:
                self.stderr.write(
                    self.style.WARNING("DEBUG is off: a superuser 'demo' with a known password now exists here.")
                )
        else:
            self.stdout.write("Demo data already loaded; nothing to create.")
        self.stdout.write(f"Log in at {settings.SITE_URL}/ as demo / {password}")
