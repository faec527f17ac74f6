from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from postmortems import models as m
from postmortems.reading.emails import unsubscribe_token
from tests.factories import (
    DigestFactory,
    DigestItemFactory,
    MembershipFactory,
    PostmortemFactory,
    ReadReceiptFactory,
    TeamFactory,
    UserFactory,
)
from tests.reading.conftest import WEEK, tag

pytestmark = pytest.mark.django_db

READING = reverse("postmortems:reading")


@pytest.fixture(autouse=True)
def _wednesday_of_week(time_machine):
    time_machine.move_to(datetime(2026, 3, 11, 10, tzinfo=UTC), tick=False)


@pytest.fixture
def this_week(team, readers):
    digest = DigestFactory(team=team, week_start=WEEK, facilitator=readers[1])
    postmortem = PostmortemFactory(key="PM-2026-010", title="Ledger writes stalled behind a schema migration")
    tag(postmortem, "change.unrehearsed-operation")
    return DigestItemFactory(digest=digest, postmortem=postmortem, explanation="Published 3 days before this week.")


def _item(response, item):
    """The HTML of one item's article on the reading page."""
    html = response.content.decode()
    start = html.index(f'id="item-{item.pk}"')
    return html[start : html.index("</article>", start)]


def test_reading_page_needs_login(client):
    response = client.get(READING)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_reading_page_shows_this_weeks_reading_with_reason_prompts_and_facilitator(client, readers, this_week):
    client.force_login(readers[0])

    response = client.get(READING)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Payments · week 2026-W11" in body
    assert "Facilitator: ben." in body
    assert "Ledger writes stalled behind a schema migration" in body
    assert "Recent and not yet read" in body and "Published 3 days before this week." in body
    assert "What was being changed, and how far did it reach? (Unrehearsed operation)" in body
    assert "Read by 0 of 3." in body
    assert "Mark as read" in _item(response, this_week)


def test_reading_page_tells_the_facilitator(client, readers, this_week):
    client.force_login(readers[1])

    assert "You facilitate this week's discussion." in client.get(READING).content.decode()


def test_reading_page_hides_items_the_person_may_not_see(client, readers, this_week, other_team):
    hidden = PostmortemFactory(key="PM-2026-011", title="Secret thing", restricted=True, allowed_teams=[other_team])
    DigestItemFactory(digest=this_week.digest, postmortem=hidden, position=1)
    client.force_login(readers[0])

    assert "Secret thing" not in client.get(READING).content.decode()


def test_mark_read_records_a_receipt_once(client, readers, this_week):
    client.force_login(readers[0])
    url = reverse("postmortems:reading_mark_read", args=[this_week.pk])

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302

    receipt = m.ReadReceipt.objects.get(user=readers[0])
    assert (receipt.postmortem, receipt.digest) == (this_week.postmortem, this_week.digest)
    page = client.get(READING)
    assert "You marked it read on 2026-03-11." in _item(page, this_week)
    assert "Read by 1 of 3: ana." in _item(page, this_week)


def test_mark_read_only_accepts_post(client, readers, this_week):
    client.force_login(readers[0])

    assert client.get(reverse("postmortems:reading_mark_read", args=[this_week.pk])).status_code == 405
    assert not m.ReadReceipt.objects.exists()


def test_mark_read_refuses_another_teams_item(client, outsider, this_week):
    client.force_login(outsider)

    assert client.post(reverse("postmortems:reading_mark_read", args=[this_week.pk])).status_code == 404
    assert not m.ReadReceipt.objects.exists()


def test_team_reflections_show_only_after_writing_ones_own(client, readers, this_week):
    ReadReceiptFactory(user=readers[1], postmortem=this_week.postmortem, reflection="The **lock** surprised me.")
    client.force_login(readers[0])

    before = _item(client.get(READING), this_week)
    assert "The <strong>lock</strong> surprised me." not in before
    assert "1 teammate wrote a reflection; write yours to read theirs." in before

    url = reverse("postmortems:reading_reflect", args=[this_week.pk])
    assert client.post(url, {"reflection": "We have the same migration tool."}).status_code == 302

    after = _item(client.get(READING), this_week)
    assert "The <strong>lock</strong> surprised me." in after
    assert m.ReadReceipt.objects.get(user=readers[0]).reflection == "We have the same migration tool."


