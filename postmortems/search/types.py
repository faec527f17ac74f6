"""The shapes search hands to its callers: filters in, results and similar incidents out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from django.utils.safestring import SafeString

from postmortems.search.query import ParsedQuery

# Facets in the order pages show them: the name used in URLs and facet keys, and its label.
FACETS: tuple[tuple[str, str], ...] = (
    ("service", "Service"),
    ("factor", "Contributing factor"),
    ("family", "Factor family"),
    ("kind", "Kind"),
    ("severity", "Severity"),
    ("status", "Status"),
    ("team", "Team"),
    ("year", "Year"),
)
FACET_NAMES = tuple(name for name, _ in FACETS)


@dataclass(frozen=True)
class SearchFilters:
    """Facet values to keep: several values of one facet mean any of them; different facets must all hold."""

    service: tuple[str, ...] = ()
    factor: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    severity: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    year: tuple[int, ...] = ()

    def keys(self) -> list[list[str]]:
        """The filters as facet keys, one list per facet in use: [["service:checkout", "service:payments"], ...]."""
        groups = []
        for name in FACET_NAMES:
            values = getattr(self, name)
            if values:
                groups.append([f"{name}:{value}" for value in values])
        return groups

    def selected(self, name: str) -> set[str]:
        return {str(value) for value in getattr(self, name)}

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in FACET_NAMES)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchHit:
    """One result: what the list shows, and the snippet with the matched words marked (already escaped)."""

    postmortem_id: int
    key: str
    title: str
    title_html: SafeString
    kind: str
    kind_label: str
    severity: int | None
    status: str
    status_label: str
    started_at: datetime | None
    source_url: str
    score: float
    snippet_html: SafeString
    services: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    factors: list[tuple[str, str]] = field(default_factory=list)  # (slug, name), in the postmortem's order

    @property
    def severity_label(self) -> str:
        return f"SEV{self.severity}" if self.severity else ""


@dataclass
class SearchResults:
    query: ParsedQuery
    filters: SearchFilters
    hits: list[SearchHit]
    total: int
    facets: list[Facet]
    page: int
    page_size: int
    backend: str
    # What the person should know about how the query was run: synonyms used, words ignored, fallbacks.
    notices: list[str] = field(default_factory=list)
    # On a large corpus a very common word matches tens of thousands of postmortems: the total is then
    # a lower bound, facet counts cover the best-ranked matches only, and paging stops at `listed`.
    total_exact: bool = True
    facets_exact: bool = True
    listed: int = 0
    # A phrase was looked for in the text of only the most recent postmortems holding its words: the total
    # is what was found, and more may match.
    phrases_capped: bool = False
    # "full" normally; "relaxed" when few postmortems had every word and those with some were added;
    # "simple" after falling back to plain words; "basic" when full-text search itself failed.
    mode: str = "full"

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.listed / self.page_size))

    @property
    def first_position(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def degraded(self) -> bool:
        return self.mode in ("simple", "basic")


@dataclass
class DraftIncident:
    """What is known of a postmortem being written: enough to look for similar ones before it is saved."""

    title: str = ""
    summary: str = ""
    factors: tuple[str, ...] = ()  # factor slugs
    services: tuple[str, ...] = ()  # service slugs
    exclude_key: str = ""  # the postmortem being edited, never similar to itself


@dataclass
class SimilarIncident:
    postmortem_id: int
    key: str
    title: str
    kind: str
    kind_label: str
    started_at: datetime | None
    score: float
    reasons: list[str]
