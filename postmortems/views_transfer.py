"""Import and export pages: the upload page for editors, and the download links of the list page.

Downloads honour the list page's filters (its query string) and show only what the person may see.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from postmortems.exporters import FilterError, csv_chunks, export_queryset, json_chunks, write_zip
from postmortems.importers import import_postmortems, read_upload
from postmortems.importers.sources import MAX_UPLOAD_BYTES
from postmortems.permissions import can_manage_catalog

FORMAT_CHOICES = [
    ("auto", "Recognise each file"),
    ("frontmatter", "Markdown with YAML front matter"),
    ("sections", "Markdown in the section template (# Title, ## Summary, ## Timeline, ...)"),
    ("json", "JSON exported from this knowledge base"),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked like a single FileField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(help_text="Markdown or JSON files, or a .zip archive of them.")
    format = forms.ChoiceField(choices=FORMAT_CHOICES, initial="auto", required=False)
    dry_run = forms.BooleanField(required=False, label="Dry run: check and report, write nothing")
    publish = forms.BooleanField(required=False, label="Publish the imported postmortems")
    skip_invalid = forms.BooleanField(
        required=False, label="Import the good files even if some fail (by default nothing is written)"
    )
    create_services = forms.BooleanField(required=False, initial=True, label="Create services named by unknown slugs")

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_BYTES // 2**20} MB per import; split it up.")
        return files


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload files to import; the page then shows what was created, updated, unchanged or refused."""
    if not can_manage_catalog(request.user):
        raise PermissionDenied("Only editors and admins may import postmortems.")
    report = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            sources = [source for upload in data["files"] for source in read_upload(upload.name, upload.read())]
            report = import_postmortems(
                sources=sources,
                user=request.user,
                fmt=data["format"] or "auto",
                dry_run=data["dry_run"],
                publish=data["publish"],
                skip_invalid=data["skip_invalid"],
                create_services=data["create_services"],
            )
            status = 400 if report.errors and not report.written else 200
        else:
            status = 400
    else:
        form = ImportForm()
    return render(request, "postmortems/import.html", {"form": form, "report": report}, status=status)


def _filtered(request: HttpRequest) -> Any:
    return export_queryset(request.user, request.GET)


def _bad_filters(exc: FilterError) -> HttpResponse:
    lines = [f"{name}: {' '.join(messages)}" for name, messages in exc.errors.items()]
    return HttpResponseBadRequest("The filters are not valid:\n" + "\n".join(lines), content_type="text/plain")


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M")


@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    try:
        queryset = _filtered(request)
    except FilterError as exc:
        return _bad_filters(exc)
    response = StreamingHttpResponse(json_chunks(queryset), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="postmortems-{_stamp()}.json"'
    return response


@require_GET
def export_markdown(request: HttpRequest) -> HttpResponse:
    try:
        queryset = _filtered(request)
    except FilterError as exc:
        return _bad_filters(exc)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_zip(queryset, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"postmortems-{_stamp()}.zip", content_type="application/zip"
    )


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        queryset = _filtered(request)
    except FilterError as exc:
        return _bad_filters(exc)
    response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="factor-tags-{_stamp()}.csv"'
    return response
