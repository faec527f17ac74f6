"""Plain Markdown in the common section template: sections by heading text, timeline rows, factor bullets."""

from datetime import UTC, datetime
from textwrap import dedent

import pytest

from postmortems.importers import SourceFile, import_postmortems
from postmortems.importers.sections import duration_minutes, parse_sections, section_kind
from postmortems.models import ContributingFactor, Postmortem

pytestmark = pytest.mark.django_db

TEMPLATE = dedent(
    """\
    # Search returned stale prices

    ## Summary

    Product search kept showing yesterday's prices for two hours after a price update.

    ## Timeline

    All times in CET.

    | Time             | Event                                   |
    | :--------------- | --------------------------------------- |
    | 2024-07-02 09:10 | Price update published                  |
    | 2024-07-02 09:25 | Customer support reports wrong prices   |
    | 2024-07-02 HH:mm | Someone restarted the indexer           |
    | 2024-07-02 11:10 | Index rebuilt, prices correct (R&amp;D) |

    ## Lessons Learned

    - Index freshness was nobody's dashboard.

    ## Contributing Factors (findings)

    - The indexer skipped documents whose checksum matched,
      and the checksum ignored prices.
        - It was written before prices lived in the index.
    - No alert on index age.

    ## Action Items

    - [x] Include prices in the checksum
    - Alert when the index is older than 15 minutes
        - Add the index age to the search dashboard

    ## Attendees

    - AB, CD
    - EF

    # Stats

    - Category: Search
    - Time to detection: 15 minutes
    - Time to recovery: 2 hours
    """
)


def _parse(text: str, name: str = "PM2024-012 - Stale prices.md"):
    return parse_sections(name, text)


def test_sections_are_matched_by_heading_text_not_position():
    assert section_kind("Contributing Factors (findings)") == "factors"
    assert section_kind("Action items:") == "actions"
    assert section_kind("Atendees") == "attendees"
    assert section_kind("What went well") == "went_well"
    assert section_kind("Something else") is None


def test_sections_title_summary_and_key_come_from_the_document_and_file_name():
    data, _warnings = _parse(TEMPLATE)
    assert data["title"] == "Search returned stale prices"
    assert data["key"] == "PM-2024-012"
    assert data["summary"].startswith("Product search kept showing")


def test_sections_timeline_table_becomes_events_in_the_stated_zone():
    data, _warnings = _parse(TEMPLATE)
    assert data["timezone"] == "Europe/Copenhagen"
    assert [(e["at"], e["text"]) for e in data["timeline"]] == [
        (datetime(2024, 7, 2, 9, 10), "Price update published"),
        (datetime(2024, 7, 2, 9, 25), "Customer support reports wrong prices"),
        (datetime(2024, 7, 2, 11, 10), "Index rebuilt, prices correct (R&D)"),
    ]


def test_sections_placeholder_rows_are_warnings_kept_in_metadata():
    data, warnings = _parse(TEMPLATE)
    assert data["metadata"]["untimed_events"] == [{"when": "2024-07-02 HH:mm", "text": "Someone restarted the indexer"}]
    assert any("'2024-07-02 HH:mm' has no precise time" in w.message and w.where == "line 15" for w in warnings)


def test_sections_factor_bullets_are_unclassified_factors_with_nested_bullets_kept():
    data, _warnings = _parse(TEMPLATE)
    assert data["factors"] == [
        {
            "narrative": "The indexer skipped documents whose checksum matched,\nand the checksum ignored prices.\n\n"
            "- It was written before prices lived in the index."
        },
        {"narrative": "No alert on index age."},
    ]


def test_sections_action_bullets_become_action_items_with_done_checkboxes():
    data, _warnings = _parse(TEMPLATE)
    assert data["action_items"] == [
        {"title": "Include prices in the checksum", "status": "done"},
        {"title": "Alert when the index is older than 15 minutes", "status": "open"},
        {"title": "Add the index age to the search dashboard", "status": "open"},
    ]


def test_sections_lessons_go_to_the_narrative_and_attendees_and_stats_to_metadata():
    data, _warnings = _parse(TEMPLATE)
    assert data["narrative"] == "## Lessons Learned\n\n- Index freshness was nobody's dashboard."
    assert data["metadata"]["attendees"] == ["AB", "CD", "EF"]
    assert data["metadata"]["stats"] == {
        "category": "Search",
        "time_to_detection": "15 minutes",
        "time_to_detection_minutes": 15,
        "time_to_recovery": "2 hours",
        "time_to_recovery_minutes": 120,
    }


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("31 minutes", 31), ("19 hours 43 minutes.", 1183), ("11 Days", 15840), ("279 minutes [^3]", 279), ("N/A", None)],
)
def test_sections_durations_are_read_from_free_text(text, minutes):
    assert duration_minutes(text) == minutes


