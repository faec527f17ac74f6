"""Pasting a block of `HH:MM text` or `YYYY-MM-DD HH:MM | text` lines into the timeline: all of them or none."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from postmortems.forms_editor_rows import TimelinePasteForm
from postmortems.importers.timeline_text import parse_pasted_timeline
from postmortems.models import Revision, TimelineEvent
from tests.authoring.conftest import STARTED

START_DAY = date(2026, 3, 1)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def test_parse_reads_times_on_the_start_day():
    events, problems = parse_pasted_timeline("09:14 Error rate rose\n09:20 Paged the on-call", START_DAY)
    assert problems == []
    assert [(e.line, e.moment, e.text) for e in events] == [
        (1, datetime(2026, 3, 1, 9, 14), "Error rate rose"),
        (2, datetime(2026, 3, 1, 9, 20), "Paged the on-call"),
    ]


def test_parse_reads_dated_lines_and_carries_their_day_to_later_times():
    text = "2026-03-01 23:50 | Queue depth alert\n2026-03-02 00:05 | Failover started\n00:20 Failover done"
    events, problems = parse_pasted_timeline(text, START_DAY)
    assert problems == []
    assert [e.moment for e in events] == [
        datetime(2026, 3, 1, 23, 50),
        datetime(2026, 3, 2, 0, 5),
        datetime(2026, 3, 2, 0, 20),
    ]


@pytest.mark.parametrize(
    "line",
    ["- 09:14 Error rate rose", "* 09:14 - Error rate rose", "**09:14** Error rate rose", "09:14 | Error rate rose"],
)
def test_parse_accepts_list_bullets_bold_times_and_separators(line):
    events, problems = parse_pasted_timeline(line, START_DAY)
    assert (problems, [e.text for e in events]) == ([], ["Error rate rose"])


def test_parse_reports_every_line_it_cannot_read_with_its_number():
    text = "09:14 fine\n\nno time here\n25:61 not a time\n09:40\n2026-02-30 10:00 | no such day"
    events, problems = parse_pasted_timeline(text, START_DAY)
    assert [e.line for e in events] == [1]
    assert [(p.line, p.reason) for p in problems] == [
        (3, "it does not start with a time (HH:MM or YYYY-MM-DD HH:MM)"),
        (4, "'25:61' is not a valid date and time"),
        (5, "there is no text after the time"),
        (6, "'2026-02-30 10:00' is not a valid date and time"),
    ]


def test_parse_needs_a_day_for_bare_times():
    events, problems = parse_pasted_timeline("09:14 Error rate rose", None)
    assert events == []
    assert "the incident has no start time yet" in problems[0].reason


def _paste(lines: str, kind: str = "observation", start=STARTED) -> TimelinePasteForm:
    form = TimelinePasteForm({"lines": lines, "kind": kind}, zone=COPENHAGEN, start=start)
    form.is_valid()
    return form


def test_paste_form_reads_times_in_the_postmortems_zone_on_its_start_day():
    # The incident started at 10:30 Copenhagen time on 1 March (09:30 UTC).
    form = _paste("10:41 Error rate rose")
    assert form.cleaned_data["events"] == [
        {"occurred_at": datetime(2026, 3, 1, 9, 41, tzinfo=UTC), "kind": "observation", "text": "Error rate rose"}
    ]


def test_paste_form_takes_a_kind_from_the_start_of_the_text():
    form = _paste("10:41 decision: Roll back the payment client\n10:45 Rolled back", kind="action")
    assert [(e["kind"], e["text"]) for e in form.cleaned_data["events"]] == [
        ("decision", "Roll back the payment client"),
        ("action", "Rolled back"),
    ]


def test_paste_form_lists_the_lines_it_could_not_read_and_keeps_none():
    form = _paste("10:41 fine\nwhat happened next\n10:50")
    assert not form.is_valid()
    assert form.errors["lines"] == [
        "Nothing was added. Fix these lines and try again:",
        "Line 2 (“what happened next”): it does not start with a time (HH:MM or YYYY-MM-DD HH:MM).",
        "Line 3 (“10:50”): there is no text after the time.",
    ]


def test_paste_form_refuses_a_time_the_clocks_skipped():
    form = _paste("2026-03-29 02:30 | Deploy")
    assert "does not exist in Europe/Copenhagen" in form.errors["lines"][1]


def test_paste_form_refuses_too_many_lines():
    form = _paste("\n".join(f"10:{m % 60:02d} line {m}" for m in range(501)))
    assert form.errors["lines"] == ["At most 500 lines at a time."]


@pytest.mark.django_db
def test_paste_view_adds_every_line_as_one_save(client, member, draft):
    client.force_login(member)
    lines = "10:41 Error rate rose\r\n10:44 decision: Roll back\r\n2026-03-01 11:02 | Recovered"
    response = client.post(
        reverse("postmortems:timeline_paste", kwargs={"key": draft.key}),
        {"paste-lines": lines, "paste-kind": "observation"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/postmortems/{draft.key}/edit/#timeline")
    assert list(TimelineEvent.objects.order_by("occurred_at").values_list("kind", "text")) == [
        ("observation", "Error rate rose"),
        ("decision", "Roll back"),
        ("observation", "Recovered"),
    ]
    assert list(Revision.objects.filter(postmortem=draft).values_list("version", flat=True)) == [2, 1]


@pytest.mark.django_db
def test_paste_view_with_an_unreadable_line_adds_nothing_and_says_which(client, member, draft):
    client.force_login(member)
    response = client.post(
        reverse("postmortems:timeline_paste", kwargs={"key": draft.key}),
        {"paste-lines": "10:41 Error rate rose\nthen it got worse", "paste-kind": "observation"},
    )
    assert response.status_code == 400
    assert "Line 2 (“then it got worse”)" in response.content.decode()
    assert not TimelineEvent.objects.exists()
    assert Revision.objects.filter(postmortem=draft).count() == 1
