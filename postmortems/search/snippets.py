"""Snippets and highlighting: find where a result matched, escape the text, then wrap matches in <mark>.

The order matters for safety: every piece of stored text goes through `html.escape` before any markup is
added, and the only markup added is `<mark>` and `</mark>`. Matching follows the databases closely
enough (folded case and accents, English stems, phrases as consecutive words) without asking them,
so a page of results costs no extra query.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from django.utils.safestring import SafeString, mark_safe

from postmortems.search.query import WORD, Term, fold, stem

SNIPPET_CHARS = 240
# Fields are scanned this far first (a long narrative need not be read to the end to find a passage),
# and as far as MAX_SCAN only when nothing matched in the first part of any field.
FIRST_SCAN = 6_000
MAX_SCAN = 12_000
CONTEXT_BEFORE = 60


def _same_length_fold_table() -> dict[int, str]:
    """Accented Latin letters to their base letter, one character for one, so offsets stay valid."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_FOLD = _same_length_fold_table()


class Hit(NamedTuple):
    """Where a needle (index into Highlighter.needles) matched: text[start:end]."""

    start: int
    end: int
    needle: int


class Highlighter:
    """Finds the words and phrases of a query in text, by stem, and marks them."""

    def __init__(self, terms: list[Term]):
        self.needles: list[tuple[str, ...]] = []
        for term in terms:
            stems = tuple(stem(word) for word in term.words)
            if stems and stems not in self.needles:
                self.needles.append(stems)
        # Each needle's first stem -> (its index, the stems after it), in the needles' order.
        self._by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, needle in enumerate(self.needles):
            self._by_first.setdefault(needle[0], []).append((index, needle[1:]))
        firsts = set(self._by_first)
        # A cheap first pass finds words starting like a needle's first stem; each is then checked by its stem.
        self._prefixes = sorted({s[:-1] if len(s) > 3 else s for s in firsts}, key=len, reverse=True)
        candidate = r"(?:" + "|".join(map(re.escape, self._prefixes)) + r")\w*(?:['’.\-]\w+)*"
        self._candidate = re.compile(candidate)
        self._candidates_any_case = re.compile(r"\b" + candidate, re.I)

    def hits(self, text: str) -> list[Hit]:
        if not self._prefixes or not text:
            return []
        folded, any_case = _folded(text)
        matches = self._candidates_any_case.finditer(folded) if any_case else self._candidates(folded)
        found: list[Hit] = []
        for match in matches:
            for index, rest in self._by_first.get(_stem_of(match.group()), ()):
                end = self._phrase_end(folded, match.end(), rest) if rest else match.end()
                if end is not None:
                    found.append(Hit(match.start(), end, index))
                    break
        return found

    def _candidates(self, text: str) -> Iterator[re.Match]:
        """The words of lower-case `text` that start with a prefix, left to right.

        Several times faster than one regex scan for all prefixes: str.find jumps from one prefix to the
        next, where the regex engine tries the pattern at every letter a prefix starts with.
        """
        starts = sorted({start for prefix in self._prefixes for start in _word_starts(text, prefix)})
        end = 0
        for start in starts:
            if start >= end:  # not inside the previous candidate ("skew" in "clock-skew")
                match = self._candidate.match(text, start)
                end = match.end()
                yield match

    @staticmethod
    def _phrase_end(text: str, position: int, rest: tuple[str, ...]) -> int | None:
        """Where a phrase ends if the words after `position` are `rest`, in order; None if they are not."""
        end = position
        for expected in rest:
            following = WORD.search(text, end)
            if following is None or text[end : following.start()].strip(" ,;:-"):
                return None
            if _stem_of(following.group()) != expected:
                return None
            end = following.end()
        return end

    def mark(self, text: str, hits: list[Hit] | None = None, start: int = 0, end: int | None = None) -> SafeString:
        """text[start:end], escaped, with the hits inside it wrapped in <mark>."""
        end = len(text) if end is None else end
        hits = self.hits(text) if hits is None else hits
        # html.escape is what Django's escape() runs, without its handling of lazy strings.
        pieces, cursor = [], start
        for hit in hits:
            if hit.start < cursor or hit.end > end:
                continue
            pieces += [
                html.escape(text[cursor : hit.start]),
                "<mark>",
                html.escape(text[hit.start : hit.end]),
                "</mark>",
            ]
            cursor = hit.end
        pieces.append(html.escape(text[cursor:end]))
        return mark_safe("".join(pieces))  # noqa: S308 - every piece of text above went through html.escape()

    def snippet(self, *fields: str) -> SafeString:
        """The line with the most different matches (earlier fields win ties), cut around its best stretch.

        Scanning stops at the first line that holds every word of the query.
        """
        best = self._best(fields, FIRST_SCAN)
        if best is None and any(len(text) > FIRST_SCAN for text in fields):
            # Nothing near the start of any field: look further into the long ones before giving up.
            best = self._best(fields, MAX_SCAN)
        if best is None:
            fallback = next((text for text in fields if text.strip()), "")
            line = fallback.strip().split("\n", 1)[0]
            return self._passage(line, [], 0)
        _, line, hits = best
        return self._passage(line, hits, _best_cluster(hits).start)

    def _best(self, fields: tuple[str, ...], scan: int) -> tuple[int, str, list[Hit]] | None:
        best: tuple[int, str, list[Hit]] | None = None
        for text in fields:
            hits = self.hits(text[:scan])
            if not hits:
                continue
            distinct, line, line_hits = _best_line(text, hits)
            if best is None or distinct > best[0]:
                best = (distinct, line, line_hits)
            if distinct == len(self.needles):
                break
        return best

    def _passage(self, line: str, hits: list[Hit], anchor: int) -> SafeString:
        start, end = _window(line, anchor)
        prefix = "… " if start else ""
        suffix = " …" if end < len(line) else ""
        return mark_safe(prefix + self.mark(line, hits, start, end) + suffix)  # noqa: S308 - mark() escaped it


