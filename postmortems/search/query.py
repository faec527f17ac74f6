"""Web-style queries: words, "quoted phrases", OR, -excluded, with synonyms applied.

The parser never fails: whatever the text, it yields a `ParsedQuery` (possibly empty) plus notes for
the person searching. Backends compile the parsed form into their own syntax with every word passed
as data, so nothing a person types can break the database query.

    dns timeout            both words (stemmed: "timeouts" matches too)
    "connection pool"      the words next to each other, in that order
    redis OR memcached     either word
    cache -cdn             cache, but not cdn
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 12
MAX_OPTIONS = 8

# The English stop words PostgreSQL and Snowball use; unquoted, they are dropped on both backends alike.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now
    """.split()
)

# A quoted phrase (the closing quote may be missing), the OR operator, or a bare word; either may be negated.
_TOKEN = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<or>\bOR\b|\|)|(?P<wneg>-)?(?P<word>[^\s"|]+)')
# A word as both databases tokenise it, closely enough: letters and digits, joined by - . ' inside.
WORD = re.compile(r"\w+(?:['’.\-]\w+)*")

_stemmer = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents: "Café" and "cafe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The English (Porter 2) stem of one folded word, as PostgreSQL's english_stem computes it."""
    return _stemmer.stemWord(word)


def words_of(text: str) -> list[str]:
    return WORD.findall(fold(text))


def stem_key(text: str) -> str:
    """Identity of a word or phrase for synonym lookup: folded, stemmed, hyphens as spaces."""
    return " ".join(stem(word) for word in words_of(text.replace("-", " ")))


@dataclass(frozen=True)
class Term:
    """A word or a phrase to look for; a phrase's words must appear next to each other in order."""

    text: str

    @property
    def words(self) -> list[str]:
        return words_of(self.text)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Clause:
    """One thing the query asks for: any of `options`, or, when negated, none of them."""

    options: tuple[Term, ...]
    negated: bool = False
    # Options added by the synonym dictionary, for telling the person what else was searched.
    synonyms: tuple[Term, ...] = ()


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Set when every word was too common to search for: such a query matches nothing rather than everything.
    unsearchable: bool = False

    @property
    def positive(self) -> list[Clause]:
        return [clause for clause in self.clauses if not clause.negated]

    @property
    def negative(self) -> list[Clause]:
        return [clause for clause in self.clauses if clause.negated]

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def highlight_terms(self) -> list[Term]:
        """Every word and phrase a result may have matched, synonyms included."""
        return [term for clause in self.positive for term in clause.options]

    def relaxed(self) -> ParsedQuery:
        """Any of the words and phrases rather than all of them (exclusions still apply); best ranked first."""
        options = tuple(dict.fromkeys(term for clause in self.positive for term in clause.options))
        return ParsedQuery(text=self.text, clauses=[Clause(options), *self.negative], notes=list(self.notes))

    def simplified(self) -> ParsedQuery:
        """The fallback: the same words, all required, no phrases, operators or synonyms."""
        words: dict[str, None] = {}
        for clause in self.positive:
            for word in clause.options[0].words:
                if word not in STOP_WORDS:
                    words.setdefault(word)
        return ParsedQuery(text=" ".join(words), clauses=[Clause((Term(word),)) for word in words])


class SynonymTable:
    """Groups of equivalent words and phrases, looked up by stem so "certs" finds the "cert" group."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self._groups: dict[str, tuple[str, ...]] = {}
        self.longest = 1
        for group in groups:
            terms = tuple(dict.fromkeys(" ".join(t.lower().split()) for t in group if t.strip()))
            if len(terms) < 2:
                continue
            # A term in two groups joins them: "mq, kraken" and "mq, message queue" make one group of three.
            for term in terms:
                terms += tuple(t for t in self._groups.get(stem_key(term), ()) if t not in terms)
            for term in terms:
                key = stem_key(term)
                if key:
                    self._groups[key] = terms
                    self.longest = max(self.longest, len(key.split()))

    def __len__(self) -> int:
        return len(self._groups)

    def alternatives(self, text: str) -> tuple[str, ...]:
        """The other members of the group `text` belongs to (none if it has no synonyms)."""
        key = stem_key(text)
        group = self._groups.get(key, ())
        return tuple(term for term in group if stem_key(term) != key)

    def knows(self, words: list[str]) -> bool:
        return " ".join(stem(word) for word in words) in self._groups


@dataclass
class _Item:
    text: str
    negated: bool
    quoted: bool
    joined_to_previous: bool = False  # preceded by OR


def _scan(text: str) -> list[_Item]:
    items: list[_Item] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        if match.group("or"):
            pending_or = bool(items)
            continue
        if match.group("phrase") is not None:
            item = _Item(" ".join(WORD.findall(match.group("phrase"))), bool(match.group("neg")), quoted=True)
            _push(items, item, pending_or)
            pending_or = False
            continue
        # "tls/ssl" means either; "error:timeout" or "a_b+c" hold several words, kept together as a phrase.
        negated = bool(match.group("wneg"))
        after_or = pending_or
        for part in match.group("word").split("/"):
            pieces = WORD.findall(part)
            if pieces:
                _push(items, _Item(" ".join(pieces), negated, quoted=len(pieces) > 1), after_or)
                after_or = not negated
        pending_or = False
    return items


def _push(items: list[_Item], item: _Item, after_or: bool) -> None:
    if not words_of(item.text):
        return
    item.joined_to_previous = after_or and bool(items) and not item.negated and not items[-1].negated
    items.append(item)


def _join_multiword_synonyms(items: list[_Item], synonyms: SynonymTable) -> list[_Item]:
    """Unquoted runs such as `out of memory` that name a synonym become one phrase, so the group applies."""
    if synonyms.longest < 2:
        return items
    joined: list[_Item] = []
    i = 0
    while i < len(items):
        for size in range(min(synonyms.longest, len(items) - i), 1, -1):
            run = items[i : i + size]
            plain = all(not it.quoted and not it.negated for it in run)
            if plain and not any(it.joined_to_previous for it in run[1:]):
                if synonyms.knows([w for it in run for w in words_of(it.text)]):
                    first = run[0]
                    joined.append(_Item(" ".join(it.text for it in run), False, True, first.joined_to_previous))
                    i += size
                    break
        else:
            joined.append(items[i])
            i += 1
    return joined


def _only_stop_words(text: str) -> bool:
    return all(word in STOP_WORDS for word in words_of(text))


def _expand(term: Term, synonyms: SynonymTable) -> tuple[Term, ...]:
    return tuple(Term(alt) for alt in synonyms.alternatives(term.text))


def parse_query(text: str, synonyms: SynonymTable | None = None) -> ParsedQuery:
    """Parse what a person typed; unknown syntax is read as words, never rejected."""
    synonyms = synonyms or SynonymTable()
    text = " ".join(text.split())
    parsed = ParsedQuery(text=text)
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        parsed.notes.append(f"Only the first {MAX_QUERY_LENGTH} characters of the query were used.")
    items = _join_multiword_synonyms(_scan(text), synonyms)

    # Stop words are dropped alone and as whole phrases ("at once"), as PostgreSQL does; inside a phrase
    # with other words they stay and keep their place ("out of memory").
    dropped = [it.text for it in items if _only_stop_words(it.text)]
    meaningful = [it for it in items if not _only_stop_words(it.text)]
    if dropped:
        common = ", ".join(dict.fromkeys(w.casefold() for w in dropped))
        if not any(not it.negated for it in meaningful):
            parsed.unsearchable = True
            parsed.notes.append(f"The query has only very common words ({common}); add a more specific word.")
            return parsed
        parsed.notes.append(f"Ignored common words: {common}.")
        items = meaningful

    groups: list[list[_Item]] = []
    for item in items:
        if item.joined_to_previous and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
    if len(groups) > MAX_CLAUSES:
        parsed.notes.append(f"Only the first {MAX_CLAUSES} words or phrases were used.")
        groups = groups[:MAX_CLAUSES]

    expanded_notes: list[str] = []
    for group in groups:
        options = tuple(dict.fromkeys(Term(it.text.casefold()) for it in group))
        extra: list[Term] = []
        for term in options:
            added = [alt for alt in _expand(term, synonyms) if alt not in options and alt not in extra]
            if added:
                expanded_notes.append(f"{', '.join(a.text for a in added)} (for {term.text})")
            extra += added
        all_options = (options + tuple(extra))[:MAX_OPTIONS]
        parsed.clauses.append(Clause(all_options, negated=group[0].negated, synonyms=tuple(extra)))
    if expanded_notes:
        parsed.notes.append("Also searched for " + "; ".join(expanded_notes) + ".")
    return parsed
