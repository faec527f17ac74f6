"""The JSON export: every postmortem in full, then the catalog entries they name. Streams; one postmortem per line."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db.models import QuerySet

from postmortems.exporters.documents import References, catalog, documents
from postmortems.importers.jsonformat import EXPORT_FORMAT, EXPORT_VERSION


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def json_chunks(queryset: QuerySet) -> Iterator[str]:
    """The export as text pieces, for a streaming response or a file; the same input gives the same bytes."""
    refs = References()
    yield f'{{"format": {_dumps(EXPORT_FORMAT)}, "version": {EXPORT_VERSION}, "postmortems": [\n'
    first = True
    for doc in documents(queryset, refs):
        yield ("" if first else ",\n") + _dumps(doc)
        first = False
    # The catalog comes last: only after the postmortems are written is it known what they name.
    yield f'\n], "catalog": {_dumps(catalog(refs))}}}\n'
