"""API for import and export: POST files to import them; GET the JSON, Markdown (zip) or CSV export.

The views only translate HTTP: imports go through `importers.import_postmortems`, exports through
`exporters.export_queryset`, which applies the visibility rule and the list filters.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from postmortems.exporters import FilterError, csv_chunks, export_queryset, json_chunks, write_zip
from postmortems.importers import FORMATS, import_postmortems, read_upload
from postmortems.importers.sources import MAX_UPLOAD_BYTES
from postmortems.models import Kind, Severity, Status
from postmortems.permissions import can_manage_catalog


class CanImport(BasePermission):
    """Importing writes many postmortems at once and may create services: editors' work."""

    message = "Only editors and admins may import postmortems."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_manage_catalog(request.user)


class ImportRequestSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text="Markdown files (front matter or the section template), JSON exports, or .zip archives of them",
    )
    format = serializers.ChoiceField(choices=FORMATS, default="auto")
    dry_run = serializers.BooleanField(default=False, help_text="Check and report; write nothing")
    publish = serializers.BooleanField(default=False, help_text="Publish the imported postmortems")
    skip_invalid = serializers.BooleanField(default=False, help_text="Import the good files, report the others")
    create_services = serializers.BooleanField(default=True, help_text="Create services named by unknown slugs")


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    where = serializers.CharField(help_text="A line ('line 12'), a key ('key factors[1].role') or empty")
    message = serializers.CharField()


class SkippedSerializer(serializers.Serializer):
    file = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="False when nothing was written (a dry run, or errors)")
    created = serializers.ListField(child=serializers.CharField(), help_text="Keys of postmortems created")
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    failed = serializers.ListField(child=serializers.CharField(), help_text="Files or documents that failed")
    errors = ProblemSerializer(many=True)
    warnings = ProblemSerializer(many=True)
    skipped = SkippedSerializer(many=True)
    summary = serializers.CharField()


class ImportView(APIView):
    """Import postmortem files; everything is checked before anything is written."""

    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [IsAuthenticated, CanImport]

    @extend_schema(
        operation_id="postmortems_import",
        tags=["import and export"],
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            # Two shapes: per-field messages for a malformed request, or the import report when files failed.
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=(
                    "Either messages per request field (e.g. no files), or an import report naming the files that "
                    "failed (then nothing was written, unless skip_invalid)"
                ),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        uploads = form.validated_data["files"]
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"files": [f"At most {MAX_UPLOAD_BYTES // 2**20} MB per import."]})
        sources = [source for upload in uploads for source in read_upload(upload.name, upload.read())]
        report = import_postmortems(
            sources=sources,
            user=request.user,
            fmt=form.validated_data["format"],
            dry_run=form.validated_data["dry_run"],
            publish=form.validated_data["publish"],
            skip_invalid=form.validated_data["skip_invalid"],
            create_services=form.validated_data["create_services"],
        )
        failed = report.errors and not report.written
        return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK)


class FirstRenderer(BaseContentNegotiation):
    """Exports answer with their own content type whatever Accept says; errors come back as JSON."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        return renderers[0], renderers[0].media_type


FILTER_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values, description="Only this status"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values, description="Only this kind"),
    OpenApiParameter("severity", OpenApiTypes.INT, enum=Severity.values, description="Only this severity (1-4)"),
    OpenApiParameter("service", OpenApiTypes.STR, description="Service slug"),
    OpenApiParameter("factor", OpenApiTypes.STR, description="Contributing-factor slug, e.g. load.retry-feedback-loop"),
    OpenApiParameter("team", OpenApiTypes.STR, description="Team slug: its services' postmortems, or shared with it"),
    OpenApiParameter("started_after", OpenApiTypes.DATE, description="Started on or after this date"),
    OpenApiParameter("started_before", OpenApiTypes.DATE, description="Started before this date"),
]


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M")


class _ExportView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FirstRenderer

    def get(self, request: Request) -> HttpResponseBase:
        try:
            queryset = export_queryset(request.user, request.query_params)
        except FilterError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        return self.respond(queryset)

    def respond(self, queryset: Any) -> HttpResponseBase:
        raise NotImplementedError


def _attachment(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class JsonExportView(_ExportView):
    """Every postmortem you may see (or those the filters select), in full; importable again."""

    @extend_schema(
        operation_id="postmortems_export_json",
        tags=["import and export"],
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def respond(self, queryset: Any) -> HttpResponseBase:
        response = StreamingHttpResponse(json_chunks(queryset), content_type="application/json")
        return _attachment(response, f"postmortems-{_stamp()}.json")


class MarkdownExportView(_ExportView):
    """One Markdown file with YAML front matter per postmortem, in a zip archive."""

    @extend_schema(
        operation_id="postmortems_export_markdown",
        tags=["import and export"],
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def respond(self, queryset: Any) -> HttpResponseBase:
        # Spooled: small archives stay in memory, large ones go to a temporary file, never all in RAM.
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        write_zip(queryset, spool)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=f"postmortems-{_stamp()}.zip", content_type="application/zip"
        )


class CsvExportView(_ExportView):
    """One row per contributing-factor tag, for analysis in a spreadsheet or R."""

    @extend_schema(
        operation_id="postmortems_export_csv",
        tags=["import and export"],
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def respond(self, queryset: Any) -> HttpResponseBase:
        response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
        return _attachment(response, f"factor-tags-{_stamp()}.csv")