def test_reflection_markdown_is_sanitised(client, readers, this_week):
    client.force_login(readers[1])
    client.post(
        reverse("postmortems:reading_reflect", args=[this_week.pk]),
        {"reflection": "<script>alert(1)</script>*fine*"},
    )

    receipt = m.ReadReceipt.objects.get(user=readers[1])
    assert "<script>" not in receipt.reflection_html and "<em>fine</em>" in receipt.reflection_html


def test_reflection_that_is_too_long_is_refused_with_a_reason(client, readers, this_week):
    client.force_login(readers[0])

    response = client.post(reverse("postmortems:reading_reflect", args=[this_week.pk]), {"reflection": "x" * 2001})

    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert not m.ReadReceipt.objects.exists()


def test_past_weeks_show_who_read_what(client, team, readers, this_week):
    earlier = DigestFactory(team=team, week_start=WEEK - timedelta(weeks=1))
    old = DigestItemFactory(digest=earlier, postmortem=PostmortemFactory(title="Old news from last week"))
    ReadReceiptFactory(user=readers[2], postmortem=old.postmortem)
    client.force_login(readers[0])

    body = client.get(READING).content.decode()
    past = body[body.index('id="past-weeks"') :]

    assert "2026-W10" in past and "Old news from last week" in past and "cai" in past


def test_backlog_lists_what_the_person_has_not_read(client, team, readers, this_week):
    earlier = DigestFactory(team=team, week_start=WEEK - timedelta(weeks=2))
    read = DigestItemFactory(digest=earlier, postmortem=PostmortemFactory(title="Already read it"))
    DigestItemFactory(digest=earlier, postmortem=PostmortemFactory(title="Still waiting"), position=1)
    ReadReceiptFactory(user=readers[0], postmortem=read.postmortem)
    client.force_login(readers[0])

    body = client.get(READING).content.decode()
    backlog = body[body.index('id="backlog"') : body.index('id="past-weeks"')]

    assert "Still waiting" in backlog
    assert "Already read it" not in backlog
    assert "Ledger writes stalled" not in backlog  # this week's reading is shown above, not repeated


def test_reading_page_queries_do_not_grow_with_history(client, team, readers, django_assert_max_num_queries):
    other = TeamFactory(slug="search", name="Search")
    MembershipFactory(team=other, user=readers[0])
    for week in range(8):
        for each in (team, other):
            digest = DigestFactory(team=each, week_start=WEEK - timedelta(weeks=week))
            for position in range(3):
                item = DigestItemFactory(digest=digest, position=position)
                tag(item.postmortem, "load.hidden-limit", "org.goal-conflict")
                ReadReceiptFactory(user=readers[position], postmortem=item.postmortem, reflection="Noted.")
    client.force_login(readers[0])

    # 1 session, 2 user, 3 memberships of the person's teams (with members), 4 digests (team, facilitator),
    # 5 profile (the visibility rule), 6 items with their postmortems, 7 their factors and families,
    # 8 read receipts of those teams, 9 backlog.
    with django_assert_max_num_queries(9):
        assert client.get(READING).status_code == 200


def test_unsubscribe_link_works_without_login_and_only_on_post(client, readers):
    url = reverse("postmortems:reading_unsubscribe", args=[unsubscribe_token(readers[0])])

    page = client.get(url)
    assert page.status_code == 200 and "Stop the weekly postmortem reading email?" in page.content.decode()
    assert not m.DigestPreference.objects.exists()

    done = client.post(url)

    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert m.DigestPreference.objects.get(user=readers[0]).subscribed is False


