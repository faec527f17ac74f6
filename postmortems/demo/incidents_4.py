"""Larder postmortems, October to December 2025."""

POSTMORTEMS = [
    {
        "key": "PM-2025-038",
        "title": "Slot page timed out at the 20:00 release after a Redis upgrade restarted every shard",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2025-10-11 20:00",
        "detected": "20:02",
        "mitigated": "20:12",
        "resolved": "20:40",
        "written": "2025-10-14",
        "published": "2025-10-22",
        "authors": ["lucia", "priya"],
        "services": [
            ("redis-cache", "origin"),
            ("delivery-slots", "impacted"),
            ("postgres-main", "involved"),
            ("checkout", "impacted"),
        ],
        "summary": """
            The managed Redis provider applied a minor-version upgrade in our maintenance window, eight minutes before
            the Saturday slot release, and restarted all three shards at once. The slot availability cache was empty
            when 20:00 arrived; every postcode's availability was computed from Postgres at the same moment, and the
            slot page timed out. Holding the release for thirty minutes while the cache was warmed brought it back.
        """,
        "impact": """
            From 20:00 to 20:12 the slot page and slot holds at checkout timed out for most customers. From 20:12 to
            20:30 next week's slots were held back behind a "new slots at 20:30" banner. About 9,000 customers saw an
            error or the banner.
        """,
        "narrative": """
            Our Redis maintenance window is "Saturday 18:30 to 19:30 UTC". It was set in the winter of 2023, when that
            meant 18:30 local time, a quiet hour. In British Summer Time it means 19:30 to 20:30, across the slot
            release. Nobody had noticed, because the provider had not used the window for eighteen months.

            At 19:52 the provider upgraded our cluster. The platform team's understanding, from the provider's
            documentation, was that upgrades restart one shard at a time. For a minor version on our plan they restart
            in parallel; all three shards were back within ninety seconds, empty.

            Slot availability is cached per postcode and rebuilt lazily: the first request for a postcode computes it
            from Postgres. At 20:00 roughly 40,000 customers asked for next week's slots within a minute, each one a
            cache miss for a different postcode. The availability query is expensive, the primary reached 100% CPU,
            and the slot page and checkout's slot holds timed out.

            Lucía was paged at 20:02. Priya found the restart in the provider console a few minutes later. At 20:09
            Lucía used the release-hold flag, which hides next week's slots behind a banner; it had been built for
            Christmas and never used. That stopped the stampede. Meanwhile Tomasz adapted the script Storefront wrote
            after PM-2024-047 to warm product cards so that it warmed slot availability postcode by postcode. By 20:28
            the cache was 90% warm and the slots were released at 20:30.

            This is the second time a cold cache has met a peak (see PM-2024-047). Both times the cache was working
            exactly as designed; what it had become, without anyone deciding it, was a load-bearing part of the
            database's capacity.
        """,
        "went_well": """
            - The release-hold flag existed, and Lucía trusted it enough to use it for the first time under pressure.
            - The warm-up script from PM-2024-047 was general enough to adapt in fifteen minutes.
            - Identity sessions fell back to Postgres, so nobody was logged out.
        """,
        "got_lucky": """
            - The upgrade happened eight minutes before the release, not during it; a restart at 20:01 would have
              emptied the cache under full load.
        """,
        "open_questions": """
            - Which of our settings are written in UTC but mean local time?
            - Should the slot release itself be spread by postcode over several minutes?
        """,
        "timeline": [
            ("19:52", "change", "Provider upgrades Redis; all three shards restart within 90 seconds.", "provider", ""),
            ("19:53", "observation", "Slot cache hit rate at 0%.", "", ""),
            ("20:00", "observation", "Slot release; availability requests 2.5x normal, all cache misses.", "", ""),
            ("20:02", "detection", "Slot page latency alert pages Fulfilment on-call.", "Lucía", ""),
            ("20:06", "observation", "Priya finds the upgrade and restart in the provider console.", "Priya", ""),
            (
                "20:09",
                "decision",
                "Hold next week's slots back behind a 'new slots at 20:30' banner.",
                "Lucía",
                """Every new request made the database slower for everyone, including checkout. Hiding the new slots
                stopped the stampede at the cost of a visible delay, and the flag was easy to reverse.""",
            ),
            ("20:12", "action", "Release hold on; primary CPU falls to 60%.", "Lucía", ""),
            ("20:15", "action", "Tomasz adapts the product-card warm-up script to slot availability.", "Tomasz", ""),
            ("20:28", "observation", "Slot cache 90% warm.", "", ""),
            ("20:30", "action", "Release hold lifted; slots available.", "Lucía", ""),
        ],
        "factors": [
            {
                "factor": "change.code-change",
                "role": "activator",
                "services": ["redis-cache"],
                "assumption": "redis-rolling",
                "narrative": "The provider applied a minor-version upgrade to our Redis cluster in our maintenance window.",
                "why": "Accepting provider upgrades in a window is normal practice and had gone unnoticed before.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "amplifier",
                "services": ["redis-cache"],
                "assumption": "redis-rolling",
                "narrative": "The upgrade restarted all shards in parallel rather than one at a time, emptying the whole cache at once.",
                "why": "The documentation page the team had read described rolling restarts for major versions.",
            },
            {
                "factor": "latent.clock-and-time",
                "role": "enabling",
                "services": ["redis-cache"],
                "narrative": "A maintenance window written in UTC in winter sat over the 20:00 slot release during summer time.",
                "why": "It was correct when it was set, and the provider had not used it for eighteen months.",
            },
            {
                "factor": "load.synchronized-demand",
                "role": "amplifier",
                "services": ["delivery-slots", "postgres-main"],
                "assumption": "cache-warm",
                "narrative": """
                    The slot release brought 40,000 customers in a minute, each a cache miss for a different postcode,
                    each an expensive query on the primary.
                """,
                "why": "Lazy rebuilding is fine when misses trickle in; the release is the one minute when they never do.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["delivery-slots"],
                "narrative": "Holding the release for thirty minutes gave up punctuality to protect checkout and the database.",
                "why": "The flag had been built for Christmas and its effect was understood, even though it was untested in production.",
            },
            {
                "factor": "adaptive.improvised-adaptation",
                "role": "mitigator",
                "services": ["delivery-slots", "redis-cache"],
                "narrative": "A warm-up script written for product cards was adapted to warm slot availability by postcode.",
                "why": "Tomasz had reviewed the original script and knew it was generic enough.",
            },
        ],
        "evidence": [
            (
                "cache-warm",
                "violated",
                "All shards restarted eight minutes before the slot release; the primary took every miss.",
            ),
            ("redis-rolling", "violated", "A minor-version upgrade restarted all three shards in parallel."),
        ],
        "actions": [
            {
                "title": "Run Redis upgrades ourselves, shard by shard, outside peak hours",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-11-30",
                "done": "2025-11-20",
            },
            {
                "title": "Write maintenance windows in Europe/London time",
                "kind": "prevent",
                "team": "platform",
                "status": "done",
                "due": "2025-10-31",
                "done": "2025-10-17",
            },
            {
                "title": "Load-test the read replicas with a cold cache at evening peak",
                "kind": "learn",
                "owner": "priya",
                "team": "platform",
                "status": "open",
                "due": "2026-01-31",
            },
            {
                "title": "Slot availability cache warms itself after a flush before taking traffic",
                "kind": "prevent",
                "owner": "lucia",
                "team": "fulfilment",
                "status": "in_progress",
                "due": "2026-02-28",
            },
        ],
    },
    {
        "key": "PM-2025-042",
        "title": "Christmas slot release: gateway pods were killed faster than the autoscaler could replace them",
        "kind": "incident",
        "severity": 1,
        "status": "published",
        "started": "2025-11-14 20:01",
        "detected": "20:02",
        "mitigated": "20:38",
        "resolved": "21:10",
        "written": "2025-11-18",
        "published": "2025-11-28",
        "authors": ["priya", "jonas"],
        "reviewers": ["lucia", "amara"],
        "services": [
            ("api-gateway", "origin"),
            ("kubernetes", "involved"),
            ("edge-cdn", "involved"),
            ("delivery-slots", "impacted"),
            ("mobile-bff", "impacted"),
            ("web-storefront", "impacted"),
        ],
        "summary": """
            Christmas delivery slots opened at 20:00 on a Friday after a week of announcements. Traffic reached 1.8
            times our previous record within a minute. Gateway pods ran out of memory and were killed; the load moved
            to the survivors, which were killed in turn, and new pods were killed soon after becoming ready. The API
            was unavailable for 37 minutes, until an edge waiting room, used for the first time, let traffic back in
            gradually.
        """,
        "impact": """
            From 20:01 to 20:38 the apps and website could not reach the API: no log-ins, slot bookings or orders. From
            20:38 to 21:10 customers waited in a queue page. Christmas slots sold out by 21:40, an hour later than
            planned. Many customers told us, loudly and fairly, that it felt like a lottery.
        """,
        "narrative": """
            The Christmas slot release is the biggest planned peak of the year. After the near miss in February
            (PM-2025-006) the gateway is pre-scaled at 19:50 on release days. The pre-scale uses a fixed multiplier,
            1.5 times the normal pod count, chosen in February for ordinary Sunday releases. The Christmas release had
            been announced by email and push a week ahead, and the web slot page, when slots are "coming soon", polls
            every five seconds.

            At 20:00 requests rose to 1.8 times our all-time record within a minute. The gateway keeps queued requests
            in memory; under that load pods reached their memory limit and were killed. Their traffic moved to the
            remaining pods, which then hit the limit too. The autoscaler did what it is designed to do and asked for
            more pods, but each took about ninety seconds to become ready and then received its share of a queue that
            was still growing. Most were killed within thirty seconds of becoming ready. By 20:04 the gateway was
            effectively down, and the polling slot page and retrying apps kept the demand up.

            Part of the context is September's cost review, which reduced the gateway's baseline from 24 to 16 pods and
            trimmed spare node capacity. The September load test passed at twice the normal peak, but its traffic was
            spread evenly over ten minutes; it never tested a minute like this one.

            Priya took incident command at 20:05. Adding capacity was not working, because new capacity was consumed as
            fast as it arrived, so the question became how to stop the traffic. The edge CDN has a waiting-room feature
            that serves a static queue page and admits a set share of visitors; we had it on our plan but had never
            used it. Priya and Jonas configured it at 20:20 with 10% admission, the gateway stabilised at 40 pods by
            20:38, and admission was raised in steps until 21:10.

            Head of Customer Operations took over all updates to executives, social media and customer care from 20:10,
            and asked everyone else to stay out of the incident channel. Responders said afterwards that this made the
            waiting-room decision possible: they could think about it for five minutes without interruption.
        """,
        "went_well": """
            - Once it was clear that scaling up was feeding the problem, the team changed approach rather than
              pushing harder.
            - The waiting room worked first time with a configuration written under pressure.
            - Customer Operations protected the responders' focus.
        """,
        "got_lucky": """
            - The waiting-room feature was already on our CDN plan; it had been bundled in at renewal.
        """,
        "open_questions": """
            - How do we test a peak that arrives in one minute rather than ten?
            - Should the Christmas release be a queue by design rather than a race?
            - What did the September cost savings buy, and what did they spend?
        """,
        "timeline": [
            ("19:50", "action", "Gateway pre-scaled to 1.5x the normal pod count.", "scheduler", ""),
            (
                "20:00",
                "observation",
                "Christmas slots open; requests reach 1.8x the previous record within a minute.",
                "",
                "",
            ),
            (
                "20:02",
                "detection",
                "Gateway error-rate and pod-restart alerts page platform on-call; pods are being killed for memory.",
                "Priya",
                "",
            ),
            ("20:05", "action", "Priya takes incident command; Jonas and Lucía join.", "Priya", ""),
            (
                "20:08",
                "decision",
                "Raise the gateway's maximum pod count to 80 and its memory limit.",
                "Priya",
                """More capacity is the standard response to saturation, and it was the fastest lever available while
                the pattern was still unclear.""",
            ),
            (
                "20:10",
                "communication",
                "Head of Customer Operations takes over all external and executive updates.",
                "",
                "",
            ),
            (
                "20:16",
                "decision",
                "Stop traffic at the edge with the CDN waiting room and admit 10%.",
                "Priya",
                """New pods were being killed as fast as they arrived, so more capacity alone could not catch up. A
                queue page at the edge was the only way to cut demand to something the gateway could absorb.""",
            ),
            ("20:20", "action", "Waiting room live at 10% admission.", "Jonas", ""),
            ("20:38", "observation", "Gateway stable at 40 pods; errors at baseline for admitted traffic.", "", ""),
            ("21:10", "action", "Admission raised in steps to 100%; waiting room off.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "load.synchronized-demand",
                "role": "activator",
                "services": ["edge-cdn", "api-gateway", "delivery-slots", "web-storefront"],
                "narrative": """
                    A week of announcements, a fixed opening time and a slot page that polls every five seconds brought
                    the year's biggest peak into a single minute.
                """,
                "why": "A clear opening time is fairer to customers than a soft launch, and the polling was meant to save refreshes.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "amplifier",
                "services": ["kubernetes", "api-gateway"],
                "assumption": "autoscale",
                "narrative": """
                    The autoscaler kept adding pods, and each new pod was handed a share of a queue big enough to kill
                    it. Scaling up fed the cascade instead of ending it.
                """,
                "why": "After February's pre-scaling change, everyone believed the remaining gap between demand and capacity was small.",
            },
            {
                "factor": "load.capacity-saturation",
                "role": "amplifier",
                "services": ["api-gateway"],
                "assumption": "gateway-headroom",
                "narrative": """
                    Gateway pods hold queued requests in memory. At the limit they were killed, and their load moved to
                    the survivors, which failed in turn.
                """,
                "why": "Queuing in memory smooths short bursts well, which is what the gateway had always seen.",
            },
            {
                "factor": "org.slack-eroded",
                "role": "enabling",
                "services": ["api-gateway", "kubernetes"],
                "narrative": """
                    September's cost review reduced the gateway baseline from 24 to 16 pods and trimmed spare nodes. The
                    load test that approved it spread traffic evenly over ten minutes.
                """,
                "why": "The saving was real, the load test passed, and the February near miss had been addressed by pre-scaling.",
            },
            {
                "factor": "adaptive.improvised-adaptation",
                "role": "mitigator",
                "services": ["edge-cdn"],
                "narrative": "A CDN waiting room, never used before, cut demand at the edge and let the gateway recover.",
                "why": "Priya had read about the feature at renewal, and Jonas knew the edge configuration well enough to try it live.",
            },
            {
                "factor": "adaptive.protected-focus",
                "role": "mitigator",
                "services": [],
                "narrative": "Customer Operations took over every update and kept the incident channel quiet for the responders.",
                "why": "The head of Customer Operations had asked, after PM-2025-017, to take on this role in big incidents.",
            },
        ],
        "evidence": [
            (
                "autoscale",
                "violated",
                "New gateway pods were killed within 30 s of becoming ready; scaling fed the cascade.",
            ),
            ("gateway-headroom", "violated", "1.8x the record peak in one minute took the gateway down."),
        ],
        "actions": [
            {
                "title": "Waiting room at the edge for planned peaks, with a rehearsed ramp",
                "kind": "mitigate",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-12-05",
                "done": "2025-12-03",
            },
            {
                "title": "Pre-scale from forecast traffic instead of a fixed multiplier",
                "kind": "prevent",
                "team": "platform",
                "status": "done",
                "due": "2026-01-31",
                "done": "2026-01-20",
            },
            {
                "title": "Load-test the slot release with realistic app behaviour, including retries",
                "kind": "learn",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-03-31",
            },
            {
                "title": "Bound gateway queue memory so pods shed load instead of being killed",
                "kind": "prevent",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-03-31",
            },
        ],
    },
    {
        "key": "PM-2025-046",
        "title": "Edge cache served one customer's account summary to others for 23 minutes",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2025-12-06 14:12",
        "detected": "14:31",
        "mitigated": "14:35",
        "resolved": "18:00",
        "written": "2025-12-09",
        "published": "2025-12-17",
        "authors": ["priya"],
        "restricted_to": ["platform"],
        "services": [("edge-cdn", "origin"), ("web-storefront", "impacted")],
        "summary": """
            A new CDN rule meant to cache public help pages under /account/ also matched the account summary fragment.
            In our CDN a specific path rule wins over the default "bypass when a session cookie is present", and the
            fragment had lost its private cache header in a 2023 refactor. For 23 minutes 37 customers saw another
            customer's first name, basket count and loyalty points. No addresses or payment details were exposed.
        """,
        "impact": """
            37 customers saw another customer's first name, basket item count and loyalty balance in the site header.
            The data protection officer assessed the exposure and we wrote to the 29 customers whose details were
            shown. Restricted while the assessment was open; kept restricted because it names the data involved.
        """,
        "narrative": """
            In the run-up to Christmas the platform team was trimming origin load. The help and FAQ pages under
            /account/ are the same for everyone and were being fetched from origin on every view, so a rule was added
            to cache /account/* at the edge for 60 seconds. It was reviewed, passed config CI and was previewed with the
            CDN's rule preview tool, which showed the help pages cached as intended.

            The preview tool sends anonymous requests. A logged-in request carries a session cookie, and everyone
            involved understood that the CDN's default rule bypasses the cache for such requests. In this CDN, though,
            a rule that matches a specific path takes precedence over the default. The account summary fragment, which
            renders the "Hi, Margaret · 12 items · 340 points" header, lives at /account/summary.

            There was meant to be a second line of defence: personalised responses carry "Cache-Control: private". The
            summary fragment had lost that header in a 2023 template refactor, and nothing had noticed, because the
            default cookie bypass had been covering for it.

            At 14:31 a customer care agent, on the third contact saying "your site calls me by someone else's name",
            escalated it as a possible privacy issue rather than a display bug. Priya reverted the rule and, unsure
            what else might have been cached, purged the whole edge cache at 14:35, accepting a spike of origin load
            on a Saturday afternoon.
        """,
        "went_well": """
            - The care agent recognised a privacy problem in an odd-sounding complaint and escalated it at once.
            - The whole-cache purge was a fast, certain way to stop the exposure; origin absorbed it.
        """,
        "got_lucky": """
            - The fragment shows a first name, a count and a points balance; the full account page was not matched
              by the rule because it sits at /my-account/.
        """,
        "open_questions": """
            - How many of our safety properties depend on a default rule that any specific rule can override?
            - Should the preview tool refuse to run without a logged-in session?
        """,
        "timeline": [
            ("14:12", "change", "CDN rule caching /account/* for 60 s pushed to production.", "platform", ""),
            ("14:20", "observation", "First customer contact about a wrong name in the header.", "customer care", ""),
            (
                "14:31",
                "detection",
                "Care agent escalates the third such contact as a possible privacy issue.",
                "customer care",
                "",
            ),
            (
                "14:33",
                "decision",
                "Revert the rule and purge the entire edge cache.",
                "Priya",
                """The new rule was the only edge change that day. Nobody could yet say which cached objects were
                personal, and a full purge was certain where a targeted one was a guess.""",
            ),
            (
                "14:35",
                "action",
                "Rule reverted; full purge complete. Origin load doubles for ten minutes.",
                "Priya",
                "",
            ),
            (
                "15:30",
                "communication",
                "Data protection officer informed; logs pulled to find affected customers.",
                "Priya",
                "",
            ),
            ("18:00", "communication", "Affected customers identified; letters drafted.", "", ""),
        ],
        "factors": [
            {
                "factor": "change.config-change",
                "role": "activator",
                "services": ["edge-cdn"],
                "assumption": "edge-private",
                "narrative": "A rule caching /account/* for 60 seconds, intended for public help pages, went live at 14:12.",
                "why": "Cutting origin load before Christmas was a team goal, and the help pages were a natural candidate.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["edge-cdn"],
                "assumption": "config-validated",
                "narrative": "CI checked the rule's syntax and the preview tool tested anonymous requests only.",
                "why": "Previewing anonymously is the tool's default, and the cookie bypass was believed to cover the logged-in case.",
            },
            {
                "factor": "coord.mental-model-gap",
                "role": "enabling",
                "services": ["edge-cdn"],
                "narrative": "Everyone involved believed the cookie bypass always wins. In this CDN a specific path rule wins.",
                "why": "The precedence rule is documented on a different page from the bypass, and the bypass had never been overridden.",
            },
            {
                "factor": "latent.dark-debt",
                "role": "enabling",
                "services": ["web-storefront", "edge-cdn"],
                "narrative": """
                    The summary fragment had lost its 'Cache-Control: private' header in a 2023 template refactor. On
                    its own that was harmless while the edge bypassed logged-in requests, and the new rule was harmless
                    for pages without personal data. Only the combination exposed anything, and no one person could see
                    both halves.
                """,
                "why": "The edge bypass had been covering for the header, so nothing visible changed when it went.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["web-storefront"],
                "narrative": "A care agent heard a privacy problem in 'you called me by the wrong name' and escalated it.",
                "why": "Care had had privacy training in October with examples of exactly this kind.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["edge-cdn"],
                "narrative": "Purging the whole edge cache traded a spike of origin load for certainty that nothing personal was left.",
                "why": "Origin had headroom on a Saturday afternoon; a wrong guess about what was cached would have prolonged exposure.",
            },
        ],
        "evidence": [
            (
                "edge-private",
                "violated",
                "A path rule took precedence over the cookie bypass; 37 customers saw another's header.",
            ),
            ("config-validated", "violated", "The rule passed CI and an anonymous-only preview."),
        ],
        "actions": [
            {
                "title": "Set 'Cache-Control: private' on every personalised response, with a test",
                "kind": "prevent",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2025-12-19",
                "done": "2025-12-12",
            },
            {
                "title": "Edge rule preview runs with a logged-in test session as well as anonymously",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2026-01-31",
                "done": "2026-01-16",
            },
            {
                "title": "Config CI rejects edge cache rules on paths that serve personalised content",
                "kind": "prevent",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-03-31",
            },
        ],
    },
    {
        "key": "PM-2025-049",
        "title": "Circuit breaker and retry budget held through Tillpoint's pre-Christmas slowdown",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2025-12-22 18:20",
        "detected": "18:32",
        "mitigated": "18:45",
        "resolved": "18:45",
        "written": "2025-12-29",
        "published": "2026-01-07",
        "authors": ["amara"],
        "services": [("tillpoint", "origin"), ("payments", "involved"), ("checkout", "involved")],
        "summary": """
            On the Monday before Christmas Tillpoint slowed to a p99 of 5 seconds for 25 minutes, much as it had a
            year earlier in PM-2024-052. This time the circuit breaker opened, retries stayed within their budget, no
            card was authorised twice, and about 6% of customers were asked to try again in a minute. The alert that
            the breaker had opened went to a channel muted for the holiday change freeze.
        """,
        "impact": "About 6% of checkout attempts between 18:20 and 18:45 were asked to retry; most succeeded on the second try.",
        "narrative": """
            We are writing this up because it is the same situation as PM-2024-052 with a very different outcome, and
            the difference is worth understanding as much as any failure.

            Tillpoint's latency rose at 18:20. The payments client's circuit breaker, added after PM-2025-017, opened
            when the error rate crossed its threshold and began failing calls fast for thirty-second periods, letting a
            trickle through to test recovery. The retry budget kept retries under 10% of calls. Because every retry
            reused the idempotency key stored with the checkout, there were no duplicate holds. Checkout showed "your
            payment is taking longer than usual, please try again in a minute". Tillpoint's status page turned amber
            at 18:31.

            The breaker posts to #payments-alerts when it opens. That channel had been muted by most of the team for
            the Christmas change freeze, when it fills with deploy-blocked notices. Amara noticed at 18:32 because she
            had the checkout conversion dashboard open on a second screen, as she has every evening in December since
            last year.

            So the mechanisms worked, and the one signal designed to tell a person about them did not reach anyone.
            Both are worth keeping in mind.
        """,
        "went_well": """
            - Breaker, retry budget and idempotency keys behaved exactly as designed under real conditions.
            - Customers got a clear message instead of a spinning button.
        """,
        "got_lucky": """
            - Amara had the conversion dashboard open out of habit.
        """,
        "open_questions": """
            - If the slowdown had lasted two hours, when would anyone have been told?
        """,
        "timeline": [
            ("18:20", "observation", "Tillpoint authorisation p99 rises to 5 s.", "", ""),
            ("18:21", "observation", "Payments circuit breaker opens; alert posted to muted #payments-alerts.", "", ""),
            ("18:31", "communication", "Tillpoint's status page turns amber.", "", ""),
            ("18:32", "detection", "Amara notices a dip on the checkout conversion dashboard.", "Amara", ""),
            (
                "18:35",
                "decision",
                "Leave the breaker to manage recovery rather than changing its settings.",
                "Amara",
                """It was behaving as designed, duplicates were impossible, and adjusting thresholds mid-incident risked
                letting a retry surge through when Tillpoint recovered.""",
            ),
            ("18:45", "observation", "Tillpoint recovered; breaker closed; conversion back to normal.", "", ""),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "assumption": "psp-latency",
                "narrative": "Tillpoint slowed to a p99 of 5 seconds for 25 minutes on one of the busiest evenings of the year.",
                "why": "Their peak is our peak; it is the most likely time for them to struggle.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "services": ["payments", "checkout"],
                "assumption": "psp-idempotent-key",
                "narrative": """
                    The circuit breaker, retry budget and stored idempotency keys together kept load on Tillpoint bounded
                    and made duplicates impossible.
                """,
                "why": "They were built after PM-2024-052 and PM-2025-017 and tested in a game day in November.",
            },
            {
                "factor": "signals.alert-fatigue",
                "role": "impediment",
                "services": ["payments"],
                "narrative": "The breaker-open alert went to a channel most of the team had muted for the change freeze.",
                "why": "During a freeze that channel fills with deploy-blocked notices that need no action.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["checkout"],
                "narrative": "Amara saw a dip on the conversion dashboard she keeps open on December evenings.",
                "why": "A habit she formed after PM-2024-052.",
            },
        ],
        "evidence": [
            (
                "psp-idempotent-key",
                "supported",
                "Retries reused stored keys; no duplicate authorisations during a 25-minute slowdown.",
            ),
            ("psp-latency", "near_miss", "p99 of 5 s for 25 minutes; absorbed by the breaker."),
        ],
        "actions": [
            {
                "title": "Breaker-open alert pages Payments on-call instead of posting to a channel",
                "kind": "detect",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2026-01-16",
                "done": "2026-01-09",
            },
        ],
    },
]
