"""Pattern views over the API: GET /api/v1/patterns/<name>/, one endpoint per section of the patterns page.

The filters are those of the page (period or started_after/started_before, team, service, kind,
severity, granularity), validated by the same form: bad input is a 400 with a message per field.
Counts cover only postmortems the caller may see. The serializers below document the answers; the
body is built as plain data by postmortems.patterns, so they are not run on each request.
"""

from __future__ import annotations

import inspect

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from postmortems.models import Kind, Severity
from postmortems.patterns import VIEWS, PatternContext, compute
from postmortems.patterns.catalog import Catalog
from postmortems.patterns.filters import GRANULARITY_CHOICES, PERIOD_CHOICES, PatternFilterForm

FILTER_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=[value for value, _ in PERIOD_CHOICES],
        description="A preset period ending this month (default 12m); ignored when a date is given",
    ),
    OpenApiParameter("started_after", OpenApiTypes.DATE, description="First day counted (YYYY-MM-DD)"),
    OpenApiParameter("started_before", OpenApiTypes.DATE, description="First day not counted (YYYY-MM-DD)"),
    OpenApiParameter("team", OpenApiTypes.STR, description="Team slug: about a service it owns, or shared with it"),
    OpenApiParameter("service", OpenApiTypes.STR, description="Service slug: postmortems involving it"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values, description="Postmortem kind"),
    OpenApiParameter("severity", OpenApiTypes.INT, enum=Severity.values, description="Severity 1-4"),
    OpenApiParameter(
        "granularity",
        OpenApiTypes.STR,
        enum=[value for value, _ in GRANULARITY_CHOICES if value],
        description="Trend buckets for the factors view (default: by the period's length)",
    ),
]

LINK_HELP = "The postmortem list, filtered to the postmortems behind this number"


class PatternNamedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PatternComboFactorSerializer(PatternNamedSerializer):
    family = serializers.CharField()
    count = serializers.IntegerField(help_text="Postmortems with this factor alone")


class PatternPeriodSerializer(serializers.Serializer):
    started_after = serializers.DateField(allow_null=True)
    started_before = serializers.DateField(allow_null=True)
    label = serializers.CharField()


class PatternCountedRowSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Postmortems")
    share = serializers.FloatField(help_text="count / analysed")
    previous_count = serializers.IntegerField(allow_null=True)
    previous_share = serializers.FloatField(allow_null=True)
    rising = serializers.BooleanField()
    link = serializers.CharField(help_text=LINK_HELP)
    previous_link = serializers.CharField(allow_null=True)


class PatternFactorRowSerializer(PatternCountedRowSerializer):
    factor = PatternNamedSerializer()
    family = serializers.CharField()


class PatternFamilyRowSerializer(PatternCountedRowSerializer):
    family = PatternNamedSerializer()


class PatternBucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    started_after = serializers.DateField()
    started_before = serializers.DateField()
    analysed = serializers.IntegerField()
    link = serializers.CharField()


class PatternBucketCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    link = serializers.CharField()


class PatternSeriesSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["family", "factor"])
    family = PatternNamedSerializer(required=False)
    factor = PatternNamedSerializer(required=False)
    counts = PatternBucketCountSerializer(many=True)


class PatternTrendSerializer(serializers.Serializer):
    granularity = serializers.CharField(allow_null=True)
    buckets = PatternBucketSerializer(many=True)
    series = PatternSeriesSerializer(many=True)


class PatternRisingRuleSerializer(serializers.Serializer):
    min_count = serializers.IntegerField()
    ratio = serializers.FloatField()


class PatternFactorsSerializer(serializers.Serializer):
    analysed = serializers.IntegerField(help_text="Postmortems analysed in the period")
    previous_analysed = serializers.IntegerField(allow_null=True)
    period = PatternPeriodSerializer()
    previous_period = PatternPeriodSerializer(allow_null=True)
    rising_rule = PatternRisingRuleSerializer()
    factors = PatternFactorRowSerializer(many=True)
    families = PatternFamilyRowSerializer(many=True)
    rising = serializers.ListField(child=serializers.CharField(), help_text="Slugs of rising factors")
    trend = PatternTrendSerializer()


class PatternComboSerializer(serializers.Serializer):
    factors = PatternComboFactorSerializer(many=True)
    count = serializers.IntegerField(help_text="Postmortems with all of them")
    expected = serializers.FloatField(help_text="Expected count if the factors were independent")
    lift = serializers.FloatField(help_text="count / expected")
    link = serializers.CharField(help_text=LINK_HELP)


class PatternCombinationsSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    min_support = serializers.IntegerField()
    triad_seed_pairs = serializers.IntegerField()
    pairs = PatternComboSerializer(many=True)
    triads = PatternComboSerializer(many=True)


class PatternServiceRefSerializer(PatternNamedSerializer):
    team = serializers.CharField(allow_null=True)


class PatternServiceRowSerializer(serializers.Serializer):
    service = PatternServiceRefSerializer()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    link = serializers.CharField()


class PatternHeatCellSerializer(serializers.Serializer):
    family = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(help_text="count / the service's postmortems")
    link = serializers.CharField()


class PatternHeatRowSerializer(serializers.Serializer):
    service = PatternServiceRefSerializer()
    count = serializers.IntegerField()
    cells = PatternHeatCellSerializer(many=True)


class PatternHeatmapSerializer(serializers.Serializer):
    families = PatternNamedSerializer(many=True)
    rows = PatternHeatRowSerializer(many=True)


class PatternServicePairSerializer(serializers.Serializer):
    services = PatternServiceRefSerializer(many=True)
    count = serializers.IntegerField()
    expected = serializers.FloatField()
    lift = serializers.FloatField()
    link = serializers.CharField()


class PatternHotspotsSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    services = PatternServiceRowSerializer(many=True)
    heatmap = PatternHeatmapSerializer()
    service_pairs = PatternServicePairSerializer(many=True)


class PatternAssumptionBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.CharField()
    status = serializers.CharField()
    service = serializers.CharField(allow_null=True)
    last_validated_at = serializers.DateField(allow_null=True)
    relied_on_by = serializers.IntegerField(help_text="Services relying on it")


class PatternRepeatedAssumptionSerializer(PatternAssumptionBaseSerializer):
    count = serializers.IntegerField(help_text="Postmortems that violated or stressed it")
    violated = serializers.IntegerField()
    stressed = serializers.IntegerField()
    link = serializers.CharField()
    link_truncated = serializers.BooleanField(help_text="The link carries only the 50 most recent")


class PatternNeverValidatedSerializer(PatternAssumptionBaseSerializer):
    evidence_count = serializers.IntegerField()
    link = serializers.CharField(allow_null=True)


class PatternRecentAssumptionSerializer(PatternAssumptionBaseSerializer):
    violated = serializers.IntegerField()
    last_violated_in = serializers.CharField(help_text="Key of the most recent postmortem that violated it")
    last_violated_on = serializers.DateField(allow_null=True)
    link = serializers.CharField()


class PatternThresholdsSerializer(serializers.Serializer):
    repeated_min = serializers.IntegerField(required=False)
    relied_on_min = serializers.IntegerField(required=False)
    pulled_in_min = serializers.IntegerField(required=False)
    recurring_min = serializers.IntegerField(required=False)


class PatternAssumptionsSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    thresholds = PatternThresholdsSerializer()
    repeatedly_violated = PatternRepeatedAssumptionSerializer(many=True)
    never_validated = PatternNeverValidatedSerializer(many=True)
    recently_violated = PatternRecentAssumptionSerializer(many=True)


class PatternLeadingPairSerializer(serializers.Serializer):
    factors = PatternNamedSerializer(many=True)
    near_misses = serializers.IntegerField()
    first_near_miss_on = serializers.DateField()
    incidents = serializers.IntegerField(help_text="Incidents in the period, started after the first near miss")
    near_miss_link = serializers.CharField()
    incident_link = serializers.CharField()


class PatternLeadingSerializer(serializers.Serializer):
    near_misses_analysed = serializers.IntegerField()
    incidents_analysed = serializers.IntegerField()
    near_miss_link = serializers.CharField()
    incident_link = serializers.CharField()
    kind_filter_applies = serializers.BooleanField()
    pairs = PatternLeadingPairSerializer(many=True)


class PatternFactorFigureSerializer(serializers.Serializer):
    factor = PatternNamedSerializer()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    link = serializers.CharField()


class PatternMitigatorSerializer(PatternFactorFigureSerializer):
    recurring = serializers.BooleanField()


class PatternExampleSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    narrative = serializers.CharField()


class PatternImprovisedSerializer(PatternFactorFigureSerializer):
    examples = PatternExampleSerializer(many=True)


class PatternPersonSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As first written in a timeline")
    count = serializers.IntegerField()
    link = serializers.CharField()


class PatternAdaptiveSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    thresholds = PatternThresholdsSerializer()
    mitigators = PatternMitigatorSerializer(many=True)
    improvised_adaptations = PatternImprovisedSerializer(allow_null=True)
    pulled_in = PatternPersonSerializer(
        many=True, help_text="Alphabetical; a sign of concentrated expertise, not a ranking"
    )
    expertise = PatternFactorFigureSerializer(many=True)


class PatternMeasureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    previous_count = serializers.IntegerField(allow_null=True)
    previous_share = serializers.FloatField(allow_null=True)
    link = serializers.CharField(allow_null=True)


class PatternDepthSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    previous_analysed = serializers.IntegerField(allow_null=True)
    measures = PatternMeasureSerializer(many=True)


class PatternDurationBinSerializer(serializers.Serializer):
    label = serializers.CharField()
    short_label = serializers.CharField()
    min_minutes = serializers.FloatField()
    max_minutes = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()
    link = serializers.CharField(allow_null=True)
    link_truncated = serializers.BooleanField()


class PatternDurationItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    minutes = serializers.FloatField()
    duration = serializers.CharField(help_text="The same, as people say it")
    started_on = serializers.DateField()
    link = serializers.CharField()


class PatternDurationsSerializer(serializers.Serializer):
    analysed = serializers.IntegerField()
    with_duration = serializers.IntegerField()
    without_duration = serializers.IntegerField()
    median_minutes = serializers.FloatField(allow_null=True)
    median_text = serializers.CharField(allow_null=True)
    p90_minutes = serializers.FloatField(allow_null=True)
    p90_text = serializers.CharField(allow_null=True)
    bins = PatternDurationBinSerializer(many=True)
    postmortems = PatternDurationItemSerializer(many=True, help_text="The most recent 120, each one visible")
    postmortems_shown = serializers.IntegerField()


class PatternSnapshotSerializer(serializers.Serializer):
    built_at = serializers.DateTimeField(allow_null=True, help_text="When the precomputed figures were built")
    live_postmortems = serializers.IntegerField(help_text="Counted live: changed since the build, or restricted")


FIGURES = {
    "factors": PatternFactorsSerializer,
    "combinations": PatternCombinationsSerializer,
    "hotspots": PatternHotspotsSerializer,
    "assumptions": PatternAssumptionsSerializer,
    "leading-indicators": PatternLeadingSerializer,
    "adaptive-capacity": PatternAdaptiveSerializer,
    "depth": PatternDepthSerializer,
    "durations": PatternDurationsSerializer,
}


def _envelope(name: str) -> type[serializers.Serializer]:
    fields = {
        "view": serializers.CharField(),
        "filters": serializers.DictField(child=serializers.CharField(), help_text="The filters applied"),
        "snapshot": PatternSnapshotSerializer(),
        "figures": FIGURES[name](),
    }
    title = "".join(part.title() for part in name.split("-"))
    return type(f"Patterns{title}Response", (serializers.Serializer,), fields)


class PatternView(APIView):
    """Base: validate the filters, compute one view for the caller, wrap it with the filters and freshness."""

    pattern_name = ""

    def respond(self, request: Request) -> Response:
        catalog = Catalog()
        form = PatternFilterForm(request.query_params, catalog=catalog)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        filters = form.filters()
        ctx = PatternContext(user=request.user, filters=filters, catalog=catalog)
        figures = compute(self.pattern_name, ctx)
        body = {
            "view": self.pattern_name,
            "filters": filters.link_params() | ({"granularity": filters.granularity} if filters.granularity else {}),
            "snapshot": {"built_at": ctx.population.built_at, "live_postmortems": ctx.population.live_count},
            "figures": figures,
        }
        return Response(body)


def _make_view(name: str) -> type[PatternView]:
    title, function = VIEWS[name]

    @extend_schema(
        operation_id=f"patterns_{name.replace('-', '_')}",
        summary=title,
        description=(inspect.getmodule(function).__doc__ or "").strip(),
        parameters=FILTER_PARAMETERS,
        responses=_envelope(name),
        tags=["patterns"],
    )
    def get(self, request: Request) -> Response:
        return self.respond(request)

    class_name = "".join(part.title() for part in name.split("-")) + "PatternView"
    return type(class_name, (PatternView,), {"get": get, "pattern_name": name, "__doc__": title})


PATTERN_VIEWS = {name: _make_view(name) for name in VIEWS}
