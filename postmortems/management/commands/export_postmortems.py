"""Export postmortems as JSON, Markdown with front matter, or CSV of contributing-factor tags."""

import os
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from postmortems.exporters import FilterError, csv_chunks, export_queryset, json_chunks, write_folder, write_zip
from postmortems.filters import FILTER_PARAMETERS


class Command(BaseCommand):
    help = (
        "Export postmortems. json: everything, re-importable with import_postmortems. markdown: one file "
        "per postmortem with YAML front matter, into a folder or, if OUT ends in .zip, a zip archive. "
        "csv: one row per contributing-factor tag. OUT '-' writes json or csv to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="output file, folder (markdown) or '-' for stdout")
        parser.add_argument("--format", choices=("json", "markdown", "csv"), required=True)
        parser.add_argument(
            "--user", help="export only what this user may see (default: everything, restricted included)"
        )
        for name in FILTER_PARAMETERS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"list filter: {name}")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        params = {name: options[name] for name in FILTER_PARAMETERS if options.get(name)}
        try:
            queryset = export_queryset(user, params)
        except FilterError as exc:
            raise CommandError(f"bad filter: {exc}") from None
        fmt, out = options["format"], options["out"]
        if fmt == "markdown":
            if out == "-":
                raise CommandError("markdown needs a folder or a .zip file, not standard output")
            path = Path(out)
            if path.suffix.lower() == ".zip":
                count = self._atomically(path, lambda handle: write_zip(queryset, handle), binary=True)
            else:
                count = write_folder(queryset, path)
            self.stdout.write(f"Exported {count} postmortems to {path}.")
            return
        chunks = json_chunks(queryset) if fmt == "json" else csv_chunks(queryset)
        if out == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        self._atomically(Path(out), lambda handle: handle.writelines(chunks))
        self.stdout.write(f"Exported {queryset.count()} postmortems to {out}.")

    def _atomically(self, path: Path, write, binary: bool = False):
        """Write next to the target and rename at the end, so a failure never leaves half a file."""
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "wb") if binary else open(partial, "w", encoding="utf-8", newline="") as handle:
                result = write(handle)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
        return result
