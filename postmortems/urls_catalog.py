"""Routes for services, their dependency graph, and the assumption registry."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
