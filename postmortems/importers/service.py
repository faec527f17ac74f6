"""`import_postmortems`: the one write path for imports, shared by the command, the API and the upload page.

Everything happens in one transaction. Files are taken a chunk at a time: parsed and checked (syntax,
values, then names against the database), matched to existing postmortems, and written; with worker
processes the next chunks are parsed while one is written. Every file is checked, and every problem
reported, whatever happens; by default a single failure stops the writing and rolls back whatever was
written, so nothing at all is kept. With `skip_invalid` the good documents are kept and the rest reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils import timezone

from postmortems.importers.parsing import Parsed, parse_chunks
from postmortems.importers.problems import Problem
from postmortems.importers.records import PostmortemIn
from postmortems.importers.resolve import Catalog, Existing, check_catalog_entries, check_references, find_existing
from postmortems.importers.sources import FORMATS, Skipped, SourceFile
from postmortems.importers.writer import create_catalog, write_postmortems
from postmortems.metrics import record_import
from postmortems.models import Status
from postmortems.search.index import reindex_on_commit
from postmortems.services import next_postmortem_key


@dataclass
class ImportReport:
    """What happened (or, for a dry run, what would happen), with every problem found."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "would be" if self.dry_run or not self.written else "were"
        counts = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        text = f"{counts} ({verb} written)" if self.dry_run else counts
        if self.failed:
            text += f"; {len(self.failed)} failed"
        if not self.written and self.errors and not self.dry_run:
            text += "; nothing was written"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "skipped": [{"file": s.name, "reason": s.reason} for s in self.skipped],
            "summary": self.summary(),
        }


@dataclass
class _Plan:
    creates: list[PostmortemIn] = field(default_factory=list)
    updates: list[tuple[PostmortemIn, int]] = field(default_factory=list)
    unchanged: list[PostmortemIn] = field(default_factory=list)


