"""The demo company, Larder: an online grocer delivering in two-hour slots across Great Britain.

Plain data only; `postmortems.demo.loader` writes it. Everything here is fictional, including the
payment processor, Tillpoint. Prose is hard-wrapped here and joined into paragraphs by the loader.
Assumptions live in `assumptions`, postmortems in the `incidents_*` modules (in date order) and `library`.
"""

from postmortems.demo import (
    incidents_1,
    incidents_2,
    incidents_3,
    incidents_4,
    incidents_5,
    incidents_6,
    incidents_7,
    library,
)
from postmortems.demo.assumptions import ASSUMPTIONS

TEAMS = [
    {
        "slug": "platform",
        "name": "Platform",
        "description": """
            Runs the Kubernetes platform, the API gateway, the edge CDN configuration, identity, and the shared
            Postgres and Redis. Holds the primary on-call rotation for infrastructure.
        """,
        "reading_day": 0,
        "reading_time": "09:30",
        "reading_timezone": "Europe/London",
    },
    {
        "slug": "payments",
        "name": "Payments",
        "description": """
            Checkout, the payments service and the integration with Tillpoint, our card processor. Works closely
            with finance operations on refunds and reconciliation.
        """,
        "reading_day": 1,
        "reading_time": "10:00",
        "reading_timezone": "Europe/London",
    },
    {
        "slug": "storefront",
        "name": "Storefront",
        "description": """
            The website, the backend for the iOS and Android apps, catalogue and search, and customer
            notifications (since the October 2025 reorganisation).
        """,
        "reading_day": 2,
        "reading_time": "09:30",
        "reading_timezone": "Europe/London",
    },
    {
        "slug": "fulfilment",
        "name": "Fulfilment",
        "description": """
            Orders, inventory and delivery slots: everything between "place order" and a van at the door, plus
            the tools pickers use in the dark stores.
        """,
        "reading_day": 3,
        "reading_time": "14:00",
        "reading_timezone": "Europe/London",
    },
    {
        "slug": "data",
        "name": "Data",
        "description": """
            The Kafka event bus, stock and payment reconciliation reports, and the experimental recommendations
            service.
        """,
        "reading_day": 4,
        "reading_time": "11:00",
        "reading_timezone": "Europe/London",
    },
]

# Everyone shares the password given to load_demo ("demo" by default).
USERS = [
    {
        "username": "demo",
        "first_name": "Demo",
        "last_name": "Admin",
        "email": "demo@example.com",
        "role": "admin",
        "teams": ["platform"],
        "is_superuser": True,
    },
    {
        "username": "priya",
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "priya.raman@example.com",
        "role": "editor",
        "teams": ["platform"],
    },
    {
        "username": "tomasz",
        "first_name": "Tomasz",
        "last_name": "Nowak",
        "email": "tomasz.nowak@example.com",
        "role": "author",
        "teams": ["platform", "data"],
    },
    {
        "username": "amara",
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "amara.okafor@example.com",
        "role": "editor",
        "teams": ["payments"],
    },
    {
        "username": "jonas",
        "first_name": "Jonas",
        "last_name": "Becker",
        "email": "jonas.becker@example.com",
        "role": "author",
        "teams": ["storefront"],
    },
    {
        "username": "lucia",
        "first_name": "Lucía",
        "last_name": "Ortega",
        "email": "lucia.ortega@example.com",
        "role": "author",
        "teams": ["fulfilment"],
    },
    {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Whitaker",
        "email": "sam.whitaker@example.com",
        "role": "viewer",
        "teams": ["data", "fulfilment"],
    },
]

