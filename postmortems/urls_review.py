"""Routes for the review workflow, comments, revision history and differences between revisions."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
