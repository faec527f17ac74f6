"""SQL pieces both backends share: bound fragments, the visibility rule as a subquery, facet rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from postmortems.models import Postmortem
from postmortems.querysets import is_admin, visibility_filter


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL with its parameters, always bound, never formatted in."""

    sql: str
    params: list = field(default_factory=list)


def hidden_postmortems(user: AbstractBaseUser | AnonymousUser) -> Fragment | None:
    """The postmortems this person may not see, as a subquery of ids; None when they may see all.

    Built from the visibility rule in postmortems.querysets, so search obeys exactly what every page
    obeys. Only restricted postmortems can be hidden from someone logged in (the rule shows every
    unrestricted one), so the subquery starts from those and stays small; the test suite checks that
    visible and hidden always add up to everything. Callers return nothing at all to anyone else.
    """
    if not user.is_authenticated or not user.is_active:
        return _compile_hidden(user)
    if is_admin(user):
        return None
    # Compiling the rule costs a few milliseconds; for a non-admin the SQL depends only on who is asking
    # (memberships, authorship and restrictions are read when it runs), so it is compiled once per
    # person and process.
    key = (user.pk, type(user))
    if key not in _COMPILED:
        if len(_COMPILED) > 1000:
            _COMPILED.clear()
        _COMPILED[key] = _compile_hidden(user)
    return _COMPILED[key]


_COMPILED: dict[tuple, Fragment | None] = {}


def _compile_hidden(user: AbstractBaseUser | AnonymousUser) -> Fragment | None:
    rule = visibility_filter(user)
    if rule is None:
        return None
    hidden = Postmortem.objects.filter(restricted=True).exclude(rule).order_by().values("pk")
    sql, params = hidden.query.sql_with_params()
    return Fragment(sql, list(params))


@dataclass
class BackendPage:
    """What a backend answers for one search: a page of (postmortem id, score) and the counts.

    `total` is exact when `total_exact`; `counts` (facet key -> postmortems) cover every match when
    `counts_exact`, else only the best-ranked ones; `listed` is how many results can be paged through.
    `rows` are the page's rows, in the order of `ids`, when the backend read them with the page (PostgreSQL).
    """

    ids: list[tuple[int, float]] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True
    counts: dict[str, int] = field(default_factory=dict)
    counts_exact: bool = True
    listed: int = 0
    # PostgreSQL: a phrase was looked for in the body of only the most recent postmortems holding its words.
    phrases_capped: bool = False
    rows: list[tuple] | None = None


def facet_counts_from_rows(rows) -> tuple[int, dict[str, int]]:
    """Rows of (facet key, count), with the total on the row whose key is NULL."""
    total, counts = 0, {}
    for key, count in rows:
        if key is None:
            total = int(count)
        else:
            counts[key] = int(count)
    return total, counts
