"""Larder postmortems, June to August 2026."""

POSTMORTEMS = [
    {
        "key": "PM-2026-021",
        "title": "Dietary filters returned almost nothing for 90 minutes after a catalogue schema change",
        "kind": "incident",
        "severity": 3,
        "status": "published",
        "started": "2026-06-13 10:05",
        "detected": "11:20",
        "mitigated": "11:36",
        "resolved": "13:00",
        "written": "2026-06-16",
        "published": "2026-06-24",
        "authors": ["jonas"],
        "services": [("catalogue-search", "origin"), ("web-storefront", "impacted"), ("mobile-bff", "impacted")],
        "summary": """
            A release let products carry several dietary tags instead of one. Its search reindex ran from a product
            export taken before the background backfill of the new tags had finished, so about 70% of products had no
            dietary tags in the new index. Filters such as "gluten free" and "vegan" returned almost nothing. Every
            one of those searches returned HTTP 200, so our search SLO stayed green; customers told us on social media.
        """,
        "impact": """
            From 10:05 to 11:36 dietary filters returned between 0 and 30% of the usual results. About 14,000 filtered
            searches were affected; customers who rely on those filters could not find safe products easily.
        """,
        "narrative": """
            Products used to have one dietary value; many are both vegan and gluten free, so the release changed it to
            a list. The deploy had three parts: a database migration adding the new column, a background job
            backfilling it from the old one, and a search reindex that builds a new index and then switches the alias
            to it. In staging, with 2% of the catalogue, the backfill finished in seconds and the three steps looked
            sequential. In production the backfill took two hours, and the reindex, which reads a product export
            taken at the start of the deploy, ran against mostly empty tags.

            Search kept working in every way our monitoring knows about. Queries were fast and returned HTTP 200. Our
            search SLO counts any non-error response as good, so a filter that returned three products instead of
            four hundred was a success.

            At 11:20 customer care passed on a run of posts on social media, such as "has Larder stopped selling gluten
            free food?". Jonas checked a filtered search, saw the empty results, and at 11:36 switched the alias back
            to the previous index, which we keep for a day after each reindex for this reason. Once the backfill had
            finished the reindex was run again and the new index went live at 13:00.

            For people with coeliac disease or allergies a filter that silently returns nothing is not an
            inconvenience; it makes the shop unusable. The SLO measured whether search answered, not whether the answer
            was any good.
        """,
        "went_well": """
            - Keeping the previous index for a day made the rollback a single, safe command.
            - Customer care relayed social posts quickly and with examples.
        """,
        "got_lucky": """
            - It was Saturday morning, not the Thursday evening peak when most weekly shops are planned.
        """,
        "open_questions": """
            - Which other "success" measures count an answer rather than a useful answer?
            - How should a deploy express "step C must wait for background job B"?
        """,
        "timeline": [
            (
                "10:05",
                "change",
                "Catalogue release: migration, backfill job started, reindex from export.",
                "deploy pipeline",
                "",
            ),
            ("10:22", "change", "Search alias switched to the new index.", "deploy pipeline", ""),
            ("10:30", "observation", "Zero-result rate for filtered searches rises from 2% to 41%; no alert.", "", ""),
            (
                "11:20",
                "detection",
                "Customer care relays social posts about missing gluten-free products.",
                "customer care",
                "",
            ),
            (
                "11:30",
                "decision",
                "Switch the search alias back to yesterday's index.",
                "Jonas",
                """The old index was complete and known good, the switch takes seconds, and the only loss was the new
                multi-tag filter, which customers had not started using yet.""",
            ),
            ("11:36", "action", "Alias switched back; filters return normal results.", "Jonas", ""),
            ("12:10", "observation", "Backfill job completes.", "", ""),
            ("13:00", "action", "Reindex rerun and new index live.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "change.code-change",
                "role": "activator",
                "services": ["catalogue-search"],
                "narrative": "A release changed dietary values from one per product to a list, with a migration, backfill and reindex.",
                "why": "Customers had asked for it for a year, and the change was carefully split into steps.",
            },
            {
                "factor": "latent.stale-state",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": "The reindex read a product export taken before the backfill had filled in the new tags.",
                "why": "The pipeline took the export at the start of the deploy, which had always been fine when data did not change mid-deploy.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["catalogue-search"],
                "narrative": "In staging the backfill finished in seconds, so the steps looked sequential. In production it took two hours.",
                "why": "Staging holds 2% of the catalogue, which is enough for most changes and was not for this one.",
            },
            {
                "factor": "signals.misleading-signal",
                "role": "impediment",
                "services": ["catalogue-search"],
                "assumption": "http-200-search",
                "narrative": "The search SLO counted empty but successful responses as good, so nothing alerted.",
                "why": "The SLO was written to catch outages and slowness, which were the search problems we had had.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["web-storefront"],
                "narrative": "Customer care noticed a theme in social posts and brought concrete examples to the incident channel.",
                "why": "Care monitors social channels on weekends and knows which complaints are unusual.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "services": ["catalogue-search"],
                "narrative": "The previous index is kept for a day after every reindex, which made rollback instant.",
                "why": "Kept deliberately after a bad reindex in 2023.",
            },
        ],
        "evidence": [
            (
                "http-200-search",
                "violated",
                "Filtered searches returned empty results with HTTP 200 for ninety minutes.",
            ),
        ],
        "actions": [
            {
                "title": "Search SLO counts zero-result responses for common filters as bad",
                "kind": "detect",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2026-07-15",
                "done": "2026-07-08",
            },
            {
                "title": "Reindex waits for backfill jobs to finish before reading the export",
                "kind": "prevent",
                "team": "storefront",
                "status": "done",
                "due": "2026-07-31",
                "done": "2026-07-21",
            },
            {
                "title": "Refresh the staging catalogue from a production snapshot every month",
                "kind": "prevent",
                "team": "storefront",
                "status": "open",
                "due": "2026-09-30",
            },
        ],
    },
    {
        "key": "PM-2026-026",
        "title": "Internal support token shipped inside an Android beta build",
        "kind": "near_miss",
        "severity": None,
        "status": "published",
        "started": "2026-07-07 16:00",
        "detected": "2026-07-09 10:15",
        "mitigated": "2026-07-09 10:55",
        "resolved": "2026-07-09 15:00",
        "written": "2026-07-13",
        "published": "2026-07-21",
        "authors": ["jonas", "priya"],
        "restricted_to": ["platform", "storefront"],
        "services": [("mobile-bff", "origin"), ("orders", "involved"), ("identity", "involved")],
        "summary": """
            An internal token for the customer support tool, added to a shared configuration file for local testing,
            was built into Android beta 6.5 and sent to 1,800 beta testers. The mobile repositories were excluded from
            secret scanning. Jonas found it two days later while comparing build configurations; the token was revoked
            within forty minutes. Access logs show it was never used from outside our network.
        """,
        "impact": """
            None known. The token could look up orders by number; an old IP allowlist meant it only worked from the
            office network. Restricted to Platform and Storefront because it describes a security control.
        """,
        "narrative": """
            The support team was getting a new tool to look up a customer's order from the app's help screen. To test
            the integration locally, an engineer added the support tool's token to the app's configuration file. The
            Android build has debug and release variants, and the file looked like the debug one; in fact the build
            merges it into every variant. Nothing in the file, the build output or the review showed which variants a
            value would reach.

            Beta 6.5 had to reach testers by Tuesday evening to make the store review cut-off for a marketing date. The
            build was reviewed for its features, passed CI and went out at 16:00. Our secret scanning runs on every
            server repository. The mobile repositories had been excluded in 2024 because they are full of public API
            keys (maps, analytics) that triggered constant false alarms.

            On Thursday morning Jonas was comparing configurations between two builds for an unrelated crash and saw
            the token. He rang Priya; the token was revoked at 10:55 and the access logs checked. It had been used only
            from the office network, by us. That turned out to be the only place it could be used: the support tool's
            API still had an IP allowlist from 2021 that nobody had thought of as a security control.

            We treat this as a near miss: the token was exposed to 1,800 people for two days, and the thing that made
            it harmless was an accident of old configuration.
        """,
        "went_well": """
            - Jonas recognised what he was looking at and escalated immediately.
            - Revocation and log review took forty minutes.
        """,
        "got_lucky": """
            - The 2021 IP allowlist on the support API made the token useless outside the office.
            - Beta builds go to a small, known group rather than the public store.
        """,
        "open_questions": """
            - What other protections are we relying on without knowing it?
            - How can the build make it visible which variants a value reaches?
        """,
        "timeline": [
            (
                "2026-07-06 11:00",
                "change",
                "Support token added to the shared app configuration for local testing.",
                "",
                "",
            ),
            ("2026-07-07 16:00", "change", "Android beta 6.5 published to 1,800 testers.", "Storefront", ""),
            (
                "2026-07-09 10:15",
                "detection",
                "Jonas finds the token while comparing build configurations.",
                "Jonas",
                "",
            ),
            (
                "2026-07-09 10:20",
                "decision",
                "Revoke the token first, investigate use second.",
                "Priya",
                """Revoking cost only a few hours of the support tool's test integration; leaving it live while the
                logs were read risked more exposure.""",
            ),
            (
                "2026-07-09 10:55",
                "action",
                "Token revoked; access logs show use only from the office network.",
                "Priya",
                "",
            ),
            ("2026-07-09 15:00", "action", "Beta 6.5.1 without the token published.", "Jonas", ""),
        ],
        "factors": [
            {
                "factor": "automation.workaround",
                "role": "activator",
                "services": ["mobile-bff"],
                "narrative": """
                    To test the support tool locally, the token went into the app's shared configuration file. The
                    mobile build had no sanctioned place for local-only secrets, and this was how people had worked
                    around that for a while.
                """,
                "why": "It was quick, it worked for local testing, and several people had done the same with harmless values.",
            },
            {
                "factor": "automation.tool-affordance",
                "role": "enabling",
                "services": ["mobile-bff"],
                "narrative": "The build merges one configuration file into every variant, with no cue about which variants a value reaches.",
                "why": "The file sits next to debug-only settings and is named like them.",
            },
            {
                "factor": "change.validation-gap",
                "role": "enabling",
                "services": ["mobile-bff"],
                "assumption": "secrets-server-side",
                "narrative": "Secret scanning covered server repositories only; mobile repositories had been excluded in 2024.",
                "why": "Public API keys in the app produced constant false alarms, and excluding the repositories was the pragmatic fix at the time.",
            },
            {
                "factor": "org.production-pressure",
                "role": "enabling",
                "services": ["mobile-bff"],
                "narrative": "The beta had to meet a store review cut-off for a marketing date, so review focused on the features being launched.",
                "why": "Missing the cut-off would have moved the launch by a week.",
            },
            {
                "factor": "adaptive.early-noticing",
                "role": "mitigator",
                "services": ["mobile-bff"],
                "narrative": "Jonas spotted a token while looking for something else and treated it as an incident at once.",
                "why": "He had reviewed PM-2025-046 and was alert to data exposure.",
            },
            {
                "factor": "adaptive.fortunate-condition",
                "role": "mitigator",
                "services": ["orders"],
                "narrative": "A forgotten 2021 IP allowlist on the support API made the token unusable outside the office.",
                "why": "Nobody had designed it as a control for this case; it was left over from the tool's pilot.",
            },
        ],
        "evidence": [
            ("secrets-server-side", "violated", "A support token shipped inside an Android beta build."),
        ],
        "actions": [
            {
                "title": "Secret scanning on mobile repositories, with an allowlist for public keys",
                "kind": "detect",
                "owner": "jonas",
                "team": "storefront",
                "status": "done",
                "due": "2026-07-31",
                "done": "2026-07-24",
            },
            {
                "title": "Keep debug-only configuration in a file release builds cannot read",
                "kind": "prevent",
                "team": "storefront",
                "status": "done",
                "due": "2026-08-15",
                "done": "2026-08-06",
            },
            {
                "title": "Short-lived internal tokens bound to the calling tool's identity",
                "kind": "prevent",
                "owner": "priya",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-10-31",
            },
        ],
    },
    {
        "key": "PM-2026-029",
        "title": "A stalled cluster upgrade blocked every deploy for 22 hours, including an urgent checkout fix",
        "kind": "incident",
        "severity": 2,
        "status": "published",
        "started": "2026-07-31 16:40",
        "detected": "17:05",
        "mitigated": "2026-08-01 10:50",
        "resolved": "2026-08-01 14:40",
        "written": "2026-08-05",
        "published": "2026-08-14",
        "authors": ["priya", "amara"],
        "reviewers": ["tomasz"],
        "services": [
            ("kubernetes", "origin"),
            ("checkout", "impacted"),
            ("payments", "involved"),
        ],
        "summary": """
            A Friday afternoon control-plane upgrade removed an API version our deploy controller still used. The
            controller crash-looped and no service could deploy. On Saturday morning a checkout bug began giving a
            double discount on multi-buy promotions; the one-line fix was ready by 10:15 and could not be shipped. The
            promotion was switched off by hand at 10:50, and deploys were restored at 14:40.
        """,
        "impact": """
            Deploys blocked for all teams from Friday 16:40 to Saturday 14:40. The double discount cost about £18,000
            before the promotion was switched off; customers who ordered between 10:50 and 14:40 did not get a
            promotion they had been emailed about.
        """,
        "narrative": """
            Control-plane upgrades happen once a year and are run by the provider; we choose the time. This one was
            started at 16:00 on Friday so that it would be finished before the weekend. The new version removed a
            deprecated API version that our deploy controller, a small in-house component from 2021, still used. The
            cluster itself kept running; the controller crash-looped and every deploy failed from 16:40.

            Priya worked on it through Friday evening with the provider's support. Rolling the control plane back is
            not possible; the options were to patch the controller or wait for the provider to re-enable the old API.
            She patched the controller's client library overnight, but the patched image could not be deployed,
            because deploying it needs the controller. She got three hours' sleep.

            At 09:30 on Saturday finance noticed that the weekend multi-buy promotion was being applied twice in some
            baskets. Amara's team had a one-line fix by 10:15, and its deploy failed for the same reason as
            everything else. Our incident runbook says "roll forward if the fix is small"; it assumes the road forward
            is open.

            At 10:40 Amara and the head of marketing agreed to switch the promotion off in the marketing tool,
            disappointing customers who had been emailed about it, rather than keep losing money for an unknown time.
            At 14:20 Priya, by then working with Tomasz, applied the patched controller directly with cluster
            credentials, outside the pipeline, and the queued deploys went out at 14:40.
        """,
        "went_well": """
            - The decision to switch off the promotion was made quickly, by the people who owned the trade-off.
            - The direct apply was done carefully, with two people and a written record.
        """,
        "got_lucky": """
            - The promotion could be switched off without a deploy, in a tool that does not run on the cluster.
        """,
        "open_questions": """
            - What is our path to production when the deploy pipeline is what is broken?
            - Why was a 22-hour incident handled by one person overnight?
        """,
        "timeline": [
            ("2026-07-31 16:00", "change", "Provider starts the control-plane minor upgrade.", "Priya", ""),
            ("2026-07-31 16:40", "observation", "Deploy controller crash-looping; all deploys failing.", "", ""),
            ("2026-07-31 17:05", "detection", "Priya notices failed deploys from three teams.", "Priya", ""),
            (
                "2026-07-31 19:30",
                "decision",
                "Patch the controller's client library rather than wait for the provider.",
                "Priya",
                """The provider could not say when the old API could be re-enabled, and a patch looked like a few hours'
                work.""",
            ),
            (
                "2026-08-01 09:30",
                "observation",
                "Finance reports double discounts on the multi-buy promotion.",
                "finance",
                "",
            ),
            ("2026-08-01 10:15", "action", "Checkout fix ready; deploy fails.", "Amara", ""),
            (
                "2026-08-01 10:40",
                "decision",
                "Switch the promotion off in the marketing tool.",
                "Amara",
                """There was no way to ship the fix and no estimate for when there would be. Switching off the
                promotion stopped the loss immediately and could be reversed later.""",
            ),
            ("2026-08-01 10:50", "action", "Promotion off.", "marketing", ""),
            (
                "2026-08-01 14:20",
                "action",
                "Patched controller applied directly with cluster credentials.",
                "Priya",
                "",
            ),
            ("2026-08-01 14:40", "action", "Queued deploys succeed, including the checkout fix.", "", ""),
        ],
        "factors": [
            {
                "factor": "change.unrehearsed-operation",
                "role": "activator",
                "services": ["kubernetes"],
                "narrative": "A once-a-year control-plane upgrade removed an API version our 2021 deploy controller still used.",
                "why": "The deprecation was in the upstream changelog, and the controller was not on anyone's list of things that use cluster APIs.",
            },
            {
                "factor": "coupling.hidden-dependency",
                "role": "enabling",
                "services": ["kubernetes"],
                "narrative": """
                    The deploy controller, a small in-house component from 2021, still called an API version the upgrade
                    removed. It was not on the list of cluster API users that the upgrade checklist is built from.
                """,
                "why": "The list was generated from service manifests, and the controller is deployed by hand, outside them.",
            },
            {
                "factor": "coupling.strange-loop",
                "role": "impediment",
                "services": ["kubernetes", "checkout"],
                "assumption": "deploy-fix",
                "narrative": "The patch for the deploy controller, and the checkout fix, both needed the deploy controller to ship.",
                "why": "Every path to production had been consolidated into one pipeline, which is normally a strength.",
            },
            {
                "factor": "coupling.shared-fate",
                "role": "amplifier",
                "services": ["kubernetes", "checkout", "payments"],
                "narrative": "One controller serves every team, so one failure blocked every deploy in the company.",
                "why": "A single deploy path is simpler to secure and audit.",
            },
            {
                "factor": "coord.responder-saturation",
                "role": "impediment",
                "services": ["kubernetes"],
                "narrative": "Priya handled the upgrade alone from Friday afternoon into Saturday, on three hours' sleep.",
                "why": "It looked like a few hours' work at each point, and asking someone to join on a Friday night felt like too much.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "services": ["checkout"],
                "narrative": "Switching off an advertised promotion gave up goodwill to stop an open-ended loss.",
                "why": "The people who owned both sides of the trade-off made it together, within half an hour.",
            },
        ],
        "evidence": [
            (
                "deploy-fix",
                "violated",
                "No deploys were possible for 22 hours; a one-line fix waited four and a half hours.",
            ),
        ],
        "actions": [
            {
                "title": "Break-glass deploy path that does not depend on the deploy controller",
                "kind": "mitigate",
                "owner": "priya",
                "team": "platform",
                "status": "in_progress",
                "due": "2026-10-31",
            },
            {
                "title": "Check for removed API versions before every control-plane upgrade",
                "kind": "prevent",
                "team": "platform",
                "status": "done",
                "due": "2026-08-31",
                "done": "2026-08-20",
            },
            {
                "title": "Hand over long incidents after twelve hours, with a named second from the start",
                "kind": "learn",
                "team": "platform",
                "status": "open",
                "due": "2026-09-30",
            },
        ],
    },
]
