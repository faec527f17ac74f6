"""Routes for writing and editing postmortems: the editor, timeline, contributing factors, action items."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
