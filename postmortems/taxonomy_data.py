"""The contributing-factor taxonomy: 9 families, 45 factors.

Loaded by migration 0002_fill_taxonomy. Slugs are stable; names and texts may be edited later
in the admin, so this module is the starting point, not the source of truth.
"""

FAMILIES = [
    {
        "slug": "latent",
        "name": "Latent conditions in code, config, data and time",
        "question": "What was already in the system, waiting?",
        "factors": [
            {
                "slug": "latent.latent-defect",
                "name": "Latent defect",
                "definition": "A flaw in code or design that was harmless until particular conditions exercised it.",
                "examples": "An error-handling path that had never run in production; an integer overflow only "
                "reachable after months of uptime.",
                "traces_to": "COOK §4; STELLA §3.4.1 (vulnerabilities present for weeks or months before activation)",
            },
            {
                "slug": "latent.dark-debt",
                "name": "Dark debt",
                "definition": "A vulnerability that lives in the *interaction* between components and couldn't be "
                "recognised until an incident revealed it.",
                "examples": "STELLA's Logstash case: a slow log shipper filled TCP buffers, and a keylogger that "
                "writes every shell command to syslog made each command hang. Only the combination made a "
                "server unusable.",
                "traces_to": "STELLA §4.6.2; COOK §3",
            },
            {
                "slug": "latent.config-drift",
                "name": "Configuration drift",
                "definition": "Configuration that was once correct or harmless has silently diverged from the current "
                "topology or intent.",
                "examples": "A stale CDN traffic rule sent inter-region traffic over the public internet, adding "
                "large latency (Canva, per LH-CANVA); an allowlist still names decommissioned hosts.",
                "traces_to": "COOK §4; LH-CANVA",
            },
            {
                "slug": "latent.data-shape",
                "name": "Unexpected data shape",
                "definition": "Input data whose size, structure, cardinality, encoding or schema differs from what "
                "the code was built and tested for.",
                "examples": "A content file uses a 21st input field while the interpreter supplies 20 values, causing "
                "an out-of-bounds read (CrowdStrike Channel File 291, 2024); one tenant with 100x the "
                "objects of any other hits a quadratic code path.",
                "traces_to": "CS-291; HELLAND (outside data is not under your control)",
            },
            {
                "slug": "latent.clock-and-time",
                "name": "Clocks, calendars and expiry",
                "definition": "Behaviour that depends on clocks, calendars, durations or expiry, and breaks when time "
                "does something unusual or simply passes.",
                "examples": "A leap second makes a measured duration negative and a DNS component panics (Cloudflare, "
                "2017); an auto-renewed certificate silently fails to renew and then expires for all "
                "users at once (Bazel, per LH-SSL).",
                "traces_to": "CF-LEAP; LH-SSL",
            },
            {
                "slug": "latent.stale-state",
                "name": "Stale state",
                "definition": "Copies of data (caches, replicas, derived stores, in-flight messages) that are older "
                "or less consistent than the code reading them assumes.",
                "examples": "Read-after-write served from a lagging replica; a cache not invalidated after a schema "
                "change keeps serving the old shape.",
                "traces_to": "HELLAND (data from outside describes the past); LH-CACHE (title only)",
            },
        ],
        "traces_to": "Cook §4 (latent failures), §5 (degraded mode); STELLA §3.4.1, §4.6 (dark debt); Helland.",
    },
    {
        "slug": "change",
        "name": "Change and its propagation",
        "question": "What was being changed, and how far did it reach?",
        "factors": [
            {
                "slug": "change.code-change",
                "name": "Code change",
                "definition": "A recent deploy of code, or of a library or platform version, changed behaviour in a "
                "way nobody predicted.",
                "examples": "A library upgrade changes a default timeout; a recipe change forced the newest "
                "web-server package, and the new version failed to start on hundreds of servers (STELLA "
                "Apache).",
                "traces_to": "COOK §14; STELLA §3.1",
            },
            {
                "slug": "change.config-change",
                "name": "Configuration change",
                "definition": "A change to configuration, feature flags, rules, routing or pushed content, often "
                "outside the code-review and deploy path.",
                "examples": "A detection content file pushed to the whole fleet at once, before staged or canary "
                "deployment existed for that kind of content (CS-291); a flag flipped for all tenants at "
                "once; a config-management recipe edited to force the latest package version (STELLA "
                "Apache).",
                "traces_to": "COOK §14; CS-291; STELLA §3.1",
            },
            {
                "slug": "change.unexpected-reach",
                "name": "Change with unexpected reach",
                "definition": "A change or operational action affected more of the system than its author intended or "
                "could see.",
                "examples": "A command meant to remove a small number of servers removed a larger set, taking "
                "capacity from two critical subsystems (AWS S3, 2017); a recipe meant for one test server "
                "upgraded the fleet (STELLA).",
                "traces_to": "AWS-S3; STELLA §3.1",
            },
            {
                "slug": "change.validation-gap",
                "name": "Validation gap",
                "definition": "Pre-production checks exercised different conditions from production, so the change "
                "looked safe.",
                "examples": "Tests used a wildcard for a field that later production content matched on explicitly "
                "(CS-291); staging has a hundredth of production's data volume.",
                "traces_to": "CS-291; Doyle's catch via LH-RE (demos succeed under idealised conditions)",
            },
            {
                "slug": "change.unrehearsed-operation",
                "name": "Unrehearsed operation",
                "definition": "The operation was rare, first-time, or never exercised at the required scale, so "
                "nobody had recent experience of how it behaves.",
                "examples": "Subsystems that hadn't been fully restarted in large regions for years took much longer "
                "than expected to restart (AWS S3, 2017); a disaster-recovery failover done for the first "
                "time during an incident.",
                "traces_to": 'COOK §18; AWS-S3; STELLA §3.4.2 (rare "all-in" transfers)',
            },
        ],
        "traces_to": "Cook §14 (change introduces new forms of failure); STELLA Apache case; Hochstein on rollouts.",
    },
    {
        "slug": "load",
        "name": "Load, saturation and feedback",
        "question": "How did demand and capacity interact over time?",
        "factors": [
            {
                "slug": "load.capacity-saturation",
                "name": "Capacity saturation",
                "definition": "A resource (CPU, memory, threads, connections, queue space) hit its limit and the "
                "system's behaviour changed character. This includes the cascade when survivors absorb "
                "load that others shed.",
                "examples": "A gateway at roughly 3x its normal peak: tasks are killed for memory and the load "
                "balancer shifts traffic onto the remaining tasks, which then fail too (Canva, per "
                "LH-CANVA); a database connection pool exhausted by slow queries.",
                "traces_to": 'WOODS-GE (performance near saturation differs); LH-CANVA; COOK "going solid" via LH-RE',
            },
            {
                "slug": "load.retry-feedback-loop",
                "name": "Retry feedback loop",
                "definition": "A mechanism meant to help (retries, reconnects, failover, queue replay, cache refill) "
                "adds work during overload and keeps the system degraded after the trigger has gone.",
                "examples": "Client retries multiply traffic to an already overloaded dependency; replaying a backlog "
                "after recovery re-saturates the store (a metastable failure).",
                "traces_to": "BROOKER; METASTABLE",
            },
            {
                "slug": "load.synchronized-demand",
                "name": "Synchronized demand",
                "definition": "Many clients or jobs act at the same instant because something lined them up.",
                "examples": "Clients queued behind a slow CDN origin fetch were all released at once into the API "
                "(Canva); cron jobs on the hour; caches expiring on identical TTLs.",
                "traces_to": "LH-CANVA; BROOKER (jitter); STELLA §3.1 (staggered rollout to avoid a thundering herd)",
            },
            {
                "slug": "load.hidden-limit",
                "name": "Hidden limit",
                "definition": "A hard limit nobody was watching (quota, max connections, file descriptors, buffer "
                "size, rate limit) was reached.",
                "examples": "A kernel TCP buffer to the log shipper fills and back-pressures the host (STELLA "
                "Logstash); a cloud API rate limit is hit during mass failover.",
                "traces_to": 'STELLA §3.3; WOODS-GE ("boundaries are universal")',
            },
        ],
        "traces_to": "Woods (saturation, law of stretched systems, decompensation); Cook (going solid, via LH-RE); "
        "Brooker; Bronson et al.",
    },
    {
        "slug": "coupling",
        "name": "Dependencies and coupling",
        "question": "What did this depend on, and what depended on it?",
        "factors": [
            {
                "slug": "coupling.dependency-degradation",
                "name": "Dependency degradation",
                "definition": "An upstream or downstream service, internal or third-party, was slow, partially "
                "failing, or behaving differently, often without clearly failing.",
                "examples": "A managed message broker degraded during a provider-side capacity incident while the "
                "provider's console showed it healthy (STELLA Travis CI); intermittent DNS failures.",
                "traces_to": "STELLA §3.2; PERROW via LH-RE",
            },
            {
                "slug": "coupling.hidden-dependency",
                "name": "Hidden dependency",
                "definition": "A dependency that nobody had mapped, or that was thought optional, turned out to be "
                "required.",
                "examples": "Services in a region that rely on object storage for instance launches and snapshots "
                "were affected when it failed (AWS S3, 2017); a status dashboard hosted on the very "
                "system it reports on.",
                "traces_to": 'STELLA §3.4.2 ("previously unappreciated dependencies"); AWS-S3',
            },
            {
                "slug": "coupling.strange-loop",
                "name": "Strange loop",
                "definition": "The tools needed to see or fix the problem depend on the thing that is broken.",
                "examples": "Monitoring that also depended on the failing web server (STELLA Apache); the deploy "
                "pipeline needed to ship the fix is itself down; chat fails mid-incident.",
                "traces_to": "STELLA §4.5",
            },
            {
                "slug": "coupling.shared-fate",
                "name": "Shared fate",
                "definition": "Separate functions share a component, region, credential or control plane, so one "
                "fault takes several out at once (common mode).",
                "examples": "Everything depends on one region's control plane; a bad push to a shared config service "
                "hits every consumer simultaneously.",
                "traces_to": "PERROW via LH-RE; COOK §15 (remedies that add coupling)",
            },
        ],
        "traces_to": "Perrow (tight coupling, common mode, via LH-RE); STELLA §4.5 (strange loops), surprise.",
    },
    {
        "slug": "automation",
        "name": "Automation and tooling",
        "question": "What did the machines do, and how did the tools shape what people could do?",
        "factors": [
            {
                "slug": "automation.automation-surprise",
                "name": "Automation surprise",
                "definition": "Automation acted in a way its operators didn't expect or couldn't easily see, "
                "sometimes working against responders.",
                "examples": "The memory killer terminated tasks faster than the autoscaler could add them (Canva); "
                "config management rolled a package upgrade across the fleet on its ten-minute cycle "
                "(STELLA Apache).",
                "traces_to": "LH-CAT; Sarter & Woods via LH-RE; LH-CANVA",
            },
            {
                "slug": "automation.skill-erosion",
                "name": "Skill erosion",
                "definition": "Because automation normally handles something, few people have recent hands-on "
                "experience when it breaks.",
                "examples": "When automated certificate renewal failed, responders unfamiliar with the area had to "
                "read docs and obtain permissions under pressure (Bazel, per LH-SSL); nobody has done a "
                "manual database failover since it was automated.",
                "traces_to": "BAINBRIDGE; LH-SSL; COOK §18",
            },
            {
                "slug": "automation.workaround",
                "name": "Workaround",
                "definition": "Work was done in a way the tool or process wasn't designed for, because the sanctioned "
                "way was inadequate or unavailable.",
                "examples": "Hand-editing production config because the deploy tool can't express a needed case; an "
                "emergency fallback path that has quietly become routine.",
                "traces_to": "LH-CAT (workarounds); SHORROCK / Hollnagel (work-as-imagined vs work-as-done)",
            },
            {
                "slug": "automation.tool-affordance",
                "name": "Tool affordance",
                "definition": "A tool made a high-consequence action as easy as a routine one, or gave no cue about "
                "its scope.",
                "examples": "An established playbook command whose mistyped input removed far more capacity than "
                'intended, with nothing in the way (AWS S3, 2017); a CLI whose default target is "all '
                'hosts".',
                "traces_to": "Design-induced error (Sarter, via LH-RE); AWS-S3",
            },
        ],
        "traces_to": "Bainbridge; Sarter & Woods (automation surprises); Hochstein's categories (workarounds, automation "
        "surprises).",
    },
    {
        "slug": "signals",
        "name": "Signals, observability and sensemaking",
        "question": "What could people see, and what did it tell them?",
        "factors": [
            {
                "slug": "signals.observability-gap",
                "name": "Observability gap",
                "definition": "The state that mattered wasn't measured, wasn't kept, or wasn't reachable by "
                "responders.",
                "examples": "No per-tenant metrics, so one customer's overload was invisible; the logs of a crashed "
                "component were gone before anyone looked.",
                "traces_to": "STELLA §4.4 (monitoring is configured around anticipated problems)",
            },
            {
                "slug": "signals.misleading-signal",
                "name": "Misleading signal",
                "definition": "An indicator meant something other than what responders reasonably took it to mean: "
                "healthy when unhealthy, intent rather than state, stale data.",
                "examples": "A provider console reports a broker healthy while it is failing (STELLA Travis CI); a "
                "health check tests the process but not its dependency path; the status page stays green "
                "during an outage.",
                "traces_to": "STELLA §3.2; WOODS via LH-RE (observability)",
            },
            {
                "slug": "signals.alert-fatigue",
                "name": "Alert fatigue",
                "definition": "The volume or chronic noisiness of alerts reduced their power to direct attention.",
                "examples": 'A "disk 80% full" warning that had fired weekly for months was muted; a storm of 200 '
                "pages buries the one that mattered.",
                "traces_to": "Woods, alarm problem (via LH-RE); STELLA §4.3.2 (routine false alarms)",
            },
            {
                "slug": "signals.masked-anomaly",
                "name": "Masked anomaly",
                "definition": "Early signs were ambiguous, hidden by other symptoms or normal variability, or smeared "
                "over time, so the problem looked like noise.",
                "examples": "A change ramped 1% → 5% → 25% grew its error signature slowly and never lined up with a "
                "deploy marker (LH-ROLL); latency creeping up within normal daily variance.",
                "traces_to": "STELLA §3.4.2 (uncertainty); Klein problem detection via LH-RE; LH-ROLL",
            },
            {
                "slug": "signals.plausible-wrong-lead",
                "name": "Plausible wrong lead",
                "definition": "The evidence pointed convincingly at an explanation that turned out not to be the main "
                "story, and diagnosis time went there. This is a normal feature of diagnosis under "
                "uncertainty, not a lapse.",
                "examples": "Responders examined the primary server while the trouble was downstream log shipping, "
                "considered only late (STELLA Logstash); a coincidental deploy draws all the attention.",
                "traces_to": "STELLA §3.4.2 (hypothesis generation and search); Woods on fixation via LH-RE",
            },
        ],
        "traces_to": "Woods (alarm problem, data overload, directed attention, via LH-RE and STELLA §4.4); Klein (problem "
        "detection); STELLA (uncertainty, search).",
    },
    {
        "slug": "org",
        "name": "Organisational conditions: pressure, goals, drift",
        "question": "What was the organisation asking for, and what had become normal?",
        "factors": [
            {
                "slug": "org.production-pressure",
                "name": "Production pressure",
                "definition": "More work than time, so speed and throughput shaped how the work was done.",
                "examples": "A change shipped late on a Friday to make a launch date; an engineer juggling three "
                "tasks runs a routine step from memory.",
                "traces_to": "LH-CAT; COOK §11; Rasmussen and Woods' law of stretched systems via LH-RE",
            },
            {
                "slug": "org.goal-conflict",
                "name": "Goal conflict",
                "definition": "Two legitimate goals pulled in different directions, and the action taken served one "
                "at some cost to the other.",
                "examples": "Less validation to ship faster vs keeping the system up (Hochstein's example); running "
                "hot to save cost vs keeping headroom.",
                "traces_to": "LH-CAT; DEKKER-FG; COOK §9; STELLA (goal sacrifice)",
            },
            {
                "slug": "org.normalized-degraded-mode",
                "name": "Normalized degraded mode",
                "definition": "A known anomaly, warning or workaround had become an accepted part of normal operation "
                "because it hadn't caused harm before.",
                "examples": "A known but unfixed performance issue in a gateway component (Canva, per LH-CANVA); "
                '"that alert always fires"; the redundant path quietly became the primary one.',
                "traces_to": "COOK §5; Vaughan (normalisation of deviance, belief in redundancy) via LH-RE",
            },
            {
                "slug": "org.slack-eroded",
                "name": "Eroded slack",
                "definition": "Buffers, headroom, spare people, or time for maintenance and learning had been "
                "optimised away.",
                "examples": "Capacity sized exactly to the forecast peak, leaving no margin for retries; postmortem "
                "follow-ups permanently deprioritised.",
                "traces_to": 'WOODS-GE ("pressure for optimality undermines graceful extensibility"); Hollnagel ETTO '
                "via LH-RE; STELLA §4.1.2",
            },
            {
                "slug": "org.wai-wad-gap",
                "name": "Work-as-imagined vs work-as-done gap",
                "definition": "The documented procedure, runbook, architecture diagram or policy differed from how "
                "work was actually done.",
                "examples": "A runbook lists hosts retired last year; a two-person review rule that is a rubber stamp "
                "at 2 a.m.",
                "traces_to": "Hollnagel via LH-RE; SHORROCK; LH-AI (the work is mostly invisible)",
            },
            {
                "slug": "org.ambiguous-ownership",
                "name": "Ambiguous ownership",
                "definition": "It was unclear who owned a component, decision or boundary, so maintenance, alerts or "
                "the authority to act fell between teams.",
                "examples": "A shared library with no active maintainer; alerts routed to a team renamed in a "
                "reorganisation; nobody sure who may authorise a regional failover.",
                "traces_to": "STELLA §4.3.3 (Conway's law), §4.1.2 (learning stops at organisational boundaries); "
                "Vaughan (structural secrecy)",
            },
        ],
        "traces_to": "Cook §9–11, §5; Hochstein (production pressure, goal conflicts); Rasmussen (drift toward the "
        "boundary); Vaughan (normalisation of deviance); Hollnagel (ETTO, work-as-imagined vs work-as-done).",
    },
    {
        "slug": "coord",
        "name": "Knowledge, expertise and coordination",
        "question": "Who knew what, and how did people work together?",
        "factors": [
            {
                "slug": "coord.mental-model-gap",
                "name": "Mental model gap",
                "definition": "People's understanding of how the system behaves differed from how it actually "
                'behaved: "I didn\'t know it worked that way".',
                "examples": "The belief that installing one test server couldn't touch the fleet (STELLA Apache); not "
                "knowing that a client library retries internally.",
                "traces_to": "STELLA (Woods' theorem; postmortems generate \"didn't know it worked that way\" "
                "moments); LH-AI; Maguire talk via LH-RE",
            },
            {
                "slug": "coord.expertise-concentration",
                "name": "Concentrated expertise",
                "definition": "The knowledge needed to act was held by very few people, who were busy, absent, or "
                "becoming a bottleneck.",
                "examples": "The one engineer who understands the billing database is on leave; the same senior "
                "engineer is pulled into every major incident.",
                "traces_to": "COOK §13; STELLA §4.3.2 (experts must stay in touch to help quickly)",
            },
            {
                "slug": "coord.coordination-cost",
                "name": "Coordination cost",
                "definition": "The effort of briefing people, dividing work, keeping a shared picture and handing off "
                "competed with the work of fixing things, or common ground broke down.",
                "examples": "Responders repeatedly interrupted for status updates; fifteen people join the call and "
                "context is re-explained; two responders apply conflicting mitigations; a handoff omits "
                "an in-flight change; a vendor ticket gets no response.",
                "traces_to": "STELLA §4.3; Maguire via LH-RE; Klein (common ground) via LH-RE",
            },
            {
                "slug": "coord.responder-saturation",
                "name": "Responder saturation",
                "definition": "The people involved were near the limit of their capacity: fatigue, time of day, "
                "holidays, concurrent incidents, cognitive overload.",
                "examples": "A 3 a.m. page after a day-long migration; two simultaneous incidents split a small "
                "on-call rotation.",
                "traces_to": "WOODS-GE (saturation applies to people as units of adaptive behaviour); LH-CAT "
                "(workload question)",
            },
        ],
        "traces_to": "Cook §12–13; Woods' theorem (STELLA); Maguire (costs of coordination); Klein (common ground).",
    },
    {
        "slug": "adaptive",
        "name": 'Adaptive capacity ("what went well")',
        "question": "What kept it from being worse, and who made that happen?",
        "factors": [
            {
                "slug": "adaptive.improvised-adaptation",
                "name": "Improvised adaptation",
                "definition": "Responders used tools, paths or procedures in new ways to contain or recover.",
                "examples": "A CDN firewall rule used to block all traffic, then traffic ramped back region by region "
                "under rate limits (Canva, per LH-CANVA); a pre-designated fallback mechanism used to "
                "migrate a broker when the usual tooling was down (STELLA Travis CI).",
                "traces_to": "COOK §12, §17; WOODS-GE; LH-CANVA",
            },
            {
                "slug": "adaptive.expertise-mobilized",
                "name": "Expertise mobilized",
                "definition": "The right knowledge reached the problem quickly: people noticed and joined, or "
                "escalation paths worked.",
                "examples": "Experts who saw the response under way joined on their own initiative (STELLA); a former "
                "owner recognised a log line in the channel.",
                "traces_to": "STELLA §3.4.2, §4.3.2",
            },
            {
                "slug": "adaptive.buffer-absorbed",
                "name": "Buffer absorbed the disturbance",
                "definition": "Designed buffers or redundancy absorbed the disturbance long enough for people to act.",
                "examples": "Queues and failover bought time before saturation (STELLA §3.4.1); a rate limiter "
                "protected the database.",
                "traces_to": "STELLA §3.4.1; COOK §2",
            },
            {
                "slug": "adaptive.deliberate-sacrifice",
                "name": "Deliberate sacrifice",
                "definition": "Responders chose to give up a lower-priority goal (a feature, freshness, some users, "
                "cost) to protect a higher one.",
                "examples": "Shedding all traffic so the system could stabilise (Canva); turning off recommendations "
                "to keep checkout up.",
                "traces_to": "STELLA (goal sacrifice); Allspaw, *Trade-offs under pressure*, via LH-RE",
            },
            {
                "slug": "adaptive.early-noticing",
                "name": "Early noticing",
                "definition": "Someone noticed something odd, before or beyond what alerts showed, and acted on it.",
                "examples": "An engineer spots an unusual graph shape and pauses a rollout; support notices a cluster "
                "of similar tickets.",
                "traces_to": "COOK §17; Klein problem detection via LH-RE",
            },
            {
                "slug": "adaptive.fortunate-condition",
                "name": "Fortunate condition",
                "definition": "Impact was limited by luck or an accident of configuration rather than by design "
                '("where we got lucky").',
                "examples": "A few servers whose own auto-update was broken kept the old version and kept the site "
                "alive (STELLA Apache).",
                "traces_to": "STELLA §3.1; COOK §10 (successes are gambles too)",
            },
            {
                "slug": "adaptive.protected-focus",
                "name": "Protected focus",
                "definition": "The organisation shielded responders from interruption and took over communication so "
                "they could concentrate.",
                "examples": "Managers visibly stayed away from responders' desks (STELLA); a dedicated communications "
                "lead handled customers and executives.",
                "traces_to": "STELLA §3.4.2 (escalating consequences, communications)",
            },
        ],
        "traces_to": "Cook §2, §12, §17; Hochstein (root cause of success); Woods (graceful extensibility); STELLA (goal "
        "sacrifice, coordination); Hollnagel (Safety-II, via LH-RE).",
    },
]
