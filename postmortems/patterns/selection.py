"""A filtered view over a population's parts, and subsets of it, counted with ANDs and popcounts.

Within a part only the positions in the period matter, and they are contiguous; bitsets are shifted
down to that window first, so every later operation works on ints no wider than the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress

from postmortems.patterns.index import KIND, NO_START, SEVERITY, PatternIndex
from postmortems.patterns.population import Population


@dataclass
class Window:
    """The positions [lo, lo + width) of one part, and which of them are selected."""

    index: PatternIndex
    lo: int
    width: int
    mask: int
    _cache: dict = field(default_factory=dict, repr=False)

    def get(self, kind: str, key: int | str) -> int:
        fact = (kind, key)
        if fact not in self._cache:
            self._cache[fact] = (self.index.bit(kind, key) >> self.lo) & self.mask
        return self._cache[fact]

    def window_of(self, kind: str, key: int | str) -> int:
        """The fact's bits in this window, ignoring the selection (for building masks)."""
        return (self.index.bit(kind, key) >> self.lo) & ((1 << self.width) - 1)


class Subset:
    """Some of a selection's postmortems: one bitset per window."""

    __slots__ = ("bits", "selection")

    def __init__(self, selection: Selection, bits: list[int]):
        self.selection = selection
        self.bits = bits

    def __and__(self, other: Subset) -> Subset:
        return Subset(self.selection, [a & b for a, b in zip(self.bits, other.bits, strict=True)])

    def __or__(self, other: Subset) -> Subset:
        return Subset(self.selection, [a | b for a, b in zip(self.bits, other.bits, strict=True)])

    def __sub__(self, other: Subset) -> Subset:
        return Subset(self.selection, [a & ~b for a, b in zip(self.bits, other.bits, strict=True)])

    def __bool__(self) -> bool:
        return any(self.bits)

    def count(self) -> int:
        return sum(b.bit_count() for b in self.bits)

    def newest(self, limit: int) -> list[tuple[float, str, int, int]]:
        """Up to `limit` (start, key, window, position) of the most recently started postmortems."""
        candidates = []
        for w, (window, bits) in enumerate(zip(self.selection.windows, self.bits, strict=True)):
            for relative in top_positions(bits, limit):
                position = window.lo + relative
                candidates.append((window.index.started[position], window.index.keys[position], w, position))
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        return candidates[:limit]

    def newest_keys(self, limit: int) -> list[str]:
        return [key for _start, key, _w, _p in self.newest(limit)]

    def earliest_start(self) -> float | None:
        starts = []
        for window, bits in zip(self.selection.windows, self.bits, strict=True):
            if bits:
                starts.append(window.index.started[window.lo + (bits & -bits).bit_length() - 1])
        known = [s for s in starts if s != NO_START]
        return min(known) if known else None

    def started_at_or_after(self, when: float) -> Subset:
        bits = []
        for window, value in zip(self.selection.windows, self.bits, strict=True):
            first = window.index.first_position_at_or_after(when) - window.lo
            bits.append(value if first <= 0 else (value >> first) << first)
        return Subset(self.selection, bits)

    def members(self) -> Iterator[tuple[PatternIndex, int]]:
        """(index, absolute position) of every member; for per-postmortem values such as durations."""
        for window, bits in zip(self.selection.windows, self.bits, strict=True):
            for position in set_positions(bits):
                yield window.index, window.lo + position


def top_positions(value: int, limit: int, chunk: int = 4096) -> list[int]:
    """The `limit` highest set positions, highest first, reading the top of the int a chunk at a time."""
    found: list[int] = []
    high = value.bit_length()
    while high > 0 and len(found) < limit:
        low = max(0, high - chunk)
        part = (value >> low) & ((1 << (high - low)) - 1)
        if part:
            digits = bin(part)[2:].zfill(high - low)  # most significant first
            i = digits.find("1")
            while i != -1 and len(found) < limit:
                found.append(high - 1 - i)
                i = digits.find("1", i + 1)
        high = low
    return found


def selected(values: list, lo: int, bits: int) -> list:
    """values[lo + i] for every set bit i, in order, filtered in C rather than in a Python loop."""
    flags = bin(bits)[:1:-1].translate(_FLAGS).encode("latin-1")
    return list(compress(values[lo : lo + len(flags)], flags))


_FLAGS = str.maketrans("01", "\x00\x01")


def set_positions(value: int) -> list[int]:
    """Positions of the set bits, lowest first. Reading the binary string is far faster than shifting a wide int."""
    digits = bin(value)[:1:-1]  # least significant digit first, without the "0b"
    positions = []
    found = digits.find("1")
    while found != -1:
        positions.append(found)
        found = digits.find("1", found + 1)
    return positions


class Selection:
    """The postmortems a set of filters selects, across the population's parts."""

    def __init__(self, windows: list[Window]):
        self.windows = windows

    def fact(self, kind: str, key: int | str) -> Subset:
        return Subset(self, [w.get(kind, key) for w in self.windows])

    def any_of(self, kind: str, keys: Iterable[int | str]) -> Subset:
        bits = []
        for window in self.windows:
            value = 0
            for key in keys:
                value |= window.get(kind, key)
            bits.append(value)
        return Subset(self, bits)

    def everything(self) -> Subset:
        return Subset(self, [w.mask for w in self.windows])

    def count(self, kind: str, key: int | str) -> int:
        return sum(w.get(kind, key).bit_count() for w in self.windows)

    @property
    def size(self) -> int:
        return sum(w.mask.bit_count() for w in self.windows)

    def keys(self, kind: str) -> set[int | str]:
        found: set[int | str] = set()
        for window in self.windows:
            found |= window.index.keys_of(kind)
        return found


def select(
    population: Population,
    *,
    start: float | None,
    end: float | None,
    kinds: Iterable[str] | None = None,
    severity: int | None = None,
    constraints: Iterable[list[tuple[str, int | str]]] = (),
) -> Selection:
    """Postmortems that started in [start, end), of the given kinds and severity, and having at least one
    fact of each list in `constraints` (a service filter and a team filter are one list each)."""
    windows = []
    for part in population.parts:
        lo, hi = part.index.position_range(start, end)
        window = Window(part.index, lo, hi - lo, 0)
        mask = ((1 << window.width) - 1) & ~(part.excluded >> lo)
        if kinds is not None:
            wanted = 0
            for kind in kinds:
                wanted |= window.window_of(KIND, kind)
            mask &= wanted
        if severity is not None:
            mask &= window.window_of(SEVERITY, severity)
        for facts in constraints:
            matching = 0
            for kind, key in facts:
                matching |= window.window_of(kind, key)
            mask &= matching
        window.mask = mask
        windows.append(window)
    return Selection(windows)
