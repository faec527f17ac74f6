"""The import as a whole: all or nothing, re-import without duplicates, matching, and the command around it."""

import json
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from postmortems.importers import SourceFile, import_postmortems
from postmortems.models import Postmortem, Revision, Service
from postmortems.search.index import write_documents
from tests.factories import PostmortemFactory, TeamFactory
from tests.test_importers_frontmatter import GOOD
from tests.test_importers_json import EXPORT
from tests.test_importers_sections import TEMPLATE

pytestmark = pytest.mark.django_db


def _doc(key: str | None = "PM-2024-001", title: str = "Disk filled on the database host", **extra: str) -> str:
    lines = ["---", f"title: {title}"]
    if key:
        lines.append(f"key: {key}")
    lines += [f"{name}: {value}" for name, value in extra.items()]
    lines += [
        "started_at: 2024-05-01T08:00:00Z",
        "services: [orders-db]",
        "factors:",
        "  - factor: latent.config-drift",
        "    role: enabling",
        "    narrative: Log rotation was configured for a host that no longer existed.",
        "---",
        "",
        "The disk filled overnight.",
    ]
    return "\n".join(lines) + "\n"


def _run(*texts: str, **options):
    sources = [SourceFile(f"pm-{i}.md", text) for i, text in enumerate(texts)]
    return import_postmortems(sources=sources, **options)


def test_import_writes_nothing_when_any_file_fails():
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-002", severity="11"))
    assert report.failed == ["pm-1.md"]
    assert not report.written and report.created == []
    assert not Postmortem.objects.exists() and not Service.objects.exists() and not Revision.objects.exists()
    assert report.summary().endswith("nothing was written")


def test_import_skip_invalid_writes_the_good_files_and_reports_the_rest():
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-002", severity="11"), skip_invalid=True)
    assert report.written and report.created == ["PM-2024-001"]
    assert [e.file for e in report.errors] == ["pm-1.md"]
    assert list(Postmortem.objects.values_list("key", flat=True)) == ["PM-2024-001"]


def test_import_skip_invalid_creates_no_service_for_a_refused_file():
    bad = _doc("PM-2024-002", severity="11").replace("orders-db", "only-in-bad-file")
    _run(_doc("PM-2024-001"), bad, skip_invalid=True)
    assert list(Service.objects.values_list("slug", flat=True)) == ["orders-db"]


def test_import_again_reports_unchanged_and_writes_nothing_new():
    _run(_doc("PM-2024-001"), _doc("PM-2024-002"))
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-002"))
    assert (report.created, report.updated, report.unchanged) == ([], [], ["PM-2024-001", "PM-2024-002"])
    assert Postmortem.objects.count() == 2 and Revision.objects.count() == 2


def test_import_of_a_changed_file_updates_in_place_with_a_new_revision():
    _run(_doc("PM-2024-001"))
    pm = Postmortem.objects.get()
    report = _run(_doc("PM-2024-001", title="Disk filled on the primary database host"))
    assert report.updated == ["PM-2024-001"]
    pm.refresh_from_db()
    assert (pm.title, pm.version, Postmortem.objects.count()) == ("Disk filled on the primary database host", 2, 1)
    assert pm.contributing_factors.count() == 1 and pm.timeline.count() == 0
    assert list(pm.revisions.values_list("version", flat=True)) == [2, 1]


def test_import_matches_by_source_url_when_there_is_no_key():
    url = "https://status.example.com/incidents/42"
    _run(_doc(None, source_url=url))
    report = _run(_doc(None, title="Retitled", source_url=url))
    assert report.updated == ["PM-2024-001"] and Postmortem.objects.get().title == "Retitled"


def test_import_matches_by_content_when_there_is_neither_key_nor_url():
    first = _run(_doc(None))
    second = _run(_doc(None))
    assert first.created == ["PM-2024-001"] and second.unchanged == ["PM-2024-001"]
    assert Postmortem.objects.count() == 1


def test_import_refuses_two_files_with_the_same_key():
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-001", title="Other"))
    assert "same key, PM-2024-001, as pm-0.md" in report.errors[0].message
    assert not Postmortem.objects.exists()


def test_import_never_overwrites_a_postmortem_the_importer_may_not_see(editor):
    PostmortemFactory(key="PM-2024-001", title="Secret", restricted=True, allowed_teams=[TeamFactory()])
    report = _run(_doc("PM-2024-001"), user=editor)
    assert "you may not see" in report.errors[0].message
    assert Postmortem.objects.get().title == "Secret"


def test_import_dry_run_checks_everything_and_writes_nothing():
    report = _run(_doc("PM-2024-001"), dry_run=True)
    assert report.created == ["PM-2024-001"] and not report.written
    assert not Postmortem.objects.exists() and not Service.objects.exists()


def test_import_records_the_importer_as_creator(editor):
    _run(_doc("PM-2024-001"), user=editor)
    pm = Postmortem.objects.get()
    assert pm.created_by == editor and pm.revisions.get().author == editor
    assert list(pm.authors.all()) == []


def test_import_indexes_the_postmortems_for_search_once_committed(django_capture_on_commit_callbacks, mocker):
    spy = mocker.patch("postmortems.search.index.write_documents", wraps=write_documents)
    with django_capture_on_commit_callbacks(execute=True):
        _run(_doc("PM-2024-001"), _doc("PM-2024-002"))
    spy.assert_called_once()
    assert set(spy.call_args.args[0]) == set(Postmortem.objects.values_list("id", flat=True))


