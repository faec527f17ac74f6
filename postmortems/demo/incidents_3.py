"""Larder postmortems, July to September 2025."""

POSTMORTEMS = [
    {
        "key": "PM-2025-024",
        "title": "Manual Postgres failover took 38 minutes; the runbook named a retired replica",
        "kind": "incident",
        "severity": 3,
        "status": "published",
        "started": "2025-07-08 19:06",
        "detected": "19:10",
        "mitigated": "19:48",
        "resolved": "21:30",
        "written": "2025-07-10",
        "published": "2025-07-18",
        "authors": ["priya"],
        "reviewers": ["tomasz"],
        "services": [
            ("postgres-main", "origin"),
            ("orders", "impacted"),
            ("delivery-slots", "impacted"),
            ("payments", "impacted"),
        ],
        "summary": """
            The storage under the main Postgres primary degraded during the Tuesday evening peak. Writes slowed to
            800 ms, but the provider's health check kept passing, so automatic failover never started. The manual
            failover took 38 minutes: nobody on the rotation had done one since 2022, the runbook named a replica that
            no longer existed, and the one person who knew the procedure was on holiday.
        """,
        "impact": """
            From 19:06 to 19:48 placing an order took 10 to 30 seconds and about 18% of attempts timed out. Slot
            booking was slow; browsing was unaffected.
        """,
        "narrative": """
            At 19:06 write latency on the primary went from 5 ms to 800 ms. The provider later told us one of the
            volumes under it was degraded. Reads from replicas were fine, so browsing and search carried on normally;
            anything that wrote (orders, slot holds, payment attempts) became slow.

            Priya was on call. The provider's automatic failover triggers when the primary stops answering its health
            check, and a slow primary still answers. So the situation we had automated in 2022 was not the situation we
            were in, and the decision to fail over by hand was hers. She made it at 19:18, after confirming replica
            lag was under a second.

            The failover runbook said to promote "pg-main-replica-2". That replica had been replaced in November 2024
            when we moved zones; the command failed with "not found". Working out which of the two current replicas was
            the right target, and whether the runbook's other steps (pausing the orders consumers first) still
            applied, took another fifteen minutes of careful reading. Nobody on the current rotation had done a manual
            failover: it had been automated before most of them joined.

            Tomasz wrote the original runbook and has done most of our database work. He was on holiday. Priya
            messaged him at 19:32 and he joined from his phone, confirmed the target and that the consumer step was
            obsolete, and the promotion finished at 19:48.

            We are grateful Tomasz answered, and also uneasy: this is the third incident in seven months where
            resolution ran through him. That is a property of how knowledge is spread across the team, not of any one person.
        """,
        "went_well": """
            - Priya checked replica lag before promoting, so no writes were lost.
            - Tomasz was reachable and answered within minutes.
        """,
        "got_lucky": """
            - It was a Tuesday; the degradation did not coincide with the 20:00 slot release peak on a weekend.
            - Tomasz had signal on holiday.
        """,
        "open_questions": """
            - Which other automations handle only the clean failure, and leave the grey one to people?
            - How do we keep manual skills alive for operations that are automated?
        """,
        "timeline": [
            ("19:06", "observation", "Primary write latency rises from 5 ms to 800 ms.", "", ""),
            ("19:10", "detection", "Order placement latency alert pages platform on-call.", "Priya", ""),
            (
                "19:18",
                "decision",
                "Fail over manually to a replica.",
                "Priya",
                """The provider's failover would not trigger while the primary still passed its health check, replica
                lag was under a second, and the slowness was on the primary's storage.""",
            ),
            ("19:20", "action", "Runbook promotion command fails: replica 'pg-main-replica-2' not found.", "Priya", ""),
            ("19:32", "communication", "Priya messages Tomasz, who is on holiday.", "Priya", ""),
            (
                "19:40",
                "action",
                "Tomasz confirms the target replica and that the consumer-pause step is obsolete.",
                "Tomasz",
                "",
            ),
            ("19:48", "action", "Replica promoted; write latency back to 6 ms.", "Priya", ""),
            ("21:30", "action", "Provider replaces the degraded volume; new replica in sync.", "", ""),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["postgres-main"],
                "narrative": "A degraded storage volume at the provider made the primary slow without making it unavailable.",
                "why": "Managed storage rarely degrades this way; outright failure is what the provider's automation covers.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["postgres-main"],
                "narrative": """
                    The provider's health check runs a trivial query and kept passing, so the cluster looked healthy to
                    the automation that would otherwise have failed it over.
                """,
                "why": "The check was designed for 'is it up', and nobody expected a primary to be up and nearly unusable.",
            },
            {
                "factor": "automation.skill-erosion",
                "role": "impediment",
                "services": ["postgres-main"],
                "assumption": "manual-failover",
                "narrative": """
                    Failover was automated in 2022. Since then no one on the current rotation had done one by hand, so
                    every step was being read rather than remembered.
                """,
                "why": "Automating failover was the right call, and it had worked every time it had been needed.",
            },
            {
                "factor": "org.wai-wad-gap",
                "role": "impediment",
                "services": ["postgres-main"],
                "assumption": "runbook-topology",
                "narrative": """
                    The runbook named a replica retired in November 2024 and included a consumer-pause step that no
                    longer applied.
                """,
                "why": "The zone move was a large project; updating a runbook for a procedure that was automated was not on its list.",
            },
            {
                "factor": "coord.expertise-concentration",
                "role": "impediment",
                "services": ["postgres-main"],
                "narrative": "Confident knowledge of the procedure lived with one person, who was on holiday.",
                "why": "Tomasz is the person people naturally ask about Postgres, so he kept getting the experience.",
            },
            {
                "factor": "adaptive.expertise-mobilized",
                "role": "mitigator",
                "services": ["postgres-main"],
                "narrative": "Tomasz answered from holiday and settled the two open questions in eight minutes.",
                "why": "He had written the runbook and knew which parts had aged.",
            },
        ],
        "evidence": [
            ("manual-failover", "violated", "Nobody on the rotation had done a manual failover; it took 38 minutes."),
            ("runbook-topology", "violated", "The runbook's promotion target had been retired eight months earlier."),
        ],
        "actions": [
            {
                "title": "Quarterly failover game day, run by someone other than Tomasz",
                "kind": "learn",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-10-31",
                "done": "2026-05-12",
            },
            {
                "title": "Generate database runbooks from the infrastructure inventory",
                "kind": "prevent",
                "owner": "tomasz",
                "team": "platform",
                "status": "done",
                "due": "2025-08-31",
                "done": "2025-08-15",
            },
            {
                "title": "Alert on primary write latency, not only availability",
                "kind": "detect",
                "team": "platform",
                "status": "done",
                "due": "2025-07-31",
                "done": "2025-07-24",
            },
        ],
    },
    {
        "key": "PM-2025-028",
        "title": "Customers could not log in for 52 minutes: the mesh intermediate certificate expired",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2025-08-02 07:14",
        "detected": "07:19",
        "mitigated": "08:06",
        "resolved": "13:20",
        "written": "2025-08-05",
        "published": "2025-08-13",
        "authors": ["priya", "tomasz"],
        "services": [
            ("kubernetes", "origin"),
            ("identity", "impacted"),
            ("api-gateway", "impacted"),
            ("mobile-bff", "impacted"),
            ("web-storefront", "impacted"),
        ],
        "summary": """
            The intermediate certificate authority behind mutual TLS between the gateway and Identity expired on a
            Saturday morning. It had been made by hand during a 2022 service-mesh pilot and was never brought under
            cert-manager or the expiry dashboard. Token checks failed, so customers could browse but not log in, book
            slots or check out for 52 minutes. Mutual authentication on that link was switched off until a new
            intermediate was issued.
        """,
        "impact": """
            From 07:19 to 08:06 every request needing a logged-in customer failed: log-in, slot booking, basket sync
            and checkout. Anonymous browsing worked. Saturday morning is a moderate period; about 2,600 orders were
            delayed and most were placed later.
        """,
        "narrative": """
            In 2022 the platform team piloted a service mesh on one link, gateway to Identity. Tomasz set up the pilot,
            including an intermediate CA made by hand with a three-year lifetime; cert-manager issued short-lived leaf
            certificates from it. The pilot worked, the wider rollout was deprioritised, and the one link stayed on
            mutual TLS because it was working and turning it off felt like going backwards.

            At 07:14 the intermediate expired. The leaf certificates were valid, but their chain was not, and the
            gateway's calls to Identity started failing. Token checks are cached for five minutes, so failures ramped
            up over five minutes and then became total for anything needing a logged-in customer.

            Priya was paged at 07:19. The error in the gateway logs read "certificate has expired or is not yet valid".
            The expiry dashboard was green, because it lists the certificates cert-manager manages, all leaves and all
            recently renewed. With the dashboard green and "not yet valid" in the message, clock skew was the more
            likely reading, and she spent fifteen minutes checking node clocks. They were fine.

            At 07:40 she dumped the chain the gateway presented and saw the expired intermediate. Nobody else on the
            rotation knew it existed. She rang Tomasz, who remembered the pilot and where the key was kept. Issuing a
            new intermediate needs the offline root key, which takes two key holders and several hours. The faster
            option was to drop the client-certificate requirement on that link and rely on server-side TLS inside the
            cluster network, which is how every other internal link already worked. Priya and Tomasz agreed the
            security trade-off with the head of engineering by phone and made the change at 08:02.

            Mutual TLS was restored at 13:20 with a new intermediate under cert-manager. Seven months earlier, PM-2025-003
            had found a different certificate renewed outside our automation; the action to list every such certificate
            was still open.
        """,
        "went_well": """
            - Priya checked the whole chain rather than the leaf once the clock theory was ruled out.
            - The security trade-off was made explicitly, with the right people, in minutes.
        """,
        "got_lucky": """
            - The expiry fell on a Saturday morning rather than a weekday evening peak.
            - Tomasz was at home and remembered where the pilot's key was.
        """,
        "open_questions": """
            - What other pilot configuration is still in production?
            - Should the expiry dashboard be built from what services present, rather than from what cert-manager knows?
        """,
        "timeline": [
            ("07:14", "observation", "Mesh intermediate CA reaches its expiry time.", "", ""),
            ("07:19", "detection", "Gateway 5xx alert pages platform on-call.", "Priya", ""),
            (
                "07:22",
                "decision",
                "Investigate clock skew first.",
                "Priya",
                """The error said "expired or not yet valid", the expiry dashboard showed every certificate healthy,
                and a node image change the week before made skew plausible.""",
            ),
            ("07:37", "observation", "Node clocks within 50 ms; skew ruled out.", "Priya", ""),
            ("07:40", "observation", "Presented chain shows the intermediate expired at 07:14.", "Priya", ""),
            ("07:44", "communication", "Priya rings Tomasz, who recognises the pilot intermediate.", "Priya", ""),
            (
                "07:55",
                "decision",
                "Drop client-certificate verification on the gateway to Identity link until a new intermediate exists.",
                "Priya",
                """A new intermediate needed two root key holders and hours. Server-side TLS inside the cluster network
                is how every other internal link works, and the head of engineering agreed the trade-off.""",
            ),
            ("08:06", "action", "Change live; log-ins succeed.", "Tomasz", ""),
            ("13:20", "action", "New intermediate issued under cert-manager; mutual TLS restored.", "Tomasz", ""),
        ],
        "factors": [
            {
                "factor": "latent.clock-and-time",
                "role": "activator",
                "services": ["kubernetes", "identity"],
                "assumption": "cert-renewal",
                "narrative": "A three-year certificate lifetime ran out at 07:14 on a Saturday.",
                "why": "Three years is longer than most people's memory of why a certificate exists.",
            },
            {
                "factor": "latent.config-drift",
                "role": "enabling",
                "services": ["kubernetes", "api-gateway", "identity"],
                "narrative": """
                    A pilot set up by hand in 2022 stayed in production after the wider rollout was shelved. It was
                    never moved into the automation that looks after every other certificate.
                """,
                "why": "The pilot was working and small, and taking it out felt like undoing progress.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["kubernetes"],
                "narrative": "The expiry dashboard was green: it lists what cert-manager manages, and the intermediate was not among them.",
                "why": "The dashboard was built from cert-manager because that was where certificates were supposed to be.",
            },
            {
                "factor": "signals.plausible-wrong-lead",
                "role": "impediment",
                "services": ["kubernetes"],
                "narrative": "The TLS error text included 'not yet valid', which sent the first fifteen minutes towards clock skew.",
                "why": "With the dashboard green, skew was the better fit for the evidence available.",
            },
            {
                "factor": "coord.expertise-concentration",
                "role": "impediment",
                "services": ["kubernetes", "identity"],
                "narrative": "Only Tomasz knew the intermediate existed and where its key lived.",
                "why": "He had set up the pilot alone, and it had needed no attention since.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["api-gateway", "identity"],
                "narrative": "Giving up mutual authentication on one internal link for five hours restored log-ins in minutes.",
                "why": "It matched the protection every other internal link had, and it was agreed explicitly.",
            },
        ],
        "evidence": [
            ("cert-renewal", "violated", "A hand-made intermediate outside cert-manager expired with no warning."),
        ],
        "actions": [
            {
                "title": "Bring every intermediate under cert-manager, with expiry alerts at 30, 14 and 7 days",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-09-30",
                "done": "2025-09-26",
            },
            {
                "title": "Add third-party certificates to the expiry dashboard",
                "kind": "detect",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-09-30",
                "done": "2025-09-26",
            },
            {
                "title": "Decide the future of the mesh pilot: finish it or remove it",
                "kind": "learn",
                "owner": "priya",
                "team": "platform",
                "status": "open",
                "due": "2025-12-31",
            },
        ],
    },
    {
        "key": "PM-2025-031",
        "title": "Gateway rate-limit change throttled app users behind mobile carrier NAT; stopped at 25%",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2025-08-27 14:10",
        "detected": "14:31",
        "mitigated": "14:38",
        "resolved": "15:00",
        "written": "2025-08-28",
        "published": "2025-09-03",
        "authors": ["jonas", "priya"],
        "services": [("api-gateway", "origin"), ("mobile-bff", "impacted"), ("catalogue-search", "involved")],
        "summary": """
            A change to cut scraping lowered the per-IP rate limit on catalogue endpoints from 600 to 120 requests a
            minute. Thousands of app users on two mobile networks share a handful of IP addresses, so on the pods that
            had the change they were throttled. The canary passed because its analysis ignores 429 responses; Jonas
            spotted the 429s in app telemetry and the rollout was reverted at 25%.
        """,
        "impact": "A few hundred app users saw 'too many requests' while browsing for up to ten minutes.",
        "narrative": """
            Scrapers had been pulling the whole catalogue several times a day, and the platform team changed the
            gateway's per-IP limit on catalogue endpoints from 600 to 120 requests a minute. The change was reviewed
            and passed CI, which validates the gateway config's syntax. In staging, test devices on office wi-fi each
            have their own address and never came near the limit.

            Gateway config rolls out in stages: 5%, 25%, then everyone, with an automated canary analysis between
            stages. The analysis compares 5xx rates, and a 429 is a client error, so the canary passed at 5% and the
            rollout moved on to 25%.

            Jonas was looking at app telemetry for an unrelated release and noticed a block of 429 responses from two
            mobile networks. Both use carrier-grade NAT, which puts thousands of phones behind a few public addresses;
            to our gateway they looked like a handful of very busy clients. He asked in #platform at 14:31 and the
            rollout was reverted at 14:38.

            We record this as a near miss of the same kind as PM-2025-009: a config change, checked for form but not
            against the shape of production traffic. This time the staged rollout and a person looking at a different
            screen kept it small.
        """,
        "went_well": """
            - Staged rollout kept the reach to 25% of pods.
            - Jonas asked at once instead of assuming someone else had seen it.
        """,
        "got_lucky": """
            - Jonas happened to be looking at app telemetry for an unrelated release.
        """,
        "open_questions": """
            - What does "production-like" mean for traffic-shaping config, and can CI ever have it?
            - Which other canary checks ignore failures that are client-shaped but caused by us?
        """,
        "timeline": [
            (
                "14:10",
                "change",
                "Catalogue per-IP rate limit lowered to 120/min; rollout to 5% of pods.",
                "platform",
                "",
            ),
            ("14:20", "observation", "Canary analysis passes (5xx unchanged); rollout proceeds to 25%.", "", ""),
            (
                "14:31",
                "detection",
                "Jonas sees 429s clustered on two mobile networks and asks in #platform.",
                "Jonas",
                "",
            ),
            (
                "14:34",
                "decision",
                "Revert rather than raise the limit in place.",
                "Priya",
                """Nobody yet knew what limit would be safe behind carrier NAT, and the previous value was known good.""",
            ),
            ("14:38", "action", "Rollout reverted; 429s stop.", "Priya", ""),
            ("15:00", "communication", "Note in #platform and a near-miss review requested.", "Priya", ""),
        ],
        "factors": [
            {
                "factor": "change.config-change",
                "role": "activator",
                "services": ["api-gateway"],
                "assumption": "config-validated",
                "narrative": "A one-line change to a per-IP rate limit, made to stop catalogue scraping.",
                "why": "Scraping was costing real money, and the new limit was well above what any single customer did.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["api-gateway", "mobile-bff"],
                "narrative": """
                    CI checked syntax, and staging traffic came from devices with their own addresses. Nothing showed
                    what the limit would do to many customers sharing an address.
                """,
                "why": "Per-IP limits had been tuned before without trouble, when the limits were far higher.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["api-gateway"],
                "narrative": "The canary analysis compared 5xx rates only, so a rise in 429s read as a pass.",
                "why": "429s are usually the client's doing and had been excluded to stop bots failing good deploys.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["mobile-bff"],
                "narrative": "Jonas noticed an odd cluster of 429s in app telemetry and asked about it straight away.",
                "why": "Storefront reads app telemetry by network as a habit after PM-2025-017.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "services": ["api-gateway"],
                "narrative": "Staged rollout kept the change on a quarter of the pods when it was noticed.",
                "why": "Gateway config has rolled out in stages since 2024.",
            },
        ],
        "evidence": [
            (
                "config-validated",
                "near_miss",
                "A syntax-valid rate limit throttled users behind carrier NAT; caught at 25%.",
            ),
        ],
        "actions": [
            {
                "title": "Canary analysis counts 429s returned by the gateway itself as failures",
                "kind": "detect",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-09-30",
                "done": "2025-09-19",
            },
            {
                "title": "Replay a sample of production traffic against rate-limit changes in CI",
                "kind": "prevent",
                "team": "platform",
                "status": "open",
                "due": "2025-12-31",
            },
        ],
    },
    {
        "key": "PM-2025-035",
        "title": "Stock drifted down overnight as Inventory re-applied redelivered order events",
        "kind": "incident",
        "severity": 3,
        "status": "published",
        "started": "2025-09-15 18:40",
        "detected": "2025-09-16 09:15",
        "mitigated": "2025-09-16 11:20",
        "resolved": "2025-09-16 15:00",
        "written": "2025-09-19",
        "published": "2025-09-30",
        "authors": ["lucia", "sam"],
        "services": [
            ("inventory", "origin"),
            ("kafka", "involved"),
            ("catalogue-search", "impacted"),
            ("checkout", "impacted"),
        ],
        "summary": """
            A release made the Inventory consumer slower per event. At the evening peak its batches took longer than
            Kafka's poll interval, the consumer group rebalanced, and uncommitted batches were delivered again. The
            consumer is not idempotent, so stock reservations were applied twice, and about 1,300 products showed out
            of stock while on the shelves. The drift looked like ordinary shrinkage until the data team's morning
            reconciliation.
        """,
        "impact": """
            Overnight and into the morning about 1,300 product lines across 21 stores showed as out of stock though
            available. We estimate 4,000 to 6,000 items not added to baskets. No orders were wrong.
        """,
        "narrative": """
            On Monday afternoon Inventory shipped a change that writes an audit row for each order event it consumes,
            for a finance request. Each event took a few milliseconds longer. At normal volume that did not matter. At
            the evening peak, a batch of 500 events began to take longer than the five-minute maximum poll interval,
            Kafka decided the consumer had died, rebalanced the group and gave the uncommitted batch to another
            consumer, which applied it again. This happened 37 times between 18:40 and 21:30.

            The consumer had a comment from 2022, "TODO dedupe by event id", and had never needed it: duplicates from
            rebalances were rare and small, and stores correct their counts every morning anyway.

            That morning correction is the other half of the story. Store staff check shelf counts against the system
            at 07:00 and fix differences; drift of a few units per store is normal, from breakages and mis-scans. On
            Tuesday the corrections were larger than usual but nobody in a single store could see that, and the fixes
            made the numbers right again for the products they checked.

            Sam runs the overnight stock reconciliation report for the data team. At 09:15 he saw the total
            difference was three times the usual and asked Fulfilment. Lucía lined the differences up with the
            rebalance log by 10:40. The team reduced the batch size, rolled back the audit write, and recomputed stock
            from order records.
        """,
        "went_well": """
            - Sam treated a number that was "only" three times normal as worth a question.
            - Order records were a reliable source to recompute stock from.
        """,
        "got_lucky": """
            - Stock drifted down, not up: we showed items as unavailable rather than selling items we did not have.
        """,
        "open_questions": """
            - Which routines absorb errors so well that they also hide them?
            - What is the second consumer in this system that assumes it will never see an event twice?
        """,
        "timeline": [
            (
                "2025-09-15 14:00",
                "change",
                "Inventory release adds an audit row per consumed order event.",
                "deploy pipeline",
                "",
            ),
            ("2025-09-15 18:40", "observation", "First consumer group rebalance; batch redelivered.", "", ""),
            ("2025-09-15 21:30", "observation", "37 rebalances since 18:40; none alerted.", "", ""),
            ("2025-09-16 07:00", "action", "Stores carry out routine morning stock corrections.", "stores", ""),
            ("2025-09-16 09:15", "detection", "Sam sees reconciliation difference at three times normal.", "Sam", ""),
            ("2025-09-16 10:40", "observation", "Lucía matches the differences to rebalance times.", "Lucía", ""),
            (
                "2025-09-16 10:50",
                "decision",
                "Roll back the audit write and halve the batch size before recomputing stock.",
                "Lucía",
                """Recomputing stock while the consumer could still double-apply would have undone itself at the next
                peak; the audit row could wait a week.""",
            ),
            ("2025-09-16 11:20", "action", "Rollback and batch-size change live.", "Lucía", ""),
            ("2025-09-16 15:00", "action", "Stock recomputed from order records for all stores.", "Sam", ""),
        ],
        "factors": [
            {
                "factor": "change.code-change",
                "role": "activator",
                "services": ["inventory"],
                "narrative": "An audit write per event made batches slow enough to exceed the poll interval at peak.",
                "why": "The write was small and tested at normal volume, where it made no visible difference.",
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["inventory", "kafka"],
                "assumption": "exactly-once",
                "narrative": "The consumer applied every event it was given, with no check for events it had already seen.",
                "why": "Duplicates had been rare and small for three years, and morning corrections covered them.",
            },
            {
                "factor": "org.normalized-degraded-mode",
                "role": "enabling",
                "services": ["inventory"],
                "narrative": """
                    Morning stock corrections had become part of normal work. They repaired drift so reliably that the
                    drift itself had stopped being a signal.
                """,
                "why": "Some drift is genuinely normal in a grocery store, and the correction routine works.",
            },
            {
                "factor": "signals.masked-anomaly",
                "role": "impediment",
                "services": ["inventory", "kafka"],
                "narrative": "Rebalances were not alerted on, and per-store drift looked like a busy night.",
                "why": "No single store's numbers were unusual; only the total was.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["inventory"],
                "narrative": "Sam questioned a reconciliation total that was higher than usual but not alarming.",
                "why": "He keeps a running sense of what normal looks like for that report.",
            },
        ],
        "evidence": [
            ("exactly-once", "violated", "37 rebalances redelivered batches that Inventory applied twice."),
            (
                "stock-replica",
                "stressed",
                "Availability shown from replicas was wrong because the primary's counts were wrong.",
            ),
        ],
        "actions": [
            {
                "title": "Inventory consumer de-duplicates by event id",
                "kind": "prevent",
                "owner": "lucia",
                "team": "fulfilment",
                "status": "done",
                "due": "2025-10-31",
                "done": "2025-10-20",
            },
            {
                "title": "Alert on consumer group rebalances per hour",
                "kind": "detect",
                "owner": "tomasz",
                "team": "data",
                "status": "done",
                "due": "2025-10-15",
                "done": "2025-10-02",
            },
            {
                "title": "Report morning stock corrections per store as a trend, not only as a task",
                "kind": "learn",
                "team": "fulfilment",
                "status": "open",
                "due": "2026-01-31",
            },
        ],
    },
]
