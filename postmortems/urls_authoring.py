"""Routes for writing and editing postmortems: the editor, timeline, contributing factors, action items."""

from django.urls import URLPattern, path

from postmortems import views_authoring, views_editor_rows

EDIT = "postmortems/<str:key>/edit/"


def _rows(segment: str, kind: str, name: str) -> list[URLPattern]:
    """Add, change and delete one kind of row: `<name>_add`, `<name>_update`, `<name>_delete`."""
    rows = views_editor_rows
    return [
        path(f"{EDIT}{segment}/", rows.row_add, {"kind": kind}, name=f"{name}_add"),
        path(f"{EDIT}{segment}/<int:row_id>/", rows.row_update, {"kind": kind}, name=f"{name}_update"),
        path(f"{EDIT}{segment}/<int:row_id>/delete/", rows.row_delete, {"kind": kind}, name=f"{name}_delete"),
    ]


urlpatterns: list[URLPattern] = [
    # "write/" rather than "postmortems/new/", which the detail page's postmortems/<key>/ would take.
    path("write/", views_authoring.postmortem_create, name="create"),
    path("write/preview/", views_authoring.markdown_preview, name="markdown_preview"),
    path("write/checks/", views_authoring.writing_checks, name="draft_checks"),
    path(EDIT, views_authoring.postmortem_edit, name="edit"),
    path(f"{EDIT}checks/", views_authoring.writing_checks, name="edit_checks"),
    path(f"{EDIT}timeline/paste/", views_editor_rows.timeline_paste, name="timeline_paste"),
    *_rows("timeline", "timeline", "timeline"),
    *_rows("factors", "factors", "factor"),
    *_rows("actions", "actions", "action"),
]
