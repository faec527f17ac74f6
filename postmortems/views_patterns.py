"""The patterns page: recurring factors, combinations, hot spots, assumptions, leading indicators,
what went well, depth of analysis and durations, over the postmortems the person may see."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from postmortems.patterns.catalog import Catalog
from postmortems.patterns.context import PatternContext
from postmortems.patterns.filters import PERIOD_CHOICES, PatternFilterForm
from postmortems.patterns.page import page_sections


@require_GET
def patterns(request: HttpRequest) -> HttpResponse:
    catalog = Catalog()
    form = PatternFilterForm(request.GET, catalog=catalog)
    if not form.is_valid():
        return render(request, "postmortems/patterns.html", {"form": form}, status=400)
    filters = form.filters()
    ctx = PatternContext(user=request.user, filters=filters, catalog=catalog)
    sections = page_sections(ctx)
    population = ctx.population
    context = {
        "form": form,
        "filters": filters,
        "sections": sections,
        "analysed": ctx.current.size,
        "periods": [
            {"value": value, "label": label, "current": filters.period_choice == value}
            for value, label in PERIOD_CHOICES
        ],
        "built_at": population.built_at,
        "age_minutes": int((timezone.now() - population.built_at).total_seconds() // 60)
        if population.built_at
        else None,
        "live_count": population.live_count,
        "query": urlencode(filters.query_params()),
    }
    return render(request, "postmortems/patterns.html", context)