@pytest.mark.parametrize("count", [3, 30])
def test_import_query_count_does_not_grow_with_the_number_of_files(count, django_assert_max_num_queries):
    docs = [_doc(f"PM-2024-{n:03d}") for n in range(1, count + 1)]
    # Catalog lookups (factors, services, teams, users, assumptions, team names), existing keys, then one
    # statement per table written (catalog, postmortems, their ids, children, revisions) and the savepoint.
    with django_assert_max_num_queries(24):
        assert len(_run(*docs).created) == count


def test_import_command_reads_folders_and_reports(tmp_path: Path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text(_doc("PM-2024-001"))
    (tmp_path / "two.md").write_text(_doc("PM-2024-002"))
    (tmp_path / "README.md").write_text("# About this folder\n")
    call_command("import_postmortems", str(tmp_path))
    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged." in out
    assert "skipped" in out and "README.md" in out
    assert Postmortem.objects.count() == 2


def test_import_command_exits_non_zero_on_any_failure(tmp_path: Path, capsys):
    (tmp_path / "good.md").write_text(_doc("PM-2024-001"))
    (tmp_path / "bad.md").write_text(_doc("PM-2024-002", detected_at="yesterday"))
    with pytest.raises(CommandError, match="problem"):
        call_command("import_postmortems", str(tmp_path), "--skip-invalid")
    assert "bad.md: line" in capsys.readouterr().err
    assert list(Postmortem.objects.values_list("key", flat=True)) == ["PM-2024-001"]


def test_import_command_dry_run_writes_nothing(tmp_path: Path, capsys):
    (tmp_path / "good.md").write_text(_doc("PM-2024-001"))
    call_command("import_postmortems", str(tmp_path / "good.md"), "--dry-run")
    assert "Dry run: 1 created" in capsys.readouterr().out
    assert not Postmortem.objects.exists()


def test_import_command_refuses_a_missing_path(tmp_path: Path, capsys):
    with pytest.raises(CommandError):
        call_command("import_postmortems", str(tmp_path / "nowhere"))
    assert "no such file or folder" in capsys.readouterr().err


def test_import_parses_in_worker_processes_with_the_same_result(monkeypatch):
    monkeypatch.setattr("postmortems.importers.parsing.PARALLEL_THRESHOLD", 2)
    bad = _doc("PM-2024-004").replace("latent.config-drift", "latent.no-such-factor")
    docs = [_doc(f"PM-2024-00{n}") for n in range(1, 4)] + [bad]
    report = _run(*docs, workers=2)
    # The line of the bad key is found in the parent, from the file's text, after the workers are done.
    assert [(e.file, e.where) for e in report.errors] == [("pm-3.md", "line 7 (factors[0].factor)")]
    report = _run(*docs[:3], workers=2)
    assert report.created == ["PM-2024-001", "PM-2024-002", "PM-2024-003"]
    assert Postmortem.objects.get(key="PM-2024-002").contributing_factors.get().narrative_html.startswith("<p>Log")


@pytest.fixture
def one_file_per_chunk(monkeypatch):
    monkeypatch.setattr("postmortems.importers.parsing.CHUNK_SIZE", 1)


def test_import_failure_in_a_late_chunk_rolls_back_the_chunks_already_written(one_file_per_chunk):
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-002"), _doc("PM-2024-003", severity="0"))
    assert report.failed == ["pm-2.md"] and not report.written
    assert not Postmortem.objects.exists() and not Service.objects.exists()


def test_import_notices_a_repeated_key_across_chunks(one_file_per_chunk):
    report = _run(_doc("PM-2024-001"), _doc("PM-2024-002"), _doc("PM-2024-001", title="Again"), skip_invalid=True)
    assert report.created == ["PM-2024-001", "PM-2024-002"]
    assert "same key, PM-2024-001, as pm-0.md" in report.errors[0].message
    assert Postmortem.objects.get(key="PM-2024-001").title == "Disk filled on the database host"


def test_import_gives_keyless_files_keys_no_later_file_uses(one_file_per_chunk):
    report = _run(_doc(None, title="No key"), _doc("PM-2024-001"), _doc("PM-2024-002"))
    assert sorted(report.created) == ["PM-2024-001", "PM-2024-002", "PM-2024-003"]
    assert Postmortem.objects.get(key="PM-2024-003").title == "No key"


def _mangle(rng, text: str) -> str:
    """Delete, insert or replace a few characters, or cut the text short."""
    chars = list(text)
    extra = list(":-|#*[]{}\"'\n \t0~!&<>\\") + ["\x00", "é", "null", "2024-99-99"]
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.3 and at < len(chars):
            del chars[at]
        elif roll < 0.7:
            chars.insert(at, rng.choice(extra))
        elif roll < 0.9 and at < len(chars):
            chars[at] = rng.choice("ab:\n-")
        else:
            chars = chars[:at]
    return "".join(chars)


def test_import_of_mangled_files_reports_problems_instead_of_raising():
    rng = random.Random(5)
    bases = [("pm.md", GOOD), ("pm.md", TEMPLATE), ("pm.json", json.dumps(EXPORT, indent=1))]
    for _ in range(150):
        name, base = rng.choice(bases)
        report = import_postmortems(sources=[SourceFile(name, _mangle(rng, base))], dry_run=True)
        assert report.errors or report.created or report.updated or report.unchanged
    assert not Postmortem.objects.exists()


def test_import_refuses_to_create_a_service_with_a_reserved_slug():
    doc = "---\ntitle: Graph page down\nkey: PM-2024-001\nservices: [graph]\n---\nBody.\n"
    report = import_postmortems(sources=[SourceFile("a.md", doc)])
    assert any("reserved for a page" in problem.message for problem in report.errors)
    assert not Postmortem.objects.exists() and not Service.objects.exists()
