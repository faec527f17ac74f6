"""Markdown with YAML front matter: what each key becomes, and the messages bad files get."""

from datetime import UTC, datetime
from textwrap import dedent

import pytest

from postmortems.importers import SourceFile, import_postmortems
from postmortems.models import ContributingFactor, Postmortem, Revision, Service
from postmortems.services import snapshot
from tests.factories import ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db

GOOD = dedent(
    """\
    ---
    title: Checkout timed out while the cache warmed
    key: PM-2025-014
    kind: incident
    severity: 2
    status: published
    timezone: Europe/Copenhagen
    started_at: 2025-03-04T10:00:00+01:00
    detected_at: 2025-03-04 10:07
    resolved_at: 2025-03-04T10:55:00+01:00
    services:
      - checkout
      - {service: pricing, role: origin}
    summary: For fifty minutes a third of checkouts timed out.
    impact: Customers saw a spinner, then an error.
    source_url: https://example.com/blog/checkout-timeouts
    factors:
      - factor: load.retry-feedback-loop
        role: amplifier
        narrative: Client retries tripled the load on pricing.
        why_it_made_sense: Retries had smoothed over every blip before.
        services: [pricing]
        timeline_event: 1
      - factor: change.config-change
        role: activator
        narrative: A cache size was halved in a routine change.
    timeline:
      - at: 2025-03-04T10:00:00+01:00
        kind: change
        text: Cache size change rolled out.
      - at: 2025-03-04T10:07:00+01:00
        kind: detection
        text: Checkout error alert fired.
        actor: on-call
    assumptions:
      - statement: Pricing answers within 200 ms
        evidence: violated
        excerpt: It took seconds while the cache was cold.
    action_items:
      - Add a retry budget to the checkout client
      - title: Warm the cache before switching traffic
        kind: mitigate
        due_date: 2025-04-01
    ticket: OPS-1234
    ---

    The change went out at ten. **Nobody** expected the cache to matter.
    """
)


def _import(text: str, name: str = "incident.md", **options):
    return import_postmortems(sources=[SourceFile(name, text)], **options)


def test_front_matter_import_creates_the_postmortem_with_its_parts():
    report = _import(GOOD)
    assert report.errors == []
    assert report.created == ["PM-2025-014"]
    pm = Postmortem.objects.get(key="PM-2025-014")
    assert pm.title == "Checkout timed out while the cache warmed"
    assert (pm.severity, pm.status, pm.timezone) == (2, "published", "Europe/Copenhagen")
    assert pm.started_at == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert pm.narrative_html.startswith("<p>The change went out at ten. <strong>Nobody</strong>")
    assert sorted(pm.service_links.values_list("service__slug", "role")) == [
        ("checkout", "involved"),
        ("pricing", "origin"),
    ]
    assert [e.kind for e in pm.timeline.all()] == ["change", "detection"]
    assert list(pm.action_items.values_list("title", "kind")) == [
        ("Add a retry budget to the checkout client", "prevent"),
        ("Warm the cache before switching traffic", "mitigate"),
    ]
    assert pm.assumption_evidence.get().assumption.statement == "Pricing answers within 200 ms"


def test_front_matter_factors_keep_role_story_services_and_event():
    _import(GOOD)
    first, second = ContributingFactor.objects.order_by("position")
    assert (first.factor.slug, first.role) == ("load.retry-feedback-loop", "amplifier")
    assert first.why_it_made_sense_html == "<p>Retries had smoothed over every blip before.</p>"
    assert list(first.services.values_list("slug", flat=True)) == ["pricing"]
    assert first.timeline_event.text == "Checkout error alert fired."
    assert second.timeline_event is None


def test_front_matter_times_without_offset_are_read_in_the_postmortems_zone():
    _import(GOOD)
    # "2025-03-04 10:07" in Copenhagen (CET, UTC+1) is 09:07 UTC.
    assert Postmortem.objects.get().detected_at == datetime(2025, 3, 4, 9, 7, tzinfo=UTC)


def test_front_matter_unknown_keys_are_kept_in_metadata_and_reported():
    report = _import(GOOD)
    assert Postmortem.objects.get().metadata["ticket"] == "OPS-1234"
    assert any("unknown key" in w.message and "ticket" in w.where for w in report.warnings)


