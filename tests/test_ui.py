"""The page frame and the existing pages, without a browser: navigation, titles, breadcrumbs, error pages,
pagination, time display and query budgets. Browser checks (axe, print, phone width) are in tests/browser/."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.defaults import permission_denied

from postmortems.templatetags.ui import MAIN_NAV, optional_reverse, since
from tests.browser.sample import build_rich_postmortem
from tests.factories import ContributingFactorFactory, PostmortemFactory, TimelineEventFactory

STAND_IN_URLS = "tests.browser.urls"
# Session, user, profile, the postmortem, then one query per kind of child row: service links, timeline,
# factors (with factor, family, assumption, event joined), factor services, assumption evidence, action items,
# authors, allowed teams. That is 12, the DESIGN.md budget; a reviewer who is not an author costs one more.
DETAIL_BUDGET = 13


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav" aria-label="Main">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", nav)


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


# ---- Frame ----------------------------------------------------------------------------------------------


def test_main_nav_shows_exactly_the_pages_that_exist(client, member):
    client.force_login(member)
    html = client.get(reverse("postmortems:list")).content.decode()
    expected = [entry.label for entry in MAIN_NAV if optional_reverse(entry.url_name)]
    assert _nav_links(html) == expected
    assert "Postmortems" in expected


def test_main_nav_shows_a_page_once_its_route_exists(client, member, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client.force_login(member)
    html = client.get(reverse("postmortems:list")).content.decode()
    assert _nav_links(html) == ["Postmortems", "Write", "Search", "Patterns", "Reading", "Services", "Assumptions"]


def test_main_nav_offers_write_only_to_people_who_may_write(client, viewer, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client.force_login(viewer)
    assert "Write" not in _nav_links(client.get(reverse("postmortems:list")).content.decode())


def test_main_nav_marks_the_current_section_on_list_and_detail(client, member):
    pm = PostmortemFactory()
    client.force_login(member)
    for url in (reverse("postmortems:list"), pm.get_absolute_url()):
        html = client.get(url).content.decode()
        assert f'<a href="{reverse("postmortems:list")}" aria-current="page">Postmortems</a>' in html


def test_global_search_box_appears_once_search_exists(client, member, settings):
    client.force_login(member)
    has_search = bool(optional_reverse("postmortems:search"))
    assert ('id="global-search"' in client.get("/").content.decode()) is has_search
    settings.ROOT_URLCONF = STAND_IN_URLS
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert '<label for="global-search"' in html
    assert 'aria-keyshortcuts="/"' in html


def test_user_menu_has_profile_token_and_logout(client, admin_user, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    menu = re.search(r'<details class="user-menu">(.*?)</details>', html, re.S).group(1)
    assert ">Profile</a>" in menu
    assert '#api-token">API token</a>' in menu
    assert f'href="{reverse("admin:index")}"' in menu
    assert f'action="{reverse("logout")}"' in menu and 'method="post"' in menu


def test_user_menu_hides_admin_from_non_staff(client, member):
    client.force_login(member)
    assert reverse("admin:index") not in client.get("/").content.decode()


def test_frame_has_skip_link_landmarks_favicon_and_scripts(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="main-nav" aria-label="Main">' in html
    assert "<footer" in html
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer>' in html
    assert '<script src="/static/js/kb.js" defer>' in html
    assert '"X-CSRFToken"' in html


def test_every_static_file_the_frame_uses_exists(client, member):
    # collectstatic (and whitenoise's hashed, compressed copies) fails on a reference to a missing file.
    client.force_login(member)
    html = client.get("/").content.decode()
    paths = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {"css/kb.css", "js/kb.js", "img/favicon.svg", "django_htmx/htmx-2.min.js"} <= set(paths)
    assert [path for path in paths if not finders.find(path)] == []


def test_flash_messages_are_shown_once(client, member, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client.force_login(member)
    html = client.get("/flash/", follow=True).content.decode()
    assert '<p class="message message-success" role="status">Postmortem published.</p>' in html
    assert "Postmortem published." not in client.get("/").content.decode()


# ---- Titles and breadcrumbs -------------------------------------------------------------------------------


def test_page_titles_say_where_you_are(client, member):
    pm = PostmortemFactory(key="PM-2026-007", title="Search was slow")
    assert _title(client.get(reverse("login")).content.decode()) == "Log in · Incident Learning"
    client.force_login(member)
    assert _title(client.get("/").content.decode()) == "Postmortems · Incident Learning"
    detail = _title(client.get(pm.get_absolute_url()).content.decode())
    assert detail == "PM-2026-007: Search was slow · Postmortems · Incident Learning"


def test_list_title_names_the_page_number(client, member):
    PostmortemFactory.create_batch(26)
    client.force_login(member)
    assert _title(client.get("/?page=2").content.decode()) == "Postmortems (page 2) · Incident Learning"


def test_detail_page_has_breadcrumbs_back_to_the_list(client, member):
    pm = PostmortemFactory(key="PM-2026-007")
    client.force_login(member)
    html = client.get(pm.get_absolute_url()).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', html, re.S).group(1)
    assert f'<a href="{reverse("postmortems:list")}">Postmortems</a>' in crumbs
    assert '<span aria-current="page">PM-2026-007</span>' in crumbs


# ---- Login -------------------------------------------------------------------------------------------------


def test_login_page_labels_every_field(client):
    html = client.get(reverse("login")).content.decode()
    for field in ("id_username", "id_password"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html


def test_login_with_wrong_password_shows_an_alert_and_stays(client, member):
    response = client.post(reverse("login"), {"username": "mira", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_logout_round_trip(client, member):
    response = client.post(reverse("login"), {"username": "mira", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response.url == reverse("postmortems:list")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


# ---- List page -----------------------------------------------------------------------------------------------


def test_empty_list_tells_staff_how_to_get_data(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert "No postmortems yet" in html
    assert "manage.py load_demo" in html


def test_empty_list_tells_others_about_restricted_postmortems(client, viewer):
    client.force_login(viewer)
    html = client.get("/").content.decode()
    assert "No postmortems yet" in html
    assert "load_demo" not in html
    assert "Restricted postmortems are shown only to their teams" in html


def test_empty_list_invites_authors_to_write_once_the_editor_exists(client, member, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client.force_login(member)
    html = client.get("/").content.decode()
    assert f'<a href="{reverse("postmortems:create")}">Write the first postmortem</a>' in html


def test_list_shows_badges_key_and_services(client, member):
    build_rich_postmortem(author=member)
    client.force_login(member)
    html = client.get("/").content.decode()
    assert '<span class="badge sev-1" title="SEV1 (critical)">SEV1</span>' in html
    assert '<span class="badge status-published">Published</span>' in html
    assert '<span class="badge badge-restricted">Restricted</span>' in html
    assert '<span class="key">PM-2026-042</span> · Checkout, Payment gateway' in html or (
        '<span class="key">PM-2026-042</span> · Payment gateway, Checkout' in html
    )


def test_pagination_links_keep_the_other_query_parameters(client, member):
    PostmortemFactory.create_batch(60)
    client.force_login(member)
    html = client.get("/?kind=incident&page=2").content.decode()
    assert 'href="?kind=incident&amp;page=1" rel="prev"' in html
    assert 'href="?kind=incident&amp;page=3" rel="next"' in html
    assert "Showing 26–50 of 60" in html


def test_list_survives_a_nonsense_page_number(client, member):
    PostmortemFactory.create_batch(3)
    client.force_login(member)
    assert client.get("/?page=abc").status_code == 200
    assert client.get("/?page=999").status_code == 200


# ---- Detail page ----------------------------------------------------------------------------------------------


def test_detail_shows_every_part_of_the_document(client, member):
    pm = build_rich_postmortem(author=member)
    client.force_login(member)
    html = client.get(pm.get_absolute_url()).content.decode()
    for section in ("summary", "impact", "timeline", "narrative", "factors", "assumptions", "went-well"):
        assert f'id="{section}"' in html and f'href="#{section}"' in html
    for section in ("got-lucky", "open-questions", "actions"):
        assert f'id="{section}"' in html and f'href="#{section}"' in html
    assert html.count('class="factor"') == 4
    assert "Why it made sense at the time" in html
    assert "Not yet classified" in html
    assert "Payments, and admins" in html  # who may see a restricted postmortem


def test_detail_shows_incident_times_in_the_incidents_zone_with_offsets(client, member):
    pm = build_rich_postmortem(author=member)  # started 08:55 UTC, zone Europe/Amsterdam (UTC+1 in March)
    client.force_login(member)
    html = client.get(pm.get_absolute_url()).content.decode()
    assert "Sat 14 Mar 2026, 09:55 CET" in html
    assert '10:07</time> <span class="after">(+12 min)</span>' in html
    assert '<span class="offset">−15 min</span>' in html  # a change made before the start
    assert "Sunday 15 March 2026" in html  # the timeline starts a new day


def test_detail_falls_back_to_utc_for_an_unknown_zone(client, member):
    pm = PostmortemFactory(timezone="Mars/Olympus_Mons", started_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    client.force_login(member)
    response = client.get(pm.get_absolute_url())
    assert response.status_code == 200
    assert "Fri 2 Jan 2026, 03:04 UTC" in response.content.decode()


def test_detail_escapes_plain_text_fields(client, member):
    pm = PostmortemFactory()
    TimelineEventFactory(postmortem=pm, text="<script>alert(1)</script>", actor="<b>eve</b>")
    client.force_login(member)
    html = client.get(pm.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;eve&lt;/b&gt;" in html


def test_detail_without_factors_says_what_belongs_there(client, member):
    pm = PostmortemFactory()
    client.force_login(member)
    html = client.get(pm.get_absolute_url()).content.decode()
    assert "No contributing factors recorded yet" in html
    assert 'id="timeline"' not in html


def test_detail_offers_edit_only_to_those_who_may_edit(client, member, viewer, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    pm = build_rich_postmortem(author=member)
    pm.restricted = False
    pm.save()
    edit = f'href="{reverse("postmortems:edit", kwargs={"key": pm.key})}"'  # the real editor once it exists
    client.force_login(member)
    assert edit in client.get(pm.get_absolute_url()).content.decode()
    client.force_login(viewer)
    assert edit not in client.get(pm.get_absolute_url()).content.decode()


# ---- Error pages ----------------------------------------------------------------------------------------------


def test_not_found_page_renders_in_the_frame(client, member):
    client.force_login(member)
    response = client.get("/postmortems/PM-2099-001/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<nav class="main-nav" aria-label="Main">' in html


def test_restricted_postmortem_is_a_plain_not_found_for_outsiders(client, outsider, team):
    pm = PostmortemFactory(restricted=True, allowed_teams=[team])
    client.force_login(outsider)
    response = client.get(pm.get_absolute_url())
    assert response.status_code == 404
    assert pm.title not in response.content.decode()


def test_forbidden_page_renders_in_the_frame(rf, member):
    request = rf.get("/")
    request.user = member
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not do that" in html
    assert '<a class="skip-link" href="#main">' in html


def test_expired_form_gets_a_friendly_page(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_server_error_page_renders_in_the_frame_with_the_request_id(member, settings):
    settings.ROOT_URLCONF = STAND_IN_URLS
    client = Client(raise_request_exception=False)
    client.force_login(member)
    response = client.get("/boom/", headers={"X-Request-ID": "req-4242"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "<code>req-4242</code>" in html
    assert '<a class="skip-link" href="#main">' in html


# ---- Template helpers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "+0 min"), (12, "+12 min"), (125, "+2 h 05 min"), (-15, "−15 min"), (49 * 60, "+2 d 1 h")],
)
def test_since_says_how_long_after_the_start(minutes, expected):
    start = datetime(2026, 3, 14, 8, 55, tzinfo=UTC)
    assert since(start + timedelta(minutes=minutes), start) == expected


def test_since_is_empty_without_a_start():
    assert since(datetime(2026, 3, 14, tzinfo=UTC), None) == ""


def test_optional_reverse_is_empty_for_a_missing_route():
    assert optional_reverse("postmortems:no-such-page") == ""
    assert optional_reverse("postmortems:detail", key="PM-2026-001") == "/postmortems/PM-2026-001/"


# ---- Query budgets -----------------------------------------------------------------------------------------------
# Counted for a member of a team (the visibility rule runs as subqueries, not extra queries).


def test_list_page_query_count_is_constant(client, member, django_assert_max_num_queries):
    # Queries: session, user, profile (is the person an admin?), the filter form's services, teams and factors
    # (one UNION), COUNT for the paginator, the page of postmortems, their services (one prefetch).
    PostmortemFactory.create_batch(3)
    client.force_login(member)
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200
    PostmortemFactory.create_batch(40)
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


def test_detail_page_query_count_is_constant(client, member):
    pm = build_rich_postmortem(author=member)
    client.force_login(member)
    with CaptureQueriesContext(connection) as small:
        assert client.get(pm.get_absolute_url()).status_code == 200
    for n in range(10):
        TimelineEventFactory(postmortem=pm)
        ContributingFactorFactory(postmortem=pm, narrative=f"Another condition {n}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(pm.get_absolute_url()).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= DETAIL_BUDGET
