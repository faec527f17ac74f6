"""/api/v1/ (the resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served from local files)."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from postmortems.api.views.assumptions import AssumptionViewSet, EvidenceViewSet
from postmortems.api.views.catalog import DependencyViewSet, ServiceViewSet, TeamViewSet
from postmortems.api.views.children import (
    ActionItemViewSet,
    ContributingFactorViewSet,
    ReviewCommentViewSet,
    TimelineEventViewSet,
)
from postmortems.api.views.postmortems import PostmortemViewSet
from postmortems.api.views.taxonomy import FactorFamilyViewSet, FactorViewSet


class Router(DefaultRouter):
    # Keys and factor slugs may contain dots, so no `.json` suffix routes.
    include_format_suffixes = False


router = Router()
router.register("postmortems", PostmortemViewSet, basename="postmortem")
router.register("timeline-events", TimelineEventViewSet, basename="timeline-event")
router.register("contributing-factors", ContributingFactorViewSet, basename="contributing-factor")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("review-comments", ReviewCommentViewSet, basename="review-comment")
router.register("teams", TeamViewSet, basename="team")
router.register("services", ServiceViewSet, basename="service")
router.register("dependencies", DependencyViewSet, basename="dependency")
router.register("assumptions", AssumptionViewSet, basename="assumption")
router.register("assumption-evidence", EvidenceViewSet, basename="assumption-evidence")
router.register("factor-families", FactorFamilyViewSet, basename="factor-family")
router.register("factors", FactorViewSet, basename="factor")

# DRF views authenticate requests themselves (token or session) and answer 401 as JSON; DRF marks them exempt
# from LoginRequiredMiddleware. The docs page is a page, so it sends people to the login form instead.
docs_view = login_required(SpectacularSwaggerView.as_view(url_name="api:schema"))


@login_not_required
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/: a JSON 404 like every other API error, not the HTML page."""
    return JsonResponse({"detail": "Not found. API paths end with a slash, e.g. /api/v1/postmortems/."}, status=404)


app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    re_path(r"", not_found),
]
