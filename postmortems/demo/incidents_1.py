"""Larder postmortems, December 2024 to February 2025."""

POSTMORTEMS = [
    {
        "key": "PM-2024-047",
        "title": "Catalogue search slow for 50 minutes after a deploy changed every cache key",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2024-12-14 17:33",
        "detected": "17:40",
        "mitigated": "18:21",
        "resolved": "20:15",
        "written": "2024-12-17",
        "published": "2024-12-23",
        "authors": ["jonas", "tomasz"],
        "services": [
            ("catalogue-search", "origin"),
            ("redis-cache", "involved"),
            ("postgres-main", "impacted"),
            ("web-storefront", "impacted"),
            ("mobile-bff", "impacted"),
            ("recommendations", "involved"),
        ],
        "summary": """
            A Saturday evening release of Catalogue & Search changed the format of every product-card cache key so
            that Christmas promotion prices would show immediately. At peak the cache was, in effect, empty: the read
            replicas took about twenty times their usual load and search and product pages were slow for 50 minutes.
            Switching off the recommendations carousel shed enough load for the cache to refill.
        """,
        "impact": """
            From 17:33 to 18:21 search and product pages took 2 to 6 seconds (normally under 200 ms). About 11% of
            sessions in that window ended before anything was added to a basket, against 4% on a normal Saturday.
            Checkout was not affected. Recommendations were off until 20:15.
        """,
        "narrative": """
            It was the second Saturday of December, the busiest shopping fortnight of the year. Marketing had an email
            to 400,000 customers scheduled for 18:00 about Christmas promotion prices, and Storefront had a release
            ready that made promotion prices show up at once instead of after the cache's ten-minute TTL. It did that
            by adding the promotion version to the cache key of every product card.

            The release went out at 17:31 through the normal pipeline. It had been reviewed, and in staging prices
            changed instantly, as intended. What nobody had connected was that changing the key of every product at
            once is, for the replicas, the same as flushing the cache. Staging's cache held a few hundred products;
            production's held the whole catalogue and answered 96% of reads.

            Jonas, on call for Storefront, was paged at 17:40 for search latency. What he could see pointed at the
            database: replica CPU at 90% and a wall of slow queries. The deploy ten minutes earlier crossed his mind,
            but its change log said "refactor cache key builder", prices were visibly right, and rolling back would
            have put the old prices on the site a quarter of an hour before the email landed. He paged platform.

            Tomasz joined at 17:55 and recognised the shape in the slow-query log: the same product-card query tens of
            thousands of times, each for a different product. From the database's side that is what a cold cache looks
            like. The hit-rate panel, on a dashboard Storefront rarely opened, confirmed it: 4%.

            The team chose to shed optional work rather than roll back. The recommendations carousel asks for a dozen
            product cards per page, and its flag had been exercised in an October game day. Switching it off at 18:12
            took enough load off the replicas for the cache to refill with the popular items, and by 18:21 pages were
            back under 400 ms.

            What we take from it: the cache had quietly become load-bearing. It was sized and talked about as a
            speed-up, the replicas were sized on the belief that it is always warm, and nothing in the deploy path
            knew about either.
        """,
        "went_well": """
            - Tomasz recognised the cold-cache pattern from the query log within minutes of joining.
            - The recommendations flag had been rehearsed, so shedding it was a confident one-minute decision.
            - Checkout keeps its own small cache and stayed fast throughout.
        """,
        "got_lucky": """
            - The marketing email went out late, at 18:24, because of an unrelated template problem, after the site
              had recovered.
            - It was a Saturday. The same release on a weekday would have met the 20:00 slot release as well.
        """,
        "open_questions": """
            - Which other caches are load-bearing without being described that way?
            - Should the deploy pipeline know which changes invalidate a cache, or should caches survive a key change
              (for example by warming the new keys before switching)?
        """,
        "timeline": [
            (
                "17:31",
                "change",
                "Catalogue & Search 2024.50.3 deployed; product-card cache keys now include the promotion version.",
                "deploy pipeline",
                "",
            ),
            ("17:34", "observation", "Replica CPU climbs from 35% to 90%; search p95 from 180 ms to 2.4 s.", "", ""),
            ("17:40", "detection", "Search latency alert pages Storefront on-call.", "Jonas", ""),
            (
                "17:46",
                "decision",
                "Keep the release in place and investigate the database; page platform.",
                "Jonas",
                """The database was visibly overloaded, the change log described the key change as a refactor, and a
                rollback would have shown stale prices shortly before a 400,000-recipient email about those prices.""",
            ),
            ("17:55", "action", "Tomasz joins from platform and reads the slow-query log.", "Tomasz", ""),
            (
                "18:05",
                "observation",
                "The same product-card query is running about forty times its normal rate; cache hit rate is 4%.",
                "Tomasz",
                "",
            ),
            (
                "18:09",
                "decision",
                "Switch off the recommendations carousel to shed cache misses.",
                "Jonas",
                """The carousel was the largest optional source of product-card lookups, its flag had been tested in a
                game day, and switching it off could not affect checkout.""",
            ),
            ("18:21", "observation", "Hit rate back above 80%; search p95 under 400 ms.", "", ""),
            ("18:30", "communication", "Update in #incidents; marketing told the site is back to normal.", "Jonas", ""),
            ("20:15", "action", "Recommendations switched back on after the evening peak.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "change.code-change",
                "role": "activator",
                "services": ["catalogue-search", "redis-cache"],
                "assumption": "cache-warm",
                "narrative": """
                    The release added the promotion version to every product-card cache key so new prices would show
                    immediately. Every existing entry became unreachable as soon as the new pods took traffic, which
                    amounts to an empty cache at 17:31 on a December Saturday.
                """,
                "why": """
                    The change was small, reviewed and did what it set out to do. The cache had always been treated as
                    a latency optimisation, so nobody reviewing a key format was thinking about database capacity.
                """,
            },
            {
                "factor": "load.capacity-saturation",
                "role": "amplifier",
                "services": ["postgres-main", "catalogue-search"],
                "assumption": "cache-warm",
                "narrative": """
                    The two read replicas were sized for the traffic that misses a cache with a 96% hit rate. At 4% they
                    saw about twenty times their usual query volume; queries queued behind each other and search,
                    product pages and the app home screen slowed together.
                """,
                "why": """
                    Sizing replicas for the warm case was a deliberate cost decision in the September review, and the
                    cache had never been cold at peak before.
                """,
            },
            {
                "factor": "org.production-pressure",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": """
                    Promotion prices had to be live before marketing's 18:00 email. The release was ready at 17:20, and
                    the alternatives were sending the email with wrong prices or moving a campaign that had been planned
                    for weeks.
                """,
                "why": """
                    Deploys at Larder are routine and allowed at any hour; the twelve earlier deploys that December had
                    gone out at busy times without trouble.
                """,
            },
            {
                "factor": "signals.plausible-wrong-lead",
                "role": "impediment",
                "services": ["postgres-main"],
                "narrative": """
                    The first and loudest signals were on the replicas. Following them led to the database, where the
                    problem looked like a capacity or query-plan issue rather than the consequence of a release ten
                    minutes earlier.
                """,
                "why": """
                    The database really was overloaded, the change log called the key change a refactor, and the
                    Storefront overview dashboard did not show cache hit rate.
                """,
            },
            {
                "factor": "adaptive.expertise-mobilized",
                "role": "mitigator",
                "services": ["postgres-main"],
                "narrative": """
                    Tomasz, paged as the Postgres expert, read the slow-query log as a cache symptom within ten minutes:
                    many different products, one query shape.
                """,
                "why": "He had seen the same pattern during the 2023 cache migration.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["recommendations", "catalogue-search"],
                "narrative": """
                    Switching off recommendations gave up a revenue feature for an hour to keep search and product pages
                    usable, and let the cache refill with the items people were actually looking at.
                """,
                "why": "The flag had been rehearsed in October, so its effect was known and it was quick to reverse.",
            },
        ],
        "evidence": [
            (
                "cache-warm",
                "violated",
                "Hit rate fell from 96% to 4% when the new pods took traffic; the replicas saw twenty times their usual load.",
            ),
        ],
        "actions": [
            {
                "title": "Warm new product-card keys before pods with a new key format take traffic",
                "kind": "prevent",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2025-01-31",
                "done": "2025-01-22",
            },
            {
                "title": "Show cache hit rate on the Storefront overview dashboard",
                "kind": "detect",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2024-12-20",
                "done": "2024-12-19",
            },
            {
                "title": "Load-test the read replicas with a cold cache at evening peak",
                "kind": "learn",
                "owner": "priya",
                "team": "platform",
                "status": "open",
                "due": "2025-03-31",
            },
        ],
    },
    {
        "key": "PM-2024-052",
        "title": "Duplicate card authorisations while Tillpoint slowed on the last Saturday before Christmas",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2024-12-21 11:02",
        "detected": "11:09",
        "mitigated": "11:44",
        "resolved": "15:30",
        "written": "2024-12-27",
        "published": "2025-01-08",
        "authors": ["amara"],
        "services": [
            ("tillpoint", "origin"),
            ("payments", "involved"),
            ("checkout", "impacted"),
            ("mobile-bff", "impacted"),
        ],
        "summary": """
            Tillpoint, our card processor, slowed sharply for about 40 minutes on the busiest Saturday of the year.
            Checkout and the payments client each retried timed-out authorisations, so a single order could produce up
            to nine attempts, and because each attempt carried a new idempotency key, Tillpoint authorised some cards
            more than once. About 1,900 customers saw duplicate holds on their cards; no duplicate captures were made.
        """,
        "impact": """
            Between 11:02 and 11:44, 14% of checkout attempts failed or took over 20 seconds. 1,912 customers had two
            or more authorisation holds for one order (the extra holds expired after seven days; none was captured).
            Customer care received about 600 contacts over the weekend.
        """,
        "narrative": """
            Saturday 21 December is the peak of Larder's year: Christmas delivery slots are full and people are placing
            their biggest baskets. Tillpoint's authorisation latency started climbing at 11:02, from a p99 of about
            600 ms to over 9 seconds. Their status page stayed green throughout; we later learnt that one of their
            card-network connections was degraded.

            Our payments client times out after 2 seconds and retries twice. Checkout, which calls the payments
            service, also retried up to three times on a timeout, a setting added in 2023 after a brief network blip.
            Neither layer knew about the other's retries. In the worst case one press of "Place order" became nine
            calls to Tillpoint, at exactly the moment Tillpoint was struggling.

            The retries were believed to be harmless because the payment API is idempotent. It is, but only per
            idempotency key, and the payments client generated a new key for every attempt rather than one per
            checkout. The code comment said "unique per request", which was literally true and is how the client's
            author had read Tillpoint's documentation. Many of the slow calls had in fact succeeded on Tillpoint's
            side, so customers ended up with two or three holds on their card.

            Amara, on call for Payments, was paged at 11:09 for checkout errors. The error rate pointed at Tillpoint;
            the duplicates did not show up on any dashboard and only became visible at 11:35, when customer care asked
            in #incidents about customers reporting double charges. At 11:40 Amara set checkout's retry count to zero
            through its config flag, accepting that some orders that would have succeeded on a retry would now fail.
            Tillpoint recovered on its own around the same time.

            Most of the afternoon went into finding the affected customers, which needed a join across our payment
            attempts table and Tillpoint's settlement report, and into drafting the message customer care sent that
            evening.
        """,
        "went_well": """
            - Customer care spotted the duplicates and raised them in the incident channel within minutes.
            - The checkout retry flag existed and could be changed without a deploy.
            - Finance operations and customer care had a customer message out the same evening.
        """,
        "got_lucky": """
            - Captures happen at dispatch, days later, and go through a different code path that de-duplicates per
              order. No customer was charged twice.
        """,
        "open_questions": """
            - How many layers retry on the path from a phone to Tillpoint, and who can see all of them at once?
            - Should the idempotency key live with the checkout rather than the request?
        """,
        "timeline": [
            ("11:02", "observation", "Tillpoint authorisation p99 rises from 0.6 s to over 9 s.", "", ""),
            ("11:09", "detection", "Checkout error-rate alert pages Payments on-call.", "Amara", ""),
            (
                "11:14",
                "decision",
                "Treat it as a Tillpoint incident and open a ticket with their support; leave retries on.",
                "Amara",
                """Tillpoint was the only thing that had changed, their status page was green so a ticket was the way
                to get their attention, and retries were understood to be safe and to recover some orders.""",
            ),
            (
                "11:20",
                "communication",
                "Ticket raised with Tillpoint support; no response for 35 minutes.",
                "Amara",
                "",
            ),
            (
                "11:35",
                "observation",
                "Customer care reports customers seeing two or three pending charges for one order.",
                "customer care",
                "",
            ),
            (
                "11:40",
                "decision",
                "Set checkout's retry count to zero through its config flag.",
                "Amara",
                """Duplicate holds were now the bigger harm. Without checkout's retries each order could make at most
                three calls instead of nine, at the cost of failing some orders that a retry would have saved.""",
            ),
            ("11:44", "observation", "Tillpoint latency back to normal; checkout errors at baseline.", "", ""),
            (
                "12:30",
                "action",
                "Finance operations starts matching payment attempts against Tillpoint's report.",
                "",
                "",
            ),
            (
                "18:10",
                "communication",
                "Customer care emails 1,912 customers about the extra holds.",
                "customer care",
                "",
            ),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "assumption": "psp-latency",
                "narrative": """
                    Tillpoint slowed from a p99 of 0.6 s to over 9 s for about forty minutes. Many calls did succeed on
                    their side but answered after our client had given up.
                """,
                "why": """
                    Tillpoint had met its 800 ms p99 every month for a year, and our timeouts were tuned to that history.
                """,
            },
            {
                "factor": "load.retry-feedback-loop",
                "role": "amplifier",
                "services": ["checkout", "payments", "tillpoint"],
                "narrative": """
                    Checkout retried three times and the payments client twice, independently, so one order could make
                    nine calls. Retries tripled our traffic to Tillpoint while it was degraded and turned slow successes
                    into duplicates.
                """,
                "why": """
                    Each retry policy was added separately for a real problem (a network blip in 2023, connection resets
                    in 2022) and each looked modest on its own. No one document showed both.
                """,
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["payments"],
                "assumption": "psp-idempotent",
                "narrative": """
                    The payments client generated a new idempotency key for each attempt, so Tillpoint correctly treated
                    every retry as a new authorisation. The code had been like this since the integration went live in
                    2021; it only mattered when calls were slow but successful.
                """,
                "why": """
                    Tillpoint's documentation says the key must be "unique per request", and the client's author read
                    "request" as one HTTP call. Under normal latency retries were rare and always followed real failures.
                """,
            },
            {
                "factor": "signals.observability-gap",
                "role": "impediment",
                "services": ["payments"],
                "narrative": """
                    No metric showed attempts per checkout or holds per order, so the duplicates were invisible to the
                    responders until customers told customer care.
                """,
                "why": "Payments dashboards were built around success rate and latency, the things that had gone wrong before.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["checkout"],
                "narrative": """
                    A customer care lead noticed three similar contacts in ten minutes and asked in #incidents, which is
                    how responders learnt that retries were doing harm.
                """,
                "why": "Customer care had been added to the incident channel the previous month for exactly this kind of link.",
            },
        ],
        "evidence": [
            (
                "psp-idempotent",
                "violated",
                "Each retry carried a new idempotency key; 1,912 customers got two or more authorisation holds.",
            ),
            ("psp-latency", "violated", "Authorisation p99 above 9 s for about forty minutes at peak."),
            ("tillpoint-status", "stressed", "Tillpoint's status page stayed green for the whole slowdown."),
        ],
        "actions": [
            {
                "title": "Generate one idempotency key per checkout and store it with the checkout",
                "kind": "prevent",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2025-01-31",
                "done": "2025-01-28",
            },
            {
                "title": "Retry in one layer only: remove checkout's own retries",
                "kind": "prevent",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2025-01-31",
                "done": "2025-01-15",
            },
            {
                "title": "Metric and alert for authorisation attempts per checkout",
                "kind": "detect",
                "team": "payments",
                "status": "wont_do",
                "due": "2025-02-28",
            },
        ],
    },
    {
        "key": "PM-2025-003",
        "title": "Tillpoint client certificate found nine days from expiry",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2025-01-13 10:20",
        "detected": "10:20",
        "mitigated": "16:45",
        "resolved": "2025-01-14 11:00",
        "written": "2025-01-15",
        "published": "2025-01-22",
        "authors": ["amara", "priya"],
        "services": [("payments", "origin"), ("tillpoint", "involved"), ("kubernetes", "involved")],
        "summary": """
            While rotating an unrelated API key, Amara noticed that the client certificate we present to Tillpoint
            expired in nine days. Its renewal script had been failing silently since November, when a secret it read
            was moved. The certificate was renewed the next day; had it expired, every card payment would have failed.
        """,
        "impact": "None to customers. About a day of work for two people, and a change freeze on the payments service.",
        "narrative": """
            Tillpoint authenticates us with a client certificate that they issue and we renew once a year through
            their API. Unlike our own certificates, which cert-manager renews inside the cluster, this one was renewed
            by a small scheduled job written by the team that built the integration in 2021. That team was merged into
            Payments in 2023, and the job came along without anyone quite adopting it.

            On Monday 13 January Amara was rotating an API key in Tillpoint's dashboard and saw, on the same page, a
            banner saying our certificate expired on 22 January. The renewal job runs daily from 30 days before
            expiry. It had run every day since 23 December and had failed every time, because in November the platform
            team had moved its credentials to a new secrets path as part of a clean-up. The job logged the error and
            exited with success; nothing alerted.

            Amara and Priya renewed the certificate through Tillpoint's dashboard by hand on the 14th, after reading
            the integration's 2021 notes to work out which of the three certificates on the account was live. It took
            most of a day, mainly to be confident about the order of steps: getting it wrong would have broken
            payments immediately rather than in nine days.

            We are writing this up as a near miss because the conditions were all in place for a full payments outage
            on a weekday: a renewal that depended on one unowned job, failures that reported success, and an expiry
            dashboard that only knew about certificates inside the cluster.
        """,
        "went_well": """
            - Amara read a banner that was not what she had come to the page for, and followed it up the same hour.
            - The 2021 integration notes were still accurate enough to follow.
        """,
        "got_lucky": """
            - The banner sat on the page she happened to need that day. Nobody had visited it since October.
        """,
        "open_questions": """
            - Which other certificates or credentials are renewed by something outside cert-manager?
            - Who owns scripts that came with a team merger?
        """,
        "timeline": [
            (
                "2024-11-19 14:00",
                "change",
                "Platform moves Tillpoint credentials to the new secrets path during the secrets clean-up.",
                "platform",
                "",
            ),
            ("2024-12-23 02:00", "observation", "Renewal job's first daily run fails; exits 0.", "", ""),
            ("10:20", "detection", "Amara sees the expiry banner in Tillpoint's dashboard.", "Amara", ""),
            (
                "10:45",
                "decision",
                "Freeze payment deploys and renew by hand rather than fix the job first.",
                "Amara",
                """Fixing the job meant understanding code nobody had touched since 2021; the dashboard route was
                documented and did not depend on it.""",
            ),
            (
                "16:45",
                "action",
                "Live certificate identified; renewal steps rehearsed in Tillpoint's sandbox.",
                "Priya",
                "",
            ),
            ("2025-01-14 10:30", "action", "Certificate renewed and deployed; test payments succeed.", "Amara", ""),
            ("2025-01-14 11:00", "communication", "Freeze lifted; note posted to Payments and Platform.", "Amara", ""),
        ],
        "factors": [
            {
                "factor": "latent.clock-and-time",
                "role": "enabling",
                "services": ["payments", "tillpoint"],
                "assumption": "cert-renewal",
                "narrative": """
                    A yearly expiry is a deadline that passes whether or not anyone is watching. The renewal window had
                    three weeks left to run when it was noticed.
                """,
                "why": "Yearly renewals are rare enough that nobody carries them in their head; the job existed so they did not have to.",
            },
            {
                "factor": "latent.config-drift",
                "role": "activator",
                "services": ["payments", "kubernetes"],
                "narrative": """
                    The secrets clean-up in November moved the credentials the job read. The job was not in the
                    inventory of consumers the clean-up worked from, because it ran from the payments namespace under
                    an old service account.
                """,
                "why": "The clean-up followed the inventory it had, and the inventory was built from cert-manager and deploy manifests.",
            },
            {
                "factor": "org.ambiguous-ownership",
                "role": "enabling",
                "services": ["payments"],
                "narrative": """
                    The job came to Payments with the 2023 team merger and had no named owner. Its failures went to a log
                    stream that nobody watched.
                """,
                "why": "It had worked for three years without attention, which is exactly what automation is for.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["tillpoint"],
                "narrative": "Amara noticed an expiry banner while doing something else and treated it as worth an hour.",
                "why": "She had been on call for PM-2024-052 and was alert to anything about the Tillpoint integration.",
            },
        ],
        "evidence": [
            (
                "cert-renewal",
                "near_miss",
                "Renewal failed silently for three weeks; found by chance nine days before expiry.",
            ),
        ],
        "actions": [
            {
                "title": "Make the renewal job exit non-zero on failure and alert Payments on-call",
                "kind": "detect",
                "owner": "amara",
                "team": "payments",
                "status": "done",
                "due": "2025-01-31",
                "done": "2025-01-24",
            },
            {
                "title": "Add third-party certificates to the expiry dashboard",
                "kind": "detect",
                "owner": "priya",
                "team": "platform",
                "status": "open",
                "due": "2025-03-31",
            },
        ],
    },
    {
        "key": "PM-2025-006",
        "title": "Evening slot release pushed the gateway to 85% CPU while the autoscaler lagged",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2025-02-09 20:00",
        "detected": "20:01",
        "mitigated": "20:07",
        "resolved": "20:20",
        "written": "2025-02-11",
        "published": "2025-02-18",
        "authors": ["priya"],
        "services": [
            ("api-gateway", "origin"),
            ("delivery-slots", "involved"),
            ("mobile-bff", "involved"),
            ("kubernetes", "involved"),
        ],
        "summary": """
            At the 20:00 slot release on a Sunday, traffic to the gateway rose 2.6 times in ninety seconds. The
            autoscaler took six minutes to add pods, and gateway CPU reached 85% before they arrived. Nothing failed,
            but the margin was thinner than our capacity plan says it should be.
        """,
        "impact": "None measurable: gateway p99 rose from 120 ms to 480 ms for about five minutes.",
        "narrative": """
            Every evening at 20:00 Delivery Slots releases the slots for the same day next week, and a large share of
            regular customers open the app at 19:59 to book their usual slot. The app sends a push reminder at 19:55,
            which lines everyone up even more. Sunday is the biggest release of the week.

            Priya was on call and happened to be watching the gateway dashboard during the release, because a
            colleague had mentioned that Sunday releases "felt slower" lately. She saw CPU climb from 30% to 85% in
            ninety seconds. The autoscaler reacted within a minute, as designed, but new pods landed on nodes that did
            not exist yet: the cluster autoscaler needed about four minutes to bring up nodes, and the new gateway
            image took another ninety seconds to pull. The new capacity arrived at 20:06, after the peak had passed.

            Our capacity plan says autoscaling keeps up with evening peaks and that no pre-scaling is needed. That was
            true when it was written, when traffic built over ten minutes. Since the push reminder started in January,
            the peak builds in under two.

            Nothing went wrong for customers this time, and we want to record exactly why: the gateway had enough spare
            headroom to absorb the first six minutes, and apps on the current version backed off politely when
            latency rose. We are treating this as a warning about the combination of synchronised demand and
            autoscaling delay, not as a capacity number to tune.
        """,
        "went_well": """
            - Priya was watching because a colleague's vague unease had been passed on. Informal signals count.
            - Headroom absorbed the surge until new pods were ready.
        """,
        "got_lucky": """
            - No other traffic coincided with the release; a promotion email at the same time would have added 20% more.
        """,
        "open_questions": """
            - Should the slot release be spread over several minutes by postcode?
            - What is the real time from "autoscaler decides" to "pod serving traffic" when nodes are needed?
        """,
        "timeline": [
            ("19:55", "change", "Slot reminder push sent to 310,000 app users.", "notifications", ""),
            ("20:00", "observation", "Slot release; gateway requests rise 2.6x within ninety seconds.", "", ""),
            ("20:01", "detection", "Priya notices gateway CPU at 70% and climbing.", "Priya", ""),
            (
                "20:02",
                "observation",
                "Gateway autoscaler asks for 12 more pods; 10 are pending for lack of nodes.",
                "",
                "",
            ),
            (
                "20:03",
                "decision",
                "Watch rather than intervene manually.",
                "Priya",
                """Latency was rising but errors were at zero, the autoscaler was doing the right thing, and a manual
                scale-up would have hit the same node shortage.""",
            ),
            ("20:06", "observation", "New nodes ready; pods start serving. CPU falls to 55%.", "", ""),
            (
                "20:20",
                "communication",
                "Priya writes up the observation in #platform and asks for a near-miss review.",
                "Priya",
                "",
            ),
        ],
        "factors": [
            {
                "factor": "load.synchronized-demand",
                "role": "activator",
                "services": ["delivery-slots", "api-gateway", "mobile-bff"],
                "narrative": """
                    The 20:00 release and the 19:55 reminder push line customers up so that the evening peak arrives in
                    ninety seconds rather than building over ten minutes.
                """,
                "why": "The reminder raised booking conversion by 9% in its January trial, and the shorter peak was not part of that evaluation.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "enabling",
                "services": ["kubernetes", "api-gateway"],
                "assumption": "autoscale",
                "narrative": """
                    The pod autoscaler reacted in a minute, but its pods waited four minutes for new nodes and ninety
                    seconds for the image. The total was several times what the people relying on it had in mind.
                """,
                "why": "Everyone's mental model of autoscaling came from the pod autoscaler's reaction time, which is the part that is visible.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "services": ["api-gateway"],
                "narrative": "The gateway ran at 30% CPU before the release, which left enough room to absorb six minutes of surge.",
                "why": "Headroom had been kept deliberately for winter, though a cost review was due to look at it.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["api-gateway"],
                "narrative": "Priya watched the release because a colleague's remark about slowness had been passed to her.",
                "why": "The on-call handover includes a free-text 'things that feel off' section, and this was in it.",
            },
        ],
        "evidence": [
            ("autoscale", "near_miss", "Scale-up took six minutes end to end; the peak built in ninety seconds."),
            ("gateway-headroom", "stressed", "CPU reached 85% at 2.6x traffic before new capacity arrived."),
        ],
        "actions": [
            {
                "title": "Pre-scale the gateway at 19:50 on release days",
                "kind": "mitigate",
                "owner": "priya",
                "team": "platform",
                "status": "done",
                "due": "2025-02-28",
                "done": "2025-02-20",
            },
            {
                "title": "Load-test the slot release with realistic app behaviour, including retries",
                "kind": "learn",
                "team": "platform",
                "status": "open",
                "due": "2025-05-31",
            },
        ],
    },
]
