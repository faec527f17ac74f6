"""View 8, durations: the spread of time from start to resolution, with the individual postmortems visible.

Never a mean: durations are heavily skewed, so a mean is set by a few long outliers and swings with
every small sample (VOID; TAXONOMY.md section 3.7). The median and the 90th percentile are given only
next to the distribution itself. Durations describe how long something lasted, not how well anyone did.
"""

from __future__ import annotations

import math

from django.urls import reverse

from postmortems.models import Postmortem
from postmortems.patterns.context import PatternContext
from postmortems.patterns.filters import from_timestamp
from postmortems.patterns.index import DURATION, DURATION_BANDS, NO_DURATION
from postmortems.patterns.selection import Subset, selected

MINUTE = 60
# Labels for index.DURATION_BANDS: (label, short label for the chart axis).
BANDS = [
    ("under 15 min", "<15m"),
    ("15 to 30 min", "15-30m"),
    ("30 min to 1 h", "30m-1h"),
    ("1 to 2 h", "1-2h"),
    ("2 to 4 h", "2-4h"),
    ("4 to 8 h", "4-8h"),
    ("8 to 24 h", "8-24h"),
    ("1 to 3 days", "1-3d"),
    ("over 3 days", ">3d"),
]
DOT_LIMIT = 120


def spoken(minutes: float | None) -> str | None:
    """A duration as people say it: "45 min", "4 h 17 min", "2 days 3 h"."""
    if minutes is None:
        return None
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: a duration some postmortem really had."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def durations(ctx: PatternContext) -> dict:
    current = ctx.current
    everyone = current.everything()
    values = []
    for window, bits in zip(current.windows, everyone.bits, strict=True):
        values.extend(d for d in selected(window.index.durations, window.lo, bits) if d != NO_DURATION)
    values.sort()
    bins = []
    for band, (label, short) in enumerate(BANDS):
        link = ctx.links.keys(current.fact(DURATION, band))
        upper = DURATION_BANDS[band + 1] if band + 1 < len(DURATION_BANDS) else None
        bins.append(
            {
                "label": label,
                "short_label": short,
                "min_minutes": DURATION_BANDS[band] / MINUTE,
                "max_minutes": upper / MINUTE if upper is not None else None,
                "count": link.total,
                "link": link.url,
                "link_truncated": link.truncated,
            }
        )
    dots = _dots(current.any_of(DURATION, range(len(BANDS))))
    median, p90 = percentile(values, 0.5), percentile(values, 0.9)
    return {
        "analysed": current.size,
        "with_duration": len(values),
        "without_duration": current.size - len(values),
        "median_minutes": round(median / MINUTE, 1) if median is not None else None,
        "median_text": spoken(median / MINUTE) if median is not None else None,
        "p90_minutes": round(p90 / MINUTE, 1) if p90 is not None else None,
        "p90_text": spoken(p90 / MINUTE) if p90 is not None else None,
        "bins": bins,
        "postmortems": dots,
        "postmortems_shown": len(dots),
    }


def _dots(subset: Subset) -> list[dict]:
    """The most recent DOT_LIMIT postmortems with a duration, each one visible and linked."""
    newest = subset.newest(DOT_LIMIT)
    titles = dict(Postmortem.objects.filter(key__in=[key for _s, key, _w, _p in newest]).values_list("key", "title"))
    dots = []
    for started, key, w, position in newest:
        index = subset.selection.windows[w].index
        dots.append(
            {
                "key": key,
                "title": titles.get(key, ""),
                "minutes": round(index.durations[position] / MINUTE, 1),
                "duration": spoken(index.durations[position] / MINUTE),
                "started_on": from_timestamp(started).isoformat(),
                "link": reverse("postmortems:detail", kwargs={"key": key}),
            }
        )
    return dots
