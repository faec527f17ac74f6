from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from postmortems import views as pm_views

urlpatterns = [
    path("healthz", pm_views.healthz, name="healthz"),
    path("readyz", pm_views.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("postmortems.urls")),
]
