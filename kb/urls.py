from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kb.metrics import metrics
from postmortems import views as pm_views

urlpatterns = [
    path("healthz", pm_views.healthz, name="healthz"),
    path("readyz", pm_views.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("postmortems.api_search_urls")),  # before the main API: its similar/ route wins
    path("api/v1/", include("postmortems.api_transfer_urls")),  # before the main API's catch-all 404
    path("api/v1/", include("postmortems.api_patterns_urls")),
    path("api/", include("postmortems.api.urls")),
    path("", include("postmortems.urls")),
]
