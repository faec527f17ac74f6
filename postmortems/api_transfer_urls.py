"""Import and export routes under /api/v1/. DRF authenticates these itself; the login redirect must not apply."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from postmortems.api_transfer import CsvExportView, ImportView, JsonExportView, MarkdownExportView

app_name = "transfer_api"

urlpatterns = [
    path("import/", login_not_required(ImportView.as_view()), name="import"),
    path("export/json/", login_not_required(JsonExportView.as_view()), name="export-json"),
    path("export/markdown/", login_not_required(MarkdownExportView.as_view()), name="export-markdown"),
    path("export/csv/", login_not_required(CsvExportView.as_view()), name="export-csv"),
]
