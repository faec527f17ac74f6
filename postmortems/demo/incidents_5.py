"""Larder postmortems, January to May 2026."""

POSTMORTEMS = [
    {
        "key": "PM-2026-004",
        "title": "Order emails delayed three hours: one malformed address stalled a partition, and its alert went to the old team",
        "kind": "incident",
        "severity": 3,
        "status": "published",
        "started": "2026-01-17 09:35",
        "detected": "12:20",
        "mitigated": "12:48",
        "resolved": "14:30",
        "written": "2026-01-20",
        "published": "2026-01-28",
        "authors": ["jonas"],
        "reviewers": ["lucia"],
        "services": [
            ("notifications", "origin"),
            ("kafka", "involved"),
            ("mobile-bff", "involved"),
        ],
        "summary": """
            An order whose delivery instructions contained a control character made the notifications consumer fail on
            one message and retry it indefinitely, blocking one Kafka partition. A twelfth of order confirmations and
            texts stopped for three hours. The lag alert fired, but it still went to Fulfilment, who had handed the
            service to Storefront in October, and it had fired harmlessly most nights for months.
        """,
        "impact": """
            About 5,100 order confirmation emails and 2,300 delivery texts were delayed by up to three hours. Orders
            themselves were unaffected. Customer care handled about 400 "did my order go through?" contacts.
        """,
        "narrative": """
            App 6.0, released in January, has a new address form in which delivery instructions can include line
            breaks and emoji. One customer's instructions included a vertical tab, pasted from a notes app. The email
            template escaped HTML but not control characters, and rendering raised an error.

            The notifications consumer handles a failing message by retrying it. That is right for the failures it was
            built for, a slow mail provider or a brief Redis blip. For a message that fails every time it means the
            partition stops: Kafka delivers each partition in order, and nothing behind the bad message moves. One
            partition in twelve stalled from 09:35.

            The consumer-lag alert fired at 09:40. Notifications moved from Fulfilment to Storefront in the October
            reorganisation, and the service catalogue was updated; alert routing is keyed by a team label in the alert
            rules, which still said fulfilment. On Fulfilment's rotation that alert had fired most nights for months
            during the 02:00 batch, resolved itself within the hour, and was acknowledged without investigation. The
            on-call engineer acknowledged it, which also stopped it escalating.

            Customer care noticed a pattern of "no confirmation email" contacts at 12:20 and asked in #incidents.
            Jonas found the stuck partition, moved its offset past the bad message by hand at 12:45 and, once the
            template was fixed, replayed the one skipped message from the topic.
        """,
        "went_well": """
            - Customer care spotted the pattern from contacts and raised it in the right place.
            - Seven days of retention meant nothing was lost; skipped messages could be replayed.
        """,
        "got_lucky": """
            - Only one partition was affected; a second bad message on another partition would have doubled it.
        """,
        "open_questions": """
            - What else was not moved in the October reorganisation?
            - Which alerts are acknowledged by reflex, and what would it take to delete them?
        """,
        "timeline": [
            (
                "09:35",
                "observation",
                "Order with a control character in delivery instructions reaches notifications.",
                "",
                "",
            ),
            ("09:36", "observation", "Consumer starts retrying the same message; partition 3 stops moving.", "", ""),
            ("09:40", "detection", "Consumer-lag alert fires and pages the Fulfilment rotation.", "", ""),
            (
                "09:44",
                "decision",
                "Acknowledge the alert without investigating.",
                "Fulfilment on-call",
                """The alert had fired most nights for months and always cleared on its own, the service was no longer
                Fulfilment's, and the on-call engineer understood Storefront received the same alert.""",
            ),
            (
                "12:20",
                "detection",
                "Customer care asks about a cluster of 'no confirmation email' contacts.",
                "customer care",
                "",
            ),
            ("12:32", "observation", "Jonas finds partition 3 stalled on one message since 09:36.", "Jonas", ""),
            (
                "12:40",
                "decision",
                "Skip the message by moving the offset by hand and replay it after a template fix.",
                "Jonas",
                """A template fix and deploy would take an hour; skipping one known message freed 5,000 others at once,
                and the topic's retention meant it could be sent later.""",
            ),
            ("12:48", "action", "Offset moved; backlog drains in four minutes.", "Jonas", ""),
            ("14:30", "action", "Template escapes control characters; skipped message replayed.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "latent.data-shape",
                "role": "activator",
                "services": ["notifications", "mobile-bff"],
                "narrative": "Delivery instructions from the new address form contained a control character the template could not render.",
                "why": "The template was written when instructions came from a single-line web field.",
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["notifications", "kafka"],
                "narrative": """
                    The consumer retried a failing message without limit. In an ordered partition one such message
                    blocks everything behind it.
                """,
                "why": "Every failure it had seen before was transient, and retrying had always worked.",
            },
            {
                "factor": "org.ambiguous-ownership",
                "role": "enabling",
                "services": ["notifications"],
                "assumption": "alerts-route",
                "narrative": """
                    The service moved teams in October; the catalogue was updated but the alert rules' team label was
                    not, so pages still went to Fulfilment.
                """,
                "why": "The reorganisation checklist covered the catalogue, dashboards and repositories; alert labels live elsewhere.",
            },
            {
                "factor": "signals.alert-fatigue",
                "role": "impediment",
                "services": ["notifications"],
                "narrative": "The lag alert had fired most nights during the 02:00 batch and cleared itself, so acknowledging it had become routine.",
                "why": "It had never once needed action, and tuning it was on a backlog that moved with the service.",
            },
            {
                "factor": "adaptive.improvised-adaptation",
                "role": "mitigator",
                "services": ["kafka", "notifications"],
                "narrative": "Moving the offset by hand past one message freed the partition an hour before a fix could ship.",
                "why": "Jonas knew the topic's retention would let the message be replayed later.",
            },
        ],
        "evidence": [
            (
                "alerts-route",
                "violated",
                "Notifications alerts still paged Fulfilment three months after the service moved.",
            ),
            ("kafka-retention", "supported", "The skipped message was replayed from the topic after the fix."),
        ],
        "actions": [
            {
                "title": "Dead-letter topic for messages that fail three times",
                "kind": "prevent",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2026-02-28",
                "done": "2026-02-19",
            },
            {
                "title": "Derive alert routing from service ownership in the catalogue",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-06-30",
            },
            {
                "title": "Fix or delete the nightly notifications lag alert",
                "kind": "detect",
                "team": "storefront",
                "status": "done",
                "due": "2026-02-15",
                "done": "2026-02-03",
            },
        ],
    },
    {
        "key": "PM-2026-009",
        "title": "Random log-outs for three days: a new node image shipped without time sync",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2026-03-07 08:10",
        "detected": "09:05",
        "mitigated": "11:40",
        "resolved": "16:00",
        "written": "2026-03-10",
        "published": "2026-03-18",
        "authors": ["priya", "tomasz"],
        "reviewers": ["jonas"],
        "services": [
            ("kubernetes", "origin"),
            ("identity", "impacted"),
            ("api-gateway", "impacted"),
            ("mobile-bff", "impacted"),
        ],
        "summary": """
            A hardened node image rolled out from Wednesday disabled the time-sync daemon. As the cluster autoscaler
            replaced nodes, more of them drifted, some by over 40 seconds. Tokens minted on a fast node were rejected
            as "not yet valid" by services on a slow one. By Saturday about 4% of requests failed with 401s and app
            users were being logged out at random. A new app release the day before drew the first ninety minutes of
            diagnosis.
        """,
        "impact": """
            Intermittent log-outs and failed requests for app and web users, growing from Wednesday and reaching about
            4% of authenticated requests on Saturday morning. An estimated 1,500 baskets were abandoned after a
            log-out.
        """,
        "narrative": """
            The new node image came out of a security hardening project: a smaller base and a profile that disables
            network services a node "does not need". The time-sync daemon was on that list. The image passed the
            cluster's conformance tests, which run for minutes, and a clock drifts over hours. It went live on
            Wednesday; rather than replacing every node at once, we let the cluster autoscaler bring it in as nodes
            were recycled, which is our normal, cautious way of changing images.

            Identity signs tokens with an issued-at time from its own node's clock; every service that checks a token
            allows five seconds of leeway. As new-image nodes drifted apart, a token minted on a fast node and checked
            on a slow one looked as if it came from the future. The failures depended on which two nodes a request
            happened to touch, so they were intermittent, and they grew slowly as more nodes were replaced.

            On Saturday morning Storefront saw 401s rising in app telemetry. App 6.2 had been released the day before
            with changes to session refresh, and the 401s were concentrated in app traffic. Jonas's team spent ninety
            minutes examining the release, which was a very reasonable place to look.

            Priya pulled in Tomasz at 10:40. He saw "token not yet valid" in Identity's logs and, remembering PM-2025-028,
            where the same words had sent us to check clocks for nothing, checked clocks again. This time they were
            forty seconds apart. By 11:40 the new-image nodes were cordoned and Identity and the gateway were running
            on old-image nodes; a fixed image rolled out that afternoon.

            This is the sixth incident in fifteen months in which Tomasz has been central. Everyone is glad he was
            there, and several people said in the review that they would not have thought to check clocks. That is the pattern we want to
            change: not his involvement, but how few other people have had the chance to learn what he knows.
        """,
        "went_well": """
            - Cordoning the new nodes was quick and reversible.
            - The review produced a clear picture of why each early lead looked right.
        """,
        "got_lucky": """
            - Payments validates Tillpoint webhooks with a leeway of five minutes, so captures were unaffected.
        """,
        "open_questions": """
            - What other properties of a node only show up after hours of running?
            - How do we spread the kind of knowledge that made Tomasz check clocks?
        """,
        "timeline": [
            ("2026-03-04 10:00", "change", "Hardened node image enabled for new nodes.", "platform", ""),
            ("2026-03-06 17:00", "change", "App 6.2 released with session refresh changes.", "Storefront", ""),
            ("08:10", "observation", "401 rate for app traffic passes 2%.", "", ""),
            ("09:05", "detection", "Storefront on-call notices 401s rising in app telemetry.", "Jonas", ""),
            (
                "09:10",
                "decision",
                "Investigate app 6.2's session refresh changes.",
                "Jonas",
                """The 401s were concentrated in app traffic, a release touching sessions had gone out the day before,
                and nothing on the platform side was reported as changed that week.""",
            ),
            ("10:40", "communication", "Priya asks Tomasz to look at Identity.", "Priya", ""),
            (
                "10:55",
                "observation",
                "Identity logs show 'token not yet valid'; node clocks up to 43 s apart.",
                "Tomasz",
                "",
            ),
            (
                "11:05",
                "decision",
                "Cordon new-image nodes and move Identity and the gateway to old-image nodes.",
                "Priya",
                """It removed the drift from the token path within minutes without a new image, and could be undone
                once a fixed image existed.""",
            ),
            ("11:40", "observation", "401 rate back to baseline.", "", ""),
            ("16:00", "action", "Fixed image with time sync rolled out to all nodes.", "Priya", ""),
        ],
        "factors": [
            {
                "factor": "change.code-change",
                "role": "activator",
                "services": ["kubernetes"],
                "narrative": "A hardened node image disabled the time-sync daemon along with other network services.",
                "why": "Removing unneeded services is good hardening practice, and time sync was not recognised as load-bearing.",
            },
            {
                "factor": "latent.clock-and-time",
                "role": "enabling",
                "services": ["identity", "api-gateway"],
                "assumption": "clock-sync",
                "narrative": "Token validation assumes node clocks agree within five seconds; nothing checked that they did.",
                "why": "Clocks had been synchronised on every node image for years.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "amplifier",
                "services": ["kubernetes"],
                "narrative": """
                    Letting the autoscaler bring the image in as nodes recycled spread the change over days, so the
                    problem grew slowly and never lined up with a deploy.
                """,
                "why": "Gradual replacement is the cautious option and has caught image problems early before.",
            },
            {
                "factor": "signals.masked-anomaly",
                "role": "impediment",
                "services": ["identity", "mobile-bff"],
                "narrative": "Failures depended on which pair of nodes a request touched, so they were intermittent and looked like session expiry.",
                "why": "A small rate of 401s is normal and usually means a genuinely expired session.",
            },
            {
                "factor": "signals.plausible-wrong-lead",
                "role": "impediment",
                "services": ["mobile-bff"],
                "narrative": "App 6.2, released the day before with session changes, drew the first ninety minutes of diagnosis.",
                "why": "The errors were concentrated in app traffic, and the release touched exactly the code that could cause them.",
            },
            {
                "factor": "adaptive.expertise-mobilized",
                "role": "mitigator",
                "services": ["identity", "kubernetes"],
                "narrative": "Tomasz read 'not yet valid' as a clock symptom and checked, despite the same clue having misled us in PM-2025-028.",
                "why": "He had been through PM-2025-028 and knew the message could mean either thing.",
            },
        ],
        "evidence": [
            ("clock-sync", "violated", "New-image nodes ran without time sync and drifted up to 43 s apart."),
        ],
        "actions": [
            {
                "title": "Node image CI checks that time sync runs and clock offset stays under 100 ms for an hour",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2026-04-15",
                "done": "2026-04-02",
            },
            {
                "title": "Alert on node clock offset above 500 ms",
                "kind": "detect",
                "team": "platform",
                "status": "done",
                "due": "2026-03-31",
                "done": "2026-03-20",
            },
            {
                "title": "Pair a second engineer with Tomasz on every database and identity incident",
                "kind": "learn",
                "owner": "priya",
                "team": "platform",
                "status": "open",
                "due": "2026-06-30",
            },
        ],
    },
    {
        "key": "PM-2026-013",
        "title": "After a Tillpoint outage, every pending payment was rechecked at once and knocked it over again",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2026-04-04 13:05",
        "detected": "13:06",
        "mitigated": "14:20",
        "resolved": "16:30",
        "written": "2026-04-08",
        "published": "2026-04-17",
        "authors": ["amara", "priya"],
        "reviewers": ["tomasz"],
        "services": [
            ("tillpoint", "origin"),
            ("payments", "involved"),
            ("checkout", "impacted"),
            ("orders", "impacted"),
        ],
        "summary": """
            Tillpoint was unavailable for 45 minutes on Easter Saturday. The circuit breaker opened and checkout saved
            baskets with a clear message, as designed. When Tillpoint came back, the reconciliation job rechecked all
            7,800 pending payments in the same minute while customers retried together, and Tillpoint rate-limited us
            for another half hour. The breaker opened and closed twice more before the job was paused.
        """,
        "impact": """
            No card payments from 13:05 to 13:50; repeated failures and 429s until 14:20. About 11,000 checkouts were
            interrupted; baskets were saved and roughly 8,500 completed later that afternoon. No duplicate charges.
        """,
        "narrative": """
            At 13:05 Tillpoint stopped answering. The breaker opened within a minute, and checkout told customers "we
            can't take card payments right now; your basket is saved". That part worked as designed, and it is the
            reason most customers came back.

            Payments that were in flight when Tillpoint went away are left "pending": we do not know whether they were
            authorised. The reconciliation job asks Tillpoint about pending payments every minute. During the outage
            every one of those checks failed and was put back for the next run, so by 13:50 there were 7,800 of them
            waiting, all due at once. At the same moment the checkout banner disappeared, and customers who had been
            waiting pressed "Place order" together.

            Tillpoint, barely back on its feet, received about twelve times our normal call rate and started returning
            429s. Our breaker read the 429s as failures and opened again; thirty seconds later it closed, and the same
            wave went out. It did this twice. Both the job and the breaker were doing what they were built to do; what
            nobody had designed for was the moment of recovery, when everything they had held back became due at once.

            Amara paused the reconciliation job at 14:08 and changed the breaker to let traffic back gradually. Priya,
            as incident commander, spent most of the hour on the Tillpoint support bridge and relaying between it,
            finance (who needed a list of pending orders) and the executive channel. By 14:20 Tillpoint was stable and
            the job was resumed at a tenth of its rate.
        """,
        "went_well": """
            - The breaker and the saved-basket message did their job during the outage itself.
            - Stored idempotency keys meant thousands of rechecks and retries produced no duplicate charges.
        """,
        "got_lucky": """
            - Tillpoint's rate limiting protected them from us; a dependency without one might have failed again for longer.
        """,
        "open_questions": """
            - Where else does work pile up during an outage and come due all at once on recovery?
            - What should a breaker do with a 429 from a dependency that is recovering?
        """,
        "timeline": [
            ("13:05", "observation", "Tillpoint stops answering; payments breaker opens.", "", ""),
            ("13:06", "detection", "Breaker-open alert pages Payments on-call.", "Amara", ""),
            ("13:08", "communication", "Checkout shows the saved-basket message.", "", ""),
            ("13:15", "action", "Priya takes incident command and joins Tillpoint's support bridge.", "Priya", ""),
            (
                "13:50",
                "observation",
                "Tillpoint recovers; breaker closes; 7,800 reconciliation checks fire with customer retries.",
                "",
                "",
            ),
            ("13:51", "observation", "Tillpoint returns 429s; breaker reopens. Repeats at 13:58.", "", ""),
            (
                "14:02",
                "decision",
                "Pause the reconciliation job.",
                "Amara",
                """The job's backlog was the largest single burst and none of it was urgent for customers; pending
                payments could wait an hour without harm.""",
            ),
            (
                "14:08",
                "decision",
                "Switch the breaker to a gradual ramp when closing.",
                "Amara",
                """Closing fully released all held-back demand at once. A ramp would keep Tillpoint under its limit
                while still serving customers first.""",
            ),
            ("14:20", "observation", "Tillpoint stable; no 429s for ten minutes.", "", ""),
            ("16:30", "action", "Reconciliation backlog cleared at a tenth of the job's normal rate.", "Amara", ""),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "assumption": "psp-latency",
                "narrative": "Tillpoint was unavailable for 45 minutes on one of the busiest days of spring.",
                "why": "Every processor has outages; the question for us is what our side does with them.",
            },
            {
                "factor": "load.synchronized-demand",
                "role": "amplifier",
                "services": ["payments", "checkout"],
                "assumption": "client-backoff",
                "narrative": """
                    7,800 held-back reconciliation checks and the customers waiting behind the banner all became due the
                    moment the breaker closed.
                """,
                "why": "The job reschedules failures for its next run, which is reasonable one at a time and became a wave together.",
            },
            {
                "factor": "load.retry-feedback-loop",
                "role": "amplifier",
                "services": ["payments", "tillpoint"],
                "narrative": "The breaker treated Tillpoint's 429s as failures, reopened, then released the same wave again.",
                "why": "The breaker was designed for outages and slowdowns; a recovering dependency that rate-limits was new.",
            },
            {
                "factor": "coord.coordination-cost",
                "role": "impediment",
                "services": ["tillpoint", "payments"],
                "narrative": """
                    The incident commander spent much of the hour relaying between Tillpoint's support bridge, finance
                    and executives, each needing different numbers.
                """,
                "why": "There was no shared dashboard to point Tillpoint at, so numbers were read out by hand.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "services": ["payments", "checkout"],
                "assumption": "psp-idempotent-key",
                "narrative": """
                    The breaker, saved baskets and stored idempotency keys turned 45 minutes without payments into a
                    delay rather than lost orders or duplicate charges.
                """,
                "why": "Built after PM-2024-052 and PM-2025-017, and exercised in the February game day.",
            },
        ],
        "evidence": [
            ("psp-latency", "violated", "Tillpoint unavailable for 45 minutes, then rate-limiting for 30."),
            (
                "client-backoff",
                "violated",
                "The reconciliation job released 7,800 checks in one minute with no jitter.",
            ),
            ("psp-idempotent-key", "stressed", "Thousands of rechecks and retries reused stored keys; no duplicates."),
        ],
        "actions": [
            {
                "title": "Reconciliation job spreads rescheduled checks with jitter and a per-minute cap",
                "kind": "prevent",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2026-05-15",
                "done": "2026-04-30",
            },
            {
                "title": "Circuit breaker closes gradually and treats 429s as a signal to slow down",
                "kind": "prevent",
                "team": "payments",
                "status": "done",
                "due": "2026-05-31",
                "done": "2026-05-22",
            },
            {
                "title": "Metric and alert for authorisation attempts per checkout",
                "kind": "detect",
                "team": "payments",
                "status": "open",
                "due": "2026-06-30",
            },
            {
                "title": "A traffic dashboard we can share with Tillpoint on support bridges",
                "kind": "learn",
                "owner": "amara",
                "team": "payments",
                "status": "open",
                "due": "2026-07-31",
            },
        ],
    },
    {
        "key": "PM-2026-017",
        "title": "Failover game day found the generated runbook naming a retired replica",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2026-05-12 06:00",
        "detected": "06:07",
        "mitigated": "06:14",
        "resolved": "06:40",
        "written": "2026-05-13",
        "published": "2026-05-20",
        "authors": ["priya"],
        "services": [("postgres-main", "origin")],
        "summary": """
            Our first failover game day, promised after PM-2025-024, was run by Priya with Tomasz observing and asked
            not to help. The runbook, now generated from the infrastructure inventory, named a replica retired in
            April: the generator had been reading an export that stopped refreshing in March. The new "replica lag"
            line in the runbook showed "unknown", which gave it away before anything was run. Two people on the
            rotation also lacked the permissions to perform a failover.
        """,
        "impact": "None. A planned failover at 06:00; writes paused for 40 seconds as expected.",
        "narrative": """
            After PM-2025-024 we promised ourselves quarterly failover practice, run by someone other than Tomasz. It
            took ten months to schedule the first one, which says something about how easily rehearsal loses to other
            work.

            The runbook is now generated from the infrastructure inventory, so that it cannot fall behind the topology
            again. At 06:07 Priya read the promotion target from it, "pg-main-replica-b", and the generated lag line
            beside it said "unknown". That replica was removed in April when replicas were resized. The generator reads
            a nightly export of the inventory, and the export job had been failing since March because its credentials
            expired. The generator did not check the export's age.

            The same morning we found that two of the five people on the platform rotation could not have run the
            failover at all: their accounts lacked the provider permissions, which had been granted one by one as
            people did database work, in practice mostly to Tomasz.

            Priya picked the right replica and the failover completed in fourteen minutes, against thirty-eight in the
            real incident. Tomasz stayed quiet for the agreed thirty minutes.
        """,
        "went_well": """
            - The game day happened, with the expert deliberately held back.
            - The lag line added to the runbook made a stale target visible before any command ran.
        """,
        "got_lucky": """
            - This was found in a rehearsal. A real failover in April or May would have met the same stale runbook.
        """,
        "open_questions": """
            - What else do we generate from exports that can silently go stale?
            - How do we keep rehearsal from losing to feature work for another ten months?
        """,
        "timeline": [
            ("06:00", "action", "Game day begins; Tomasz observes only.", "Priya", ""),
            ("06:07", "detection", "Generated runbook names 'pg-main-replica-b', lag 'unknown'.", "Priya", ""),
            (
                "06:09",
                "decision",
                "Stop and verify the topology from the provider console before continuing.",
                "Priya",
                """An unknown lag meant the runbook could not see the replica; continuing on a guess was exactly what
                the game day was meant to rehearse not doing.""",
            ),
            ("06:12", "observation", "Inventory export last succeeded in March; credentials expired.", "Priya", ""),
            ("06:14", "action", "Failover to the correct replica completes.", "Priya", ""),
            ("06:40", "communication", "Write-up posted; two missing permission grants found.", "Priya", ""),
        ],
        "factors": [
            {
                "factor": "org.wai-wad-gap",
                "role": "enabling",
                "services": ["postgres-main"],
                "assumption": "runbook-topology",
                "narrative": "The runbook, generated to stay current, described a topology two months out of date.",
                "why": "Generating it from the inventory was the fix for PM-2025-024 and was believed to close the gap for good.",
            },
            {
                "factor": "latent.stale-state",
                "role": "enabling",
                "services": ["postgres-main"],
                "narrative": "The generator read a nightly export that had stopped refreshing in March, and it did not check the export's age.",
                "why": "The export had run reliably for years, and its failures went to a mailbox nobody read.",
            },
            {
                "factor": "coord.expertise-concentration",
                "role": "enabling",
                "services": ["postgres-main"],
                "assumption": "manual-failover",
                "narrative": "Two of five people on the rotation lacked the permissions to fail over; in practice only Tomasz and Priya could.",
                "why": "Permissions were granted as people did database work, and database work tended to go to Tomasz.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["postgres-main"],
                "narrative": "Priya treated an 'unknown' lag as a reason to stop rather than a detail to skip.",
                "why": "The game day had been framed as practice in stopping when something looks off.",
            },
        ],
        "evidence": [
            ("runbook-topology", "near_miss", "The generated runbook named a replica retired in April."),
            ("manual-failover", "near_miss", "Two of five people on the rotation lacked failover permissions."),
        ],
        "actions": [
            {
                "title": "Runbook generator refuses to run on an inventory export older than a day",
                "kind": "prevent",
                "owner": "tomasz",
                "team": "platform",
                "status": "done",
                "due": "2026-05-31",
                "done": "2026-05-19",
            },
            {
                "title": "Grant failover permissions to everyone on the platform rotation",
                "kind": "mitigate",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2026-05-15",
                "done": "2026-05-13",
            },
            {
                "title": "Next game day run by someone who has never done a failover",
                "kind": "learn",
                "team": "platform",
                "status": "open",
                "due": "2026-08-31",
            },
        ],
    },
]