def _best_line(text: str, hits: list[Hit]) -> tuple[int, str, list[Hit]]:
    """The line of `text` whose hits cover the most needles, with those hits relative to the line."""
    by_line: dict[int, list[Hit]] = {}
    for hit in hits:
        by_line.setdefault(text.rfind("\n", 0, hit.start) + 1, []).append(hit)
    start, line_hits = max(by_line.items(), key=lambda item: (len({h.needle for h in item[1]}), len(item[1])))
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    shifted = [Hit(h.start - start, h.end - start, h.needle) for h in line_hits]
    return len({h.needle for h in line_hits}), line, shifted


def _word_starts(text: str, prefix: str) -> list[int]:
    """Where `prefix` (which starts with a letter or digit) starts a word of `text`."""
    starts = []
    start = text.find(prefix)
    while start >= 0:
        # A word starts where the character before is not a word character: what the regex \b checks here.
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            starts.append(start)
        start = text.find(prefix, start + 1)
    return starts


def _folded(text: str) -> tuple[str, bool]:
    """`text` without accents and in lower case, character for character so offsets still point into `text`,
    and whether it must be matched ignoring case.

    A few letters (such as the dotted capital I) lower to two characters: text holding one is folded
    but not lowered, and matched ignoring case, which is much slower.
    """
    if text.isascii():
        return text.lower(), False
    folded = text.translate(_FOLD)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered, False
    return folded, True


@lru_cache(maxsize=50_000)
def _stem_of(word: str) -> str:
    return stem(fold(word))


def _best_cluster(hits: list[Hit]) -> Hit:
    """The hit that starts the stretch of SNIPPET_CHARS holding the most different needles."""
    best, best_score = hits[0], (0, 0)
    for i, first in enumerate(hits):
        inside = [hit for hit in hits[i:] if hit.end - first.start <= SNIPPET_CHARS - CONTEXT_BEFORE]
        score = (len({hit.needle for hit in inside}), len(inside))
        if score > best_score:
            best, best_score = first, score
    return best


def _window(line: str, anchor: int) -> tuple[int, int]:
    """Bounds of about SNIPPET_CHARS of `line` around `anchor`, cut at spaces."""
    start = max(0, anchor - CONTEXT_BEFORE)
    if start:
        space = line.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 else start
    end = min(len(line), start + SNIPPET_CHARS)
    if end < len(line):
        space = line.rfind(" ", start, end)
        end = space if space > start + CONTEXT_BEFORE else end
    return start, end
