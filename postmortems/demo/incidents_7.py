"""Larder postmortems, September and October 2026: still being written or reviewed."""

POSTMORTEMS = [
    {
        "key": "PM-2026-033",
        "title": "Scottish stores showed England-only promotions for a morning",
        "kind": "incident",
        "severity": 3,
        "status": "in_review",
        "started": "2026-09-05 06:00",
        "detected": "09:40",
        "mitigated": "10:05",
        "resolved": "12:30",
        "written": "2026-09-09",
        "authors": ["jonas"],
        "reviewers": ["priya", "amara", "lucia"],
        "services": [
            ("catalogue-search", "origin"),
            ("web-storefront", "impacted"),
            ("mobile-bff", "impacted"),
            ("checkout", "impacted"),
        ],
        "summary": """
            A promotions change made on Friday night added a new "GB" region key holding the England promotion set, as
            a first step towards consolidating regions. The promotion resolver picks the first matching region in
            alphabetical order, so Scottish stores resolved to "GB" instead of "SCO" and showed multi-buy alcohol
            offers that are not allowed in Scotland. A store manager in Glasgow noticed at 09:40.
        """,
        "impact": """
            From 06:00 to 10:05 customers of the six Scottish stores saw England's promotions, including multi-buy
            alcohol offers. 912 orders included such an offer; legal advised how to fulfil them, and the offers were
            removed from those orders without raising any customer's price.
        """,
        "narrative": """
            Promotions differ by nation: Scotland does not allow multi-buy offers on alcohol, among other differences.
            Each region has its own promotion set, keyed "ENG", "SCO" and "WAL". The marketing operations team had
            started a project to reduce duplication by moving shared promotions into a "GB" set that every region
            inherits from.

            On Friday at 22:30, ahead of the weekend's autumn wine event, the first "GB" set was created by copying the
            England set. The promotions tool's preview shows the result for the England store used as its default, and
            the result there was correct. The change passed config CI, which checks that each promotion is well formed.

            The resolver chooses a store's promotion set by matching the store's regions against the available keys,
            and when several match it takes the first in alphabetical order. Scottish stores are in both "GB" and
            "SCO"; "GB" sorts first. This behaviour had never mattered, because no store had matched two keys before.

            At 09:40 the manager of the Glasgow store noticed "3 for £20" wine labels on the app that her shelf labels
            did not have, and rang the Storefront on-call number printed on the store's incident card. Jonas reverted
            the "GB" key at 10:05.

            (Review in progress: interviews with marketing operations are on 14 September.)
        """,
        "went_well": """
            - The Glasgow store manager compared the app with the shelf and knew who to call.
            - Reverting one key restored every store's promotions at once.
        """,
        "got_lucky": """
            - The wine event was advertised mainly in England, so few Scottish customers went looking for it.
        """,
        "open_questions": """
            - What were marketing operations trying to get ready for on Friday night, and what did they check?
            - Where else does "first match wins" decide something that matters?
            - Should the preview show every region, or only the regions a change affects?
        """,
        "timeline": [
            (
                "2026-09-04 22:30",
                "change",
                "'GB' promotion set created as a copy of the England set.",
                "marketing operations",
                "",
            ),
            ("06:00", "change", "Daily promotion refresh; Scottish stores resolve to 'GB'.", "", ""),
            (
                "09:40",
                "detection",
                "Glasgow store manager reports app offers that differ from shelf labels.",
                "stores",
                "",
            ),
            (
                "09:50",
                "decision",
                "Revert the 'GB' key rather than edit the Scottish set.",
                "Jonas",
                """Nobody yet understood why Scotland had picked up the new set; removing it returned every store to
                Friday's known-good state.""",
            ),
            ("10:05", "action", "'GB' key removed; Scottish stores show Scottish promotions.", "Jonas", ""),
            ("12:30", "communication", "Legal advice on affected orders received and applied.", "", ""),
        ],
        "factors": [
            {
                "factor": "change.config-change",
                "role": "activator",
                "services": ["catalogue-search"],
                "assumption": "config-validated",
                "narrative": "A new 'GB' promotion set, copied from England, was added as the first step of a consolidation.",
                "why": "Consolidating duplicate promotions had been asked for by several teams; starting with a copy looked like the safe first step.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": "The preview showed one England store, and CI checked each promotion's form, not which stores would get it.",
                "why": "Until now every change affected one region, and the preview's default store was a good check for England.",
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": "When a store matches several region keys, the resolver takes the first alphabetically.",
                "why": "No store had ever matched two keys, so the tie-break had never run in production.",
            },
            {
                "factor": "org.production-pressure",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": "The change was made late on Friday to be ready for the weekend's wine event.",
                "why": "To be confirmed in the interviews with marketing operations.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["web-storefront", "mobile-bff"],
                "narrative": "A store manager compared the app with her shelf labels and phoned the on-call number on the store's incident card.",
                "why": "Incident cards with on-call numbers were put in every store after PM-2025-009.",
            },
        ],
        "evidence": [
            (
                "config-validated",
                "violated",
                "A well-formed promotions change reached Scottish stores it was not meant for.",
            ),
        ],
        "actions": [
            {
                "title": "Promotion preview shows the result for every region",
                "kind": "prevent",
                "owner": "jonas",
                "team": "storefront",
                "status": "open",
                "due": "2026-11-30",
            },
            {
                "title": "Resolver refuses ambiguous region matches instead of picking the first",
                "kind": "prevent",
                "team": "storefront",
                "status": "in_progress",
                "due": "2026-10-31",
            },
        ],
        "comments": [
            (
                "priya",
                "Contributing factors",
                """
                'Production pressure' may well be right, but the narrative does not yet say what marketing operations
                were getting ready for or who was around to ask on a Friday night. Worth waiting for the interviews
                before we keep this factor.
                """,
                None,
            ),
            (
                "amara",
                "Narrative",
                """
                The second paragraph read a little like a list of checks someone skipped. I suggested describing what
                the preview showed them instead, which the current version does.
                """,
                "jonas",
            ),
            (
                "lucia",
                "Action items",
                """
                The Scottish store managers asked whether they could get a short daily summary of what changed in their
                store's promotions. Worth an action item?
                """,
                None,
            ),
        ],
    },
    {
        "key": "PM-2026-038",
        "title": "Checkout slow for twelve minutes during Tillpoint's announced maintenance",
        "kind": "incident",
        "severity": 4,
        "status": "draft",
        "started": "2026-10-10 07:04",
        "detected": "07:09",
        "mitigated": "07:16",
        "resolved": "07:30",
        "written": "2026-10-12",
        "authors": ["amara"],
        "services": [("tillpoint", "origin"), ("payments", "involved"), ("checkout", "impacted")],
        "summary": """
            During maintenance that Tillpoint had announced (and that reached Payments on-call, as intended since
            PM-2025-021), authorisations slowed to about 2.5 seconds. That is below the level at which our circuit
            breaker acts, so checkout stayed up but was slow for twelve minutes.
        """,
        "impact": "Checkout p95 of about 6 s from 07:04 to 07:16 on a quiet Saturday morning; no failed orders found so far.",
        "narrative": """
            Draft. Tillpoint announced a thirty-minute maintenance window for Saturday 07:00 and the notice reached
            Payments on-call on Wednesday. Amara read it and judged that no action was needed: the breaker added after
            PM-2025-017 would protect checkout.

            The breaker opens on errors. During the maintenance Tillpoint did not return errors; it was slow, at about
            2.5 seconds per authorisation, under our 3-second timeout. So the breaker never opened, and checkout was
            slow rather than failing.

            Still to write up: what the customer experience looked like in the app, and whether a latency-based
            threshold would have helped or only moved the problem.
        """,
        "went_well": "- The maintenance notice reached the right team, days ahead.",
        "got_lucky": "- 07:00 on a Saturday is one of the quietest times of the week.",
        "open_questions": """
            - Should the breaker also respond to latency, and what would that do during a real slowdown at peak?
            - Is "no action needed" the right default for announced maintenance?
        """,
        "timeline": [
            (
                "2026-10-07 11:00",
                "communication",
                "Tillpoint maintenance notice reaches Payments on-call.",
                "Amara",
                "",
            ),
            (
                "2026-10-07 11:20",
                "decision",
                "No preparation for the maintenance window.",
                "Amara",
                """The breaker had handled Tillpoint trouble twice since it was added, and the window was at one of the
                quietest times of the week.""",
            ),
            ("07:04", "observation", "Tillpoint authorisation latency rises to about 2.5 s; no errors.", "", ""),
            ("07:09", "detection", "Checkout latency alert pages Payments on-call.", "Amara", ""),
            ("07:16", "observation", "Tillpoint latency back to normal.", "", ""),
        ],
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "services": ["tillpoint"],
                "assumption": "psp-latency",
                "narrative": "Tillpoint's maintenance made authorisations slow but not failing for twelve minutes.",
                "why": "Announced maintenance is routine for a processor.",
            },
            {
                "factor": "coord.mental-model-gap",
                "role": "enabling",
                "services": ["payments", "checkout"],
                "narrative": "The breaker was understood as protection against Tillpoint trouble in general; it responds only to errors.",
                "why": "Every Tillpoint problem since the breaker was added had produced errors, and it had handled them well.",
            },
            {
                "factor": "adaptive.fortunate-condition",
                "role": "mitigator",
                "services": ["checkout"],
                "narrative": "The window fell at 07:00 on a Saturday, when few people are checking out.",
                "why": "Tillpoint chooses its windows for its own quiet hours, which happen to match ours.",
            },
        ],
        "evidence": [
            (
                "psp-latency",
                "stressed",
                "Authorisations at about 2.5 s for twelve minutes during announced maintenance.",
            ),
        ],
        "actions": [
            {
                "title": "Decide whether the breaker should respond to latency as well as errors",
                "kind": "learn",
                "owner": "amara",
                "team": "payments",
                "status": "open",
                "due": "2026-12-15",
            },
        ],
    },
]