SERVICES = [
    {
        "slug": "edge-cdn",
        "name": "Edge CDN",
        "description": """
            The third-party CDN in front of the website and the public API. Caching and routing rules live in the
            config repository and are pushed with the CDN provider's API.
        """,
        "tier": 1,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "cdn",
    },
    {
        "slug": "api-gateway",
        "name": "API Gateway",
        "description": """
            Entry point for every API call from the apps and the website: token checks, rate limits, routing.
            Scales horizontally on CPU.
        """,
        "tier": 1,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "gateway",
    },
    {
        "slug": "identity",
        "name": "Identity",
        "description": "Log-in, sessions and the signed access tokens every other service checks.",
        "tier": 1,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "web-storefront",
        "name": "Web Storefront",
        "description": "larder.example: product pages, basket and account pages, rendered on the server.",
        "tier": 1,
        "team": "storefront",
        "lifecycle": "production",
        "service_type": "website",
    },
    {
        "slug": "mobile-bff",
        "name": "Mobile BFF",
        "description": """
            Backend-for-frontend for the iOS and Android apps: shapes responses for the apps and holds their feature
            flags. About 70% of orders come through the apps.
        """,
        "tier": 1,
        "team": "storefront",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "catalogue-search",
        "name": "Catalogue & Search",
        "description": """
            Product catalogue, prices, promotions and search (with dietary and brand filters). Reads through a Redis
            cache to the Postgres read replicas.
        """,
        "tier": 2,
        "team": "storefront",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "notifications",
        "name": "Notifications",
        "description": """
            Order emails, SMS and push messages, driven by order events from Kafka. Moved from Fulfilment to
            Storefront in October 2025.
        """,
        "tier": 3,
        "team": "storefront",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "recommendations",
        "name": "Recommendations",
        "description": """
            The "recommended for you" carousel. Optional by design: the storefront hides the carousel when it is
            slow or switched off by flag.
        """,
        "tier": 3,
        "team": "data",
        "lifecycle": "experimental",
        "service_type": "service",
    },
    {
        "slug": "checkout",
        "name": "Checkout",
        "description": "Turns a basket into an order: holds the slot, reserves stock, authorises the card.",
        "tier": 1,
        "team": "payments",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "payments",
        "name": "Payments",
        "description": """
            Our side of card payments: authorisations, captures at dispatch, refunds, Tillpoint webhooks and the
            nightly reconciliation job.
        """,
        "tier": 1,
        "team": "payments",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "tillpoint",
        "name": "Tillpoint (card processor)",
        "description": """
            External payment processor. Authorise, capture and refund over mutual TLS; webhooks back to us. We see it
            only through its API, its status page and its support bridge.
        """,
        "tier": 1,
        "team": "payments",
        "lifecycle": "production",
        "service_type": "external api",
    },
    {
        "slug": "orders",
        "name": "Orders",
        "description": "The order record from placement to delivery; publishes order events to Kafka.",
        "tier": 1,
        "team": "fulfilment",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "inventory",
        "name": "Inventory",
        "description": "Stock per dark store, reservations, and substitution rules for out-of-stock lines.",
        "tier": 2,
        "team": "fulfilment",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "delivery-slots",
        "name": "Delivery Slots",
        "description": """
            Two-hour delivery slots per postcode. New slots for the day a week ahead are released every evening at
            20:00, which is the sharpest traffic peak of the day.
        """,
        "tier": 1,
        "team": "fulfilment",
        "lifecycle": "production",
        "service_type": "service",
    },
    {
        "slug": "postgres-main",
        "name": "Postgres (main cluster)",
        "description": """
            Managed PostgreSQL primary with two read replicas. Orders, payments, slots, inventory and identity each
            have their own database on it.
        """,
        "tier": 1,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "database",
    },
    {
        "slug": "redis-cache",
        "name": "Redis cache",
        "description": "Managed Redis (three shards): catalogue cache, slot availability, sessions, dedupe keys.",
        "tier": 2,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "cache",
    },
    {
        "slug": "kafka",
        "name": "Kafka event bus",
        "description": "Order, basket and stock events. Three brokers on virtual machines; seven days of retention.",
        "tier": 1,
        "team": "data",
        "lifecycle": "production",
        "service_type": "queue",
    },
    {
        "slug": "kubernetes",
        "name": "Kubernetes platform",
        "description": """
            The shared cluster every in-house service runs on, with the deploy pipeline, cert-manager and the
            cluster autoscaler.
        """,
        "tier": 1,
        "team": "platform",
        "lifecycle": "production",
        "service_type": "platform",
    },
]

