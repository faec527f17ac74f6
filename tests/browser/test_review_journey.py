"""The review workflow in a real browser: submit with a reviewer, comment, resolve, publish, find it in the list;
the same without JavaScript; axe on the review, history, comparison and filtered list pages, light and dark."""

import re

import pytest

from postmortems import review_services, services
from postmortems.models import Status
from tests.browser.axe import blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import MembershipFactory, ReviewCommentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser

TITLE = "Checkout retries overloaded the payment gateway"


@pytest.fixture(autouse=True)
def _no_broker(mocker):
    """The live server runs in this process: the review emails are checked elsewhere (tests/review/test_tasks.py)."""
    mocker.patch("postmortems.tasks.notify_authors.delay")
    return mocker.patch("postmortems.tasks.notify_reviewers.delay")


@pytest.fixture
def people():
    team = TeamFactory(name="Payments", slug="payments")
    author = UserFactory(username="mira", first_name="Mira", last_name="Jansen", role="author")
    reviewer = UserFactory(username="rita", first_name="Rita", last_name="Okafor", role="viewer")
    MembershipFactory(team=team, user=author)
    MembershipFactory(team=team, user=reviewer)
    return author, reviewer, team


@pytest.fixture
def draft(people):
    author, _reviewer, team = people
    return services.create_postmortem(
        created_by=author,
        key="PM-2026-501",  # out of the factories' way
        title=TITLE,
        summary="Checkout failed for 40 minutes while client retries piled up.",
        impact="About 3,100 orders could not be placed.",
        restricted=True,
        allowed_teams=[team],
    )


def _panel(page):
    """The review panel, once htmx has fetched it into the postmortem page."""
    panel = page.locator("section#review.review-panel:not(.review-panel-compact)")
    panel.wait_for()
    return panel


def violations_in_both_schemes(page) -> list[str]:
    found = [f"light: {line}" for line in blocking_violations(page)]
    page.emulate_media(color_scheme="dark")
    found += [f"dark: {line}" for line in blocking_violations(page)]
    return found


def test_submit_comment_resolve_publish_and_find_it_in_the_list(open_page, people, draft, _no_broker):
    author, reviewer, _team = people

    # The author sends the draft to Rita, with the writing checks shown as advice.
    page = open_page(draft.get_absolute_url(), user=author)
    _panel(page).get_by_role("link", name="Submit for review").click()
    page.wait_for_url("**/review/submit/")
    assert page.get_by_role("heading", name="Writing checks").is_visible()
    assert page.get_by_text("Fewer than two contributing conditions").is_visible()
    page.get_by_label("Rita Okafor (rita)").check()
    page.get_by_label("Note to the reviewers").fill("Is the timeline complete?")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(f"**{draft.get_absolute_url()}")
    assert page.get_by_role("status").filter(has_text="is in review").is_visible()
    assert _no_broker.call_count == 1

    # Rita (a viewer, outside nothing but this review) comments on the timeline.
    reviewing = open_page(draft.get_absolute_url(), user=reviewer)
    panel = _panel(reviewing)
    assert panel.get_by_text("Rita Okafor (you)").is_visible()
    panel.get_by_label("About").select_option(label="Timeline")
    panel.get_by_label("Comment", exact=True).fill("When did the on-call engineer first see the retry graph?")
    panel.get_by_role("button", name="Add comment").click()
    comment = reviewing.locator(".comment").filter(has_text="first see the retry graph")
    comment.wait_for()
    assert comment.get_by_role("link", name="Timeline").is_visible()

    # The author resolves it in place, then publishes.
    page.reload()
    panel = _panel(page)
    assert panel.get_by_text("1 comment is still open").is_visible()
    panel.get_by_role("button", name="Resolve comment by rita").click()
    page.get_by_text("1 resolved comment").wait_for()
    assert page.get_by_text("No open comments.").is_visible()
    _panel(page).get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{draft.get_absolute_url()}")
    page.get_by_role("status").filter(has_text="is published").wait_for()
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED

    # ... and finds it in the list, filtered by status (htmx updates the results and the address).
    page.goto("/")
    page.get_by_label("Status").select_option(label="Published")
    page.wait_for_url(re.compile(r"status=published"))
    page.locator("#list-count").filter(has_text="1 postmortem matches the filters").wait_for()
    assert page.get_by_role("link", name=TITLE).is_visible()
    page.get_by_label("Status").select_option(label="Draft")
    page.locator("#list-count").filter(has_text="0 postmortems match").wait_for()
    assert page.get_by_role("link", name=TITLE).count() == 0


