"""Exporting postmortems: JSON (full fidelity), Markdown with front matter, and CSV of factor tags.

Every export starts from `export_queryset(user, params)`, which applies the visibility rule and the
list page's filters, so a restricted postmortem leaves only for those who may see it.
"""

from postmortems.exporters.documents import FilterError, document, export_queryset
from postmortems.exporters.to_csv import csv_chunks
from postmortems.exporters.to_json import json_chunks
from postmortems.exporters.to_markdown import markdown_files, render_document, write_folder, write_zip

__all__ = [
    "FilterError",
    "csv_chunks",
    "document",
    "export_queryset",
    "json_chunks",
    "markdown_files",
    "render_document",
    "write_folder",
    "write_zip",
]
