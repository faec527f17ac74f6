"""Timeline events, contributing factors, action items and review comments.

Each row is visible exactly when its postmortem is (RelatedToPostmortemQuerySet.visible_to): a hidden
postmortem's rows answer 404, and naming a hidden postmortem in a body is "does not exist".
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from postmortems import services
from postmortems.api.base import CreateMixin, DestroyMixin, KbViewSet, UpdateMixin, with_postmortem
from postmortems.api.filters import (
    ActionItemFilter,
    ContributingFactorFilter,
    ReviewCommentFilter,
    TimelineEventFilter,
)
from postmortems.api.serializers.children import (
    ActionItemSerializer,
    ActionItemUpdateSerializer,
    ContributingFactorSerializer,
    ContributingFactorUpdateSerializer,
    ReviewCommentSerializer,
    ReviewCommentUpdateSerializer,
    TimelineEventSerializer,
    TimelineEventUpdateSerializer,
    child_kwargs,
)
from postmortems.models import ActionItem, ContributingFactor, Postmortem, ReviewComment, TimelineEvent
from postmortems.permissions import (
    can_change_comment,
    can_comment_on_postmortem,
    can_edit_action_item,
    can_edit_postmortem,
    can_resolve_comment,
)


def _require_edit(request: Request, postmortem: Postmortem) -> None:
    if not can_edit_postmortem(request.user, postmortem):
        raise PermissionDenied(f"You may not edit {postmortem.key}.")


class _ChildViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, DestroyMixin, KbViewSet):
    ordering_fields = ["id"]

    def postmortem_for_create(self, serializer) -> Postmortem:
        # The key field resolved only visible postmortems; re-read the full row for the permission check.
        return Postmortem.objects.get(pk=serializer.validated_data["postmortem"].pk)


class TimelineEventViewSet(_ChildViewSet):
    serializer_class = TimelineEventSerializer
    write_serializer_classes = {"create": TimelineEventSerializer, "partial_update": TimelineEventUpdateSerializer}
    filterset_class = TimelineEventFilter
    ordering_fields = ["occurred_at", "id"]
    ordering = ["postmortem_id", "occurred_at", "id"]

    def get_queryset(self) -> QuerySet:
        return with_postmortem(TimelineEvent.objects.visible_to(self.request.user))

    def perform_create(self, serializer) -> TimelineEvent:
        postmortem = self.postmortem_for_create(serializer)
        _require_edit(self.request, postmortem)
        return services.add_timeline_event(
            postmortem=postmortem, added_by=self.request.user, **child_kwargs(serializer)
        )

    def perform_update(self, instance: TimelineEvent, serializer) -> TimelineEvent:
        _require_edit(self.request, instance.postmortem)
        return services.update_timeline_event(event=instance, changed_by=self.request.user, **child_kwargs(serializer))

    def perform_destroy(self, instance: TimelineEvent) -> None:
        _require_edit(self.request, instance.postmortem)
        services.delete_timeline_event(event=instance, deleted_by=self.request.user)


class ContributingFactorViewSet(_ChildViewSet):
    serializer_class = ContributingFactorSerializer
    write_serializer_classes = {
        "create": ContributingFactorSerializer,
        "partial_update": ContributingFactorUpdateSerializer,
    }
    filterset_class = ContributingFactorFilter
    ordering_fields = ["position", "id", "created_at"]
    ordering = ["postmortem_id", "position", "id"]

    def get_queryset(self) -> QuerySet:
        rows = ContributingFactor.objects.visible_to(self.request.user)
        return (
            with_postmortem(rows)
            .select_related("factor__family", "assumption", "created_by")
            .prefetch_related("services")
        )

    def perform_create(self, serializer) -> ContributingFactor:
        postmortem = self.postmortem_for_create(serializer)
        _require_edit(self.request, postmortem)
        return services.add_contributing_factor(
            postmortem=postmortem, added_by=self.request.user, **child_kwargs(serializer)
        )

    def perform_update(self, instance: ContributingFactor, serializer) -> ContributingFactor:
        _require_edit(self.request, instance.postmortem)
        return services.update_contributing_factor(
            tag=instance, changed_by=self.request.user, **child_kwargs(serializer)
        )

    def perform_destroy(self, instance: ContributingFactor) -> None:
        _require_edit(self.request, instance.postmortem)
        services.delete_contributing_factor(tag=instance, deleted_by=self.request.user)


class ActionItemViewSet(_ChildViewSet):
    serializer_class = ActionItemSerializer
    write_serializer_classes = {"create": ActionItemSerializer, "partial_update": ActionItemUpdateSerializer}
    filterset_class = ActionItemFilter
    ordering_fields = ["created_at", "due_date", "id"]
    ordering = ["postmortem_id", "created_at", "id"]

    def get_queryset(self) -> QuerySet:
        return with_postmortem(ActionItem.objects.visible_to(self.request.user)).select_related("owner", "team")

    def perform_create(self, serializer) -> ActionItem:
        postmortem = self.postmortem_for_create(serializer)
        _require_edit(self.request, postmortem)
        return services.add_action_item(postmortem=postmortem, added_by=self.request.user, **child_kwargs(serializer))

    def perform_update(self, instance: ActionItem, serializer) -> ActionItem:
        if not can_edit_action_item(self.request.user, instance):
            raise PermissionDenied("Only the postmortem's editors and the item's owner may change it.")
        return services.update_action_item(item=instance, changed_by=self.request.user, **child_kwargs(serializer))

    def perform_destroy(self, instance: ActionItem) -> None:
        _require_edit(self.request, instance.postmortem)
        services.delete_action_item(item=instance, deleted_by=self.request.user)


class ReviewCommentViewSet(_ChildViewSet):
    serializer_class = ReviewCommentSerializer
    write_serializer_classes = {"create": ReviewCommentSerializer, "partial_update": ReviewCommentUpdateSerializer}
    filterset_class = ReviewCommentFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["postmortem_id", "created_at", "id"]

    def get_queryset(self) -> QuerySet:
        rows = ReviewComment.objects.visible_to(self.request.user)
        return with_postmortem(rows).select_related("author", "resolved_by")

    def perform_create(self, serializer) -> ReviewComment:
        postmortem = self.postmortem_for_create(serializer)
        if not can_comment_on_postmortem(self.request.user, postmortem):
            raise PermissionDenied(f"You may not comment on {postmortem.key}.")
        return services.add_review_comment(postmortem=postmortem, author=self.request.user, **child_kwargs(serializer))

    def perform_update(self, instance: ReviewComment, serializer) -> ReviewComment:
        if not can_change_comment(self.request.user, instance):
            raise PermissionDenied("Only the comment's writer may change it.")
        return services.update_review_comment(
            comment=instance, changed_by=self.request.user, **child_kwargs(serializer)
        )

    def perform_destroy(self, instance: ReviewComment) -> None:
        if not can_change_comment(self.request.user, instance):
            raise PermissionDenied("Only the comment's writer may delete it.")
        services.delete_review_comment(comment=instance, deleted_by=self.request.user)

    def _resolvable(self) -> ReviewComment:
        comment = self.get_object()
        if not can_resolve_comment(self.request.user, comment):
            raise PermissionDenied("Only the postmortem's editors and the comment's writer may resolve it.")
        return comment

    @extend_schema(summary="Mark a comment as dealt with (keeps the first resolution)", request=None)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        comment = services.resolve_review_comment(comment=self._resolvable(), resolved_by=request.user)
        return Response(self.read_serializer(self.reload(comment)).data)

    @extend_schema(summary="Reopen a resolved comment", request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        comment = services.reopen_review_comment(comment=self._resolvable(), reopened_by=request.user)
        return Response(self.read_serializer(self.reload(comment)).data)
