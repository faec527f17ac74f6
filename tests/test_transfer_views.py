"""The upload page, the download links of the list page, and the import/export API."""

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from postmortems.models import Postmortem
from tests.factories import PostmortemFactory

pytestmark = pytest.mark.django_db

DOC = """---
title: Login failed for a third of users
key: PM-2025-031
started_at: 2025-02-11T08:00:00Z
factors:
  - factor: change.config-change
    role: activator
    narrative: A session setting changed with the deploy.
---

Sessions expired early.
"""


def _upload(name: str = "pm.md", text: str = DOC) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def secret(team):
    return PostmortemFactory(key="PM-2025-001", title="Restricted one", restricted=True, allowed_teams=[team])


@pytest.fixture
def open_pm(db):
    return PostmortemFactory(key="PM-2025-002", title="Open one", status="draft")


# The upload page


def test_import_page_is_for_editors_only(client, member):
    client.force_login(member)
    assert client.get(reverse("postmortems:import")).status_code == 403
    assert client.post(reverse("postmortems:import"), {"files": _upload()}).status_code == 403
    assert not Postmortem.objects.exists()


def test_import_page_shows_the_form(client, editor):
    client.force_login(editor)
    body = client.get(reverse("postmortems:import")).content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="files"' in body and "multiple" in body


def test_import_page_imports_files_and_shows_what_happened(client, editor):
    client.force_login(editor)
    response = client.post(reverse("postmortems:import"), {"files": [_upload()], "format": "auto"})
    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged" in response.content.decode()
    pm = Postmortem.objects.get(key="PM-2025-031")
    assert pm.created_by == editor and pm.status == "draft"


def test_import_page_reports_bad_files_and_writes_nothing(client, editor):
    client.force_login(editor)
    bad = _upload("bad.md", DOC.replace("role: activator", "role: villain"))
    response = client.post(reverse("postmortems:import"), {"files": [_upload(), bad], "create_services": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "bad.md" in body and "unknown value &#x27;villain&#x27;" in body and "Nothing was imported" in body
    assert not Postmortem.objects.exists()


def test_import_page_without_files_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(reverse("postmortems:import"), {"format": "auto"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_import_page_accepts_a_zip(client, editor):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("folder/pm.md", DOC)
        z.writestr("folder/README.md", "# About\n")
    client.force_login(editor)
    client.post(reverse("postmortems:import"), {"files": [SimpleUploadedFile("pms.zip", archive.getvalue())]})
    assert list(Postmortem.objects.values_list("key", flat=True)) == ["PM-2025-031"]


# Downloads from the list page


def test_list_page_links_to_the_exports_with_its_filters(client, member, open_pm):
    client.force_login(member)
    body = client.get(reverse("postmortems:list") + "?status=draft&page=1").content.decode()
    assert reverse("postmortems:export_csv") + "?status=draft&amp;page=1" in body
    assert reverse("postmortems:export_json") + "?status=draft&amp;page=1" in body
    assert reverse("postmortems:import") not in body  # authors do not import


def test_list_page_offers_import_to_editors(client, editor, open_pm):
    client.force_login(editor)
    assert reverse("postmortems:import") in client.get(reverse("postmortems:list")).content.decode()


def test_download_leaves_out_what_the_person_may_not_see(client, outsider, member, secret, open_pm):
    client.force_login(outsider)
    data = json.loads(_body(client.get(reverse("postmortems:export_json"))))
    assert [d["key"] for d in data["postmortems"]] == ["PM-2025-002"]
    client.force_login(member)
    data = json.loads(_body(client.get(reverse("postmortems:export_json"))))
    assert [d["key"] for d in data["postmortems"]] == ["PM-2025-001", "PM-2025-002"]


def test_downloads_honour_the_filters_and_name_the_file(client, member, secret, open_pm):
    client.force_login(member)
    response = client.get(reverse("postmortems:export_markdown") + "?status=draft")
    assert response["Content-Type"] == "application/zip"
    assert 'filename="postmortems-' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert names == ["PM-2025-002-open-one.md"]
    response = client.get(reverse("postmortems:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert next(csv.reader(io.StringIO(_body(response).decode())))[0] == "postmortem"


def test_download_with_a_bad_filter_says_what_is_wrong(client, member):
    client.force_login(member)
    response = client.get(reverse("postmortems:export_json") + "?severity=9")
    assert response.status_code == 400 and b"severity:" in response.content


def test_downloads_need_a_login(client):
    response = client.get(reverse("postmortems:export_json"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The API


def _token(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_api_import_creates_and_reports(client, editor):
    response = client.post(reverse("transfer_api:import"), {"files": [_upload()]}, **_token(editor))
    assert response.status_code == 200
    assert response.json()["created"] == ["PM-2025-031"] and response.json()["written"] is True


def test_api_import_answers_400_with_the_problems_and_writes_nothing(client, editor):
    bad = _upload("bad.md", DOC.replace("2025-02-11T08:00:00Z", "last tuesday"))
    response = client.post(reverse("transfer_api:import"), {"files": [bad], "dry_run": "false"}, **_token(editor))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"file": "bad.md", "where": "line 4 (started_at)", "message": response.json()["errors"][0]["message"]}
    ]
    assert "bad date" in response.json()["errors"][0]["message"]
    assert not Postmortem.objects.exists()


def test_api_import_dry_run_writes_nothing(client, editor):
    response = client.post(reverse("transfer_api:import"), {"files": [_upload()], "dry_run": "true"}, **_token(editor))
    assert response.status_code == 200 and response.json()["created"] == ["PM-2025-031"]
    assert not Postmortem.objects.exists()


def test_api_import_is_for_editors(client, member):
    response = client.post(reverse("transfer_api:import"), {"files": [_upload()]}, **_token(member))
    assert response.status_code == 403 and not Postmortem.objects.exists()


def test_api_import_without_files_is_a_field_error(client, editor):
    response = client.post(reverse("transfer_api:import"), {"format": "sideways"}, **_token(editor))
    assert response.status_code == 400 and set(response.json()) == {"files", "format"}


def test_api_needs_authentication(client):
    assert client.get(reverse("transfer_api:export-json")).status_code == 401
    assert client.post(reverse("transfer_api:import"), {"files": [_upload()]}).status_code == 401


def test_api_exports_follow_visibility_and_filters(client, outsider, secret, open_pm):
    auth = _token(outsider)
    data = json.loads(_body(client.get(reverse("transfer_api:export-json"), **auth)))
    assert [d["key"] for d in data["postmortems"]] == ["PM-2025-002"]
    rows = _body(client.get(reverse("transfer_api:export-csv") + "?status=published", **auth)).decode()
    assert rows.strip().splitlines()[1:] == []
    response = client.get(reverse("transfer_api:export-markdown"), HTTP_ACCEPT="application/zip", **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_api_export_with_a_bad_filter_answers_400_per_field(client, member):
    response = client.get(reverse("transfer_api:export-csv") + "?started_after=yesterday", **_token(member))
    assert response.status_code == 400 and list(response.json()) == ["started_after"]


def test_api_export_refuses_a_nul_character_in_a_filter(client, member):
    response = client.get(reverse("transfer_api:export-json") + "?service=a%00b", **_token(member))
    assert response.status_code == 400 and response.json() == {"service": ["Must not contain NUL characters."]}
