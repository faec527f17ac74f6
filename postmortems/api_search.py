"""Search and similar incidents over the API: GET /api/v1/search/ and GET /api/v1/postmortems/{key}/similar/.

Input is validated by the same forms as the search page (400 with a message per field); the work is
done by postmortems.search, which applies the visibility rule to every query.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from postmortems.models import Postmortem
from postmortems.search import SearchResults, search_postmortems, similar_postmortems
from postmortems.search.forms import SearchForm


class SearchResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    severity = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    source_url = serializers.CharField(help_text="Where a public postmortem was published; empty otherwise")
    started_at = serializers.DateTimeField(allow_null=True)
    snippet = serializers.CharField(help_text="HTML: the text is escaped, matched words are wrapped in <mark>")
    score = serializers.FloatField(help_text="Relevance; only comparable within one response")
    url = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField(), help_text="Service slugs")
    factors = serializers.ListField(child=serializers.CharField(), help_text="Factor slugs, in the postmortem's order")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField(help_text="Matching postmortems; a lower bound when total_exact is false")
    total_exact = serializers.BooleanField()
    facets_exact = serializers.BooleanField(
        help_text="False when counts cover only the best-ranked matches (300 on PostgreSQL)"
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    mode = serializers.ChoiceField(
        choices=["full", "relaxed", "simple", "basic"],
        help_text="'relaxed' when postmortems with only some of the words were added; "
        "'simple' or 'basic' when the query had to be simplified",
    )
    notices = serializers.ListField(child=serializers.CharField())
    results = SearchResultSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SimilarItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


class SimilarResponseSerializer(serializers.Serializer):
    key = serializers.CharField()
    results = SimilarItemSerializer(many=True)


# A key of these characters is the same quoted or not, and fits the detail route's <str:key>.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.~-]+")
_KEY_PLACEHOLDER = "key-placeholder"


def _detail_urls(keys: list[str]) -> list[str]:
    """reverse("postmortems:detail") of each key, with the route looked up once rather than once per key."""
    before, _, after = reverse("postmortems:detail", kwargs={"key": _KEY_PLACEHOLDER}).rpartition(_KEY_PLACEHOLDER)
    return [
        before + key + after if _PLAIN_KEY.fullmatch(key) else reverse("postmortems:detail", kwargs={"key": key})
        for key in keys
    ]


def _search_body(results: SearchResults) -> dict:
    urls = _detail_urls([hit.key for hit in results.hits])
    return {
        "query": results.query.text,
        "total": results.total,
        "total_exact": results.total_exact,
        "facets_exact": results.facets_exact,
        "page": results.page,
        "page_size": results.page_size,
        "num_pages": results.num_pages,
        "mode": results.mode,
        "notices": results.notices,
        "results": [
            {
                "key": hit.key,
                "title": hit.title,
                "kind": hit.kind,
                "severity": hit.severity,
                "status": hit.status,
                "source_url": hit.source_url,
                "started_at": hit.started_at,
                "snippet": str(hit.snippet_html),
                "score": hit.score,
                "url": url,
                "services": [slug for slug, _ in hit.services],
                "factors": [slug for slug, _ in hit.factors],
            }
            for hit, url in zip(results.hits, urls, strict=True)
        ],
        "facets": {
            facet.name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in facet.values
            ]
            for facet in results.facets
        },
    }


_FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description='Words, "phrases", OR, -excluded (max 500 characters)'),
    *[
        OpenApiParameter(name, OpenApiTypes.STR, many=True, description=f"Keep only these {name} values (repeatable)")
        for name in ("service", "factor", "family", "kind", "status", "team")
    ],
    OpenApiParameter("severity", OpenApiTypes.INT, many=True, description="1-4 (repeatable)"),
    OpenApiParameter("year", OpenApiTypes.INT, many=True, description="Year the incident started (repeatable)"),
    OpenApiParameter("page", OpenApiTypes.INT, description="1-based page number"),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results per page, at most 50 (default 20)"),
]


class SearchView(APIView):
    """Full-text search over the postmortems the caller may see, with facet counts."""

    @extend_schema(operation_id="search", parameters=_FILTER_PARAMETERS, responses=SearchResponseSerializer)
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        results = search_postmortems(
            user=request.user,
            query=form.cleaned_data["q"],
            filters=form.filters(),
            page=form.page_number,
            page_size=form.page_length,
        )
        # The body is plain data already; the serializers above document it without the cost of running them.
        return Response(_search_body(results))


class SimilarView(APIView):
    """The five postmortems most similar to one, with the reasons in words."""

    @extend_schema(operation_id="postmortems_similar", responses=SimilarResponseSerializer)
    def get(self, request: Request, key: str) -> Response:
        if len(key) > 20:
            raise Http404
        postmortem = get_object_or_404(Postmortem.objects.visible_to(request.user), key=key)
        similar = similar_postmortems(user=request.user, postmortem=postmortem)
        urls = _detail_urls([item.key for item in similar])
        body = {
            "key": postmortem.key,
            "results": [
                {
                    "key": item.key,
                    "title": item.title,
                    "kind": item.kind,
                    "started_at": item.started_at,
                    "score": item.score,
                    "reasons": item.reasons,
                    "url": url,
                }
                for item, url in zip(similar, urls, strict=True)
            ],
        }
        return Response(body)
