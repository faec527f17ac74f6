"""A postmortem's revision history and the difference between two of its revisions.

Anyone who may read the postmortem may read its history (the same visibility rule; a 404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from postmortems.diffing import compare_snapshots, describe_change
from postmortems.forms_review import CompareForm
from postmortems.models import Postmortem, Revision

HISTORY_PAGE_SIZE = 25
# The history and comparison pages show only the postmortem's heading; its long text stays in the database.
_HEAD_FIELDS = ("id", "key", "title", "status", "kind", "severity", "restricted", "timezone")


@dataclass
class HistoryEntry:
    revision: Revision
    change: str
    has_previous: bool


def _visible_postmortem(request: HttpRequest, key: str) -> Postmortem:
    return get_object_or_404(Postmortem.objects.visible_to(request.user).only(*_HEAD_FIELDS), key=key)


def history(request: HttpRequest, key: str) -> HttpResponse:
    """Revisions newest first: version, who, when and what kind of change, with a form to compare any two."""
    postmortem = _visible_postmortem(request, key)
    revisions = Revision.objects.filter(postmortem=postmortem).select_related("author").order_by("-version")
    page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # What the oldest revision on this page changed needs the one before it, which is on the next page.
    before_page = None
    if rows and page.has_next():
        before_page = (
            Revision.objects.filter(postmortem=postmortem, version__lt=rows[-1].version)
            .order_by("-version")
            .only("snapshot")
            .first()
        )
    entries = []
    for index, revision in enumerate(rows):
        previous = rows[index + 1] if index + 1 < len(rows) else before_page
        before = previous.snapshot if previous is not None else None
        change = describe_change(before, revision.snapshot)
        if previous is None and revision.version > 1:
            change = "Earliest version recorded"  # saved before revisions were kept, e.g. by an import
        entries.append(HistoryEntry(revision, change, previous is not None))
    context = {
        "postmortem": postmortem,
        "page": page,
        "entries": entries,
        # Preselected on the first page: the latest change.
        "default_to": rows[0].version if rows and page.number == 1 else None,
        "default_from": rows[1].version if len(rows) > 1 and page.number == 1 else None,
    }
    return render(request, "postmortems/history.html", context)


def _version_label(version: int, created_at: Any, username: str | None) -> str:
    return f"v{version} · {created_at:%d %b %Y %H:%M} · {username or 'nobody recorded'}"


def history_diff(request: HttpRequest, key: str) -> HttpResponse:
    """Field-by-field difference between two revisions; by default the latest against the one before it."""
    postmortem = _visible_postmortem(request, key)
    versions = list(
        Revision.objects.filter(postmortem=postmortem)
        .order_by("-version")
        .values_list("version", "created_at", "author__username")
    )
    context: dict[str, Any] = {"postmortem": postmortem, "versions": versions}
    if not versions:
        return render(request, "postmortems/history_diff.html", context)
    form = CompareForm(request.GET or None, versions=[(v, _version_label(v, at, who)) for v, at, who in versions])
    context["form"] = form
    if request.GET and not form.is_valid():
        return render(request, "postmortems/history_diff.html", context, status=400)
    newest_first = [version for version, _at, _who in versions]
    chosen = form.cleaned_data if request.GET else {}
    to_version = chosen.get("to") or newest_first[0]
    earlier = [version for version in newest_first if version < to_version]
    from_version = chosen.get("from") or (earlier[0] if earlier else None)
    if from_version is not None and from_version > to_version:
        from_version, to_version = to_version, from_version
    snapshots = dict(
        Revision.objects.filter(
            postmortem=postmortem, version__in=[v for v in (from_version, to_version) if v]
        ).values_list("version", "snapshot")
    )
    info = {version: (at, who) for version, at, who in versions}
    context |= {
        "from_version": from_version,
        "to_version": to_version,
        "from_info": info.get(from_version),
        "to_info": info[to_version],
        "same": from_version == to_version,
        "diff": compare_snapshots(snapshots.get(from_version) if from_version else None, snapshots[to_version]),
        "earlier_step": _neighbour_step(newest_first, from_version, older=True),
        "later_step": _neighbour_step(newest_first, to_version, older=False),
    }
    if not request.GET:
        form.initial = {"from": from_version, "to": to_version}
    return render(request, "postmortems/history_diff.html", context)


def _neighbour_step(newest_first: list[int], version: int | None, *, older: bool) -> tuple[int, int] | None:
    """The change just before `version` (older) or just after it: a (from, to) pair of adjacent revisions."""
    if version is None or version not in newest_first:
        return None
    index = newest_first.index(version)
    if older:
        return (newest_first[index + 1], version) if index + 1 < len(newest_first) else None
    return (version, newest_first[index - 1]) if index > 0 else None