def test_sections_import_writes_the_postmortem_with_derived_times():
    report = import_postmortems(sources=[SourceFile("PM2024-012 - Stale prices.md", TEMPLATE)])
    assert report.errors == []
    pm = Postmortem.objects.get(key="PM-2024-012")
    # 09:10 in Copenhagen in July (CEST, UTC+2) is 07:10 UTC; 15 minutes later a row confirms detection.
    assert pm.started_at == datetime(2024, 7, 2, 7, 10, tzinfo=UTC)
    assert pm.detected_at == datetime(2024, 7, 2, 7, 25, tzinfo=UTC)
    assert pm.resolved_at == datetime(2024, 7, 2, 9, 10, tzinfo=UTC)
    assert pm.status == "draft" and pm.kind == "incident"
    assert ContributingFactor.objects.filter(postmortem=pm, factor=None, role="").count() == 2


def test_sections_durations_that_miss_the_timeline_are_not_turned_into_times():
    text = TEMPLATE.replace("Time to detection: 15 minutes", "Time to detection: 16 minutes")
    data, _warnings = _parse(text)
    assert "detected_at" not in data and "resolved_at" not in data
    assert data["metadata"]["stats"]["time_to_detection_minutes"] == 16


def test_sections_timeline_may_be_a_list_and_say_its_zone_in_the_header():
    text = dedent(
        """\
        # Queue backlog

        ## Timeline (times in UTC)

        - 2023-01-05 22:40 - Consumers stopped acknowledging
        - **23:05** Backlog alert paged the on-call engineer
        - Later that night: a restart

        ## Action items

        - Alert on consumer lag
        """
    )
    data, warnings = _parse(text, name="queue.md")
    assert data["timezone"] == "UTC"
    assert [(e["at"], e["text"]) for e in data["timeline"]] == [
        (datetime(2023, 1, 5, 22, 40), "Consumers stopped acknowledging"),
        (datetime(2023, 1, 5, 23, 5), "Backlog alert paged the on-call engineer"),
    ]
    assert "key" not in data
    assert any("has no time" in w.message for w in warnings)


def test_sections_without_a_zone_line_are_read_as_utc_with_a_warning():
    text = "# Title\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 2023-01-05 22:40 | Something |\n"
    data, warnings = _parse(text, name="x.md")
    assert data["timezone"] == "UTC"
    assert any("does not say its time zone" in w.message for w in warnings)


def test_sections_headings_inside_code_blocks_do_not_start_sections():
    text = "# Title\n\n## Summary\n\n```\n## Timeline\n| 2020-01-01 10:00 | not an event |\n```\n"
    data, _warnings = _parse(text, name="x.md")
    assert data["timeline"] == [] and "## Timeline" in data["summary"]


def test_sections_file_without_title_takes_it_from_the_file_name():
    data, warnings = _parse("## Summary\n\nShort.\n", name="PM2022-003 - Disk filled up.md")
    assert data["title"] == "Disk filled up"
    assert any("took the title from the file name" in w.message for w in warnings)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("notes.md", "# Notes\n\nJust some notes.\n\n## Ideas\n\n- more caching\n", "no recognised section"),
        ("plain.md", "## Summary\n\nShort.\n", "no '# Title' heading"),
    ],
)
def test_sections_text_that_is_not_a_postmortem_is_refused(name, text, message):
    report = import_postmortems(sources=[SourceFile(name, text)], fmt="sections")
    assert message in report.errors[0].message and report.errors[0].file == name
    assert not Postmortem.objects.exists()


def test_sections_a_doubled_digit_in_the_year_is_read_only_when_the_file_name_confirms_it():
    text = "# T\n\n## Timeline\n\nAll times in UTC.\n\n| Time | Event |\n|--|--|\n| 20202-01-16 12:00 | Build broke |\n"
    data, warnings = _parse(text, name="PM2020-003 - Build.md")
    assert data["timeline"][0]["at"] == datetime(2020, 1, 16, 12, 0)
    assert any("read the year '20202' as 2020" in w.message for w in warnings)
    other, _ = _parse(text, name="build.md")
    assert other["timeline"] == [] and other["metadata"]["untimed_events"][0]["when"] == "20202-01-16 12:00"
