"""Field-by-field differences between snapshots: lines, words, folding, any key, and what kind of change it was."""

from postmortems.diffing import (
    Segment,
    changed_keys,
    compare_snapshots,
    describe_change,
    diff_lines,
    value_lines,
    word_diff,
)

BASE = {
    "key": "PM-2026-042",
    "status": "draft",
    "version": 1,
    "title": "Checkout failed",
    "kind": "incident",
    "severity": 2,
    "timezone": "Europe/Amsterdam",
    "started_at": "2026-03-14T08:55:00+00:00",
    "summary": "Checkout failed for 40 minutes.\n\nRetries tripled the load.",
    "restricted": False,
    "services": ["checkout:impacted"],
    "authors": ["mira"],
}


def _ops(lines):
    return [(line.op, "".join(segment.text for segment in line.segments)) for line in lines]


def test_word_diff_marks_only_the_words_that_changed():
    old, new = word_diff("The retries should have stopped.", "The retries kept going.")
    assert old == [
        Segment("The retries "),
        Segment("should", True),
        Segment(" "),
        Segment("have stopped", True),
        Segment("."),
    ]
    assert new == [Segment("The retries "), Segment("kept", True), Segment(" "), Segment("going", True), Segment(".")]


def test_diff_lines_pairs_an_edited_line_and_keeps_unrelated_lines_whole():
    lines = diff_lines(["a b c", "unchanged"], ["a x c", "unchanged", "completely new"])
    assert _ops(lines) == [("removed", "a b c"), ("added", "a x c"), ("same", "unchanged"), ("added", "completely new")]
    assert [s.changed for s in lines[0].segments] == [False, True, False]


def test_diff_lines_shows_dissimilar_replacements_as_removed_and_added():
    lines = diff_lines(["The gateway slowed down."], ["zzz 123"])
    assert _ops(lines) == [("removed", "The gateway slowed down."), ("added", "zzz 123")]
    assert not any(segment.changed for line in lines for segment in line.segments)


def test_diff_lines_folds_long_unchanged_runs_keeping_context():
    old = [f"line {n}" for n in range(20)]
    new = [*old[:10], "line 10 edited", *old[11:]]
    ops = [line.op for line in diff_lines(old, new)]
    assert ops == ["fold", "same", "same", "removed", "added", "same", "same", "fold"]
    folds = [line.folded for line in diff_lines(old, new) if line.op == "fold"]
    assert folds == [8, 7]


def test_value_lines_reads_scalars_choices_times_and_markdown():
    assert value_lines("severity", 2) == ["SEV2 (major)"]
    assert value_lines("kind", "near_miss") == ["Near miss"]
    assert value_lines("restricted", True) == ["yes"]
    assert value_lines("started_at", "2026-03-14T08:55:00+00:00", "Europe/Amsterdam") == ["Sat 14 Mar 2026, 09:55 CET"]
    assert value_lines("summary", "one\ntwo") == ["one", "two"]
    assert value_lines("summary", "") == []
    assert value_lines("severity", None) == []


def test_value_lines_turns_lists_of_dicts_into_readable_lines():
    timeline = [
        {
            "id": 7,
            "occurred_at": "2026-03-14T09:15:00+00:00",
            "kind": "decision",
            "text": "Kept the cache warmer running.",
            "actor": "Sam",
            "why_it_made_sense": "It had run for a year\nwithout trouble.",
        }
    ]
    assert value_lines("timeline", timeline, "UTC") == [
        "Sat 14 Mar 2026, 09:15 UTC · decision · Kept the cache warmer running. · actor: Sam · "
        "why it made sense: It had run for a year without trouble."
    ]
    assert value_lines("services", ["checkout:impacted", "gateway:origin"]) == ["checkout:impacted", "gateway:origin"]
    factor = {"factor": "load.retry-feedback-loop", "role": "amplifier", "services": ["checkout", "gateway"]}
    assert value_lines("contributing_factors", [factor]) == [
        "load.retry-feedback-loop · amplifier · services: checkout, gateway"
    ]


def test_compare_snapshots_lists_changed_fields_in_document_order_and_names_the_rest():
    new = {**BASE, "version": 2, "summary": BASE["summary"].replace("40", "45"), "severity": 1}
    diff = compare_snapshots(BASE, new)
    assert [field.label for field in diff.fields] == ["Severity", "Summary"]
    assert "Version" not in diff.unchanged  # changes on every save; never shown
    assert {"Title", "Started", "Services", "Authors"} <= set(diff.unchanged)
    summary = diff.fields[1]
    assert (summary.removed, summary.added) == (1, 1)


def test_compare_snapshots_renders_keys_it_does_not_know():
    old = {**BASE, "incident_commander": "ana", "pager_links": []}
    new = {**BASE, "incident_commander": "ben", "pager_links": [{"url": "https://pager.example.com/1"}]}
    diff = compare_snapshots(old, new)
    assert [field.label for field in diff.fields] == ["Incident commander", "Pager links"]
    assert _ops(diff.fields[1].lines) == [("added", "url: https://pager.example.com/1")]


def test_compare_snapshots_against_nothing_shows_everything_as_added():
    diff = compare_snapshots(None, BASE)
    assert diff.unchanged == []
    assert all(line.op == "added" for field in diff.fields for line in field.lines)


def test_compare_snapshots_keeps_markup_as_text():
    new = {**BASE, "summary": "<script>alert(1)</script> and **bold**"}
    diff = compare_snapshots(BASE, new)
    text = "".join(s.text for line in diff.fields[0].lines for s in line.segments)
    assert "<script>alert(1)</script>" in text  # escaping is the template's job


def test_changed_keys_ignores_the_version():
    assert changed_keys(BASE, {**BASE, "version": 9}) == []


def test_describe_change_names_review_steps_and_edits():
    assert describe_change(None, BASE) == "Created"
    assert describe_change(BASE, {**BASE, "status": "in_review", "version": 2}) == "Submitted for review"
    assert describe_change({**BASE, "status": "in_review"}, BASE) == "Sent back to draft"
    assert describe_change({**BASE, "status": "in_review"}, {**BASE, "status": "published"}) == "Published"
    assert describe_change(BASE, {**BASE, "title": "New"}) == "Edited title"
    assert describe_change(BASE, {**BASE, "title": "New", "summary": "x"}) == "Edited title, summary"
    assert describe_change(BASE, {**BASE, "version": 2}) == "Saved without changes"
    published_and_edited = {**BASE, "status": "published", "title": "New"}
    assert describe_change(BASE, published_and_edited) == "Published; edited title"


def test_fields_only_one_revision_recorded_are_named_not_compared():
    newer = {**BASE, "timeline": [{"text": "Alert fired."}], "version": 2}
    diff = compare_snapshots(BASE, newer)
    assert diff.fields == []
    assert diff.not_recorded == ["Timeline"]
    assert describe_change(BASE, newer) == "Saved without changes"
