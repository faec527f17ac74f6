"""Routes for services, their dependency graph, and the assumption registry."""

from django.urls import URLPattern, path

from postmortems import views_assumptions, views_catalog

# "new" and "graph" are pages, so models.catalog.RESERVED_SERVICE_SLUGS keeps services from taking those slugs.
urlpatterns: list[URLPattern] = [
    path("services/", views_catalog.service_list, name="services"),
    path("services/new/", views_catalog.service_create, name="service_create"),
    path("services/graph/", views_catalog.service_graph, name="service_graph"),
    path("services/<slug:slug>/", views_catalog.service_detail, name="service"),
    path("services/<slug:slug>/edit/", views_catalog.service_edit, name="service_edit"),
    path("services/<slug:slug>/dependencies/new/", views_catalog.dependency_create, name="dependency_create"),
    path("services/<slug:slug>/dependencies/<int:pk>/edit/", views_catalog.dependency_edit, name="dependency_edit"),
    path(
        "services/<slug:slug>/dependencies/<int:pk>/delete/",
        views_catalog.dependency_delete,
        name="dependency_delete",
    ),
    path("assumptions/", views_assumptions.assumption_list, name="assumptions"),
    path("assumptions/new/", views_assumptions.assumption_create, name="assumption_create"),
    path("assumptions/<int:pk>/", views_assumptions.assumption_detail, name="assumption"),
    path("assumptions/<int:pk>/edit/", views_assumptions.assumption_edit, name="assumption_edit"),
    path("assumptions/<int:pk>/status/", views_assumptions.assumption_status, name="assumption_status"),
    path(
        "postmortems/<str:key>/assumptions/",
        views_assumptions.postmortem_assumptions,
        name="postmortem_assumptions",
    ),
    path(
        "postmortems/<str:key>/assumptions/link/",
        views_assumptions.postmortem_assumption_link,
        name="postmortem_assumption_link",
    ),
    path(
        "postmortems/<str:key>/assumptions/new/",
        views_assumptions.postmortem_assumption_create,
        name="postmortem_assumption_create",
    ),
    path(
        "postmortems/<str:key>/assumptions/<int:evidence_id>/",
        views_assumptions.postmortem_evidence_update,
        name="postmortem_evidence_update",
    ),
    path(
        "postmortems/<str:key>/assumptions/<int:evidence_id>/unlink/",
        views_assumptions.postmortem_evidence_unlink,
        name="postmortem_evidence_unlink",
    ),
]
