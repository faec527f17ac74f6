"""The list and detail pages: what they show and how many queries they cost."""

import pytest
from django.urls import reverse

from postmortems.models import Factor, FactorRole, PostmortemService
from tests.factories import ContributingFactorFactory, PostmortemFactory, ServiceFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


def _make_postmortems(count: int) -> None:
    service = ServiceFactory()
    for _ in range(count):
        pm = PostmortemFactory()
        PostmortemService.objects.create(postmortem=pm, service=service)
        TimelineEventFactory(postmortem=pm)
        ContributingFactorFactory(postmortem=pm)


@pytest.mark.parametrize("count", [3, 30])
def test_list_page_query_budget_is_constant(client, member, django_assert_max_num_queries, count):
    _make_postmortems(count)
    client.force_login(member)
    # session, user, profile (role), the filter form's choices (one UNION), paginator count, the page of rows,
    # their services
    with django_assert_max_num_queries(7):
        response = client.get(reverse("postmortems:list"))
    assert response.status_code == 200


def test_list_page_shows_postmortems_newest_first(client, member):
    PostmortemFactory(key="PM-2025-001", title="Older one", started_at="2025-01-01T00:00Z")
    PostmortemFactory(key="PM-2026-001", title="Newer one", started_at="2026-01-01T00:00Z")
    client.force_login(member)
    body = client.get(reverse("postmortems:list")).content.decode()
    assert body.index("Newer one") < body.index("Older one")


def test_list_page_tells_a_new_user_what_to_do_when_empty(client, member):
    client.force_login(member)
    assert "No postmortems yet" in client.get(reverse("postmortems:list")).content.decode()


@pytest.mark.parametrize("extra_rows", [1, 10])
def test_detail_page_query_budget_is_constant(client, member, django_assert_max_num_queries, extra_rows):
    pm = PostmortemFactory()
    for _ in range(extra_rows):
        TimelineEventFactory(postmortem=pm)
        ContributingFactorFactory(postmortem=pm, services=[ServiceFactory()])
    client.force_login(member)
    with django_assert_max_num_queries(16):
        response = client.get(pm.get_absolute_url())
    assert response.status_code == 200


def test_detail_page_shows_the_document(client, member):
    pm = PostmortemFactory(title="Payment retries overwhelmed the processor", narrative="We *saw* retries.")
    TimelineEventFactory(postmortem=pm, text="Pager fired for checkout latency")
    ContributingFactorFactory(postmortem=pm, narrative="Retries tripled the load.")
    client.force_login(member)
    body = client.get(pm.get_absolute_url()).content.decode()
    assert "Payment retries overwhelmed the processor" in body
    assert "<em>saw</em>" in body
    assert "Pager fired for checkout latency" in body
    assert "Retry feedback loop" in body and "Amplifier" in body


def test_detail_page_unknown_key_is_404(client, member):
    client.force_login(member)
    assert client.get(reverse("postmortems:detail", kwargs={"key": "PM-2026-999"})).status_code == 404


def test_list_page_filters_by_keys_repeated_factors_family_and_role(client, member):
    both = PostmortemFactory(key="PM-2026-101", title="Retry storm with saturation")
    ContributingFactorFactory(postmortem=both)  # load.retry-feedback-loop, amplifier
    saturation = Factor.objects.get(slug="load.capacity-saturation")
    ContributingFactorFactory(postmortem=both, factor=saturation, role=FactorRole.MITIGATOR)
    only_retry = PostmortemFactory(key="PM-2026-102", title="Retry storm alone")
    ContributingFactorFactory(postmortem=only_retry)
    PostmortemFactory(key="PM-2026-103", title="Unrelated disk full")
    client.force_login(member)

    def titles(query: str) -> set[str]:
        body = client.get(reverse("postmortems:list") + query).content.decode()
        return {t for t in ("Retry storm with saturation", "Retry storm alone", "Unrelated disk full") if t in body}

    assert titles("?factor=load.retry-feedback-loop&factor=load.capacity-saturation") == {"Retry storm with saturation"}
    assert titles("?factor=load.retry-feedback-loop") == {"Retry storm with saturation", "Retry storm alone"}
    assert titles("?key=PM-2026-102,PM-2026-103") == {"Retry storm alone", "Unrelated disk full"}
    assert titles("?family=load") == {"Retry storm with saturation", "Retry storm alone"}
    assert titles("?role=mitigator") == {"Retry storm with saturation"}
    assert titles("?factor=load.retry-feedback-loop&role=mitigator") == set()
    assert "match the filters" in client.get(reverse("postmortems:list") + "?family=load").content.decode()


def test_list_page_reports_a_malformed_filter_instead_of_failing(client, member):
    PostmortemFactory(title="Still listed")
    client.force_login(member)
    response = client.get(reverse("postmortems:list") + "?started_after=yesterday")
    assert response.status_code == 200
    assert "started_after" in response.content.decode()
