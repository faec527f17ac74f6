"""Larder postmortems, March to June 2025."""

POSTMORTEMS = [
    {
        "key": "PM-2025-009",
        "title": "New substitution rules enabled for every store at once picked unrelated substitutes for two hours",
        "kind": "incident",
        "severity": 3,
        "status": "published",
        "started": "2025-03-04 09:30",
        "detected": "11:05",
        "mitigated": "11:40",
        "resolved": "16:00",
        "written": "2025-03-06",
        "published": "2025-03-14",
        "authors": ["lucia"],
        "services": [("inventory", "origin"), ("orders", "impacted")],
        "summary": """
            A feature flag turned on the new substitution engine for all 38 dark stores instead of the two planned for
            the second pilot week. For products imported before 2023, which have no substitution group, the engine
            chose from the whole aisle. For two hours pickers were offered substitutes such as dog food for baby food.
            Most were caught at picking, but 214 orders went out with an unsuitable substitute.
        """,
        "impact": """
            214 orders delivered with at least one unsuitable substitute, refunded in full for those lines. Pickers in
            several stores lost time rejecting suggestions, and morning deliveries ran up to 25 minutes late.
        """,
        "narrative": """
            The new substitution engine had run in one pilot store for a week with good results. The plan was to add
            two more stores on 4 March. The flag file in the config repository holds a list of store ids; the change
            replaced the list with a wildcard, because the flag library's documentation showed wildcards as the way
            to "enable for a group" and the author meant the pilot group. The change was reviewed, passed CI (which
            checks that flag files are valid YAML against a schema), and was applied at 09:30.

            The pilot store had a clean catalogue: it opened in 2023, after the catalogue import started to require a
            substitution group for every product. Older stores stock products imported earlier, and about 3% of those
            have no group. The old engine skipped them. The new engine treated a missing group as "anything in the same
            aisle", a fallback written for a different case and never exercised in the pilot.

            The first sign was pickers rejecting suggestions on their handhelds, which is normal in small numbers.
            Rejections tripled over the morning but stayed inside the day-to-day range the dashboard showed. At 11:05
            a shift lead in the Leeds store posted a photo in the stores channel of the handheld suggesting dog food
            for a jar of baby food. Lucía saw it, checked the flag and switched the engine off for every store at 11:40.

            Most unsuitable suggestions had been rejected by pickers, who were doing what they always do with odd
            substitutes. The 214 that went out were mostly ones where the substitute looked plausible at a glance.
        """,
        "went_well": """
            - Pickers rejected most bad suggestions; human judgement at the shelf was the real safety net.
            - The Leeds shift lead's photo made the problem unmistakable and reached the right person in minutes.
            - The engine could be switched off by flag without a deploy.
        """,
        "got_lucky": """
            - It was a Tuesday morning, one of the quietest picking windows of the week.
        """,
        "open_questions": """
            - What would a check against production data look like for a flag change?
            - How many other code paths treat a missing value as "anything"?
        """,
        "timeline": [
            (
                "09:24",
                "change",
                "Flag change merged: substitution engine store list replaced with a wildcard.",
                "Lucía",
                "",
            ),
            ("09:30", "change", "Config applied to production.", "config pipeline", ""),
            (
                "10:15",
                "observation",
                "Picker rejections above normal in several stores; within daily variation.",
                "",
                "",
            ),
            (
                "11:05",
                "detection",
                "Leeds shift lead posts a photo of a baby food to dog food suggestion.",
                "stores",
                "",
            ),
            (
                "11:12",
                "decision",
                "Switch the engine off everywhere instead of narrowing the wildcard.",
                "Lucía",
                """The wildcard was clearly wrong, but nobody yet knew whether the pilot stores were affected too, and
                switching off returned every store to the old, known behaviour.""",
            ),
            ("11:40", "action", "Flag off for all stores; suggestions back to the old engine.", "Lucía", ""),
            ("13:00", "action", "Fulfilment identifies 214 affected orders from substitution records.", "Sam", ""),
            ("16:00", "communication", "Refunds issued and customers emailed.", "customer care", ""),
        ],
        "factors": [
            {
                "factor": "change.config-change",
                "role": "activator",
                "services": ["inventory"],
                "assumption": "config-validated",
                "narrative": """
                    A flag change replaced a list of pilot store ids with a wildcard. The intent was two more stores;
                    the effect was all thirty-eight.
                """,
                "why": "The flag library's documentation shows wildcards for groups, and in review a wildcard read as tidier than a list.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["inventory"],
                "assumption": "config-validated",
                "narrative": """
                    CI checked the file against a schema, and the pilot store had a clean catalogue. Nothing exercised
                    the engine against the older data in the other stores.
                """,
                "why": "The pilot was designed to test substitution quality, and it did; data completeness was not a question anyone had.",
            },
            {
                "factor": "latent.data-shape",
                "role": "enabling",
                "services": ["inventory"],
                "assumption": "substitution-groups",
                "narrative": """
                    About 3% of products, imported before 2023, have no substitution group. The new engine's fallback
                    for a missing group was "same aisle", which was written for a different case.
                """,
                "why": "The import has rejected products without a group since 2023, so the team reasonably believed every product had one.",
            },
            {
                "factor": "signals.masked-anomaly",
                "role": "impediment",
                "services": ["inventory"],
                "narrative": """
                    Picker rejections rose gradually and stayed within the normal daily range on the dashboard, so
                    they looked like a busy morning rather than a change.
                """,
                "why": "Rejection counts swing widely from day to day; the dashboard showed totals, not rejections per suggestion.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["inventory", "orders"],
                "narrative": "A shift lead in Leeds posted a photo of an absurd suggestion, which made the problem legible at once.",
                "why": "Store staff are encouraged to post oddities in the stores channel, and fulfilment engineers read it.",
            },
        ],
        "evidence": [
            ("config-validated", "violated", "A wildcard passed schema CI and enabled the engine for all 38 stores."),
            (
                "substitution-groups",
                "violated",
                "3% of products had no group; the new engine read that as 'any product in the aisle'.",
            ),
        ],
        "actions": [
            {
                "title": "Flag changes show the resolved list of stores in review",
                "kind": "prevent",
                "owner": "lucia",
                "team": "fulfilment",
                "status": "done",
                "due": "2025-04-15",
                "done": "2025-04-10",
            },
            {
                "title": "Backfill substitution groups for pre-2023 products",
                "kind": "prevent",
                "owner": "sam",
                "team": "fulfilment",
                "status": "done",
                "due": "2025-05-31",
                "done": "2025-05-20",
            },
            {
                "title": "Alert on picker rejections per suggestion, not totals",
                "kind": "detect",
                "team": "fulfilment",
                "status": "in_progress",
                "due": "2025-06-30",
            },
        ],
    },
    {
        "key": "PM-2025-013",
        "title": "Order events replayed after a Kafka consumer group reset: duplicate delivery texts",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "timezone": "UTC",
        "started": "2025-04-18 06:12",
        "detected": "06:31",
        "mitigated": "07:05",
        "resolved": "11:30",
        "written": "2025-04-22",
        "published": "2025-04-30",
        "authors": ["tomasz", "lucia"],
        "services": [
            ("kafka", "origin"),
            ("notifications", "impacted"),
            ("orders", "involved"),
            ("redis-cache", "involved"),
        ],
        "summary": """
            During a planned Kafka broker upgrade on Good Friday morning, the notifications consumer group restarted
            from an old offset and replayed nine hours of order events. Notifications de-duplicated only within a
            one-hour window, so about 48,000 customers received stale "your order is on its way" texts, and the SMS
            provider's rate limit then delayed genuine ones.
        """,
        "impact": """
            About 48,000 duplicate or stale texts and emails between 06:12 and 07:05. Genuine delivery texts were
            delayed by up to 50 minutes until 07:40. Roughly 900 customers contacted care, some worried their order had
            been sent twice.
        """,
        "narrative": """
            The broker upgrade had been planned for weeks and chosen for Good Friday morning because order volume is
            low before 08:00. The runbook, written for the previous upgrade in 2023, moved consumer groups to the new
            brokers one at a time. Tomasz ran it. The notifications group came back pointing at an offset from the
            previous evening: its committed offsets had expired because the group had been idle during the move for
            longer than the offset retention on the new brokers, which had a different default than the old ones.

            When a consumer group has no valid committed offset it falls back to a reset policy. For notifications that
            policy was "earliest within the last day", chosen years ago so that a crashed consumer would never skip a
            customer message. So the consumer started again from 21:00 the previous evening and re-sent every event
            since then.

            Notifications had a de-duplication step, keyed in Redis with a one-hour expiry. It had been designed for
            the duplicates Kafka normally produces (a few seconds' worth after a rebalance), and for that it worked
            well. Nine hours of replay was outside anything it had been built for.

            The SMS provider throttled us at 06:40 when the replay reached our contractual rate limit, which meant the
            genuine texts for the first deliveries of the day queued behind the stale ones. Lucía, on call for
            Fulfilment, paused the SMS channel at 07:05 after the first drivers reported customers telling them they
            had already received their shopping.
        """,
        "went_well": """
            - Seven days of retention on the order topic meant we could work out exactly which events had been resent.
            - Pausing the SMS channel was a single, reversible switch.
            - Drivers passed on what customers said, which gave us the first clear description of the impact.
        """,
        "got_lucky": """
            - Good Friday morning has the lowest order volume of the spring.
            - Email and push were replayed too, but most customers only noticed the texts.
        """,
        "open_questions": """
            - Which other consumers rely on duplicates being small?
            - Should "never skip a message" and "never repeat a message" be decided per consumer, explicitly?
        """,
        "timeline": [
            ("05:30", "change", "Kafka broker upgrade starts; consumer groups moved one at a time.", "Tomasz", ""),
            (
                "06:12",
                "change",
                "Notifications group restarts on new brokers; offset reset to 21:00 the previous day.",
                "",
                "",
            ),
            ("06:31", "detection", "Notifications send-rate alert fires; SMS volume 30x normal.", "Lucía", ""),
            (
                "06:38",
                "decision",
                "Let the consumer run while checking whether messages were genuine.",
                "Lucía",
                """A high send rate after a broker move might have been a backlog catching up, which is what the
                runbook said to expect, and stopping the consumer would have delayed real messages.""",
            ),
            ("06:40", "observation", "SMS provider starts rejecting with rate-limit errors.", "", ""),
            (
                "06:52",
                "observation",
                "Drivers report customers saying they already received their order.",
                "drivers",
                "",
            ),
            (
                "07:00",
                "decision",
                "Pause the SMS channel; leave email and push running.",
                "Lucía",
                """Texts were doing most of the harm and held up genuine messages through the rate limit. Email and
                push cost nothing extra and confused fewer people.""",
            ),
            ("07:05", "action", "SMS paused; Tomasz moves the consumer offset to 06:12.", "Tomasz", ""),
            ("07:40", "action", "SMS resumed; genuine delivery texts sent.", "Lucía", ""),
            (
                "11:30",
                "communication",
                "Customer care sends an apology email to affected customers.",
                "customer care",
                "",
            ),
        ],
        "factors": [
            {
                "factor": "change.unrehearsed-operation",
                "role": "activator",
                "services": ["kafka"],
                "narrative": """
                    A broker upgrade happens every eighteen months or so. The runbook was from 2023 and the new brokers'
                    offset retention default was shorter than the old ones'.
                """,
                "why": "The runbook had worked last time, and the default change was one line in a long upstream changelog.",
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["notifications", "redis-cache"],
                "assumption": "exactly-once",
                "narrative": """
                    Notifications de-duplicated with a one-hour window. Combined with a reset policy that replays up to
                    a day, any replay longer than an hour would become customer-visible.
                """,
                "why": "Each setting was sensible for the failure it was chosen for; they had never been considered together.",
            },
            {
                "factor": "coord.mental-model-gap",
                "role": "enabling",
                "services": ["kafka", "notifications"],
                "narrative": """
                    The people running the upgrade expected consumer offsets to carry over, and the people who owned
                    notifications did not know an upgrade was happening.
                """,
                "why": "Offsets had carried over in 2023, and the upgrade announcement went to the data team's channel.",
            },
            {
                "factor": "load.hidden-limit",
                "role": "amplifier",
                "services": ["notifications"],
                "narrative": """
                    The SMS provider's contractual rate limit turned a nuisance into a delay: genuine texts queued behind
                    stale ones for up to fifty minutes.
                """,
                "why": "The limit is three times our highest normal send rate and had never been reached.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["notifications"],
                "narrative": "Pausing SMS gave up all texts for thirty-five minutes to stop the confusing ones and clear the queue.",
                "why": "Drivers were reaching customers anyway, and email and push were still running.",
            },
        ],
        "evidence": [
            (
                "exactly-once",
                "violated",
                "Nine hours of order events replayed; about 48,000 duplicate or stale messages.",
            ),
            ("kafka-retention", "supported", "Seven days of retention let us identify every resent event precisely."),
        ],
        "actions": [
            {
                "title": "Notifications: de-duplicate on event id in Postgres, not a one-hour Redis key",
                "kind": "prevent",
                "team": "fulfilment",
                "owner": "lucia",
                "status": "done",
                "due": "2025-06-30",
                "done": "2025-06-12",
            },
            {
                "title": "Set offset retention explicitly on all brokers",
                "kind": "prevent",
                "owner": "tomasz",
                "team": "data",
                "status": "done",
                "due": "2025-04-30",
                "done": "2025-04-23",
            },
            {
                "title": "Announce broker maintenance to every consuming team, not only Data",
                "kind": "learn",
                "owner": "tomasz",
                "team": "data",
                "status": "done",
                "due": "2025-05-15",
                "done": "2025-05-02",
            },
        ],
    },
    {
        "key": "PM-2025-017",
        "title": "Checkout failing for 47 minutes as older app versions retried into a slow Tillpoint",
        "kind": "incident",
        "severity": 1,
        "status": "published",
        "started": "2025-05-24 11:02",
        "detected": "11:06",
        "mitigated": "11:49",
        "resolved": "13:30",
        "written": "2025-05-28",
        "published": "2025-06-06",
        "authors": ["amara", "priya"],
        "reviewers": ["jonas"],
        "services": [
            ("tillpoint", "origin"),
            ("payments", "impacted"),
            ("checkout", "impacted"),
            ("mobile-bff", "involved"),
            ("api-gateway", "involved"),
            ("orders", "impacted"),
        ],
        "summary": """
            On the Saturday of a bank holiday weekend Tillpoint slowed down during a database failover on their side.
            Apps older than version 5.12 retried failed payment calls immediately, up to five times, and our payments
            service's connection pool filled with slow calls. Checkout failed for most customers for 47 minutes. A
            per-device rate limit at the gateway, improvised during the incident, brought traffic back within what
            Tillpoint could serve.
        """,
        "impact": """
            From 11:02 to 11:49, 61% of checkout attempts failed. About 5,400 orders could not be placed in that window;
            roughly 3,100 of those customers came back and ordered later that day. Tillpoint webhooks queued behind the
            slow calls, leaving about 2,000 orders in "payment pending" for up to 40 minutes.
        """,
        "narrative": """
            Tillpoint's latency started rising at 11:02. Amara was paged four minutes later for checkout errors. One
            thing had changed on our side: a payments release at 10:48 that only changed logging. Tillpoint's status
            page was green. With an error rate climbing fourteen minutes after our own deploy, rolling back was the
            natural first move, and it is cheap, so she did it. It took twelve minutes and changed nothing.

            By then Priya had joined as incident commander and Jonas from Storefront. The gateway showed calls to the
            app's payment endpoint at six times the normal rate while the number of people in checkout was normal.
            Nearly all of the extra calls came from app versions before 5.12, about a quarter of active apps. Those
            versions retry a failed payment call immediately, up to five times, with no backoff; 5.12 had replaced that
            with the shared networking layer in March, and older versions were still allowed to connect.

            After the work following PM-2024-052, retries against Tillpoint no longer produced duplicate charges, and
            we had come to think of them as harmless. They were harmless for correctness. For load they were not: the
            payments service has one pool of 200 connections to Tillpoint, and slow calls, retries, refunds and
            webhook confirmations all waited in it together.

            The gateway can rate-limit any route by a header. Nobody had used it for a single endpoint per device
            before, but Jonas knew the app sends a stable device id. At 11:31 the team decided to allow one payment call
            per device every ten seconds. Some genuine retries from customers would be refused, but they would see an
            error and could press the button again, which is better than a checkout that never answers. The rule was
            live at 11:49; Tillpoint traffic dropped by 60% and their latency recovered within minutes.

            Tillpoint confirmed a database failover from 10:55 to 11:50 and updated their status page at 11:52.
        """,
        "went_well": """
            - The gateway rate-limit rule was flexible enough to improvise a per-device limit in under twenty minutes.
            - Priya took the incident commander role early, so Amara could concentrate on Tillpoint and the pool.
            - Storefront joined within five minutes of being asked.
        """,
        "got_lucky": """
            - Duplicate charges were no longer possible thanks to the January idempotency work; this would otherwise
              have repeated PM-2024-052 at a larger scale.
        """,
        "open_questions": """
            - How do we find out what old clients in the field actually do when things go wrong?
            - Is one connection pool for authorisations, refunds and webhooks a choice or an accident?
        """,
        "timeline": [
            ("10:48", "change", "Payments 2025.21.2 deployed (logging changes only).", "deploy pipeline", ""),
            ("11:02", "observation", "Tillpoint authorisation p99 rises to 4 s and keeps climbing.", "", ""),
            ("11:06", "detection", "Checkout error-rate alert pages Payments on-call.", "Amara", ""),
            (
                "11:10",
                "decision",
                "Roll back the 10:48 payments release.",
                "Amara",
                """It was the only change on our side in the past hour, errors started fourteen minutes after it,
                Tillpoint's status page was green, and a rollback is cheap and usually the first move.""",
            ),
            ("11:15", "action", "Priya takes incident commander; Jonas joins from Storefront.", "Priya", ""),
            ("11:22", "observation", "Rollback complete, no change. All 200 Tillpoint connections busy.", "Amara", ""),
            (
                "11:25",
                "observation",
                "Gateway: app payment calls 6x normal, mostly from versions before 5.12.",
                "Jonas",
                "",
            ),
            (
                "11:31",
                "decision",
                "Rate-limit the app payment endpoint to one call per device every ten seconds.",
                "Priya",
                """Old apps were multiplying load on a degraded dependency. A gateway rule could be applied in minutes
                without an app release, and a refused retry costs a customer one more tap.""",
            ),
            ("11:49", "action", "Rate limit live; traffic to Tillpoint down 60%.", "Jonas", ""),
            ("13:30", "action", "Rate limit relaxed to one call per device every two seconds.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "assumption": "psp-latency",
                "narrative": """
                    A database failover at Tillpoint made authorisations slow for about fifty minutes: mostly
                    successful, but at 4 to 20 seconds each.
                """,
                "why": "Slow rather than failing is the hardest kind of dependency trouble to recognise, and their status page said all was well.",
            },
            {
                "factor": "load.retry-feedback-loop",
                "role": "amplifier",
                "services": ["mobile-bff", "checkout", "api-gateway"],
                "assumption": "client-backoff",
                "narrative": """
                    Apps before 5.12 retried a failed payment call immediately, up to five times. A quarter of active
                    apps turned Tillpoint's slowdown into six times the normal call rate.
                """,
                "why": """
                    5.12 fixed the retry behaviour in March and everyone's picture of "how the app retries" came from
                    the current code. Old versions were still allowed to connect so as not to lock out customers who
                    update slowly.
                """,
            },
            {
                "factor": "load.capacity-saturation",
                "role": "amplifier",
                "services": ["payments", "orders"],
                "narrative": """
                    One pool of 200 connections served authorisations, refunds and webhook confirmations. Slow calls
                    filled it, so webhooks from Tillpoint could not mark orders paid either.
                """,
                "why": "The pool had been sized with plenty of margin for normal latency and had never been near full.",
            },
            {
                "factor": "signals.plausible-wrong-lead",
                "role": "impediment",
                "services": ["payments"],
                "narrative": """
                    The 10:48 payments release drew the first twenty minutes of attention. Rolling it back was
                    reasonable and quick, but while it ran the retry pattern went unexamined.
                """,
                "why": "A recent change on our side is statistically the best first guess, and nothing yet pointed elsewhere.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["tillpoint"],
                "assumption": "tillpoint-status",
                "narrative": "Tillpoint's status page stayed green until 11:52, fifty minutes into the slowdown.",
                "why": "Our runbook's first step is to check their status page, and in the past it had been a fair guide.",
            },
            {
                "factor": "adaptive.improvised-adaptation",
                "role": "mitigator",
                "services": ["api-gateway", "mobile-bff"],
                "narrative": """
                    A per-device rate limit on one endpoint, built from a general gateway feature and the app's device
                    header, cut the retry traffic without an app release.
                """,
                "why": "Jonas knew the app's headers well, and the gateway rule syntax allowed it with a config change.",
            },
        ],
        "evidence": [
            ("psp-latency", "violated", "Authorisation p99 between 4 and 20 s for about fifty minutes."),
            (
                "client-backoff",
                "violated",
                "Apps before 5.12 retried five times with no backoff; six times normal call rate.",
            ),
            ("tillpoint-status", "violated", "Their status page turned amber fifty minutes after the slowdown began."),
        ],
        "actions": [
            {
                "title": "Circuit breaker and retry budget in the payments client",
                "kind": "prevent",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2025-07-31",
                "done": "2025-07-25",
            },
            {
                "title": "Separate connection pools for authorisations, refunds and webhooks",
                "kind": "prevent",
                "team": "payments",
                "status": "done",
                "due": "2025-08-31",
                "done": "2025-08-14",
            },
            {
                "title": "Require app version 5.12 or later for checkout",
                "kind": "mitigate",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2025-06-30",
                "done": "2025-06-20",
            },
            {
                "title": "Metric and alert for authorisation attempts per checkout",
                "kind": "detect",
                "team": "payments",
                "status": "open",
                "due": "2025-08-31",
            },
        ],
    },
    {
        "key": "PM-2025-021",
        "title": "Nightly refund batch refunded 212 customers twice",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2025-06-19 02:04",
        "detected": "08:40",
        "mitigated": "09:30",
        "resolved": "2025-06-20 17:00",
        "written": "2025-06-24",
        "published": "2025-07-02",
        "authors": ["amara"],
        "restricted_to": ["payments"],
        "services": [("payments", "origin"), ("tillpoint", "involved")],
        "summary": """
            Tillpoint's refund endpoint was slow during a maintenance window they had announced by email to our finance
            operations mailbox. Our nightly refund batch timed out on many calls and retried them, and refunds, unlike
            authorisations since January, carried no idempotency key. 212 customers were refunded twice. The batch
            reported no failures; finance operations found the duplicates in the morning reconciliation.
        """,
        "impact": """
            212 duplicate refunds totalling £9,840. 31 customers with duplicates over £20 were contacted and asked to
            let us recover the difference; the rest was written off. Restricted because it contains individual
            refund amounts and finance decisions about customers.
        """,
        "narrative": """
            The refund batch runs at 02:00 and pays back cancelled orders and lines that were short-picked. It was
            written in 2022 by a finance engineering group that later joined Payments, and it lives in the payments
            service but on its own code path. Finance's commitment to customers is a refund within 24 hours, so the
            batch was written to try hard: three attempts per refund, two seconds apart.

            In January, after PM-2024-052, Payments made every authorisation carry an idempotency key stored with the
            checkout. The work was scoped to authorisations because that is where the incident had been, and the
            refund path was not on anyone's map of "calls to Tillpoint that retry".

            Tillpoint had scheduled maintenance on their refund service from 01:30 to 03:00 and emailed the notice ten
            days earlier to the address on our account, which is finance operations' shared mailbox. During the window
            refunds succeeded but took three to five seconds. Our batch gave up after two seconds and retried; many of
            the first attempts had already gone through.

            At 02:41 the batch finished and logged "3,450 refunds, 0 failures", which was true: every refund had
            eventually returned success, some of them twice. The finance operations analyst doing the morning
            reconciliation saw 212 refunds settled twice at 08:40 and rang Amara.

            Amara paused the next night's batch and, with finance, changed it so that a timed-out refund goes to a
            manual queue instead of being retried. The decision about recovering money from customers was finance's;
            they chose to contact only customers with duplicates over £20.
        """,
        "went_well": """
            - The daily reconciliation caught the duplicates within seven hours.
            - Finance and Payments agreed a customer approach the same morning.
        """,
        "got_lucky": """
            - Tillpoint's maintenance covered one batch run, not several nights.
        """,
        "open_questions": """
            - Where else do vendor notices arrive, and who reads them?
            - What does "success" mean in a batch summary when a call might have been made twice?
        """,
        "timeline": [
            ("02:00", "action", "Refund batch starts with 3,450 refunds.", "scheduler", ""),
            ("02:04", "observation", "Refund calls taking 3 to 5 s; batch logs timeouts and retries.", "", ""),
            ("02:41", "observation", "Batch completes: '3,450 refunds, 0 failures'.", "", ""),
            (
                "08:40",
                "detection",
                "Finance operations reconciliation shows 212 refunds settled twice.",
                "finance operations",
                "",
            ),
            ("09:05", "action", "Amara disables the refund batch schedule.", "Amara", ""),
            (
                "09:30",
                "decision",
                "Send timed-out refunds to a manual queue instead of retrying.",
                "Amara",
                """Adding idempotency keys to refunds would take days. A manual queue was small enough for finance to
                work through, and it made a second refund impossible in the meantime.""",
            ),
            (
                "11:00",
                "decision",
                "Contact only customers with duplicates over £20.",
                "finance operations",
                """Contacting 212 people about small amounts would cost more in goodwill and care time than the money,
                and the larger duplicates were where customers would expect to hear from us.""",
            ),
            (
                "14:00",
                "communication",
                "Tillpoint confirms their maintenance window and the notice sent to finance.",
                "",
                "",
            ),
            ("2025-06-20 17:00", "action", "Batch re-enabled with the manual queue for timeouts.", "Amara", ""),
        ],
        "factors": [
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["payments"],
                "assumption": "psp-idempotent",
                "narrative": """
                    Refund calls carried no idempotency key. The January work covered authorisations, which was where
                    the December duplicates had been.
                """,
                "why": "The refund code path had a different history and author, and did not appear when people searched for the authorisation client.",
            },
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "narrative": "Tillpoint's refund service was slow but successful during its maintenance window.",
                "why": "Planned maintenance is routine for them and was announced, though not to anyone in Payments.",
            },
            {
                "factor": "coord.coordination-cost",
                "role": "enabling",
                "services": ["tillpoint", "payments"],
                "narrative": """
                    The maintenance notice went to finance operations' shared mailbox, the contact on our Tillpoint
                    account since 2021. Nobody there knew it mattered to a batch job.
                """,
                "why": "The account contact was set up by finance when the contract was signed, which was reasonable at the time.",
            },
            {
                "factor": "org.goal-conflict",
                "role": "enabling",
                "services": ["payments"],
                "narrative": """
                    The promise of refunds within 24 hours pushed the batch towards retrying hard rather than failing
                    into a queue for people to look at.
                """,
                "why": "Late refunds generate complaints every time; duplicate refunds had never happened.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["payments"],
                "narrative": "The batch summary reported zero failures, because every refund had eventually returned success.",
                "why": "The summary was designed to answer 'did every customer get their refund', which it did.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["payments"],
                "narrative": "The morning reconciliation was read carefully, and the analyst called rather than filed a ticket.",
                "why": "Finance operations had been told after PM-2024-052 that Payments wanted to hear about anything odd the same day.",
            },
        ],
        "evidence": [
            ("psp-idempotent", "violated", "Refund calls had no idempotency key; 212 customers were refunded twice."),
        ],
        "actions": [
            {
                "title": "Idempotency keys on refunds, stored with the refund",
                "kind": "prevent",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2025-07-31",
                "done": "2025-07-18",
            },
            {
                "title": "Route Tillpoint maintenance notices to Payments on-call",
                "kind": "mitigate",
                "team": "payments",
                "status": "done",
                "due": "2025-07-15",
                "done": "2025-06-27",
            },
            {
                "title": "Refund batch summary reports retries and slow calls, not only final status",
                "kind": "detect",
                "team": "payments",
                "status": "open",
                "due": "2025-09-30",
            },
        ],
    },
]
