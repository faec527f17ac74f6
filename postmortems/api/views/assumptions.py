"""Assumptions (editors change them), their status history, and the evidence postmortems give about them."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from postmortems import assumption_services
from postmortems.api.base import CreateMixin, DestroyMixin, KbViewSet, UpdateMixin, with_postmortem
from postmortems.api.filters import AssumptionFilter, EvidenceFilter
from postmortems.api.permissions import ActionRoles
from postmortems.api.serializers.assumptions import (
    AssumptionDetailSerializer,
    AssumptionSerializer,
    AssumptionUpdateSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    StatusMoveSerializer,
)
from postmortems.models import Assumption, AssumptionEvidence, AssumptionStatusChange, Postmortem, Role
from postmortems.permissions import can_edit_postmortem
from postmortems.querysets import visibility_filter


def _history(user) -> Prefetch:
    """The history with a flag saying whether each entry's postmortem is one the person may see."""
    rule = visibility_filter(user, pk_ref="postmortem_id")
    visible = Value(True) if rule is None else ExpressionWrapper(Q(postmortem__isnull=True) | rule, BooleanField())
    changes = (
        AssumptionStatusChange.objects.select_related("changed_by")
        .annotate(postmortem_key=F("postmortem__key"), postmortem_visible=visible)
        .order_by("changed_at", "id")
    )
    return Prefetch("history", queryset=changes)


def _evidence(user) -> Prefetch:
    rows = AssumptionEvidence.objects.visible_to(user).annotate(postmortem_key=F("postmortem__key")).order_by("id")
    return Prefetch("evidence", queryset=rows, to_attr="visible_evidence")


class AssumptionViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, KbViewSet):
    serializer_class = AssumptionDetailSerializer
    write_serializer_classes = {"create": AssumptionSerializer, "partial_update": AssumptionUpdateSerializer}
    permission_classes = KbViewSet.permission_classes + [ActionRoles]
    action_roles = {"create": Role.EDITOR, "partial_update": Role.EDITOR, "change_status": Role.EDITOR}
    filterset_class = AssumptionFilter
    ordering_fields = ["statement", "status", "updated_at", "id"]
    ordering = ["statement", "id"]

    def get_queryset(self) -> QuerySet:
        rows = Assumption.objects.for_list().select_related("created_by").prefetch_related("relied_on_by")
        if self.action == "list":
            return rows
        return rows.prefetch_related(_history(self.request.user), _evidence(self.request.user))

    def get_serializer_class(self):
        return AssumptionSerializer if self.action == "list" else super().get_serializer_class()

    def perform_create(self, serializer) -> Assumption:
        return assumption_services.create_assumption(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: Assumption, serializer) -> Assumption:
        return assumption_services.update_assumption(
            assumption=instance, changed_by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary="Move it to a new status; the change is appended to its history",
        request=StatusMoveSerializer,
        responses={200: AssumptionDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str | None = None) -> Response:
        assumption = self.get_object()
        body = StatusMoveSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        assumption_services.change_assumption_status(
            assumption=assumption, changed_by=request.user, **body.validated_data
        )
        return Response(self.read_serializer(self.reload(assumption)).data)


class EvidenceViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, DestroyMixin, KbViewSet):
    """Links between assumptions and postmortems; writing one needs the right to edit the postmortem."""

    serializer_class = EvidenceSerializer
    write_serializer_classes = {"create": EvidenceSerializer, "partial_update": EvidenceUpdateSerializer}
    filterset_class = EvidenceFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet:
        return with_postmortem(AssumptionEvidence.objects.visible_to(self.request.user))

    def _require_edit(self, postmortem: Postmortem) -> None:
        postmortem = Postmortem.objects.get(pk=postmortem.pk)
        if not can_edit_postmortem(self.request.user, postmortem):
            raise PermissionDenied(f"You may not edit {postmortem.key}.")

    def perform_create(self, serializer) -> AssumptionEvidence:
        self._require_edit(serializer.validated_data["postmortem"])
        # Left out, the evidence type is the model's default (violated), as the schema says.
        data = {"evidence_type": AssumptionEvidence._meta.get_field("evidence_type").default}
        return assumption_services.link_assumption_to_postmortem(
            linked_by=self.request.user, **{**data, **serializer.validated_data}
        )

    def perform_update(self, instance: AssumptionEvidence, serializer) -> AssumptionEvidence:
        self._require_edit(instance.postmortem)
        data = {"evidence_type": instance.evidence_type, "excerpt": instance.excerpt, **serializer.validated_data}
        return assumption_services.link_assumption_to_postmortem(
            assumption=instance.assumption, postmortem=instance.postmortem, linked_by=self.request.user, **data
        )

    def perform_destroy(self, instance: AssumptionEvidence) -> None:
        self._require_edit(instance.postmortem)
        assumption_services.unlink_assumption_from_postmortem(evidence=instance, unlinked_by=self.request.user)
