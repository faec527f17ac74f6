"""The web-style query parser: no database, so these run once on each pass and never fail to parse."""

import pytest

from postmortems.search.query import MAX_CLAUSES, MAX_QUERY_LENGTH, SynonymTable, Term, parse_query

SYNONYMS = SynonymTable([["db", "database"], ["oom", "out of memory"], ["cert", "certificate"], ["tls", "ssl"]])


def _shape(text, synonyms=None):
    """Each clause as (negated, option texts)."""
    return [(c.negated, [t.text for t in c.options]) for c in parse_query(text, synonyms).clauses]


def test_parse_query_requires_every_word():
    assert _shape("dns timeout") == [(False, ["dns"]), (False, ["timeout"])]


def test_parse_query_keeps_quoted_words_together_as_a_phrase():
    parsed = parse_query('"connection pool" exhausted')
    assert [t.is_phrase for c in parsed.clauses for t in c.options] == [True, False]
    assert parsed.clauses[0].options == (Term("connection pool"),)


def test_parse_query_reads_or_between_words_as_either():
    assert _shape("redis OR memcached OR valkey eviction") == [
        (False, ["redis", "memcached", "valkey"]),
        (False, ["eviction"]),
    ]


def test_parse_query_reads_lowercase_or_as_a_common_word():
    assert _shape("redis or memcached") == [(False, ["redis"]), (False, ["memcached"])]


def test_parse_query_excludes_words_and_phrases_with_a_minus():
    assert _shape('cache -cdn -"edge rule"') == [(False, ["cache"]), (True, ["cdn"]), (True, ["edge rule"])]


def test_parse_query_keeps_hyphenated_words_whole():
    assert _shape("read-only failover") == [(False, ["read-only"]), (False, ["failover"])]


def test_parse_query_reads_a_slash_as_either():
    assert _shape("tls/ssl handshake") == [(False, ["tls", "ssl"]), (False, ["handshake"])]


def test_parse_query_tolerates_an_unterminated_quote_and_stray_operators():
    assert _shape('OR "out of mem -') == [(False, ["out of mem"])]


def test_parse_query_drops_common_words_and_says_so():
    parsed = parse_query("the cache of the catalogue")
    assert [c.options[0].text for c in parsed.clauses] == ["cache", "catalogue"]
    assert parsed.notes == ["Ignored common words: the, of."]


def test_parse_query_with_only_common_words_matches_nothing_and_says_so():
    parsed = parse_query("what is the")
    assert parsed.unsearchable
    assert parsed.clauses == []
    assert "only very common words" in parsed.notes[0]


def test_parse_query_drops_a_phrase_of_only_common_words():
    parsed = parse_query('"at once" surge')
    assert [c.options[0].text for c in parsed.clauses] == ["surge"]
    assert parsed.notes == ["Ignored common words: at once."]


def test_parse_query_keeps_common_words_inside_phrases():
    assert _shape('"out of memory"') == [(False, ["out of memory"])]


def test_parse_query_adds_synonyms_as_alternatives_and_says_so():
    parsed = parse_query("db failover", SYNONYMS)
    assert _shape("db failover", SYNONYMS) == [(False, ["db", "database"]), (False, ["failover"])]
    assert parsed.notes == ["Also searched for database (for db)."]


def test_parse_query_finds_synonyms_by_stem():
    assert _shape("certificates expired", SYNONYMS)[0] == (False, ["certificates", "cert"])


def test_parse_query_recognises_a_multiword_synonym_typed_without_quotes():
    assert _shape("pods out of memory", SYNONYMS) == [(False, ["pods"]), (False, ["out of memory", "oom"])]


def test_parse_query_applies_synonyms_to_excluded_words():
    assert _shape("outage -db", SYNONYMS) == [(False, ["outage"]), (True, ["db", "database"])]


def test_parse_query_ignores_html_and_punctuation_as_syntax():
    # Markup is only words to search for; the slash in "</script>" reads as "either", like "tls/ssl".
    assert _shape("<script>alert(1)</script>") == [(False, ["script alert 1", "script"])]


def test_parse_query_cuts_very_long_queries_and_says_so():
    parsed = parse_query("word " * 200)
    assert len(parsed.text) > MAX_QUERY_LENGTH
    assert any(str(MAX_QUERY_LENGTH) in note for note in parsed.notes)


def test_parse_query_limits_the_number_of_clauses():
    parsed = parse_query(" ".join(f"w{i}x" for i in range(MAX_CLAUSES + 5)))
    assert len(parsed.clauses) == MAX_CLAUSES


@pytest.mark.parametrize("text", ["", "   ", "-", '""', "OR", "|||", "- - -"])
def test_parse_query_of_nothing_is_empty(text):
    assert parse_query(text).is_empty


def test_simplified_query_keeps_only_the_required_words():
    simple = parse_query('"connection pool" OR redis -cdn', SYNONYMS).simplified()
    assert [(c.negated, [t.text for t in c.options]) for c in simple.clauses] == [
        (False, ["connection"]),
        (False, ["pool"]),
    ]


def test_synonym_table_joins_groups_that_share_a_term():
    table = SynonymTable([["mq", "message queue"], ["kraken", "mq"]])
    assert sorted(table.alternatives("kraken")) == ["message queue", "mq"]
    assert sorted(table.alternatives("message queue")) == ["kraken", "mq"]


def test_synonym_table_ignores_groups_of_one_term():
    assert len(SynonymTable([["alone"], ["", "x"]])) == 0
