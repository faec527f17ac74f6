"""What search reads: one denormalised document per postmortem, and the synonyms applied to queries.

The document is derived data. `postmortems.search.index` writes it whenever a postmortem or anything
hanging off it is saved; `manage.py rebuild_search_index` rewrites all of them. The full-text index
itself is vendor-specific and lives outside the model (see migration 0006_search_vendor_index):
generated tsvector columns with GIN indexes on PostgreSQL, an FTS5 table kept in step by triggers on SQLite.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from postmortems.models.postmortem import Postmortem

# A synonym is matched like a query word or phrase, so it may hold only what a query word can.
_TERM = re.compile(r"[\w][\w -]{0,59}")


class SearchDocument(models.Model):
    """The searchable text and facet keys of one postmortem, rebuilt from it on every save."""

    postmortem = models.OneToOneField(
        Postmortem, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    # The four weighted parts, as plain text: title (with the key), summary, short names, everything else.
    title = models.TextField()
    summary = models.TextField(blank=True)
    names = models.TextField(blank=True, help_text="Factor, family and service names, assumption statements")
    body = models.TextField(blank=True, help_text="Impact, narrative, timeline, factor stories, action items...")
    # Facet keys such as "service:checkout" or "year:2025"; filters and facet counts read only this.
    facets = models.JSONField(default=list)
    # Copies for ordering ties without a join: published first, then the most recent incident.
    is_published = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["-is_published", "-started_at"], name="search_doc_recent"),
        ]

    def __str__(self) -> str:
        return f"search document of {self.postmortem_id}"


class SearchSynonym(models.Model):
    """Words and phrases that mean the same thing to responders (db, database); a query for one finds all."""

    terms = models.CharField(
        max_length=300,
        unique=True,
        help_text="Equivalent words or phrases, separated by commas: “oom, out of memory”.",
    )
    note = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["terms"]
        constraints = [models.CheckConstraint(condition=Q(terms__contains=","), name="synonym_has_two_terms")]

    def __str__(self) -> str:
        return self.terms

    def clean(self) -> None:
        terms = self.term_list
        if len(terms) < 2:
            raise ValidationError({"terms": "Give at least two different words or phrases, separated by commas."})
        odd = [term for term in terms if not _TERM.fullmatch(term)]
        if odd:
            raise ValidationError({"terms": f"Use only letters, digits, spaces and hyphens: {', '.join(odd)}"})

    @property
    def term_list(self) -> list[str]:
        """The terms, lower-cased and trimmed, without blanks or repeats, in the order written."""
        seen: dict[str, None] = {}
        for raw in self.terms.split(","):
            term = " ".join(raw.lower().split())
            if term:
                seen.setdefault(term)
        return list(seen)
