"""The demo company (Larder): `manage.py load_demo` and the shape of what it loads."""

import re
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q

from postmortems.demo.loader import load_demo
from postmortems.models import (
    ActionItem,
    Assumption,
    AssumptionEvidence,
    AssumptionStatusChange,
    ContributingFactor,
    Dependency,
    FactorRole,
    Membership,
    Postmortem,
    PostmortemService,
    Profile,
    ReviewComment,
    Revision,
    Service,
    Team,
    TimelineEvent,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

MODELS = (
    Team,
    User,
    Membership,
    Profile,
    Service,
    Dependency,
    Assumption,
    AssumptionStatusChange,
    AssumptionEvidence,
    Postmortem,
    PostmortemService,
    Revision,
    TimelineEvent,
    ContributingFactor,
    ActionItem,
    ReviewComment,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def company(demo):
    return Postmortem.objects.exclude(kind="external")


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    first = _row_counts()

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert _row_counts() == first
    assert "nothing to create" in out.getvalue()


def test_load_demo_reports_nothing_created_the_second_time():
    first = load_demo()
    assert first["postmortems"] >= 30
    assert first["teams"] == 5

    assert not any(load_demo().values())


def test_load_demo_prints_the_login_on_every_run(capsys):
    for _ in range(2):
        call_command("load_demo")
        assert "Log in at http://127.0.0.1:8000/ as demo / demo" in capsys.readouterr().out


def test_load_demo_leaves_an_edited_postmortem_alone(demo):
    postmortem = Postmortem.objects.get(key="PM-2025-042")
    Postmortem.objects.filter(pk=postmortem.pk).update(title="Edited by someone")
    postmortem.contributing_factors.first().delete()
    remaining = postmortem.contributing_factors.count()

    call_command("load_demo", stdout=StringIO())

    postmortem.refresh_from_db()
    assert postmortem.title == "Edited by someone"
    assert postmortem.contributing_factors.count() == remaining


def test_load_demo_keeps_existing_passwords(demo):
    user = User.objects.get(username="priya")
    user.set_password("changed-by-priya")
    user.save()

    call_command("load_demo", "--password", "something-else", stdout=StringIO())

    user.refresh_from_db()
    assert user.check_password("changed-by-priya")


def test_demo_login_is_a_superuser_admin_on_platform(demo, client):
    demo_user = User.objects.get(username="demo")

    assert client.login(username="demo", password="demo")
    assert demo_user.is_superuser and demo_user.is_staff
    assert demo_user.profile.role == "admin"
    assert list(demo_user.teams.values_list("slug", flat=True)) == ["platform"]


def test_demo_personas_spread_roles_over_teams(demo):
    personas = User.objects.exclude(username="demo")

    assert 4 <= personas.count() <= 6
    assert set(Profile.objects.filter(user__in=personas).values_list("role", flat=True)) == {
        "viewer",
        "author",
        "editor",
    }
    assert all(user.email.endswith("@example.com") and user.first_name and user.last_name for user in personas)
    assert all(team.memberships.exists() for team in Team.objects.all())


def test_demo_services_form_a_dependency_graph_with_a_cycle(demo):
    services = Service.objects.all()
    edges: dict[int, set[int]] = {}
    for source, target in Dependency.objects.values_list("source_id", "target_id"):
        edges.setdefault(source, set()).add(target)

    assert services.count() >= 12
    assert set(services.values_list("tier", flat=True)) >= {1, 2, 3}
    assert not services.filter(team=None).exists()
    assert all(s.dependencies.exists() or s.dependents.exists() for s in services)
    assert set(Dependency.objects.values_list("kind", flat=True)) == {"sync", "async", "datastore", "infrastructure"}
    assert _has_cycle(edges)


def _has_cycle(edges: dict[int, set[int]]) -> bool:
    visiting: set[int] = set()
    done: set[int] = set()

    def visit(node: int) -> bool:
        visiting.add(node)
        for target in edges.get(node, ()):
            if target in visiting or (target not in done and visit(target)):
                return True
        visiting.discard(node)
        done.add(node)
        return False

    return any(node not in done and visit(node) for node in list(edges))


def test_demo_company_postmortems_span_two_years(company):
    started = sorted(company.values_list("started_at", flat=True))

    assert 20 <= company.count() <= 30
    assert date(2024, 12, 1) <= started[0].date() and started[-1].date() <= date(2026, 10, 31)
    assert (started[-1] - started[0]).days > 600
    assert all(re.fullmatch(r"PM-202[456]-0\d\d", key) for key in company.values_list("key", flat=True))


def test_demo_company_postmortems_mix_incidents_near_misses_and_statuses(company):
    incidents = company.filter(kind="incident")

    assert company.filter(kind="near_miss").count() >= 4
    assert set(incidents.values_list("severity", flat=True)) == {1, 2, 3, 4}
    assert company.filter(status="published").count() >= 0.8 * company.count()
    assert company.filter(status="draft").exists() and company.filter(status="in_review").exists()
    assert ReviewComment.objects.filter(postmortem__status="in_review").exists()


def test_some_demo_postmortems_are_restricted_to_teams(company):
    restricted = company.filter(restricted=True)
    allowed = [set(pm.allowed_teams.values_list("slug", flat=True)) for pm in restricted]

    assert len(allowed) >= 3
    assert all(allowed)
    assert {"payments"} in allowed and {"platform"} in allowed
    assert not company.filter(restricted=False, allowed_teams__isnull=False).exists()


def test_each_company_postmortem_has_a_timeline_and_several_factors(company):
    for postmortem in company.prefetch_related("timeline", "contributing_factors", "action_items", "authors"):
        events = list(postmortem.timeline.all())
        factors = list(postmortem.contributing_factors.all())
        times = [postmortem.started_at, postmortem.detected_at, postmortem.mitigated_at, postmortem.resolved_at]

        assert times == sorted(times), postmortem.key
        assert 5 <= len(events) <= 10, postmortem.key
        assert all(e.why_it_made_sense for e in events if e.kind == "decision"), postmortem.key
        assert 3 <= len(factors) <= 6, postmortem.key
        assert 1 <= len(postmortem.action_items.all()) <= 4, postmortem.key
        assert postmortem.authors.all() and postmortem.narrative and postmortem.went_well, postmortem.key
        for factor in factors:
            assert factor.factor_id and factor.role in FactorRole.values, postmortem.key
            assert factor.narrative.strip() and factor.why_it_made_sense.strip(), postmortem.key
            assert factor.narrative_html, postmortem.key


def test_most_company_postmortems_name_a_mitigator(company):
    with_mitigator = company.filter(contributing_factors__role="mitigator").distinct().count()

    assert with_mitigator >= 0.8 * company.count()


def test_an_assumption_is_violated_by_several_postmortems(demo):
    violated = Assumption.objects.annotate(
        violations=Count("evidence", filter=Q(evidence__evidence_type="violated"))
    ).filter(violations__gte=2)

    assert violated.exists()
    assert ContributingFactor.objects.filter(assumption__in=violated).exists()


def test_demo_assumption_status_follows_its_history(demo):
    for assumption in Assumption.objects.prefetch_related("history"):
        history = list(assumption.history.all())
        assert history, assumption.statement
        assert history[-1].to_status == assumption.status, assumption.statement
        assert [change.from_status for change in history] == ["", *(c.to_status for c in history[:-1])]


def test_library_entries_link_to_their_public_source(demo):
    library = Postmortem.objects.filter(kind="external")

    assert library.count() == 5
    for postmortem in library.prefetch_related("contributing_factors"):
        assert postmortem.in_library and postmortem.status == "published", postmortem.key
        assert postmortem.source_url.startswith("https://"), postmortem.key
        assert postmortem.summary, postmortem.key
        assert 2 <= len(postmortem.contributing_factors.all()) <= 3, postmortem.key


def test_demo_text_avoids_root_cause_and_hindsight_wording(demo):
    texts = [
        text
        for pm in Postmortem.objects.all()
        for text in (pm.summary, pm.impact, pm.narrative, pm.went_well, pm.got_lucky, pm.open_questions)
    ]
    texts += [f"{cf.narrative} {cf.why_it_made_sense}" for cf in ContributingFactor.objects.all()]
    flagged = re.compile(r"root cause|should have|human error|careless|\bjust\b|simply", re.IGNORECASE)

    assert not [text for text in texts if flagged.search(text)]
