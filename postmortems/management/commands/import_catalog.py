"""Import services and dependencies from a Backstage catalog."""

from django.core.management.base import BaseCommand, CommandError

from postmortems.catalog_import import CatalogImportError, import_catalog


class Command(BaseCommand):
    help = (
        "Import Component and Resource entities from Backstage catalog-info.yaml files (one file or a folder, "
        "multi-document YAML) as services, their owners as teams and spec.dependsOn as dependencies. Everything "
        "is checked first and nothing is written if anything is wrong; importing again updates the services."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="a catalog YAML file, or a folder read recursively")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, **options):
        try:
            report = import_catalog(path=options["path"], dry_run=options["dry_run"])
        except CatalogImportError as exc:
            if len(exc.problems) > 1:
                for problem in exc.problems:
                    self.stderr.write(f"error: {problem}")
            raise CommandError(f"nothing imported: {exc}") from exc
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        prefix = "Dry run, nothing written: " if report.dry_run else ""
        self.stdout.write(f"{prefix}{report.summary()}.")
