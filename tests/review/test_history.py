"""The history page and the comparison of two revisions: content, choosing versions, escaping, visibility, queries."""

import pytest
from django.urls import reverse

from postmortems import review_services, services
from tests.factories import PostmortemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_queue(mocker):
    mocker.patch("postmortems.tasks.notify_reviewers.delay")


def _edit(pm, user, **fields):
    pm.refresh_from_db()
    return services.update_postmortem(postmortem=pm, expected_version=pm.version, changed_by=user, **fields)


@pytest.fixture
def history(draft, member, reviewer):
    """v1 created, v2 summary edited, v3 submitted for review, v4 title edited."""
    _edit(draft, member, summary="Checkout failed for 45 minutes.")
    review_services.submit_for_review(postmortem=draft, submitted_by=member, reviewers=[reviewer])
    _edit(draft, member, title="Checkout retries overloaded the gateway")
    draft.refresh_from_db()
    return draft


def _history(pm):
    return reverse("postmortems:history", args=[pm.key])


def _diff(pm, query=""):
    return reverse("postmortems:history_diff", args=[pm.key]) + query


def test_history_lists_versions_newest_first_with_who_and_what(client, member, history):
    client.force_login(member)
    html = client.get(_history(history)).content.decode()
    rows = [html.index(f'<tr id="v{n}">') for n in (4, 3, 2, 1)]
    assert rows == sorted(rows)
    assert "Edited title" in html
    assert "Submitted for review" in html
    assert "Edited summary" in html
    assert "Created" in html
    assert html.count('<td class="col-optional">mira</td>') == 4
    assert "4 versions, newest first" in html


def test_history_preselects_the_latest_change_for_comparison(client, member, history):
    client.force_login(member)
    html = client.get(_history(history)).content.decode()
    assert '<input type="radio" name="to" value="4" id="to-4" checked>' in html
    assert '<input type="radio" name="from" value="3" id="from-3" checked>' in html
    assert f'<form method="get" action="{_diff(history)}"' in html


def test_history_paginates_and_describes_the_oldest_row_on_a_page(client, member, draft, settings, mocker):
    mocker.patch("postmortems.views_history.HISTORY_PAGE_SIZE", 2)
    for minutes in (41, 42, 43):
        _edit(draft, member, summary=f"Checkout failed for {minutes} minutes.")
    client.force_login(member)
    html = client.get(_history(draft) + "?page=2").content.decode()
    assert '<tr id="v2">' in html and '<tr id="v1">' in html
    assert html.count("Edited summary") == 1  # v2 compared with v1 on the same page
    assert "Created" in html
    first = client.get(_history(draft)).content.decode()
    assert first.count("Edited summary") == 2  # v3 needs v2, which is on the next page


def test_diff_defaults_to_the_latest_change(client, member, history):
    client.force_login(member)
    html = client.get(_diff(history)).content.decode()
    assert "Changes from version 3 to 4" in html
    assert '<h2 id="diff-title">Title' in html
    assert "<del>payment </del>" in html  # the word that went
    assert "Unchanged:" in html and "Summary" in html.split("Unchanged:")[1]


def test_diff_between_any_two_versions_in_either_order(client, member, history):
    client.force_login(member)
    html = client.get(_diff(history, "?from=4&to=1")).content.decode()
    assert "Changes from version 1 to 4" in html
    for label in ("Title", "Status", "Summary"):
        assert f'<h2 id="diff-{label.lower()}">{label}' in html
    assert "<del>40</del>" in html and "<ins>45</ins>" in html
    assert '<option value="1" selected>' in html and '<option value="4" selected>' in html


def test_diff_offers_the_neighbouring_changes(client, member, history):
    client.force_login(member)
    html = client.get(_diff(history, "?from=2&to=3")).content.decode()
    assert f'href="{_diff(history)}?from=1&amp;to=2" rel="prev"' in html
    assert f'href="{_diff(history)}?from=3&amp;to=4" rel="next"' in html


def test_diff_of_the_first_version_shows_it_whole(client, member, draft):
    client.force_login(member)
    html = client.get(_diff(draft, "?to=1")).content.decode()
    assert "Version 1, the first recorded" in html
    assert 'class="diff-line diff-added"' in html and 'class="diff-line diff-removed"' not in html


def test_diff_of_a_version_with_itself_says_so(client, member, history):
    client.force_login(member)
    html = client.get(_diff(history, "?from=2&to=2")).content.decode()
    assert "You chose the same version twice" in html


def test_diff_with_an_unknown_version_is_a_form_error(client, member, history):
    client.force_login(member)
    response = client.get(_diff(history, "?from=99&to=abc"))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_diff_escapes_what_people_typed(client, member, draft):
    _edit(draft, member, summary='<script>alert("x")</script> <img src=x onerror=alert(1)>', title="<b>bold</b> title")
    client.force_login(member)
    html = client.get(_diff(draft)).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_history_of_a_postmortem_without_revisions(client, member):
    pm = PostmortemFactory(authors=[member])  # built directly, not through the services
    client.force_login(member)
    assert "No saved versions are recorded" in client.get(_history(pm)).content.decode()
    assert "nothing to compare" in client.get(_diff(pm)).content.decode()


@pytest.mark.parametrize("page", ["history", "diff"])
def test_history_of_a_restricted_postmortem_is_404_for_outsiders(client, outsider, history, page):
    client.force_login(outsider)
    response = client.get(_history(history) if page == "history" else _diff(history))
    assert response.status_code == 404
    assert history.title not in response.content.decode()


def test_history_is_readable_by_anyone_who_may_read_the_postmortem(client, viewer):
    pm = services.create_postmortem(created_by=None, title="Public near miss", kind="near_miss")
    client.force_login(viewer)
    assert client.get(_history(pm)).status_code == 200
    assert client.get(_diff(pm)).status_code == 200


def test_history_query_count_is_constant(client, member, draft, django_assert_max_num_queries, mocker):
    # Session, user, profile, the postmortem, COUNT, the page of revisions (authors joined), the revision before it.
    mocker.patch("postmortems.views_history.HISTORY_PAGE_SIZE", 3)
    client.force_login(member)
    with django_assert_max_num_queries(7):
        assert client.get(_history(draft)).status_code == 200
    for minutes in range(41, 49):
        _edit(draft, member, summary=f"Checkout failed for {minutes} minutes.")
    with django_assert_max_num_queries(7):
        assert client.get(_history(draft)).status_code == 200


def test_diff_query_count_is_constant(client, member, draft, django_assert_max_num_queries):
    # Session, user, profile, the postmortem, the list of versions, the two snapshots.
    client.force_login(member)
    _edit(draft, member, summary="v2")
    with django_assert_max_num_queries(6):
        assert client.get(_diff(draft)).status_code == 200
    for minutes in range(3, 12):
        _edit(draft, member, summary=f"v{minutes}")
    with django_assert_max_num_queries(6):
        assert client.get(_diff(draft, "?from=1&to=8")).status_code == 200


def test_history_of_a_postmortem_saved_before_revisions_were_kept(client, member):
    pm = PostmortemFactory(authors=[member], version=4)  # no revision for versions 1 to 4
    services.update_postmortem(postmortem=pm, expected_version=4, changed_by=member, title="Renamed")
    client.force_login(member)
    html = client.get(_history(pm)).content.decode()
    assert "Earliest version recorded" in html and "Created" not in html
