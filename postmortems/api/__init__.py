"""The REST API under /api/v1/: thin DRF viewsets over the same query sets, permissions and services as the pages."""
