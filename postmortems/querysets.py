"""Query sets: what each page selects, and the one rule for who may see which postmortem."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Admins see every postmortem, restricted or not."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.role == "admin"


def visibility_filter(user: AbstractBaseUser | AnonymousUser, pk_ref: str = "pk") -> Q | None:
    """The visibility rule as a filter on postmortems whose id is `pk_ref`; None means "everything".

    A postmortem is visible when it is not restricted, or the person is a member of one of its
    allowed teams, one of its authors or reviewers, or an admin. Every interface goes through this.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_admin(user):
        return None
    postmortem = apps.get_model("postmortems", "Postmortem")
    allowed_team = postmortem.allowed_teams.through.objects.filter(
        postmortem_id=OuterRef(pk_ref), team__memberships__user=user
    )
    author = postmortem.authors.through.objects.filter(postmortem_id=OuterRef(pk_ref), user=user)
    reviewer = postmortem.reviewers.through.objects.filter(postmortem_id=OuterRef(pk_ref), user=user)
    restricted = "restricted" if pk_ref == "pk" else pk_ref.removesuffix("_id") + "__restricted"
    return Q(**{restricted: False}) | Exists(allowed_team) | Exists(author) | Exists(reviewer)


def _service_links() -> Prefetch:
    """A postmortem's services with their roles, in one query."""
    links = apps.get_model("postmortems", "PostmortemService").objects.select_related("service").order_by("role", "id")
    return Prefetch("service_links", queryset=links)


class PostmortemQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PostmortemQuerySet:
        rule = visibility_filter(user)
        return self if rule is None else self.filter(rule)

    def published(self) -> PostmortemQuerySet:
        return self.filter(status="published")

    def for_list(self) -> PostmortemQuerySet:
        """Rows for list pages: no long text, services joined in one extra query."""
        return self.defer(
            "impact",
            "impact_html",
            "narrative",
            "narrative_html",
            "went_well",
            "went_well_html",
            "got_lucky",
            "got_lucky_html",
            "open_questions",
            "open_questions_html",
            "metadata",
        ).prefetch_related(_service_links())

    def for_detail(self) -> PostmortemQuerySet:
        """Everything the detail page shows, in a fixed number of queries (one per kind of child row)."""
        model = apps.get_model
        factors = model("postmortems", "ContributingFactor").objects.select_related(
            "factor__family", "assumption", "timeline_event"
        )
        return self.prefetch_related(
            _service_links(),
            "timeline",
            Prefetch("contributing_factors", queryset=factors),
            "contributing_factors__services",
            # Its assumption evidence comes with the assumptions about its services, in one query from the
            # `postmortem_assumptions` template tag (postmortems/assumption_pages.py).
            Prefetch(
                "action_items", queryset=model("postmortems", "ActionItem").objects.select_related("owner", "team")
            ),
            "authors",
            "allowed_teams",
        )

    def for_editor(self) -> PostmortemQuerySet:
        """The detail page's rows, and the reviewers its permission check reads."""
        return self.for_detail().prefetch_related("reviewers")


class RelatedToPostmortemQuerySet(models.QuerySet):
    """For rows that belong to a postmortem: they are visible exactly when their postmortem is."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> RelatedToPostmortemQuerySet:
        rule = visibility_filter(user, pk_ref="postmortem_id")
        return self if rule is None else self.filter(rule)


class ServiceQuerySet(models.QuerySet):
    def with_postmortem_counts(self, user: AbstractBaseUser | AnonymousUser) -> ServiceQuerySet:
        """Annotate `postmortem_count`, counting only postmortems the person may see."""
        links = (
            apps.get_model("postmortems", "PostmortemService")
            .objects.visible_to(user)
            .filter(service_id=OuterRef("pk"))
            .order_by()
            .values("service_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        return self.annotate(postmortem_count=Coalesce(Subquery(links), 0))


class AssumptionQuerySet(models.QuerySet):
    def for_list(self) -> AssumptionQuerySet:
        return self.select_related("service", "owner_team")
