"""Seed the operations synonyms that search applies to queries; admins edit them afterwards.

Existing rows are left as admins changed them; the reverse removes only rows still exactly as seeded.
"""

from django.db import migrations

SYNONYMS = [
    ("cert, certificate", "TLS and signing certificates"),
    ("db, database", ""),
    ("k8s, kubernetes", ""),
    ("oom, out of memory, oomkilled", "Processes killed or failing for lack of memory"),
    ("dns, domain name system, name resolution", ""),
    ("tls, ssl", "Old and new names for the same protocol"),
    ("config, configuration, cfg", ""),
    ("auth, authentication", ""),
    ("authz, authorization, authorisation", "British and American spellings"),
    ("cdn, content delivery network", ""),
    ("lb, load balancer", ""),
    ("ha, high availability", ""),
    ("az, availability zone", ""),
    ("dr, disaster recovery", ""),
    ("rps, requests per second", ""),
    ("latency, response time", ""),
    ("ttl, time to live", ""),
    ("pg, postgres, postgresql", ""),
    ("mq, message queue", ""),
    ("deploy, deployment, rollout", "Shipping a change to production"),
    ("rollback, roll back, revert", ""),
    ("outage, downtime", ""),
    ("on-call, on call, pager", ""),
    ("runbook, playbook", ""),
    ("alert, alarm", ""),
    ("slo, service level objective", ""),
    ("5xx, server error", ""),
    ("throttling, rate limiting, rate limit", ""),
    ("cron, scheduled job", ""),
    ("vm, virtual machine", ""),
    ("feature flag, feature toggle, feature switch", ""),
]


def fill_search_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("postmortems", "SearchSynonym")
    for terms, note in SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms, defaults={"note": note})


def remove_search_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("postmortems", "SearchSynonym")
    for terms, note in SYNONYMS:
        SearchSynonym.objects.filter(terms=terms, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0006_search_vendor_index")]

    operations = [migrations.RunPython(fill_search_synonyms, remove_search_synonyms)]
