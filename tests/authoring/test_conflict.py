"""Two people editing one postmortem: nothing is silently overwritten, and nobody's text is lost."""

import pytest
from django.urls import reverse

from postmortems import services
from postmortems.models import Postmortem, Revision
from tests.authoring.conftest import STARTED, form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bea(db):
    return UserFactory(username="bea", first_name="Bea", last_name="Okafor", role="editor")


def _edit(pm) -> str:
    return reverse("postmortems:edit", kwargs={"key": pm.key})


def test_a_save_from_an_old_version_is_refused_and_shows_what_changed(client, member, bea, draft):
    loaded = form_data(draft)  # mira opens the editor at version 1
    services.update_postmortem(
        postmortem=draft, expected_version=1, changed_by=bea, summary="Checkout failed for 4% of customers."
    )
    client.force_login(member)
    response = client.post(_edit(draft), {**loaded, "narrative": "The client retried three times."})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved: this postmortem changed while you were editing" in body
    assert "Bea Okafor saved since you opened the editor (version 1, now 2)" in body
    assert "Their change is in your form" in body
    # Her narrative is kept, his summary is merged in, and the form now carries the current version.
    assert "The client retried three times." in body
    assert ">\nCheckout failed for 4% of customers.</textarea>" in body
    assert 'id="pm-version" value="2"' in body
    draft.refresh_from_db()
    assert (draft.version, draft.narrative, draft.summary) == (2, "", "Checkout failed for 4% of customers.")


def test_the_report_marks_the_words_they_changed_within_a_line(client, member, bea, draft):
    loaded = form_data(draft)
    before = draft.summary
    services.update_postmortem(
        postmortem=draft, expected_version=1, changed_by=bea, summary=before.replace("Checkout", "Payment", 1)
    )
    client.force_login(member)
    body = client.post(_edit(draft), {**loaded, "narrative": "Mine."}).content.decode()
    assert '<div class="conflict-diff" role="group" aria-label="What they changed in summary">' in body
    assert "<del>Checkout</del>" in body and "<ins>Payment</ins>" in body


def test_saving_the_merged_form_keeps_both_changes(client, member, bea, draft):
    loaded = form_data(draft)
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=bea, summary="Bea's summary.")
    client.force_login(member)
    client.post(_edit(draft), {**loaded, "narrative": "Mira's narrative."})
    merged = form_data(draft, narrative="Mira's narrative.")  # what the refused page's form holds
    assert merged["version"] == "2"
    assert client.post(_edit(draft), merged).status_code == 302
    draft.refresh_from_db()
    assert (draft.summary, draft.narrative, draft.version) == ("Bea's summary.", "Mira's narrative.", 3)


def test_when_both_changed_the_same_field_their_text_is_shown_and_yours_is_kept(client, member, bea, draft):
    loaded = form_data(draft)
    services.update_postmortem(
        postmortem=draft,
        expected_version=1,
        changed_by=bea,
        summary="Checkout failed for some customers.\nCard payments stopped at 10:31.",
    )
    client.force_login(member)
    mine = "Checkout failed for some customers.\nThe payment client retried every request."
    response = client.post(_edit(draft), {**loaded, "summary": mine})
    assert response.status_code == 409
    body = response.content.decode()
    assert "You both changed it" in body
    assert "You both changed 1 field." in body
    assert "Card payments stopped at 10:31." in body  # theirs, in the difference
    assert (
        '<li class="diff-line diff-added"><span class="diff-sign" aria-hidden="true">+</span>'
        '<span class="visually-hidden">Added: </span>'
        '<span class="diff-text">Card payments stopped at 10:31.</span></li>'
    ) in body
    assert ">\nCheckout failed for some customers.\nThe payment client retried every request.</textarea>" in body
    assert "Someone else changed this too" in body
    draft.refresh_from_db()
    assert "Card payments stopped" in draft.summary


def test_changes_only_to_the_timeline_meanwhile_do_not_block_a_save(client, member, bea, draft):
    loaded = form_data(draft)
    services.add_timeline_event(postmortem=draft, added_by=bea, occurred_at=STARTED, text="Paged the DBA")
    client.force_login(member)
    response = client.post(_edit(draft), {**loaded, "impact": "About 300 orders failed."}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "Others saved other parts meanwhile (timeline, factors, action items, review)" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.impact, draft.version, draft.timeline.count()) == ("About 300 orders failed.", 3, 1)


def test_a_save_that_loses_a_race_is_refused_too(client, member, bea, draft, monkeypatch):
    """Someone saves between the check and the write: the write is refused and the page says what changed."""
    from postmortems import views_authoring

    real = views_authoring.update_postmortem
    raced = []

    def update_after_someone_else(**kwargs):
        if not raced:
            raced.append(True)
            other = Postmortem.objects.get(pk=kwargs["postmortem"].pk)
            real(postmortem=other, expected_version=other.version, changed_by=bea, title="Bea's title")
        return real(**kwargs)

    monkeypatch.setattr(views_authoring, "update_postmortem", update_after_someone_else)
    client.force_login(member)
    response = client.post(_edit(draft), form_data(draft, narrative="Mine."))
    assert response.status_code == 409
    assert "Their change is in your form" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.title, draft.narrative) == ("Bea's title", "")


def test_nothing_is_written_on_a_refused_save(client, member, bea, draft):
    loaded = form_data(draft)
    services.update_postmortem(postmortem=draft, expected_version=1, changed_by=bea, title="Bea's title")
    client.force_login(member)
    client.post(_edit(draft), {**loaded, "title": "Mira's title"})
    assert list(Revision.objects.filter(postmortem=draft).values_list("version", flat=True)) == [2, 1]


def test_the_report_also_names_the_other_parts_they_changed(client, member, bea, draft):
    loaded = form_data(draft)
    services.add_timeline_event(postmortem=draft, added_by=bea, occurred_at=STARTED, text="Paged the DBA")
    services.update_postmortem(postmortem=draft, expected_version=2, changed_by=bea, impact="300 orders.")
    client.force_login(member)
    response = client.post(_edit(draft), {**loaded, "narrative": "Mine."})
    assert response.status_code == 409
    assert "They also changed the timeline: that is saved already" in response.content.decode()