def test_front_matter_import_records_the_same_revision_a_save_would():
    _import(GOOD)
    pm = Postmortem.objects.get()
    revision = Revision.objects.get(postmortem=pm)
    assert revision.version == 1
    assert revision.snapshot == snapshot(pm)


def test_front_matter_creates_unknown_services():
    ServiceFactory(slug="checkout", name="Checkout")
    _import(GOOD)
    assert Service.objects.get(slug="pricing").name == "Pricing"
    assert Service.objects.get(slug="checkout").name == "Checkout"


def test_front_matter_refuses_unknown_services_when_asked():
    report = _import(GOOD, create_services=False)
    assert not report.written
    assert any("unknown service 'checkout'" in e.message and "line" in e.where for e in report.errors)
    assert not Postmortem.objects.exists() and not Service.objects.exists()


def test_front_matter_key_comes_from_the_file_name_when_missing():
    text = GOOD.replace("key: PM-2025-014\n", "")
    assert _import(text, name="notes/PM2024-007 - Checkout.md").created == ["PM-2024-007"]


def test_front_matter_without_key_gets_the_next_free_key_of_its_year():
    Postmortem.objects.create(key="PM-2025-003", title="Earlier")
    assert _import(GOOD.replace("key: PM-2025-014\n", "")).created == ["PM-2025-004"]


def test_front_matter_publish_option_publishes_drafts():
    _import(GOOD.replace("status: published", "status: draft"), publish=True)
    pm = Postmortem.objects.get()
    assert pm.status == "published" and pm.published_at is not None


def test_front_matter_unclassified_factor_may_have_no_role():
    text = GOOD.replace("  - factor: change.config-change\n    role: activator\n", "  - role:\n")
    assert _import(text).errors == []
    assert ContributingFactor.objects.filter(factor=None, role="").count() == 1


def test_front_matter_restricted_postmortem_names_its_teams():
    TeamFactory(slug="payments")
    _import(GOOD.replace("kind: incident\n", "kind: incident\nrestricted: true\nteams: [payments]\n"))
    pm = Postmortem.objects.get()
    assert pm.restricted and list(pm.allowed_teams.values_list("slug", flat=True)) == ["payments"]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (("started_at: 2025-03-04T10:00:00+01:00", "started_at: 2025-03-44"), "line 8 (started_at)", "bad date"),
        (("role: amplifier", "role: culprit"), "line 19 (factors[0].role)", "unknown value 'culprit'"),
        (("factor: load.retry-feedback-loop", "factor: load.nope"), "line 18 (factors[0].factor)", "unknown factor"),
        (("severity: 2", "severity: 9"), "line 5 (severity)", "unknown severity"),
        (("title: Checkout timed out while the cache warmed", "title: ''"), "line 2 (title)", "is required"),
        (("timezone: Europe/Copenhagen", "timezone: Mars/Olympus"), "line 7 (timezone)", "unknown time zone"),
        (("resolved_at: 2025-03-04T10:55", "resolved_at: 2025-03-04T08:55"), "line 10 (resolved_at)", "before"),
        (("timeline_event: 1", "timeline_event: 7"), "line 23 (factors[0].timeline_event)", "index of an event"),
        (("key: PM-2025-014", "key: INC-14"), "line 3 (key)", "bad key"),
    ],
)
def test_front_matter_bad_value_is_named_with_file_line_and_key(change, where, message):
    report = _import(GOOD.replace(*change), name="bad.md")
    assert not report.written and not Postmortem.objects.exists()
    assert [(e.file, e.where) for e in report.errors] == [("bad.md", where)]
    assert message in report.errors[0].message


def test_front_matter_that_is_not_yaml_names_the_line():
    report = _import("---\ntitle: fine\nservices: [a, b\nkind: incident\n---\nbody\n", name="broken.md")
    assert report.errors[0].file == "broken.md"
    assert report.errors[0].where.startswith("line ")
    assert "not valid YAML" in report.errors[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: never closed\n", "not closed"),
        ("---\n- a\n- list\n---\n", "must be a mapping"),
    ],
)
def test_front_matter_shape_problems_are_reported(text, message):
    report = _import(text, name="odd.md", fmt="frontmatter")
    assert message in report.errors[0].message and not Postmortem.objects.exists()


def test_front_matter_file_that_is_not_utf8_is_reported():
    report = import_postmortems(sources=[SourceFile("latin1.md", None, "not UTF-8 text (byte 12)")])
    assert str(report.errors[0]) == "latin1.md: not UTF-8 text (byte 12)"
