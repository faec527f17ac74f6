"""Snippets: matched words are marked, everything else is escaped first, so stored text cannot inject markup."""

import pytest

from postmortems.search.query import SynonymTable, parse_query
from postmortems.search.snippets import SNIPPET_CHARS, Highlighter


def _highlighter(query, synonyms=None):
    return Highlighter(parse_query(query, synonyms).highlight_terms)


def test_snippet_escapes_stored_markup_before_marking():
    html = _highlighter("script").mark('<script>alert("x")</script> & more')
    assert "<script>" not in html
    assert html == "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &amp; more"


def test_snippet_escapes_a_query_that_looks_like_markup():
    html = _highlighter('<img src=x onerror="alert(1)">').mark("an img tag <img src=x onerror=alert(1)>")
    assert "<img" not in html
    assert "onerror=" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")


def test_snippet_marks_other_forms_of_a_word():
    html = _highlighter("timeout").mark("Requests timed out: three timeouts in a row.")
    assert html == "Requests timed out: three <mark>timeouts</mark> in a row."


def test_snippet_marks_words_regardless_of_case_and_accents():
    html = _highlighter("cafe resume").mark("The Café service, then RÉSUMÉ.")
    assert html == "The <mark>Café</mark> service, then <mark>RÉSUMÉ</mark>."


def test_snippet_marks_a_phrase_only_where_its_words_are_together():
    html = _highlighter('"connection pool"').mark("A pool of connections; the connection pool filled.")
    assert html == "A pool of connections; the <mark>connection pool</mark> filled."


def test_snippet_marks_synonyms_that_were_searched_for():
    html = _highlighter("db", SynonymTable([["db", "database"]])).mark("The database primary failed over.")
    assert "<mark>database</mark>" in html


def test_snippet_does_not_mark_excluded_words():
    assert "<mark>" not in _highlighter("cache -cdn").mark("the cdn")


def test_snippet_prefers_the_passage_with_most_different_matches():
    body = "\n".join(
        [
            "Nothing of interest here about the replicas.",
            "The cache was cold and the replicas took twenty times their load.",
        ]
    )
    html = _highlighter("cache replicas").snippet("A summary without either.", body)
    assert html == "The <mark>cache</mark> was cold and the <mark>replicas</mark> took twenty times their load."


def test_snippet_cuts_long_text_around_the_match_with_ellipses():
    words = " ".join(f"filler{i}" for i in range(200))
    html = _highlighter("stampede").snippet(f"{words} a stampede happened {words}")
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>stampede</mark>" in html
    assert len(html) < SNIPPET_CHARS + 40


def test_snippet_without_a_match_shows_the_start_of_the_first_field():
    assert _highlighter("absent").snippet("", "First line of the body.\nSecond line.") == "First line of the body."


def test_snippet_of_nothing_is_empty():
    assert _highlighter("x").snippet("", "") == ""


def test_snippet_keeps_offsets_right_around_letters_that_lower_to_two_characters():
    html = _highlighter("istanbul outage").mark("İstanbul: the outage")
    assert html == "<mark>İstanbul</mark>: the <mark>outage</mark>"


def test_snippet_finds_a_match_deep_in_a_long_field():
    long_text = " ".join(["filler"] * 1500) + " the stampede"  # past FIRST_SCAN, within MAX_SCAN
    assert "<mark>stampede</mark>" in _highlighter("stampede").snippet("summary", long_text)


@pytest.mark.parametrize(
    "text",
    [
        "Clock skew: the CLOCK was skewed, clocks skew again.",
        "A pool of connections; the Connection  Pool filled, connection, pool.",
        "The clock-skew alarm; unclocked skewers; o'clock",
        "",
    ],
)
@pytest.mark.parametrize("query", ["clock skew", '"connection pool"', "skew", "clock"])
def test_plain_text_matches_as_it_would_with_accented_or_dotted_i_letters_after_it(query, text):
    highlighter = _highlighter(query)
    # Text that is all ASCII is only lowered; text with other letters is folded first, and text with a letter
    # such as İ, which lowers to two characters, is matched ignoring case: all three must find the same.
    assert highlighter.hits(text + " é") == highlighter.hits(text)
    assert highlighter.hits(text + " İ") == highlighter.hits(text)


def test_snippet_marks_an_accented_phrase_in_any_case():
    html = _highlighter('"cafe resume"').mark("Le CAFÉ RÉSUMÉ, un café, un résumé; café résumés.")
    assert html == "Le <mark>CAFÉ RÉSUMÉ</mark>, un café, un résumé; <mark>café résumés</mark>."


def test_snippet_marks_words_next_to_a_dotted_capital_i():
    html = _highlighter("istanbul").mark("İSTANBUL and İstanbul, not Istanbullu-İ")
    assert html == "<mark>İSTANBUL</mark> and <mark>İstanbul</mark>, not Istanbullu-İ"


def test_snippet_marks_words_only_where_they_start_a_word():
    assert (
        _highlighter("db clock").mark("feedback, unclocked db clock")
        == "feedback, unclocked <mark>db</mark> <mark>clock</mark>"
    )
    assert _highlighter("skew").mark("clock-skew, xskew") == "clock-<mark>skew</mark>, xskew"


def test_snippet_escapes_quotes_and_ampersands_in_stored_text():
    html = _highlighter("fault").mark("""It's "the" fault & <more>""")
    assert html == "It&#x27;s &quot;the&quot; <mark>fault</mark> &amp; &lt;more&gt;"
