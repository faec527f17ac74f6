"""Viewsets by topic; api/urls.py registers them on the router."""