def test_reviewing_and_filtering_work_without_javascript(open_page, people, draft):
    author, reviewer, _team = people
    review_services.submit_for_review(postmortem=draft, submitted_by=author, reviewers=[reviewer])

    page = open_page(draft.get_absolute_url(), user=reviewer, javascript=False)
    page.get_by_role("link", name="Review status and comments").click()
    page.wait_for_url("**/review/")
    page.get_by_label("Comment", exact=True).fill("Add what kept it from being worse.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(re.compile(r"/review/#comment-\d+$"))
    assert page.get_by_text("Add what kept it from being worse.").is_visible()
    page.locator("details.request-changes summary").click()
    page.get_by_role("button", name="Send back to the authors").click()
    page.wait_for_url(f"**{draft.get_absolute_url()}")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    listing = open_page("/", user=author, javascript=False)
    listing.get_by_label("Status").select_option(label="Draft")
    listing.get_by_label("Sort by").select_option(label="Title, A to Z")
    listing.get_by_role("button", name="Apply").click()
    listing.wait_for_url(re.compile(r"status=draft.*sort=title"))
    assert listing.get_by_role("link", name=TITLE).is_visible()


def test_review_pages_are_accessible(open_page, people, draft):
    author, reviewer, _team = people
    review_services.submit_for_review(postmortem=draft, submitted_by=author, reviewers=[reviewer], note="Timeline?")
    ReviewCommentFactory(postmortem=draft, author=reviewer, section="impact", body="How many *orders*?")
    resolved = ReviewCommentFactory(postmortem=draft, author=reviewer, body="Typo in the summary.")
    services.resolve_review_comment(comment=resolved, resolved_by=author)

    page = open_page(draft.get_absolute_url(), user=author)
    panel = _panel(page)
    panel.locator("details.review-checks summary").click()
    panel.locator("details.resolved-comments summary").click()
    assert violations_in_both_schemes(page) == []

    for path in ("/reviews/", f"/postmortems/{draft.key}/review/"):
        assert violations_in_both_schemes(open_page(path, user=reviewer)) == [], path


def test_submit_page_with_an_error_is_accessible(open_page, people, draft):
    author, _reviewer, _team = people
    page = open_page(f"/postmortems/{draft.key}/review/submit/", user=author)
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Choose at least one reviewer.").wait_for()
    assert violations_in_both_schemes(page) == []


def test_history_and_comparison_are_accessible(open_page, people, draft):
    author, reviewer, _team = people
    services.update_postmortem(
        postmortem=draft,
        expected_version=draft.version,
        changed_by=author,
        summary="Checkout failed for 45 minutes while client retries piled up.\n\nThe gateway <b>slowed</b> down.",
    )
    review_services.submit_for_review(postmortem=draft, submitted_by=author, reviewers=[reviewer])

    history = open_page(f"/postmortems/{draft.key}/history/", user=author)
    assert history.locator(".history-table tbody tr").count() == 3
    assert history.get_by_label("Compare to version 3").is_checked()
    history.get_by_label("Compare from version 1").check()
    history.get_by_role("button", name="Compare the chosen versions").click()
    history.wait_for_url(re.compile(r"compare/\?(to=3&from=1|from=1&to=3)"))
    assert history.get_by_role("heading", name="Changes from version 1 to 3").is_visible()
    assert history.locator(".diff ins").filter(has_text="45").is_visible()
    assert history.get_by_text("The gateway <b>slowed</b> down.").is_visible()  # shown as typed, not as markup
    assert violations_in_both_schemes(history) == []

    history = open_page(f"/postmortems/{draft.key}/history/", user=author)
    assert violations_in_both_schemes(history) == []


def test_filtered_list_is_accessible(open_page, people, draft):
    author, _reviewer, _team = people
    page = open_page("/?status=draft&service=unknown-service&sort=severity&started_after=nonsense", user=author)
    assert page.get_by_role("alert").is_visible()
    assert violations_in_both_schemes(page) == []
    page = open_page("/?status=draft&sort=title", user=author)
    assert page.get_by_role("link", name=TITLE).is_visible()
    assert violations_in_both_schemes(page) == []


@pytest.mark.parametrize("path", ["list", "history", "compare", "review", "submit"])
def test_review_pages_fit_a_phone_screen(open_page, people, draft, path):
    author, reviewer, _team = people
    services.update_postmortem(
        postmortem=draft, expected_version=draft.version, changed_by=author, summary="A" * 300 + " retries"
    )
    review_services.submit_for_review(postmortem=draft, submitted_by=author, reviewers=[reviewer])
    paths = {
        "list": "/?status=in_review&sort=title",
        "history": f"/postmortems/{draft.key}/history/",
        "compare": f"/postmortems/{draft.key}/history/compare/?from=1&to=3",
        "review": f"/postmortems/{draft.key}/review/",
        "submit": f"/postmortems/{draft.key}/review/submit/",
    }
    page = open_page(paths[path], user=author, viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
