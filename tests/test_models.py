"""Rules about data are database constraints: they hold whichever interface writes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from postmortems import models as m
from tests.factories import (
    AssumptionFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_postmortem_duplicate_key_is_refused():
    PostmortemFactory(key="PM-2026-042")
    assert _refused(lambda: PostmortemFactory(key="PM-2026-042"))


def test_postmortem_key_must_look_like_a_key():
    assert _refused(lambda: PostmortemFactory(key="incident 42"))
    assert not _refused(lambda: PostmortemFactory(key="PM-2026-1042"))


def test_postmortem_invalid_kind_status_and_severity_are_refused():
    assert _refused(lambda: PostmortemFactory(kind="outage"))
    assert _refused(lambda: PostmortemFactory(status="closed"))
    assert _refused(lambda: PostmortemFactory(severity=9))
    assert not _refused(lambda: PostmortemFactory(kind=m.Kind.NEAR_MISS, severity=None))


def test_postmortem_resolved_before_started_is_refused():
    start = timezone.now()
    assert _refused(lambda: PostmortemFactory(started_at=start, resolved_at=start - dt.timedelta(minutes=1)))


def test_contributing_factor_invalid_role_is_refused():
    assert _refused(lambda: ContributingFactorFactory(role="root_cause"))


def test_contributing_factor_classified_tag_needs_a_role():
    assert _refused(lambda: ContributingFactorFactory(role=""))


def test_contributing_factor_unclassified_tag_may_wait_for_a_role():
    tag = ContributingFactorFactory(factor=None, role="", narrative="Logs were not shipped for two days.")
    assert not tag.is_classified


def test_contributing_factor_same_factor_twice_with_different_roles_is_allowed():
    pm = PostmortemFactory()
    automation = m.Factor.objects.get(slug="automation.automation-surprise")
    ContributingFactorFactory(postmortem=pm, factor=automation, role=m.FactorRole.AMPLIFIER)
    ContributingFactorFactory(postmortem=pm, factor=automation, role=m.FactorRole.MITIGATOR)
    assert pm.contributing_factors.filter(factor=automation).count() == 2


def test_dependency_on_itself_is_refused():
    service = ServiceFactory()
    assert _refused(lambda: m.Dependency.objects.create(source=service, target=service))


def test_dependency_duplicate_is_refused():
    a, b = ServiceFactory(), ServiceFactory()
    m.Dependency.objects.create(source=a, target=b)
    assert _refused(lambda: m.Dependency.objects.create(source=a, target=b, kind=m.DependencyKind.ASYNC))


def test_membership_is_unique_per_team_and_person():
    team, user = TeamFactory(), UserFactory()
    m.Membership.objects.create(team=team, user=user)
    assert _refused(lambda: m.Membership.objects.create(team=team, user=user))


def test_assumption_evidence_is_unique_per_postmortem():
    assumption, pm = AssumptionFactory(), PostmortemFactory()
    m.AssumptionEvidence.objects.create(assumption=assumption, postmortem=pm)
    assert _refused(lambda: m.AssumptionEvidence.objects.create(assumption=assumption, postmortem=pm))


def test_assumption_invalid_status_is_refused():
    assert _refused(lambda: AssumptionFactory(status="wrong"))


def test_digest_delivery_is_one_per_person_per_week():
    user, team = UserFactory(), TeamFactory()
    monday = dt.date(2026, 11, 16)
    first = m.Digest.objects.create(team=team, week_start=monday)
    second = m.Digest.objects.create(team=TeamFactory(), week_start=monday)
    m.DigestDelivery.objects.create(digest=first, user=user, week_start=monday)
    assert _refused(lambda: m.DigestDelivery.objects.create(digest=second, user=user, week_start=monday))
    assert not _refused(
        lambda: m.DigestDelivery.objects.create(digest=first, user=user, week_start=dt.date(2026, 11, 23))
    )


def test_revision_version_is_unique_per_postmortem():
    pm = PostmortemFactory()
    m.Revision.objects.create(postmortem=pm, version=1, snapshot={})
    assert _refused(lambda: m.Revision.objects.create(postmortem=pm, version=1, snapshot={}))


def test_profile_invalid_role_is_refused():
    user = UserFactory()
    assert _refused(lambda: m.Profile.objects.filter(user=user).update(role="superhero"))


def test_postmortem_markdown_fields_are_rendered_on_save():
    pm = PostmortemFactory(summary="Checkout **failed** for *some* users.", narrative="")
    assert pm.summary_html == "<p>Checkout <strong>failed</strong> for <em>some</em> users.</p>"
    assert pm.narrative_html == ""
