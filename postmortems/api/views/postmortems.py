"""Postmortems, looked up by key. Every query starts from Postmortem.objects.visible_to(user)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from postmortems import review_services, services
from postmortems.api.base import CreateMixin, DestroyMixin, KbViewSet, UpdateMixin
from postmortems.api.filters import PostmortemFilter
from postmortems.api.permissions import ActionRoles
from postmortems.api.schema import ConflictSerializer
from postmortems.api.serializers.postmortems import (
    PostmortemCreateSerializer,
    PostmortemDetailSerializer,
    PostmortemSummarySerializer,
    PostmortemUpdateSerializer,
    PublishSerializer,
    RequestChangesSerializer,
    ReviewSubmitSerializer,
)
from postmortems.models import (
    ActionItem,
    AssumptionEvidence,
    ContributingFactor,
    Postmortem,
    PostmortemService,
    Role,
    Status,
)
from postmortems.permissions import (
    can_delete_postmortem,
    can_edit_postmortem,
    can_manage_review,
    can_request_changes,
)

# The detail in 12 queries whatever its size: each list of children comes with its own joins.
_DETAIL_PREFETCHES = (
    Prefetch("service_links", queryset=PostmortemService.objects.select_related("service").order_by("role", "id")),
    "timeline",
    Prefetch(
        "contributing_factors",
        queryset=ContributingFactor.objects.select_related("factor__family", "assumption").prefetch_related("services"),
    ),
    Prefetch("assumption_evidence", queryset=AssumptionEvidence.objects.select_related("assumption").order_by("id")),
    Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "team")),
    "authors",
    "reviewers",
    "allowed_teams",
)


@extend_schema_view(
    list=extend_schema(summary="Postmortems you may see, newest first"),
    retrieve=extend_schema(summary="One postmortem with its timeline, factors, services, assumptions, actions"),
    create=extend_schema(summary="Write a postmortem (authors and up)"),
    partial_update=extend_schema(
        summary="Edit a postmortem from the version you read",
        responses={
            200: PostmortemDetailSerializer,
            409: OpenApiResponse(ConflictSerializer, description="Someone saved since `version`; nothing written"),
        },
    ),
    destroy=extend_schema(summary="Delete a postmortem (editors; authors their own unpublished drafts)"),
)
class PostmortemViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, DestroyMixin, KbViewSet):
    lookup_field = "key"
    serializer_class = PostmortemDetailSerializer
    write_serializer_classes = {"create": PostmortemCreateSerializer, "partial_update": PostmortemUpdateSerializer}
    permission_classes = KbViewSet.permission_classes + [ActionRoles]
    action_roles = {"create": Role.AUTHOR}
    filterset_class = PostmortemFilter
    ordering_fields = ["started_at", "severity", "key", "title", "created_at", "updated_at", "published_at"]
    ordering = ["-started_at", "-id"]

    def get_queryset(self) -> QuerySet:
        visible = Postmortem.objects.visible_to(self.request.user)
        if self.action == "list":
            return visible.for_list().prefetch_related("authors")
        return visible.select_related("created_by").prefetch_related(*_DETAIL_PREFETCHES)

    def get_serializer_class(self):
        return PostmortemSummarySerializer if self.action == "list" else super().get_serializer_class()

    def perform_create(self, serializer: PostmortemCreateSerializer) -> Postmortem:
        return services.create_postmortem(created_by=self.request.user, **serializer.service_kwargs())

    def perform_update(self, instance: Postmortem, serializer: PostmortemUpdateSerializer) -> Postmortem:
        if not can_edit_postmortem(self.request.user, instance):
            raise PermissionDenied("You may read this postmortem but not edit it.")
        return services.update_postmortem(
            postmortem=instance, changed_by=self.request.user, **serializer.service_kwargs()
        )

    def perform_destroy(self, instance: Postmortem) -> None:
        if not can_delete_postmortem(self.request.user, instance):
            raise PermissionDenied("You may not delete this postmortem.")
        services.delete_postmortem(postmortem=instance, deleted_by=self.request.user)

    def _for_review(self, request: Request) -> Postmortem:
        postmortem = self.get_object()
        if not can_manage_review(request.user, postmortem, known_visible=True):
            raise PermissionDenied("Only the postmortem's authors and editors move it through review.")
        return postmortem

    @extend_schema(
        summary="Submit a draft for review (its authors and editors); the reviewers are emailed",
        request=ReviewSubmitSerializer,
        responses={200: PostmortemDetailSerializer, 409: OpenApiResponse(description="Not a draft (any more)")},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, key: str | None = None) -> Response:
        postmortem = self._for_review(request)
        data = self.validated(ReviewSubmitSerializer, request)
        review_services.submit_for_review(
            postmortem=postmortem, submitted_by=request.user, reviewers=data["reviewers"], note=data.get("note", "")
        )
        return Response(self.read_serializer(self.reload(postmortem)).data)

    @extend_schema(
        summary="Send a postmortem in review back to draft (its reviewers, authors and editors)",
        request=RequestChangesSerializer,
        responses={200: PostmortemDetailSerializer, 409: OpenApiResponse(description="Not in review (any more)")},
    )
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, key: str | None = None) -> Response:
        postmortem = self.get_object()
        if not can_request_changes(request.user, postmortem, known_visible=True):
            raise PermissionDenied("Only its reviewers, authors and editors may send it back to draft.")
        data = self.validated(RequestChangesSerializer, request)
        review_services.request_changes(postmortem=postmortem, requested_by=request.user, note=data.get("note", ""))
        return Response(self.read_serializer(self.reload(postmortem)).data)

    @extend_schema(
        summary="Publish a postmortem in review (its authors and editors; no-op if it is published)",
        request=PublishSerializer,
        responses={
            200: PostmortemDetailSerializer,
            409: OpenApiResponse(description="A draft (submit it for review first), or review comments still open"),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, key: str | None = None) -> Response:
        postmortem = self._for_review(request)
        data = self.validated(PublishSerializer, request)
        if postmortem.status == Status.DRAFT:
            detail = "A draft is published after its review: submit it for review first."
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        if postmortem.status != Status.PUBLISHED:
            review_services.publish_reviewed(
                postmortem=postmortem, published_by=request.user, allow_open_comments=data["allow_open_comments"]
            )
        return Response(self.read_serializer(self.reload(postmortem)).data)