def test_unsubscribe_link_that_was_tampered_with_is_refused(client, readers):
    url = reverse("postmortems:reading_unsubscribe", args=[unsubscribe_token(readers[0]) + "x"])

    response = client.post(url)

    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert not m.DigestPreference.objects.exists()


def test_unsubscribe_link_of_a_deleted_person_is_refused(client):
    gone = UserFactory(username="gone")
    url = reverse("postmortems:reading_unsubscribe", args=[unsubscribe_token(gone)])
    gone.delete()

    assert client.post(url).status_code == 400


def test_settings_page_saves_the_persons_choices(client, team, other_team, readers):
    MembershipFactory(team=other_team, user=readers[0])
    client.force_login(readers[0])
    url = reverse("postmortems:reading_settings")

    assert client.get(url).status_code == 200
    response = client.post(url, {"subscribed": "on", "muted_teams": [other_team.pk]})

    assert response.status_code == 302
    preference = m.DigestPreference.objects.get(user=readers[0])
    assert preference.subscribed is True
    assert list(preference.muted_teams.all()) == [other_team]


def test_settings_page_refuses_a_team_the_person_is_not_on(client, readers, other_team):
    client.force_login(readers[0])

    response = client.post(reverse("postmortems:reading_settings"), {"muted_teams": [other_team.pk]})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not m.DigestPreference.objects.exists()


def test_settings_page_says_when_an_admin_suppressed_the_digest(client, readers):
    m.DigestPreference.objects.create(user=readers[0], suppressed=True)
    client.force_login(readers[0])

    assert (
        "An admin has paused digest emails for you."
        in client.get(reverse("postmortems:reading_settings")).content.decode()
    )


@pytest.fixture
def classics(other_team):
    shelf = PostmortemFactory(key="PM-2017-001", title="S3 us-east-1", kind=m.Kind.EXTERNAL, in_library=True)
    loose = PostmortemFactory(key="PM-2018-001", title="GitHub partition", kind=m.Kind.EXTERNAL)
    hidden = PostmortemFactory(
        key="PM-2019-001", title="Hidden classic", kind=m.Kind.EXTERNAL, in_library=True, restricted=True
    )
    hidden.allowed_teams.set([other_team])
    return shelf, loose, hidden


def test_library_lists_what_is_in_it_and_visible(client, readers, classics):
    client.force_login(readers[0])

    body = client.get(reverse("postmortems:library")).content.decode()

    assert "S3 us-east-1" in body
    assert "GitHub partition" not in body and "Hidden classic" not in body
    assert "Add to library" not in body


def test_library_editor_adds_an_external_postmortem(client, editor, classics):
    shelf, loose, _ = classics
    client.force_login(editor)
    assert "GitHub partition" in client.get(reverse("postmortems:library")).content.decode()

    response = client.post(reverse("postmortems:library_add", args=[loose.key]))

    assert response.status_code == 302
    loose.refresh_from_db()
    assert loose.in_library is True
    assert loose.revisions.filter(author=editor).exists()


def test_library_editor_removes_one(client, editor, classics):
    client.force_login(editor)

    client.post(reverse("postmortems:library_remove", args=["PM-2017-001"]))

    assert m.Postmortem.objects.get(key="PM-2017-001").in_library is False


def test_library_refuses_an_internal_postmortem(client, editor):
    internal = PostmortemFactory(key="PM-2026-050")
    client.force_login(editor)

    response = client.post(reverse("postmortems:library_add", args=[internal.key]), follow=True)

    assert "Only external (public) postmortems belong in the library." in response.content.decode()
    internal.refresh_from_db()
    assert internal.in_library is False


def test_library_changes_are_for_editors_only(client, readers, classics):
    client.force_login(readers[0])

    assert client.post(reverse("postmortems:library_add", args=["PM-2018-001"])).status_code == 403
    assert m.Postmortem.objects.get(key="PM-2018-001").in_library is False
