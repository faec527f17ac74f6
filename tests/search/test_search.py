"""search_postmortems, the same behaviour on both backends: SQLite in the SQLite pass, PostgreSQL in the other."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postmortems import models as m
from postmortems.search import SearchFilters, search_postmortems
from postmortems.search import engine as search_engine
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", role="viewer")


def _keys(results):
    return [hit.key for hit in results.hits]


def _search(user, query="", **filters):
    return search_postmortems(user=user, query=query, filters=SearchFilters(**filters))


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Zanzibar gateway outage"),
        ("summary", "The zanzibar gateway returned errors."),
        ("narrative", "Later we found the zanzibar gateway had a stale route."),
        ("impact", "Customers of the zanzibar region could not pay."),
        ("went_well", "The zanzibar runbook worked."),
    ],
)
def test_search_finds_words_in_every_text_field(indexed, reader, field, text):
    indexed(key="PM-2026-001", **{"title": "Plain title", "summary": "Plain summary", field: text})
    indexed(key="PM-2026-002", title="Unrelated", summary="Nothing here")
    assert _keys(_search(reader, "zanzibar")) == ["PM-2026-001"]


def test_search_finds_words_in_rows_hanging_off_a_postmortem(indexed, reader):
    indexed(key="PM-2026-001", title="A", summary="a", events=["Paged the quokka team"])
    indexed(key="PM-2026-002", title="B", summary="b", actions=["Teach the wombat runbook"])
    indexed(key="PM-2026-003", title="C", summary="c", services=["platypus-api"])
    indexed(key="PM-2026-004", title="D", summary="d", factors=["load.synchronized-demand"])
    assert _keys(_search(reader, "quokka")) == ["PM-2026-001"]
    assert _keys(_search(reader, "wombat")) == ["PM-2026-002"]
    assert _keys(_search(reader, "platypus")) == ["PM-2026-003"]
    assert _keys(_search(reader, "synchronized demand")) == ["PM-2026-004"]


def test_search_requires_every_word(indexed, reader):
    for n in range(5):
        indexed(key=f"PM-2026-00{n + 1}", title="Replica lag during failover")
    indexed(key="PM-2026-009", title="Replica disk full")
    results = _search(reader, "replica failover")
    assert results.total == 5
    assert "PM-2026-009" not in _keys(results)


def test_search_matches_other_forms_of_a_word(indexed, reader):
    indexed(key="PM-2026-001", title="Requests timed out", summary="Three timeouts in a row")
    assert _keys(_search(reader, "timeout")) == ["PM-2026-001"]


def test_search_ignores_case_and_accents(indexed, reader):
    indexed(key="PM-2026-001", title="Café ordering broke", summary="RÉSUMÉ of the day")
    assert _keys(_search(reader, "CAFE")) == ["PM-2026-001"]
    assert _keys(_search(reader, "résumé")) == ["PM-2026-001"]


def test_search_quoted_phrase_needs_the_words_together(indexed, reader):
    indexed(key="PM-2026-001", title="Connection pool exhausted")
    indexed(key="PM-2026-002", title="Pool of idle connection slots")
    assert _keys(_search(reader, '"connection pool"')) == ["PM-2026-001"]


def test_search_or_finds_either_word(indexed, reader):
    indexed(key="PM-2026-001", title="Redis eviction")
    indexed(key="PM-2026-002", title="Memcached eviction")
    indexed(key="PM-2026-003", title="Disk eviction")
    assert sorted(_keys(_search(reader, "redis OR memcached"))) == ["PM-2026-001", "PM-2026-002"]


def test_search_leaves_out_excluded_words(indexed, reader):
    indexed(key="PM-2026-001", title="Cache stampede at the origin")
    indexed(key="PM-2026-002", title="Cache rule on the cdn")
    assert _keys(_search(reader, "cache -cdn")) == ["PM-2026-001"]
    assert _keys(_search(reader, "-cdn")) == ["PM-2026-001"]


def test_search_leaves_out_excluded_phrases_and_words_found_only_in_the_body(indexed, reader):
    indexed(key="PM-2026-001", title="Cache stampede", narrative="The connection pool was full.")
    indexed(key="PM-2026-002", title="Cache warmup", narrative="The pool of connections was full; the cdn too.")
    indexed(key="PM-2026-003", title="Cache eviction", narrative="Nothing about pools.")
    assert _keys(_search(reader, 'cache -"connection pool"')) == ["PM-2026-003", "PM-2026-002"]
    assert _keys(_search(reader, "cache -cdn -stampede")) == ["PM-2026-003"]
    # Reading order: a phrase's words in another order do not make the phrase.
    assert _keys(_search(reader, '-"connection pool"')) == ["PM-2026-003", "PM-2026-002"]


def test_search_applies_the_synonym_dictionary(indexed, reader):
    indexed(key="PM-2026-001", title="Database primary failed over")
    indexed(key="PM-2026-002", title="Pods were OOMKilled", summary="The pods ran out of memory.")
    results = _search(reader, "db")
    assert _keys(results) == ["PM-2026-001"]
    assert any("database" in notice for notice in results.notices)
    assert _keys(_search(reader, "oom")) == ["PM-2026-002"]
    assert _keys(_search(reader, "out of memory")) == ["PM-2026-002"]


def test_search_uses_synonyms_edited_in_the_admin(indexed, reader):
    indexed(key="PM-2026-001", title="The kraken queue stalled")
    m.SearchSynonym.objects.create(terms="mq, kraken")
    assert _keys(_search(reader, "mq")) == ["PM-2026-001"]


def test_search_keeps_the_synonyms_between_searches_until_one_changes(indexed, reader):
    indexed(key="PM-2026-001", title="The kraken queue stalled")
    assert _keys(_search(reader, "mq")) == []
    with CaptureQueriesContext(connection) as captured:
        assert _keys(_search(reader, "mq")) == []
    assert not any("searchsynonym" in query["sql"] for query in captured.captured_queries)

    synonym = m.SearchSynonym.objects.create(terms="mq, kraken")
    assert _keys(_search(reader, "mq")) == ["PM-2026-001"]
    synonym.is_active = False
    synonym.save()
    assert _keys(_search(reader, "mq")) == []
    synonym.is_active = True
    synonym.save()
    assert _keys(_search(reader, "mq")) == ["PM-2026-001"]
    m.SearchSynonym.objects.filter(pk=synonym.pk).delete()
    assert _keys(_search(reader, "mq")) == []


def test_search_ranks_title_above_factor_names_above_body(indexed, reader):
    indexed(key="PM-2026-001", title="Unrelated", summary="Nothing", narrative="Then synchronized requests arrived.")
    indexed(key="PM-2026-002", title="Unrelated too", summary="Nothing", factors=["load.synchronized-demand"])
    indexed(key="PM-2026-003", title="Synchronized retries", summary="Nothing")
    assert _keys(_search(reader, "synchronized")) == ["PM-2026-003", "PM-2026-002", "PM-2026-001"]


def test_search_ranks_summary_above_body(indexed, reader):
    indexed(key="PM-2026-001", title="A", summary="Nothing", narrative="The saturation came later.")
    indexed(key="PM-2026-002", title="B", summary="Saturation of the pool")
    assert _keys(_search(reader, "saturation")) == ["PM-2026-002", "PM-2026-001"]


def test_search_puts_published_then_recent_first_when_scores_tie(indexed, reader):
    now = timezone.now()
    indexed(key="PM-2026-001", title="Gateway fault", status="draft", started_at=now)
    indexed(key="PM-2026-002", title="Gateway fault", status="published", started_at=now - timedelta(days=400))
    indexed(key="PM-2026-003", title="Gateway fault", status="published", started_at=now - timedelta(days=10))
    assert _keys(_search(reader, "gateway fault")) == ["PM-2026-003", "PM-2026-002", "PM-2026-001"]


def test_search_without_words_browses_newest_published_first(indexed, reader):
    now = timezone.now()
    indexed(key="PM-2026-001", status="draft", started_at=now)
    indexed(key="PM-2026-002", started_at=now - timedelta(days=30))
    indexed(key="PM-2026-003", started_at=now - timedelta(days=1))
    results = _search(reader)
    assert _keys(results) == ["PM-2026-003", "PM-2026-002", "PM-2026-001"]
    assert results.total == 3


def test_search_filters_combine_with_words_and_count_facets(indexed, reader):
    indexed(key="PM-2026-001", title="Latency spike", severity=1, services=["checkout"], kind="incident")
    indexed(key="PM-2026-002", title="Latency spike", severity=2, services=["checkout", "payments"], kind="near_miss")
    indexed(key="PM-2026-003", title="Latency spike", severity=2, services=["search-api"])
    indexed(key="PM-2026-004", title="Disk full", severity=2, services=["checkout"])

    results = _search(reader, "latency", service=("checkout",))

    assert sorted(_keys(results)) == ["PM-2026-001", "PM-2026-002"]
    assert results.total == 2
    counts = {facet.name: {v.value: v.count for v in facet.values} for facet in results.facets}
    assert counts["service"] == {"checkout": 2, "payments": 1}
    assert counts["severity"] == {"1": 1, "2": 1}
    assert counts["kind"] == {"incident": 1, "near_miss": 1}
    selected = [v.value for facet in results.facets for v in facet.values if v.selected]
    assert selected == ["checkout"]


def test_search_values_of_one_facet_mean_any_and_facets_must_all_hold(indexed, reader):
    indexed(key="PM-2026-001", severity=1, services=["checkout"])
    indexed(key="PM-2026-002", severity=2, services=["payments"])
    indexed(key="PM-2026-003", severity=3, services=["payments"])
    assert sorted(_keys(_search(reader, service=("checkout", "payments"), severity=(1, 2)))) == [
        "PM-2026-001",
        "PM-2026-002",
    ]


def test_search_filters_by_factor_family_team_status_and_year(indexed, reader):
    pm = indexed(key="PM-2025-001", factors=["load.synchronized-demand"], status="in_review")
    pm.started_at = pm.started_at.replace(year=2025)
    pm.save()
    from postmortems.search import reindex_postmortems

    reindex_postmortems([pm.pk])
    indexed(key="PM-2026-002", factors=["change.config-change"])
    assert _keys(_search(reader, factor=("load.synchronized-demand",))) == ["PM-2025-001"]
    assert _keys(_search(reader, family=("load",))) == ["PM-2025-001"]
    assert _keys(_search(reader, status=("in_review",))) == ["PM-2025-001"]
    assert _keys(_search(reader, year=(2025,))) == ["PM-2025-001"]
    assert _keys(_search(reader, year=(1999,))) == []


def test_search_facet_labels_are_display_names(indexed, reader):
    indexed(services=["checkout"], factors=["load.synchronized-demand"])
    facets = {facet.name: facet for facet in _search(reader).facets}
    assert facets["service"].values[0].label == "Checkout"
    assert facets["factor"].values[0].label == m.Factor.objects.get(slug="load.synchronized-demand").name
    assert facets["family"].values[0].label == m.FactorFamily.objects.get(slug="load").name


def test_search_hits_carry_what_the_list_shows(indexed, reader):
    indexed(
        key="PM-2026-001",
        title="Gateway <b>fault</b>",
        summary="The gateway fault lasted an hour.",
        services=["api-gateway"],
        factors=["load.synchronized-demand"],
        source_url="https://example.com/pm",
    )
    hit = _search(reader, "fault").hits[0]
    assert hit.title_html == "Gateway &lt;b&gt;<mark>fault</mark>&lt;/b&gt;"
    assert hit.snippet_html == "The gateway <mark>fault</mark> lasted an hour."
    assert hit.services == [("api-gateway", "Api Gateway")]
    assert hit.factors[0][0] == "load.synchronized-demand"
    assert hit.source_url == "https://example.com/pm"
    assert hit.score > 0


def test_search_pages_through_results(indexed, reader):
    now = timezone.now()
    for n in range(5):
        indexed(key=f"PM-2026-00{n + 1}", title="Gateway fault", started_at=now - timedelta(days=n))
    page = search_postmortems(user=reader, query="gateway", page=2, page_size=2)
    assert _keys(page) == ["PM-2026-003", "PM-2026-004"]
    assert (page.total, page.num_pages, page.has_next, page.has_previous) == (5, 3, True, True)


def test_search_of_only_common_words_returns_nothing_and_says_why(indexed, reader):
    indexed(title="The outage")
    results = _search(reader, "the of and")
    assert results.hits == [] and results.total == 0
    assert "very common words" in results.notices[0]


def test_search_falls_back_to_plain_words_when_the_full_query_fails(indexed, reader, monkeypatch):
    indexed(key="PM-2026-001", title="Connection pool exhausted")
    backend = search_engine.BACKENDS[search_engine.backend_name()]
    original = backend.search

    def fail_on_phrases(cursor, *, parsed, **kwargs):
        if any(term.is_phrase for clause in parsed.clauses for term in clause.options):
            raise DatabaseError("syntax error in tsquery")
        return original(cursor, parsed=parsed, **kwargs)

    monkeypatch.setattr(backend, "search", fail_on_phrases)
    results = _search(reader, '"connection pool"')
    assert results.mode == "simple"
    assert _keys(results) == ["PM-2026-001"]
    assert any("searched for plainly" in notice for notice in results.notices)


def test_search_falls_back_to_substrings_when_full_text_search_fails(indexed, reader, monkeypatch):
    indexed(key="PM-2026-001", title="Connection pool exhausted", services=["checkout"])
    indexed(key="PM-2026-002", title="Disk full")
    backend = search_engine.BACKENDS[search_engine.backend_name()]
    monkeypatch.setattr(backend, "search", lambda cursor, **kwargs: (_ for _ in ()).throw(DatabaseError("down")))
    results = _search(reader, "pool")
    assert results.mode == "basic"
    assert _keys(results) == ["PM-2026-001"]
    assert {v.value: v.count for f in results.facets if f.name == "service" for v in f.values} == {"checkout": 1}
    assert any("unavailable" in notice for notice in results.notices)


def test_search_keeps_working_inside_a_transaction_after_a_failed_query(indexed, reader, monkeypatch):
    indexed(key="PM-2026-001", title="Pool exhausted")
    backend = search_engine.BACKENDS[search_engine.backend_name()]
    original = backend.search
    calls = []

    def fail_once(cursor, **kwargs):
        if not calls:
            calls.append(1)
            cursor.execute("SELECT no_such_column FROM postmortems_searchdocument")
        return original(cursor, **kwargs)

    monkeypatch.setattr(backend, "search", fail_once)
    assert _keys(_search(reader, "pool")) == ["PM-2026-001"]
    assert m.Postmortem.objects.count() == 1  # the connection is still usable


def test_search_shows_nothing_to_inactive_people(indexed, reader):
    indexed(title="Gateway fault")
    reader.is_active = False
    assert _search(reader, "gateway").hits == []


def test_search_never_counts_restricted_postmortems_for_outsiders(indexed, team, member, outsider):
    indexed(key="PM-2026-001", title="Gateway fault", services=["checkout"])
    indexed(
        key="PM-2026-002",
        title="Gateway fault in the card vault",
        services=["card-vault"],
        factors=["load.hidden-limit"],
        restricted=True,
        allowed_teams=[team],
    )
    for query in ("gateway", "vault", ""):
        results = _search(outsider, query)
        facet_values = {v.value for facet in results.facets for v in facet.values}
        assert "PM-2026-002" not in _keys(results)
        assert "card-vault" not in facet_values and "load.hidden-limit" not in facet_values
        assert results.total == (0 if query == "vault" else 1)
    assert _search(outsider, "gateway", service=("card-vault",)).total == 0
    assert sorted(_keys(_search(member, "gateway"))) == ["PM-2026-001", "PM-2026-002"]


def test_search_shows_restricted_postmortems_to_admins(indexed, team, admin_user):
    indexed(key="PM-2026-002", title="Card vault drill", restricted=True, allowed_teams=[team])
    assert _keys(_search(admin_user, "vault")) == ["PM-2026-002"]


def test_hidden_and_visible_postmortems_always_add_up_to_all(indexed, team, member, outsider, admin_user, viewer):
    """search.sql.hidden_postmortems starts from restricted rows; that is only right while the rule shows others."""
    from postmortems.search.sql import hidden_postmortems

    indexed(key="PM-2026-001")
    indexed(key="PM-2026-002", restricted=True, allowed_teams=[team])
    indexed(key="PM-2026-003", restricted=True)
    everything = set(m.Postmortem.objects.values_list("pk", flat=True))
    for user in (member, outsider, admin_user, viewer):
        visible = set(m.Postmortem.objects.visible_to(user).values_list("pk", flat=True))
        fragment = hidden_postmortems(user)
        hidden = set()
        if fragment is not None:
            rows = m.Postmortem.objects.filter(pk__in=RawSQL(fragment.sql, fragment.params))
            hidden = set(rows.values_list("pk", flat=True))
        assert visible | hidden == everything and not visible & hidden


def test_search_adds_postmortems_with_some_of_the_words_when_none_has_all(indexed, reader):
    indexed(key="PM-2026-001", title="Schema change emptied the dietary filters")
    indexed(key="PM-2026-002", title="Disk full")
    results = _search(reader, "schema change broke search filters")
    assert results.mode == "relaxed"
    assert _keys(results) == ["PM-2026-001"]
    assert "No postmortem has all of these words" in results.notices[-1]


def test_search_ranks_postmortems_with_more_of_the_words_first_when_relaxed(indexed, reader):
    indexed(key="PM-2026-001", title="Replica lag", summary="x")
    indexed(key="PM-2026-002", title="Replica lag during failover", summary="x")
    results = _search(reader, "replica lag failover drill")
    assert results.mode == "relaxed"
    assert _keys(results)[:2] == ["PM-2026-002", "PM-2026-001"]


def test_search_does_not_relax_a_query_with_enough_exact_matches(indexed, reader):
    for n in range(5):
        indexed(key=f"PM-2026-00{n + 1}", title="Replica lag")
    indexed(key="PM-2026-009", title="Replica only")
    results = _search(reader, "replica lag")
    assert results.mode == "full" and results.total == 5


@pytest.mark.postgres
def test_search_bounds_the_work_for_very_common_words(indexed, reader, monkeypatch):
    from postmortems.search import postgres

    monkeypatch.setattr(postgres, "CANDIDATES", 3)
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 5)
    for n in range(7):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Latency spike {n}", services=["checkout"])
    results = search_postmortems(user=reader, query="latency", page_size=2)
    assert (results.total, results.total_exact, results.listed, results.num_pages) == (5, False, 3, 2)
    assert not results.facets_exact
    assert {v.value: v.count for f in results.facets if f.name == "service" for v in f.values} == {"checkout": 3}
    assert len(search_postmortems(user=reader, query="latency", page=2, page_size=2).hits) == 1


@pytest.mark.postgres
def test_search_counts_exactly_below_the_bounds(indexed, reader):
    for n in range(3):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Latency spike {n}")
    results = search_postmortems(user=reader, query="latency")
    assert (results.total, results.total_exact, results.facets_exact, results.listed) == (3, True, True, 3)


@pytest.mark.postgres
def test_search_counts_matches_found_only_in_the_body(indexed, reader):
    for n in range(3):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Latency spike {n}")
    for n in range(4):
        indexed(key=f"PM-2026-01{n}", title="Other", summary="x", narrative="Then latency rose.")
    results = search_postmortems(user=reader, query="latency", page_size=2)
    assert (results.total, results.total_exact) == (7, True)
    assert _keys(results) == ["PM-2026-003", "PM-2026-002"]


def _answers(user, queries):
    answers = []
    for query, filters in queries:
        results = search_postmortems(user=user, query=query, filters=SearchFilters(**filters), page_size=3)
        facets = {(f.name, v.value): v.count for f in results.facets for v in f.values}
        answers.append((query, _keys(results), results.total, results.total_exact, results.listed, facets))
    return answers


@pytest.mark.postgres
def test_search_has_the_rum_index_where_the_server_offers_it(db):
    from django.db import connection

    from postmortems.search import postgres

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum')")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL server has no rum extension (Debian: postgresql-<version>-rum)")
        postgres.prepare(cursor)
        assert postgres.has_rum_index(cursor)


@pytest.mark.postgres
def test_search_answers_the_same_with_and_without_the_rum_index(indexed, reader, monkeypatch):
    """Below the bounds the RUM index only changes how the head matches are found, never the answer; above
    them (bounds lowered here) both ways give the best head matches, ranked by the same formula."""
    from django.db import connection

    from postmortems.search import postgres

    monkeypatch.setattr(postgres, "CANDIDATES", 4)
    monkeypatch.setattr(postgres, "COUNT_LIMIT", 6)
    monkeypatch.setattr(postgres, "HEAD_READ", 7)
    for n in range(5):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Latency spike {n}", summary="Latency latency" if n == 2 else "x")
    indexed(key="PM-2026-006", title="Disk full", narrative="Latency rose; the connection pool was exhausted.")
    indexed(key="PM-2026-007", title="Connection pool exhausted", services=["checkout"], severity=1)
    indexed(key="PM-2026-008", title="Pool of connections", summary="latency", services=["checkout"])
    queries = [
        ("latency", {}),
        ("latency spike", {}),
        ('"connection pool"', {}),
        ("latency -disk", {}),
        ('pool -"connection pool"', {}),
        ("latency OR pool", {"service": ("checkout",)}),
        ("latency", {"severity": (1, 2, 3, 4)}),
    ]
    with connection.cursor() as cursor:
        postgres.prepare(cursor)
        if not postgres.has_rum_index(cursor):
            pytest.skip("no RUM index: this PostgreSQL server has no rum extension")
    with_rum = _answers(reader, queries)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {postgres.RUM_INDEX}")  # undone with the test's transaction
    without_rum = _answers(reader, queries)
    assert with_rum == without_rum
    assert with_rum[0][1:5] == (["PM-2026-003", "PM-2026-005", "PM-2026-004"], 6, False, 4)
    assert with_rum[3][1] and "PM-2026-006" not in with_rum[3][1]


@pytest.mark.postgres
def test_search_checks_a_phrase_in_the_newest_postmortems_holding_its_words_and_says_so(indexed, reader, monkeypatch):
    from postmortems.search import postgres

    monkeypatch.setattr(postgres, "PHRASE_SCOPE", 2)
    now = timezone.now()
    for n, narrative in enumerate(["The pool had no connection left.", "The connection pool was full."] * 2):
        indexed(key=f"PM-2026-00{n + 1}", title=f"Outage {n}", narrative=narrative, started_at=now - timedelta(days=n))
    indexed(key="PM-2026-009", title="Connection pool exhausted", started_at=now - timedelta(days=30))
    results = _search(reader, '"connection pool"')
    # The two newest holding both words are checked (one has the phrase); the title match is found at any age.
    assert _keys(results) == ["PM-2026-009", "PM-2026-002"]
    assert (results.total, results.total_exact, results.facets_exact, results.phrases_capped) == (2, False, False, True)
    assert any("most recent" in notice for notice in results.notices)

    monkeypatch.setattr(postgres, "PHRASE_SCOPE", 10)
    results = _search(reader, '"connection pool"')
    assert sorted(_keys(results)) == ["PM-2026-002", "PM-2026-004", "PM-2026-009"]
    assert (results.total, results.total_exact, results.facets_exact) == (3, True, True)
    assert not any("most recent" in notice for notice in results.notices)
