"""Builders for tests. The taxonomy comes from the data migration, so factors are looked up, not built."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from postmortems import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            m.Profile.objects.update_or_create(user=user, defaults={"role": extracted or m.Role.AUTHOR})


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Service
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    tier = 2


class PostmortemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Postmortem
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"PM-2026-{n + 1:03d}")
    title = factory.Sequence(lambda n: f"Checkout errors after deploy {n}")
    kind = m.Kind.INCIDENT
    severity = 2
    status = m.Status.PUBLISHED
    started_at = factory.LazyFunction(timezone.now)
    summary = "Checkout returned errors for twenty minutes."

    @factory.post_generation
    def allowed_teams(pm, create, extracted, **kwargs):
        if create and extracted:
            pm.allowed_teams.set(extracted)

    @factory.post_generation
    def authors(pm, create, extracted, **kwargs):
        if create and extracted:
            pm.authors.set(extracted)


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TimelineEvent

    postmortem = factory.SubFactory(PostmortemFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    kind = m.EventKind.OBSERVATION
    text = "Error rate on checkout rose above 5%."


class ContributingFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ContributingFactor
        skip_postgeneration_save = True

    postmortem = factory.SubFactory(PostmortemFactory)
    factor = factory.LazyFunction(lambda: m.Factor.objects.get(slug="load.retry-feedback-loop"))
    role = m.FactorRole.AMPLIFIER
    narrative = "Client retries tripled the load on the payment processor."
    why_it_made_sense = "Retries had always smoothed over short blips."

    @factory.post_generation
    def services(tag, create, extracted, **kwargs):
        if create and extracted:
            tag.services.set(extracted)


class AssumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Assumption

    statement = factory.Sequence(lambda n: f"The payment processor answers within {n + 100} ms")
    kind = m.AssumptionKind.LATENCY


class DigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Digest

    team = factory.SubFactory(TeamFactory)
    week_start = factory.Sequence(lambda n: date.fromisocalendar(2025, n % 52 + 1, 1))


class DigestItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DigestItem

    digest = factory.SubFactory(DigestFactory)
    postmortem = factory.SubFactory(PostmortemFactory)
    reason = m.SelectionReason.RECENT
    explanation = "Published recently and nobody on the team has read it yet."


class ReadReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ReadReceipt

    user = factory.SubFactory(UserFactory)
    postmortem = factory.SubFactory(PostmortemFactory)
    read_at = factory.LazyFunction(timezone.now)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ActionItem

    postmortem = factory.SubFactory(PostmortemFactory)
    title = factory.Sequence(lambda n: f"Cap client retries at two attempts ({n})")
    kind = m.ActionKind.PREVENT


class ReviewCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ReviewComment

    postmortem = factory.SubFactory(PostmortemFactory)
    author = factory.SubFactory(UserFactory)
    section = "Timeline"
    body = "When did the on-call engineer first see the retry graph?"


class AssumptionEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AssumptionEvidence

    assumption = factory.SubFactory(AssumptionFactory)
    postmortem = factory.SubFactory(PostmortemFactory)
    evidence_type = m.EvidenceType.VIOLATED
    excerpt = "p99 latency reached four seconds."


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Dependency

    source = factory.SubFactory(ServiceFactory)
    target = factory.SubFactory(ServiceFactory)
    kind = m.DependencyKind.SYNC
