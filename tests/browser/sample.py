"""A postmortem that uses every part of the detail page, for page tests and browser tests.

Built with tests/factories.py so it is fast and the same every time; it needs the taxonomy from the
data migration (browser tests get it back through serialized rollback).
"""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User

from postmortems import models as m
from tests.factories import (
    AssumptionFactory,
    ContributingFactorFactory,
    PostmortemFactory,
    ServiceFactory,
    TeamFactory,
    TimelineEventFactory,
    UserFactory,
)

START = datetime(2026, 3, 14, 8, 55, tzinfo=UTC)

NARRATIVE = """\
At 09:00 the nightly price import finished **late**, and the cache warmer started while checkout was busy.

### How the retries piled up

The checkout client retried every failed call three times:

```
retry_policy:
  attempts: 3
  backoff: none
```

| minute | requests/s | errors |
|---|---|---|
| 09:05 | 1200 | 2% |
| 09:15 | 3900 | 41% |

> "The dashboard looked like a normal Saturday until it didn't." (on-call engineer)

See the [processor's status page](https://status.example.com/incidents/42) for their side.
"""


def build_rich_postmortem(*, key: str = "PM-2026-042", author: User | None = None) -> m.Postmortem:
    """A published, restricted postmortem with a timeline, factors, assumptions and action items."""
    team = TeamFactory(name="Payments", slug="payments")
    author = author or UserFactory(username="mira", first_name="Mira", last_name="Jansen", role="author")
    m.Membership.objects.get_or_create(team=team, user=author)
    checkout = ServiceFactory(name="Checkout", slug="checkout")
    processor = ServiceFactory(name="Payment gateway", slug="payment-gateway")
    pm = PostmortemFactory(
        key=key,
        title="Checkout failed for 40 minutes while retries overloaded the payment gateway",
        severity=1,
        restricted=True,
        started_at=START,
        detected_at=START + timedelta(minutes=12),
        mitigated_at=START + timedelta(minutes=41),
        resolved_at=START + timedelta(hours=2, minutes=5),
        timezone="Europe/Amsterdam",
        summary="Checkout failed for **40 minutes**. Client retries tripled the load on the payment gateway.",
        impact="- About 3,100 orders could not be placed.\n- Support received 240 contacts.",
        narrative=NARRATIVE,
        went_well="The on-call engineer paged the gateway team within five minutes of the first alert.",
        got_lucky="It happened on a Saturday morning, before the weekly promotion email went out.",
        open_questions="Why did the warm-up job not back off when the gateway slowed down?",
        allowed_teams=[team],
        authors=[author],
    )
    m.PostmortemService.objects.create(postmortem=pm, service=checkout, role=m.ServiceRole.IMPACTED)
    m.PostmortemService.objects.create(postmortem=pm, service=processor, role=m.ServiceRole.ORIGIN)
    events = [
        (-15, m.EventKind.CHANGE, "Cache warmer deployed with a new schedule.", "deploy bot", ""),
        (0, m.EventKind.OBSERVATION, "Gateway latency rose from 300 ms to 2 s.", "", ""),
        (12, m.EventKind.DETECTION, "Checkout error-rate alert fired.", "pager", ""),
        (
            20,
            m.EventKind.DECISION,
            "Kept the cache warmer running.",
            "Sam (on call)",
            "The warmer had run for a year without trouble and the gateway status page was green.",
        ),
        (41, m.EventKind.ACTION, "Disabled client retries with a feature flag; errors fell.", "Mira", ""),
        (
            24 * 60 + 10,
            m.EventKind.COMMUNICATION,
            "Postmortem review held with both teams.",
            "",
            "",
        ),
    ]
    for minutes, kind, text, actor, why in events:
        TimelineEventFactory(
            postmortem=pm,
            occurred_at=START + timedelta(minutes=minutes),
            kind=kind,
            text=text,
            actor=actor,
            why_it_made_sense=why,
        )
    assumption = AssumptionFactory(statement="Retries are safe because the gateway API is idempotent")
    ContributingFactorFactory(
        postmortem=pm,
        services=[checkout],
        assumption=assumption,
        position=1,
    )
    ContributingFactorFactory(
        postmortem=pm,
        factor=m.Factor.objects.get(slug="signals.misleading-signal"),
        role=m.FactorRole.IMPEDIMENT,
        narrative="The gateway's status page stayed green for the whole incident.",
        why_it_made_sense="A green status page had always meant the problem was on our side.",
        position=2,
    )
    ContributingFactorFactory(
        postmortem=pm,
        factor=m.Factor.objects.get(slug="adaptive.early-noticing"),
        role=m.FactorRole.MITIGATOR,
        narrative="A support engineer noticed the pattern in contacts before the alert fired.",
        why_it_made_sense="",
        position=3,
    )
    ContributingFactorFactory(
        postmortem=pm,
        factor=None,
        role="",
        narrative="Imported from the old wiki: warm-up and import jobs share a schedule.",
        why_it_made_sense="",
        position=4,
    )
    m.AssumptionEvidence.objects.create(
        assumption=assumption,
        postmortem=pm,
        evidence_type=m.EvidenceType.VIOLATED,
        excerpt="Duplicate charge attempts reached the gateway during the retries.",
    )
    m.ActionItem.objects.create(
        postmortem=pm,
        title="Add jittered backoff to checkout's gateway client",
        kind=m.ActionKind.PREVENT,
        owner=author,
        status=m.ActionStatus.IN_PROGRESS,
        due_date=date(2026, 4, 1),
        tracker_url="https://tracker.example.com/PAY-311",
    )
    m.ActionItem.objects.create(
        postmortem=pm,
        title="Alert on gateway latency, not only on checkout errors",
        kind=m.ActionKind.DETECT,
        team=team,
    )
    return pm
