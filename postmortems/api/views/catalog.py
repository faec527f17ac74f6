"""Teams (admins change them), services and dependencies (editors change them)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin

from postmortems import catalog_services
from postmortems.api.base import CreateMixin, DestroyMixin, KbViewSet, UpdateMixin
from postmortems.api.filters import DependencyFilter, ServiceFilter
from postmortems.api.permissions import ActionRoles
from postmortems.api.schema import ErrorSerializer
from postmortems.api.serializers.catalog import (
    DependencySerializer,
    ServiceSerializer,
    ServiceUpdateSerializer,
    TeamSerializer,
    TeamUpdateSerializer,
)
from postmortems.models import Dependency, Role, Service, Team

_WRITES = ("create", "partial_update", "destroy")


class _CatalogViewSet(ListModelMixin, RetrieveModelMixin, CreateMixin, UpdateMixin, DestroyMixin, KbViewSet):
    permission_classes = KbViewSet.permission_classes + [ActionRoles]
    action_roles = dict.fromkeys(_WRITES, Role.EDITOR)


class TeamViewSet(_CatalogViewSet):
    lookup_field = "slug"
    serializer_class = TeamSerializer
    write_serializer_classes = {"create": TeamSerializer, "partial_update": TeamUpdateSerializer}
    # Membership decides who sees restricted postmortems, so only admins change teams.
    action_roles = dict.fromkeys(_WRITES, Role.ADMIN)
    ordering_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet:
        members = Prefetch("members", queryset=get_user_model().objects.order_by("username"))
        return Team.objects.prefetch_related(members, Prefetch("services", queryset=Service.objects.order_by("slug")))

    def perform_create(self, serializer) -> Team:
        return catalog_services.create_team(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: Team, serializer) -> Team:
        return catalog_services.update_team(team=instance, changed_by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance: Team) -> None:
        catalog_services.delete_team(team=instance, deleted_by=self.request.user)


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(ErrorSerializer, description="Postmortems mention it; retire it instead"),
        }
    )
)
class ServiceViewSet(_CatalogViewSet):
    lookup_field = "slug"
    serializer_class = ServiceSerializer
    write_serializer_classes = {"create": ServiceSerializer, "partial_update": ServiceUpdateSerializer}
    filterset_class = ServiceFilter
    ordering_fields = ["name", "slug", "tier", "postmortem_count", "updated_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet:
        return (
            Service.objects.with_postmortem_counts(self.request.user)
            .select_related("team")
            .prefetch_related(
                Prefetch("dependencies", queryset=Dependency.objects.select_related("target").order_by("target__slug")),
                Prefetch("dependents", queryset=Dependency.objects.select_related("source").order_by("source__slug")),
            )
        )

    def perform_create(self, serializer) -> Service:
        return catalog_services.create_service(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: Service, serializer) -> Service:
        return catalog_services.update_service(
            service=instance, changed_by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Service) -> None:
        catalog_services.delete_service(service=instance, deleted_by=self.request.user)


class DependencyViewSet(_CatalogViewSet):
    serializer_class = DependencySerializer
    write_serializer_classes = {"create": DependencySerializer, "partial_update": DependencySerializer}
    filterset_class = DependencyFilter
    ordering_fields = ["id"]
    ordering = ["source__slug", "target__slug", "id"]

    def get_queryset(self) -> QuerySet:
        return Dependency.objects.select_related("source", "target")

    def perform_create(self, serializer) -> Dependency:
        return catalog_services.create_dependency(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, instance: Dependency, serializer) -> Dependency:
        return catalog_services.update_dependency(
            dependency=instance, changed_by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Dependency) -> None:
        catalog_services.delete_dependency(dependency=instance, deleted_by=self.request.user)
