"""The JSON format: the export read back, with its catalog; and the messages bad JSON gets."""

import json

import pytest

from postmortems.importers import SourceFile, import_postmortems
from postmortems.models import Assumption, Postmortem, Service, Team

pytestmark = pytest.mark.django_db

EXPORT = {
    "format": "incident-learning-kb",
    "version": 1,
    "postmortems": [
        {
            "key": "PM-2023-010",
            "title": "Search index lost its replicas",
            "timezone": "UTC",
            "started_at": "2023-02-01T12:00:00+00:00",
            "restricted": True,
            "teams": ["discovery"],
            "services": [{"service": "search", "role": "impacted"}],
            "factors": [
                {"factor": "coupling.shared-fate", "role": "enabling", "narrative": "All replicas shared one disk."}
            ],
            "assumptions": [{"statement": "Replicas fail independently", "evidence": "violated", "excerpt": ""}],
        }
    ],
    "catalog": {
        "teams": [{"slug": "discovery", "name": "Discovery", "description": "Search and browse"}],
        "services": [{"slug": "search", "name": "Search", "tier": 1, "team": "discovery", "lifecycle": "production"}],
        "assumptions": [
            {"statement": "Replicas fail independently", "kind": "capacity", "status": "violated", "service": "search"}
        ],
    },
}


def _import(data, name="export.json", **options):
    text = data if isinstance(data, str) else json.dumps(data, indent=2)
    return import_postmortems(sources=[SourceFile(name, text)], **options)


def test_json_import_creates_the_catalog_it_names():
    report = _import(EXPORT)
    assert report.errors == [] and report.created == ["PM-2023-010"]
    search = Service.objects.get(slug="search")
    assert (search.name, search.tier, search.team.slug) == ("Search", 1, "discovery")
    assumption = Assumption.objects.get()
    assert (assumption.kind, assumption.status, assumption.service) == ("capacity", "violated", search)
    pm = Postmortem.objects.get()
    assert pm.restricted and list(pm.allowed_teams.all()) == [Team.objects.get(slug="discovery")]


def test_json_import_keeps_existing_catalog_rows_as_they_are():
    Team.objects.create(slug="discovery", name="Search people")
    _import(EXPORT)
    assert Team.objects.get(slug="discovery").name == "Search people"


def test_json_import_names_the_document_and_key_of_a_bad_value():
    data = json.loads(json.dumps(EXPORT))
    data["postmortems"][0]["factors"][0]["factor"] = "coupling.nothing"
    report = _import(data)
    assert [(e.file, e.where) for e in report.errors] == [("export.json", "key 'postmortems[0].factors[0].factor'")]
    assert not Postmortem.objects.exists() and not Team.objects.exists()


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('{"postmortems": [\n  {"title": "x",}\n]}', "line 2", "not valid JSON"),
        ('{"format": "something-else", "postmortems": []}', "key 'format'", "unknown format"),
        ('{"postmortems": [], "version": 9}', "key 'version'", "unsupported version"),
        ('{"postmortems": ["not an object"]}', "key 'postmortems[0]'", "expected a postmortem object"),
        ("42", "", "expected an object or a list"),
    ],
)
def test_json_shape_problems_are_reported_with_their_place(text, where, message):
    report = _import(text)
    assert report.errors[0].where == where and message in report.errors[0].message
    assert not Postmortem.objects.exists()


def test_json_import_accepts_a_single_postmortem_object():
    assert _import({"title": "Just one", "key": "PM-2022-001"}).created == ["PM-2022-001"]


def test_json_catalog_service_is_refused_when_creating_services_is_off():
    report = _import(EXPORT, create_services=False)
    assert "creating services is switched off" in report.errors[0].message
    assert not Team.objects.exists()


@pytest.mark.parametrize("text", ["nul \u0000 inside", "lone \ud800 surrogate"])
def test_json_text_no_database_can_store_is_refused_with_its_key(text):
    report = _import({"title": "Fine", "key": "PM-2022-001", "factors": [{"narrative": text}]})
    assert report.errors[0].where == "key 'factors[0].narrative'"
    assert "NUL character or an unpaired surrogate" in report.errors[0].message
    assert not Postmortem.objects.exists()
