"""Exports: JSON in full (and back again), Markdown with front matter, CSV of factor tags, restrictions, filters."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from postmortems.exporters import FilterError, csv_chunks, export_queryset, json_chunks, write_zip
from postmortems.exporters.documents import document
from postmortems.exporters.to_markdown import render_document
from postmortems.importers import SourceFile, import_postmortems, read_upload
from postmortems.models import (
    ActionItem,
    Assumption,
    AssumptionEvidence,
    Postmortem,
    PostmortemService,
    Service,
    Team,
)
from tests.factories import (
    AssumptionFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ServiceFactory,
    TimelineEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _json(user=None, **params) -> dict:
    return json.loads("".join(json_chunks(export_queryset(user, params))))


@pytest.fixture
def rich(team):
    """A postmortem with something in every part, restricted to the payments team."""
    owner = UserFactory(username="olga")
    service = ServiceFactory(slug="payments-api", name="Payments API", team=team)
    pm = PostmortemFactory(
        key="PM-2025-007",
        title="Card payments declined after a certificate rotation",
        severity=1,
        timezone="Europe/Copenhagen",
        started_at=datetime(2025, 6, 3, 7, 0, tzinfo=UTC),
        detected_at=datetime(2025, 6, 3, 7, 4, tzinfo=UTC),
        narrative="The new certificate chain *lacked* an intermediate.",
        went_well="Rollback took minutes.",
        source_url="https://example.com/pm/7",
        restricted=True,
        allowed_teams=[team],
        authors=[owner],
        metadata={"ticket": "PAY-99"},
    )
    PostmortemService.objects.create(postmortem=pm, service=service, role="origin")
    event = TimelineEventFactory(postmortem=pm, occurred_at=datetime(2025, 6, 3, 7, 4, tzinfo=UTC), kind="detection")
    assumption = AssumptionFactory(statement="Certificate chains are complete", service=service, owner_team=team)
    AssumptionEvidence.objects.create(assumption=assumption, postmortem=pm, excerpt="The chain was not.")
    ContributingFactorFactory(postmortem=pm, services=[service], timeline_event=event, assumption=assumption)
    ContributingFactorFactory(postmortem=pm, factor=None, role="", narrative='=HYPERLINK("x")', position=1)
    ActionItem.objects.create(
        postmortem=pm, title="Check chains in CI", owner=owner, team=team, due_date=date(2025, 7, 1)
    )
    return pm


def test_json_export_holds_every_part_by_name_not_id(rich):
    data = _json()
    assert (data["format"], data["version"]) == ("incident-learning-kb", 1)
    doc = data["postmortems"][0]
    assert doc["key"] == "PM-2025-007" and doc["restricted"] is True and doc["teams"] == ["payments"]
    assert doc["started_at"] == "2025-06-03T09:00:00+02:00"  # in the postmortem's own zone
    assert doc["services"] == [{"service": "payments-api", "role": "origin"}]
    assert doc["factors"][0]["factor"] == "load.retry-feedback-loop"
    assert doc["factors"][0]["timeline_event"] == 0
    assert doc["factors"][1]["factor"] is None
    assert doc["assumptions"] == [
        {"statement": "Certificate chains are complete", "evidence": "violated", "excerpt": "The chain was not."}
    ]
    assert doc["action_items"][0]["owner"] == "olga" and doc["authors"] == ["olga"]
    assert doc["metadata"] == {"ticket": "PAY-99"}
    assert [s["slug"] for s in data["catalog"]["services"]] == ["payments-api"]
    assert [t["slug"] for t in data["catalog"]["teams"]] == ["payments"]
    assert "id" not in doc and "pk" not in json.dumps(doc)


def test_json_round_trip_into_an_empty_database_gives_the_same_json(rich):
    PostmortemFactory(key="PM-2024-001", kind="near_miss", severity=None, started_at=None)
    before = "".join(json_chunks(export_queryset(None)))
    Postmortem.objects.all().delete()
    Assumption.objects.all().delete()
    Service.objects.all().delete()
    Team.objects.all().delete()
    report = import_postmortems(sources=[SourceFile("export.json", before)])
    assert report.errors == [] and sorted(report.created) == ["PM-2024-001", "PM-2025-007"]
    assert "".join(json_chunks(export_queryset(None))) == before


def test_markdown_round_trip_gives_the_same_json(rich):
    before = "".join(json_chunks(export_queryset(None)))
    archive = io.BytesIO()
    assert write_zip(export_queryset(None), archive) == 1
    Postmortem.objects.all().delete()
    report = import_postmortems(sources=read_upload("export.zip", archive.getvalue()))
    assert report.errors == [] and report.created == ["PM-2025-007"]
    assert "".join(json_chunks(export_queryset(None))) == before


def test_markdown_export_is_front_matter_and_narrative(rich):
    text = render_document(document(Postmortem.objects.for_detail().get()))
    front, body = text.removeprefix("---\n").split("---\n", 1)
    assert "key: PM-2025-007" in front and "restricted: true" in front
    assert not any(line.startswith("narrative:") for line in front.splitlines())
    assert body.strip() == "The new certificate chain *lacked* an intermediate."


def test_csv_export_has_a_row_per_factor_tag(rich):
    rows = list(csv.reader(io.StringIO("".join(csv_chunks(export_queryset(None))))))
    assert rows[0] == [
        "postmortem", "title", "date", "kind", "severity", "services", "family", "factor", "role", "narrative",
        "why_it_made_sense",
    ]  # fmt: skip
    classified, unclassified = rows[1:]
    assert classified[:9] == [
        "PM-2025-007",
        "Card payments declined after a certificate rotation",
        "2025-06-03",
        "incident",
        "1",
        "payments-api",
        "load",
        "load.retry-feedback-loop",
        "amplifier",
    ]
    # A formula in a cell is defused for spreadsheets; unclassified tags have no family, factor or role.
    assert unclassified[6:10] == ["", "", "", '\'=HYPERLINK("x")']


def test_exports_leave_out_restricted_postmortems_for_outsiders(rich, outsider, member, admin_user):
    PostmortemFactory(key="PM-2025-008")
    assert [d["key"] for d in _json(outsider)["postmortems"]] == ["PM-2025-008"]
    assert [d["key"] for d in _json(member)["postmortems"]] == ["PM-2025-007", "PM-2025-008"]
    assert len(_json(admin_user)["postmortems"]) == 2
    assert _json(outsider)["catalog"]["assumptions"] == []
    tags = "".join(csv_chunks(export_queryset(outsider)))
    assert "PM-2025-007" not in tags


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"status": "draft"}, ["PM-2025-002"]),
        ({"kind": "near_miss"}, ["PM-2025-002"]),
        ({"severity": "1"}, ["PM-2025-001"]),
        ({"service": "search"}, ["PM-2025-001"]),
        ({"factor": "load.retry-feedback-loop"}, ["PM-2025-001"]),
        ({"team": "storefront"}, ["PM-2025-001"]),
        ({"started_after": "2025-02-01"}, ["PM-2025-002"]),
        ({"started_before": "2025-02-01"}, ["PM-2025-001"]),
        ({"service": "unknown-service"}, []),
    ],
)
def test_exports_apply_the_list_filters(params, keys, other_team):
    first = PostmortemFactory(key="PM-2025-001", severity=1, started_at=datetime(2025, 1, 10, tzinfo=UTC))
    PostmortemService.objects.create(postmortem=first, service=ServiceFactory(slug="search", team=other_team))
    ContributingFactorFactory(postmortem=first)
    PostmortemFactory(key="PM-2025-002", status="draft", kind="near_miss", started_at=datetime(2025, 3, 1, tzinfo=UTC))
    assert [d["key"] for d in _json(**params)["postmortems"]] == keys


def test_exports_refuse_malformed_filters_with_a_message_per_field():
    with pytest.raises(FilterError) as caught:
        export_queryset(None, {"status": "lost", "started_after": "last week"})
    assert set(caught.value.errors) == {"status", "started_after"}


def test_export_command_writes_each_format(rich, tmp_path: Path):
    call_command("export_postmortems", str(tmp_path / "all.json"), "--format", "json")
    call_command("export_postmortems", str(tmp_path / "tags.csv"), "--format", "csv")
    call_command("export_postmortems", str(tmp_path / "md.zip"), "--format", "markdown")
    call_command("export_postmortems", str(tmp_path / "md"), "--format", "markdown")
    assert json.loads((tmp_path / "all.json").read_text())["postmortems"][0]["key"] == "PM-2025-007"
    assert (tmp_path / "tags.csv").read_text().count("PM-2025-007") == 2
    assert zipfile.ZipFile(tmp_path / "md.zip").namelist() == [
        "PM-2025-007-card-payments-declined-after-a-certificate-rotation.md"
    ]
    assert [p.name for p in (tmp_path / "md").iterdir()] == zipfile.ZipFile(tmp_path / "md.zip").namelist()


def test_export_command_as_a_user_leaves_out_what_they_may_not_see(rich, outsider, tmp_path: Path):
    call_command("export_postmortems", str(tmp_path / "all.json"), "--format", "json", "--user", "otto")
    assert json.loads((tmp_path / "all.json").read_text())["postmortems"] == []


def test_export_command_refuses_bad_filters_and_leaves_no_file(tmp_path: Path):
    with pytest.raises(CommandError, match="bad filter: severity"):
        call_command("export_postmortems", str(tmp_path / "x.json"), "--format", "json", "--severity", "7")
    assert list(tmp_path.iterdir()) == []


def test_export_writes_times_in_utc_when_the_stored_zone_is_unknown(rich):
    Postmortem.objects.filter(pk=rich.pk).update(timezone="Not/AZone")
    assert _json()["postmortems"][0]["started_at"] == "2025-06-03T07:00:00+00:00"