_ON_CLUSTER = "Runs on the shared cluster; deploys go through its pipeline."

# (source, target, kind, notes): source depends on target.
DEPENDENCIES = [
    ("edge-cdn", "web-storefront", "sync", "Origin for pages. Personalised pages must bypass the edge cache."),
    ("edge-cdn", "api-gateway", "sync", "Origin for /api. The waiting-room rule lives at the edge since PM-2025-042."),
    ("web-storefront", "api-gateway", "sync", "Server-side rendering calls the public API like any client."),
    ("api-gateway", "identity", "sync", "Every request's token is checked here; mutual TLS inside the mesh."),
    ("api-gateway", "mobile-bff", "sync", "Routes /app/* to the app backend."),
    ("api-gateway", "catalogue-search", "sync", ""),
    ("api-gateway", "checkout", "sync", ""),
    ("api-gateway", "delivery-slots", "sync", ""),
    ("api-gateway", "orders", "sync", "Order history and tracking."),
    ("mobile-bff", "catalogue-search", "sync", ""),
    ("mobile-bff", "checkout", "sync", "App versions before 5.12 retry a failed payment call on their own."),
    ("mobile-bff", "delivery-slots", "sync", ""),
    ("mobile-bff", "orders", "sync", ""),
    ("catalogue-search", "redis-cache", "datastore", "Product cards and search results, ten-minute TTL."),
    ("catalogue-search", "postgres-main", "datastore", "Read replicas; every cache miss lands here."),
    ("catalogue-search", "inventory", "sync", "Stock flags on product cards."),
    ("catalogue-search", "recommendations", "sync", "Optional carousel; switched off by flag under load."),
    ("recommendations", "kafka", "async", "Consumes basket events."),
    ("checkout", "payments", "sync", "Card authorisation at order placement."),
    ("checkout", "inventory", "sync", "Stock reservation."),
    ("checkout", "delivery-slots", "sync", "Holds the chosen slot for ten minutes."),
    ("checkout", "orders", "sync", "Creates the order once payment is authorised."),
    ("payments", "tillpoint", "sync", "Authorise, capture, refund. Client certificate issued by Tillpoint."),
    ("payments", "postgres-main", "datastore", "Payment attempts and idempotency keys."),
    (
        "payments",
        "orders",
        "sync",
        "Marks orders paid when Tillpoint's webhook arrives. With orders -> payments, a cycle.",
    ),
    ("orders", "payments", "sync", "Capture at dispatch, refund on cancellation."),
    ("orders", "postgres-main", "datastore", ""),
    ("orders", "kafka", "async", "Publishes order events."),
    ("inventory", "postgres-main", "datastore", ""),
    ("inventory", "kafka", "async", "Consumes order events to adjust stock."),
    ("delivery-slots", "redis-cache", "datastore", "Slot availability per postcode; rebuilt lazily after a flush."),
    ("delivery-slots", "postgres-main", "datastore", ""),
    ("notifications", "kafka", "async", "Consumes order events for email, SMS and push."),
    ("notifications", "redis-cache", "datastore", "Dedupe keys for sent messages."),
    ("identity", "postgres-main", "datastore", ""),
    ("identity", "redis-cache", "datastore", "Sessions."),
    *(
        (slug, "kubernetes", "infrastructure", _ON_CLUSTER)
        for slug in (
            "api-gateway",
            "identity",
            "web-storefront",
            "mobile-bff",
            "catalogue-search",
            "notifications",
            "recommendations",
            "checkout",
            "payments",
            "orders",
            "inventory",
            "delivery-slots",
        )
    ),
]

POSTMORTEMS = [
    *incidents_1.POSTMORTEMS,
    *incidents_2.POSTMORTEMS,
    *incidents_3.POSTMORTEMS,
    *incidents_4.POSTMORTEMS,
    *incidents_5.POSTMORTEMS,
    *incidents_6.POSTMORTEMS,
    *incidents_7.POSTMORTEMS,
    *library.POSTMORTEMS,
]

__all__ = ["ASSUMPTIONS", "DEPENDENCIES", "POSTMORTEMS", "SERVICES", "TEAMS", "USERS"]
