"""The public library: well-known outages from other companies, summarised in our own words.

Each links to the company's own account (source_url); read that for the details. The factors are our
reading of the published account, not the company's own classification.
"""

POSTMORTEMS = [
    {
        "key": "PM-2017-001",
        "title": "Cloudflare: a leap second made a duration negative in its DNS server (2017)",
        "kind": "external",
        "status": "published",
        "in_library": True,
        "source_url": "https://blog.cloudflare.com/how-and-why-the-leap-second-affected-cloudflare-dns/",
        "timezone": "UTC",
        "started": "2017-01-01 00:00",
        "detected": "00:10",
        "mitigated": "01:30",
        "resolved": "06:45",
        "written": "2025-01-10",
        "published": "2025-01-10",
        "authors": ["tomasz"],
        "summary": """
            At midnight UTC on New Year's Day 2017 a leap second was added. Cloudflare's DNS server, written in Go,
            measured how quickly upstream resolvers answered by subtracting one wall-clock reading from another, and
            across the leap second the result came out negative. The code that chose an upstream resolver passed that
            value to a random-number function that does not accept negative input, which panicked. Lookups for
            customers who use CNAME records failed on some machines: a small share of all queries at the peak. The
            worst-affected machines were patched within about ninety minutes and the fix was everywhere by 06:45 UTC.
        """,
        "impact": """
            At the peak about 0.2% of DNS queries, and under 1% of HTTP requests, failed for customers using CNAME
            records; fixed everywhere within seven hours.
        """,
        "narrative": """
            **Why it is in our library.** A clean example of time as a hidden input. Larder's token validation
            (PM-2026-009) and maintenance windows (PM-2025-038) turned out to depend on clocks in ways nobody had
            listed. Worth reading for the short, specific explanation of why "a duration can't be negative" was a
            reasonable belief for the people who wrote the code.
        """,
        "open_questions": """
            - Where do we subtract two wall-clock readings and assume the answer is positive?
            - Which of our components would fail on a clock step rather than degrade?
        """,
        "factors": [
            {
                "factor": "latent.clock-and-time",
                "role": "activator",
                "narrative": "The leap second made the wall clock repeat a second, so a measured interval came out negative.",
                "why": "Leap seconds are rare, and most code treats the wall clock as always moving forward.",
            },
            {
                "factor": "latent.latent-defect",
                "role": "enabling",
                "narrative": "Resolver selection passed the interval to a function that panics on negative input, with no guard in between.",
                "why": "The value could not be negative under any condition the authors had seen in production.",
            },
            {
                "factor": "adaptive.buffer-absorbed",
                "role": "mitigator",
                "narrative": "The panic was caught and recovered rather than crashing the server, which limited the damage to some lookups.",
                "why": "Recovering from panics in request handlers was a deliberate design choice in the server.",
            },
        ],
    },
    {
        "key": "PM-2017-002",
        "title": "Amazon S3 in us-east-1: a capacity-removal command took out far more than intended (2017)",
        "kind": "external",
        "status": "published",
        "in_library": True,
        "source_url": "https://aws.amazon.com/message/41926/",
        "timezone": "UTC",
        "started": "2017-02-28 17:37",
        "detected": "17:40",
        "mitigated": "21:18",
        "resolved": "21:54",
        "written": "2024-12-05",
        "published": "2024-12-05",
        "authors": ["priya"],
        "summary": """
            While investigating slowness in the S3 billing system, an engineer used an established playbook command to
            remove a small number of servers from service. One input was wrong, and a much larger set was removed,
            including servers supporting two subsystems the rest of S3 in the region depends on: the index that holds
            object metadata, and the placement service that allocates storage for new objects. Both needed a full
            restart, which had not been done in the largest regions for years and took much longer than expected. S3 in
            us-east-1 could not serve requests for several hours, and many other services that depend on it were
            affected, including, for a time, AWS's own status dashboard.
        """,
        "impact": """
            S3 requests in us-east-1 failing for roughly four hours; many AWS services and customer websites in the
            region affected.
        """,
        "narrative": """
            **Why it is in our library.** It is the standard example of a routine command with an unexpectedly large
            reach, and of a recovery operation that nobody had rehearsed at the scale it was needed. AWS's account is
            careful to describe the tooling rather than the person, and its changes are to the tool: removing capacity
            more slowly, and refusing to take a subsystem below its minimum.
        """,
        "open_questions": """
            - Which of our tools would let one mistyped argument remove most of something?
            - What have we not restarted from cold in years? (Compare PM-2025-024.)
        """,
        "factors": [
            {
                "factor": "change.unexpected-reach",
                "role": "activator",
                "narrative": "A command meant to remove a few servers removed a large set, including capacity for two critical subsystems.",
                "why": "The command and the playbook were established and had been used safely many times.",
            },
            {
                "factor": "automation.tool-affordance",
                "role": "enabling",
                "narrative": "The tool allowed a large removal as easily as a small one, with no check against minimum capacity.",
                "why": "It had been built for a routine task where small removals were the only case anyone used.",
            },
            {
                "factor": "change.unrehearsed-operation",
                "role": "impediment",
                "narrative": "The index and placement subsystems had not been fully restarted in the largest regions for years, and it took hours.",
                "why": "Those systems were designed to tolerate losing capacity without a full restart, which had always been enough.",
            },
        ],
    },
    {
        "key": "PM-2018-001",
        "title": "GitHub: 24 hours of degraded service after a 43-second network partition (2018)",
        "kind": "external",
        "status": "published",
        "in_library": True,
        "source_url": "https://github.blog/2018-10-30-oct21-post-incident-analysis/",
        "timezone": "UTC",
        "started": "2018-10-21 22:52",
        "detected": "22:54",
        "mitigated": "2018-10-22 16:24",
        "resolved": "2018-10-22 23:03",
        "written": "2025-03-20",
        "published": "2025-03-20",
        "authors": ["tomasz"],
        "summary": """
            During maintenance to replace failing optical equipment, GitHub's US East Coast network hub lost its
            connection to the primary East Coast data centre for 43 seconds. In that time the system that manages
            MySQL topology promoted database primaries on the West Coast. When the link came back, some writes existed
            only in the East and others only in the West, and East Coast applications were now making every write
            across the country. GitHub chose data integrity over availability: they paused webhooks and Pages builds,
            restored from backups, replayed and reconciled writes, and ran degraded for a little over a day.
        """,
        "impact": """
            Stale or inconsistent data for users, and delayed webhooks and Pages builds, for about 24 hours; a small
            set of writes needed manual reconciliation.
        """,
        "narrative": """
            **Why it is in our library.** A short trigger and a long recovery: the partition lasted 43 seconds and the
            consequences a day. The account is honest about a deliberate trade-off (integrity first, at the cost of a
            longer outage) and about failover automation producing a topology the applications had not been designed
            to run in. Useful before any conversation about automating our own Postgres failover further.
        """,
        "open_questions": """
            - If our Postgres failover happened in the wrong direction, how would we know, and what would we do first?
            - Which of our automations can create a state our applications were never tested in?
        """,
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "narrative": "A 43-second loss of connectivity between the network hub and the primary data centre during maintenance.",
                "why": "Replacing failing equipment is routine and was expected to be transparent.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "amplifier",
                "narrative": """
                    The topology manager promoted West Coast primaries in those seconds, leaving writes split between
                    sites and applications writing across the country.
                """,
                "why": "Promoting a reachable primary is what the automation was designed to do when the old one disappears.",
            },
            {
                "factor": "adaptive.deliberate-sacrifice",
                "role": "mitigator",
                "narrative": "GitHub paused features and accepted a long degradation to avoid losing or corrupting user data.",
                "why": "They judged that users trust GitHub with data above all else.",
            },
        ],
    },
    {
        "key": "PM-2021-001",
        "title": "Slack: outage on the first working day of 2021",
        "kind": "external",
        "status": "published",
        "in_library": True,
        "source_url": "https://slack.engineering/slacks-outage-on-january-4th-2021/",
        "timezone": "UTC",
        "started": "2021-01-04 14:00",
        "detected": "14:45",
        "mitigated": "16:40",
        "resolved": "18:40",
        "written": "2025-06-10",
        "published": "2025-06-10",
        "authors": ["priya"],
        "summary": """
            On 4 January 2021, as people returned from the holidays, traffic climbed and part of Slack's cloud
            provider's network that links Slack's internal networks did not scale quickly enough, causing packet loss.
            Slack's servers started to look unhealthy. Utilisation-based autoscaling first shrank the web tier, because
            servers waiting on the network looked idle, then asked for a very large number of new servers at once, and
            the service that brings new servers into use ran into limits it had never reached. Dashboards and alerting
            suffered from the same network problems, so responders worked with reduced visibility. Slack was
            unavailable for many users for part of the US morning.
        """,
        "impact": "Slack unavailable or badly degraded for many users for a few hours; elevated errors until late morning US time.",
        "narrative": """
            **Why it is in our library.** Three of our recurring themes in one account: a dependency that degrades
            rather than fails, autoscaling doing the wrong thing for reasons that make sense from its inputs, and
            monitoring that shares fate with what it monitors. Read it alongside PM-2025-042.
        """,
        "open_questions": """
            - Which of our dashboards would still work if the cluster network were losing packets?
            - When did we last ask our provisioning path for ten times the usual number of nodes?
        """,
        "factors": [
            {
                "factor": "coupling.dependency-degradation",
                "role": "activator",
                "narrative": "A provider network component between Slack's networks did not scale with the post-holiday traffic, causing packet loss.",
                "why": "It was a managed component that was expected to scale on its own.",
            },
            {
                "factor": "automation.automation-surprise",
                "role": "amplifier",
                "narrative": """
                    Autoscaling read network-bound servers as idle and scaled down, then tried to add servers faster
                    than the provisioning service could handle.
                """,
                "why": "CPU utilisation is a reasonable scaling signal whenever the network is healthy.",
            },
            {
                "factor": "coupling.strange-loop",
                "role": "impediment",
                "narrative": "Dashboards and alerting depended on the same degraded network, so responders lost their usual view.",
                "why": "Monitoring usually fails independently of the systems it watches, so the shared dependency was easy to miss.",
            },
        ],
    },
    {
        "key": "PM-2024-001",
        "title": "Canva: a stalled asset download released a synchronised surge on the API gateway (2024)",
        "kind": "external",
        "status": "published",
        "in_library": True,
        "source_url": "https://www.canva.dev/blog/engineering/canva-incident-report-api-gateway-outage/",
        "timezone": "UTC",
        "started": "2024-11-12 09:08",
        "detected": "09:10",
        "mitigated": "10:00",
        "resolved": "10:30",
        "written": "2024-12-02",
        "published": "2024-12-02",
        "authors": ["priya"],
        "summary": """
            Canva deployed a new version of its editor. One of its JavaScript files was slow to reach users in one
            region because of a network problem on the CDN provider's path between two of its data centres, and
            hundreds of thousands of clients ended up waiting on the same cache fill. When the file arrived they all
            carried on at once, and the API gateway received roughly three times its usual peak. A known performance
            problem in the gateway reduced its capacity; tasks ran out of memory and were killed, the load balancer
            moved their traffic to the survivors, which then failed as well, and autoscaling could not add tasks fast
            enough. Canva blocked all traffic at the CDN and let it back in gradually, region by region. canva.com was
            unavailable for about 52 minutes.
        """,
        "impact": "canva.com unavailable from 09:08 to about 10:00 UTC.",
        "narrative": """
            **Why it is in our library.** Almost exactly the shape of our own PM-2025-042, a year before ours:
            synchronised clients, a gateway that fails by being killed, a load balancer that moves load onto the
            survivors, and autoscaling that cannot catch up. It was in our library and read by the Platform reading
            group in December 2024. Rereading it after our Christmas release, the part that stands out is the edge
            block and gradual ramp, which is what eventually worked for us too.
        """,
        "open_questions": """
            - What lines our clients up? (Push reminders, fixed release times, polling pages, cache fills.)
            - What known, tolerated problem in our gateway would cost us capacity at the worst moment?
        """,
        "factors": [
            {
                "factor": "load.synchronized-demand",
                "role": "activator",
                "narrative": "Clients held up by a slow asset download were all released at the same moment into the API.",
                "why": "Each client behaved sensibly on its own; nothing coordinated them except the shared wait.",
            },
            {
                "factor": "org.normalized-degraded-mode",
                "role": "enabling",
                "narrative": "A known performance problem in the gateway lowered its capacity at the moment it was needed most.",
                "why": "The problem had been known and tolerable under normal load, and fixing it was planned work.",
            },
            {
                "factor": "adaptive.improvised-adaptation",
                "role": "mitigator",
                "narrative": "Blocking all traffic at the CDN and admitting it back region by region let the gateway recover.",
                "why": "Adding capacity alone could not catch up with a surge that killed new tasks as they arrived.",
            },
        ],
    },
]
