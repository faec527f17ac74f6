"""The factor taxonomy: anyone reads it, editors extend and reword it. Slugs never change, so no deletes:
a factor is retired with is_active=false and stays on the postmortems that used it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin

from postmortems import catalog_services
from postmortems.api.base import CreateMixin, KbViewSet, UpdateMixin
from postmortems.api.filters import FactorFilter
from postmortems.api.permissions import ActionRoles
from postmortems.api.serializers.taxonomy import (
    FactorFamilySerializer,
    FactorFamilyUpdateSerializer,
    FactorSerializer,
    FactorUpdateSerializer,
)
from postmortems.models import Factor, FactorFamily, Role


class _TaxonomyViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, KbViewSet):
    lookup_field = "slug"
    permission_classes = KbViewSet.permission_classes + [ActionRoles]
    action_roles = {"create": Role.EDITOR, "partial_update": Role.EDITOR}


class FactorFamilyViewSet(_TaxonomyViewSet):
    serializer_class = FactorFamilySerializer
    write_serializer_classes = {"create": FactorFamilySerializer, "partial_update": FactorFamilyUpdateSerializer}
    ordering_fields = ["position", "slug", "name"]
    ordering = ["position", "slug"]

    def get_queryset(self) -> QuerySet:
        return FactorFamily.objects.prefetch_related(
            Prefetch("factors", queryset=Factor.objects.order_by("position", "slug"))
        )

    def perform_create(self, serializer) -> FactorFamily:
        return catalog_services.create_factor_family(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: FactorFamily, serializer) -> FactorFamily:
        return catalog_services.update_factor_family(
            family=instance, changed_by=self.request.user, **serializer.validated_data
        )


class FactorViewSet(_TaxonomyViewSet):
    serializer_class = FactorSerializer
    write_serializer_classes = {"create": FactorSerializer, "partial_update": FactorUpdateSerializer}
    filterset_class = FactorFilter
    ordering_fields = ["slug", "name", "position"]
    ordering = ["family__position", "position", "slug"]

    def get_queryset(self) -> QuerySet:
        return Factor.objects.select_related("family", "team")

    def perform_create(self, serializer) -> Factor:
        return catalog_services.create_factor(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: Factor, serializer) -> Factor:
        return catalog_services.update_factor(
            factor=instance, changed_by=self.request.user, **serializer.validated_data
        )
