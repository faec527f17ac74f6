"""`manage.py lint_postmortem KEY`: print the writing checks for one postmortem.

Findings are advice for the review, so the command exits 0 whatever it finds; it exits non-zero
only when it cannot check at all (an unknown key).
"""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from postmortems.lint import check_postmortem
from postmortems.models import Postmortem


class Command(BaseCommand):
    help = "Print the writing checks (hindsight and blame wording, missing factors, owners...) for one postmortem."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="The postmortem's key, e.g. PM-2026-042.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the findings as a JSON list.")

    def handle(self, *args, key: str, as_json: bool, **options) -> None:
        postmortem = Postmortem.objects.for_detail().filter(key=key.strip()).first()
        if postmortem is None:
            raise CommandError(f"no postmortem with key {key!r}")
        findings = check_postmortem(postmortem)
        if as_json:
            self.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
            return
        if not findings:
            self.stdout.write(self.style.SUCCESS(f"{postmortem.key}: no findings."))
            return
        noun = "finding" if len(findings) == 1 else "findings"
        self.stdout.write(f"{postmortem.key}: {len(findings)} {noun} (advice for the review, nothing is blocked)")
        for finding in findings:
            self.stdout.write(f"\n[{finding.rule_id}] {finding.field}: {finding.message}")
            if finding.quote:
                self.stdout.write(f"    “{finding.quote}”")
            self.stdout.write(f"    hint: {finding.hint}")