def import_postmortems(
    *,
    sources: Sequence[SourceFile],
    user: AbstractBaseUser | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    publish: bool = False,
    skip_invalid: bool = False,
    create_services: bool = True,
    workers: int = 0,
    skipped: Sequence[Skipped] = (),
) -> ImportReport:
    """Import postmortems from files; nothing is written if any fails, unless `skip_invalid`.

    `workers` processes parse large imports while this one writes; with 0 this process does everything.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    report = ImportReport(dry_run=dry_run, skipped=list(skipped))
    run = _Run(report, user=user, skip_invalid=skip_invalid, catalog=Catalog.load(create_services))
    try:
        with transaction.atomic():
            for part in parse_chunks(list(sources), fmt=fmt, publish=publish, workers=workers):
                run.take(part)
            run.finish()
            if dry_run or not run.writing:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        report.errors.append(Problem("(database)", "", f"the database refused the import, nothing was written: {exc}"))
        record_import(created=0, updated=0, unchanged=0, failed=not dry_run)
        return report
    if not run.writing:
        if not dry_run:
            record_import(created=0, updated=0, unchanged=0, failed=True)
        return report
    report.created = [pm.key for pm in run.created]
    report.updated = [pm.key for pm in run.updated]
    report.unchanged = [pm.key for pm in run.unchanged]
    report.written = not dry_run
    if report.written:
        record_import(
            created=len(report.created),
            updated=len(report.updated),
            unchanged=len(report.unchanged),
            failed=bool(report.errors),
        )
    return report


class _Run:
    """One import in progress: what has been written, and what later chunks must not repeat."""

    def __init__(self, report: ImportReport, *, user: Any, skip_invalid: bool, catalog: Catalog) -> None:
        self.report = report
        self.user = user
        self.skip_invalid = skip_invalid
        self.catalog = catalog
        self.created: list[PostmortemIn] = []
        self.updated: list[PostmortemIn] = []
        self.unchanged: list[PostmortemIn] = []
        self.deferred: list[PostmortemIn] = []  # new and keyless: keyed and written last
        self.written_ids: list[int] = []
        self.created_ids: dict[int, str] = {}  # rows this import created, by the document's label
        self.claimed: dict[int, str] = {}
        self.new_keys: dict[str, str] = {}
        self.new_urls: dict[str, str] = {}
        self.new_prints: dict[str, str] = {}
        self.seen_any = False

    @property
    def writing(self) -> bool:
        """False once anything failed, unless the good files are to be kept anyway."""
        return self.skip_invalid or not self.report.errors

    def take(self, part: Parsed) -> None:
        """Check one chunk of parsed files and, while nothing has failed, write it."""
        self.report.errors += part.errors
        self.report.warnings += part.warnings
        self.report.failed += part.failed
        self.seen_any = self.seen_any or bool(part.postmortems)
        self.catalog.learn(part.postmortems, part.catalog)
        catalog_errors = check_catalog_entries(self.catalog, part.catalog)
        self.report.errors += catalog_errors
        self.report.failed += sorted({p.file for p in catalog_errors})
        plan = self._plan(self._checked(part.postmortems))
        self.unchanged += plan.unchanged
        keyed = [pm for pm in plan.creates if pm.key]
        self.deferred += [pm for pm in plan.creates if not pm.key]
        if self.writing:
            self._write(keyed, plan.updates)

    def finish(self) -> None:
        if not self.seen_any and not self.report.errors:
            self.report.errors.append(Problem("(input)", "", "no postmortem files found"))
        if not self.writing:
            return
        _allocate_keys(self.deferred, self.new_keys)
        self._write(self.deferred, [])
        # Derived data follows once the import commits (a dry run rolls back, so these never run for it).
        reindex_on_commit(self.written_ids)
        if any(pm.status == Status.PUBLISHED for pm in self.created + self.updated):
            transaction.on_commit(_refresh_patterns)

    def _write(self, creates: list[PostmortemIn], updates: list[tuple[PostmortemIn, int]]) -> None:
        self.catalog.prune(creates + [pm for pm, _pk in updates] + self.deferred)
        create_catalog(self.catalog)
        ids = write_postmortems(creates=creates, updates=updates, catalog=self.catalog, user=self.user)
        self.written_ids += ids
        self.created_ids.update(zip(ids[len(updates) :], (pm.label for pm in creates), strict=True))
        self.created += creates
        self.updated += [pm for pm, _pk in updates]

    def _checked(self, postmortems: list[PostmortemIn]) -> list[PostmortemIn]:
        good = []
        for pm in postmortems:
            errors, warnings = check_references(pm, self.catalog)
            self.report.errors += errors
            self.report.warnings += warnings
            if errors:
                self.report.failed.append(pm.label)
            else:
                good.append(pm)
        return good

    def _fail(self, pm: PostmortemIn, message: str) -> None:
        self.report.errors.append(Problem(pm.file, pm.where("key" if pm.key else ""), message))
        self.report.failed.append(pm.label)

    def _plan(self, postmortems: list[PostmortemIn]) -> _Plan:
        """Match each document to an existing postmortem by key, else source URL, else content fingerprint."""
        existing, visible = find_existing(postmortems, self.user) if postmortems else ({}, set())
        index = _Index(existing.values())
        plan = _Plan()
        for pm in postmortems:
            twin = self._twin(pm)
            if twin:
                self._fail(pm, twin)
                continue
            match, how = index.match(pm)
            if match is None:
                self._remember(pm)
                plan.creates.append(pm)
            elif match.id in self.created_ids:
                self._fail(pm, f"repeats {self.created_ids[match.id]} (same {how})")
            elif match.id not in visible:
                self._fail(pm, f"matches ({how}) an existing postmortem you may not see; ask an admin to import it")
            elif match.id in self.claimed:
                self._fail(pm, f"matches the same postmortem, {match.key}, as {self.claimed[match.id]}")
            else:
                self.claimed[match.id] = pm.label
                if pm.key and pm.key != match.key:
                    note = f"matched {match.key} by {how}; kept that key, not {pm.key}"
                    self.report.warnings.append(Problem(pm.file, pm.where("key"), note))
                pm.key = match.key
                if match.fingerprint == pm.fingerprint:
                    plan.unchanged.append(pm)
                else:
                    plan.updates.append((pm, match.id))
        return plan

    def _twin(self, pm: PostmortemIn) -> str | None:
        """Why this document repeats one created earlier in this import, if it does."""
        if pm.key and pm.key in self.new_keys:
            return f"has the same key, {pm.key}, as {self.new_keys[pm.key]}"
        if not pm.key and pm.source_url and pm.source_url in self.new_urls:
            return f"has the same source URL as {self.new_urls[pm.source_url]}"
        if not pm.key and not pm.source_url and pm.fingerprint in self.new_prints:
            return f"has the same content as {self.new_prints[pm.fingerprint]}"
        return None

    def _remember(self, pm: PostmortemIn) -> None:
        if pm.key:
            self.new_keys[pm.key] = pm.label
        if pm.source_url:
            self.new_urls.setdefault(pm.source_url, pm.label)
        self.new_prints.setdefault(pm.fingerprint, pm.label)


class _Index:
    """Existing rows by key, source URL and fingerprint; on a tie the oldest row wins."""

    def __init__(self, rows: Iterable[Existing]) -> None:
        self.by_key: dict[str, Existing] = {}
        self.by_url: dict[str, Existing] = {}
        self.by_print: dict[str, Existing] = {}
        for row in sorted(rows, key=lambda r: r.id):
            self.by_key[row.key] = row
            if row.source_url:
                self.by_url.setdefault(row.source_url, row)
            if row.fingerprint:
                self.by_print.setdefault(row.fingerprint, row)

    def match(self, pm: PostmortemIn) -> tuple[Existing | None, str]:
        if pm.key and pm.key in self.by_key:
            return self.by_key[pm.key], "key"
        if pm.source_url and pm.source_url in self.by_url:
            return self.by_url[pm.source_url], "source URL"
        if not pm.key and pm.fingerprint in self.by_print:
            return self.by_print[pm.fingerprint], "content"
        return None, ""


def _refresh_patterns() -> None:
    from postmortems.tasks import enqueue_pattern_refresh  # tasks import modules that import this one

    enqueue_pattern_refresh()


def _allocate_keys(postmortems: list[PostmortemIn], batch_keys: dict[str, str]) -> None:
    """Keys for documents without one: the next free numbers of the incident's year, after the batch's own."""
    taken: dict[int, set[int]] = {}
    for key in batch_keys:
        year, number = key.removeprefix("PM-").split("-")
        taken.setdefault(int(year), set()).add(int(number))
    counters: dict[int, int] = {}
    for pm in postmortems:
        started = pm.times.get("started_at")
        year = (started or timezone.now()).year
        if year not in counters:
            first = int(next_postmortem_key(year).rsplit("-", 1)[1])
            counters[year] = max([first, *(n + 1 for n in taken.get(year, ()))])
        pm.key = f"PM-{year}-{counters[year]:03d}"
        counters[year] += 1
