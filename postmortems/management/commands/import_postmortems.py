"""Import postmortems from files and folders (front matter, section template or JSON)."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from postmortems.importers import FORMATS, import_postmortems, read_paths


class Command(BaseCommand):
    help = (
        "Import postmortems from Markdown files with YAML front matter, Markdown in the common section "
        "template, or this application's JSON export. Folders are read recursively. Everything is checked "
        "before anything is written, and by default nothing is written if any file fails. "
        "Importing the same files again updates the postmortems instead of duplicating them."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or .zip archives")
        parser.add_argument("--format", choices=FORMATS, default="auto", help="input format (default: auto)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--publish", action="store_true", help="publish the imported postmortems")
        parser.add_argument("--skip-invalid", action="store_true", help="import the good files and report the others")
        parser.add_argument(
            "--no-create-services",
            action="store_false",
            dest="create_services",
            help="refuse unknown service slugs instead of creating the services",
        )
        parser.add_argument("--user", help="username recorded as the importer (created_by, revision author)")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for parsing large imports")
        parser.add_argument("--quiet-warnings", action="store_true", help="print only the count of warnings")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        sources, skipped = read_paths(options["paths"])
        report = import_postmortems(
            sources=sources,
            user=user,
            fmt=options["format"],
            dry_run=options["dry_run"],
            publish=options["publish"],
            skip_invalid=options["skip_invalid"],
            create_services=options["create_services"],
            workers=max(0, options["jobs"]),
            skipped=skipped,
        )
        for item in report.skipped:
            self.stdout.write(f"skipped {item.name}: {item.reason}")
        if options["quiet_warnings"]:
            if report.warnings:
                self.stdout.write(f"{len(report.warnings)} warnings")
        else:
            for problem in report.warnings:
                self.stdout.write(f"warning: {problem}")
        for problem in report.errors:
            self.stderr.write(f"error: {problem}")
        prefix = "Dry run: " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{report.summary()}.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s) in {len(report.failed) or 'the'} input(s); see above")
