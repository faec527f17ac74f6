"""Similar incidents: what makes two postmortems alike, said in words, and never a restricted one by accident."""

import pytest

from postmortems import models as m
from postmortems.search import DraftIncident, reindex_postmortems, similar_postmortems
from tests.factories import AssumptionFactory, ContributingFactorFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", role="viewer")


def _keys(similar):
    return [item.key for item in similar]


def test_similar_ranks_shared_factors_and_services_first_and_says_why(indexed, reader):
    source = indexed(
        key="PM-2026-001", title="Alpha", summary="a", services=["checkout"], factors=["load.hidden-limit"]
    )
    indexed(key="PM-2026-002", title="Beta", summary="b", services=["checkout"], factors=["load.hidden-limit"])
    indexed(key="PM-2026-003", title="Gamma", summary="c", services=["checkout"])
    indexed(key="PM-2026-004", title="Delta", summary="d", services=["search-api"])

    similar = similar_postmortems(user=reader, postmortem=source)

    assert _keys(similar) == ["PM-2026-002", "PM-2026-003"]
    assert similar[0].reasons == ["Shares the contributing factor Hidden limit", "Also involved Checkout"]


def test_similar_counts_services_on_the_same_dependency_path(indexed, reader):
    source = indexed(key="PM-2026-001", title="Alpha", summary="a", services=["checkout"])
    indexed(key="PM-2026-002", title="Beta", summary="b", services=["payments"])
    m.Dependency.objects.create(
        source=m.Service.objects.get(slug="checkout"), target=m.Service.objects.get(slug="payments")
    )
    similar = similar_postmortems(user=reader, postmortem=source)
    assert _keys(similar) == ["PM-2026-002"]
    assert similar[0].reasons == ["On the same dependency path: Payments (which Checkout depends on)"]


def test_similar_counts_shared_assumptions(indexed, reader):
    assumption = AssumptionFactory(statement="Retries are safe because the API is idempotent")
    source = indexed(key="PM-2026-001", title="Alpha", summary="a")
    other = indexed(key="PM-2026-002", title="Beta", summary="b")
    m.AssumptionEvidence.objects.create(assumption=assumption, postmortem=source)
    ContributingFactorFactory(postmortem=other, assumption=assumption, factor=None, role="")
    similar = similar_postmortems(user=reader, postmortem=source)
    assert _keys(similar) == ["PM-2026-002"]
    assert similar[0].reasons == ["Tested the same assumption: “Retries are safe because the API is idempotent”"]


def test_similar_counts_similar_wording(indexed, reader):
    source = indexed(key="PM-2026-001", title="Certificate expired on the mesh", summary="Renewal failed")
    indexed(key="PM-2026-002", title="Expired certificate broke logins", summary="Nobody renewed it")
    indexed(key="PM-2026-003", title="Disk filled up", summary="Logs grew")
    similar = similar_postmortems(user=reader, postmortem=source)
    assert _keys(similar) == ["PM-2026-002"]
    assert similar[0].reasons[0].startswith("Similar wording: ")
    assert "certificate" in similar[0].reasons[0] and "expired" in similar[0].reasons[0]


def test_similar_never_includes_the_postmortem_itself(indexed, reader):
    source = indexed(key="PM-2026-001", title="Same words", summary="same", services=["checkout"])
    assert similar_postmortems(user=reader, postmortem=source) == []


def test_similar_returns_at_most_five(indexed, reader):
    source = indexed(key="PM-2026-001", services=["checkout"])
    for n in range(2, 10):
        indexed(key=f"PM-2026-00{n}", services=["checkout"])
    assert len(similar_postmortems(user=reader, postmortem=source)) == 5


def test_similar_leaves_out_restricted_postmortems_for_outsiders(indexed, team, member, outsider):
    source = indexed(key="PM-2026-001", title="Alpha", services=["checkout"], factors=["load.hidden-limit"])
    indexed(
        key="PM-2026-002",
        title="Secret drill",
        services=["checkout"],
        factors=["load.hidden-limit"],
        restricted=True,
        allowed_teams=[team],
    )
    assert _keys(similar_postmortems(user=outsider, postmortem=source)) == []
    assert _keys(similar_postmortems(user=member, postmortem=source)) == ["PM-2026-002"]


def test_similar_to_a_draft_uses_its_text_factors_and_services(indexed, reader):
    indexed(key="PM-2026-001", title="Kafka consumer lag", summary="Consumers fell behind after a rebalance")
    indexed(key="PM-2026-002", title="Unrelated", summary="x", factors=["load.hidden-limit"])
    ServiceFactory(slug="checkout", name="Checkout")
    draft = DraftIncident(summary="Consumer lag grew after the rebalance", factors=("load.hidden-limit",))
    reasons = {item.key: item.reasons for item in similar_postmortems(user=reader, draft=draft)}
    assert reasons["PM-2026-001"] == ["Similar wording: rebalance, consumer, lag"]
    assert reasons["PM-2026-002"] == ["Shares the contributing factor Hidden limit"]


def test_similar_to_a_draft_excludes_the_postmortem_being_edited(indexed, reader):
    indexed(key="PM-2026-001", title="Kafka consumer lag", summary="Consumers fell behind")
    draft = DraftIncident(summary="Kafka consumer lag", exclude_key="PM-2026-001")
    assert similar_postmortems(user=reader, draft=draft) == []


def test_similar_to_an_empty_draft_is_empty(indexed, reader):
    indexed(key="PM-2026-001", services=["checkout"])
    assert similar_postmortems(user=reader, draft=DraftIncident()) == []


def test_similar_ignores_unknown_slugs_in_a_draft(indexed, reader):
    indexed(key="PM-2026-001", services=["checkout"])
    assert similar_postmortems(user=reader, draft=DraftIncident(factors=("no.such",), services=("nope",))) == []


def test_similar_reflects_reindexed_text(indexed, reader):
    source = indexed(key="PM-2026-001", title="Quokka escaped", summary="a")
    other = indexed(key="PM-2026-002", title="Nothing alike", summary="b")
    assert similar_postmortems(user=reader, postmortem=source) == []
    other.title = "Quokka escaped again"
    other.save()
    reindex_postmortems([other.pk])
    assert _keys(similar_postmortems(user=reader, postmortem=source)) == ["PM-2026-002"]
