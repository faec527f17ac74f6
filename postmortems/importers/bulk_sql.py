"""Plain multi-row INSERTs for the import's big tables, without building a model instance per row.

`bulk_create` spends about 15 µs preparing each value of each row; an import of a thousand postmortems
writes some 200,000 values. This inserter reads the columns from the model's `_meta` (so a field added
later is written with its default, or fails loudly if it has none), adapts only the types that need it
(dates, times, JSON) and hands the rows to the driver's `executemany`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
ID_CHUNK = 900  # below SQLite's historic limit of 999 parameters per statement


def _same(value: Any) -> Any:
    return value


class RowInserter:
    """INSERTs rows, given as dicts keyed by field attname (the same keys in every row), into one table.

    Columns the rows do not name get the field's default (or `now` for auto times), computed once per call.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not getattr(field, "generated", False)
        ]

    @staticmethod
    def _adapter(field: models.Field) -> Callable[[Any], Any]:
        if isinstance(field, models.DateTimeField):
            if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
                return _sqlite_utc_datetime
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(field, _PLAIN) and not isinstance(field, models.JSONField):
            return _same
        return lambda value: field.get_db_prep_save(value, connection)

    def _default(self, field: models.Field, now: Any) -> Any:
        """What a row that does not name the field gets: `now` for auto times, else the field's default."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default() or not field.null:
            if field.db_default is not NOT_PROVIDED and not field.has_default():
                name = f"{self.model.__name__}.{field.name}"
                raise ValueError(f"{name} has only a database default; the importer must pass it explicitly")
            return field.get_default()
        return None

    def insert(self, rows: Iterable[dict[str, Any]]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        named = [field for field in self.fields if field.attname in rows[0]]
        others = [field for field in self.fields if field.attname not in rows[0]]
        now = timezone.now()
        constant = tuple(self._adapter(field)(self._default(field, now)) for field in others)
        # Rows come out of itemgetter as tuples (in C); only dates, times and JSON need adapting in Python.
        take = itemgetter(*(field.attname for field in named))
        adapt = [(i, self._adapter(field)) for i, field in enumerate(named) if self._adapter(field) is not _same]
        params: list[Sequence[Any]] = []
        for row in rows:
            values = take(row)
            if len(named) == 1:
                values = (values,)
            if adapt:
                values = list(values)
                for i, adapter in adapt:
                    values[i] = adapter(values[i])
                values = tuple(values)
            params.append(values + constant)
        self._execute([field.column for field in named + others], params)
        return len(params)

    def _execute(self, columns: list[str], params: list[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        table, names = quote(self.model._meta.db_table), ", ".join(quote(column) for column in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than one INSERT per row, even pipelined. The driver's cursor is
                # used directly, so its errors are wrapped here into Django's, as Django's cursor would.
                with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", params)


def _sqlite_utc_datetime(value: Any) -> Any:
    """What Django's SQLite backend stores for an aware datetime, without its per-value checks."""
    if isinstance(value, datetime) and value.tzinfo is UTC:
        return value.isoformat(" ")[:-6]  # without the "+00:00", as str() of the naive value would give
    return connection.ops.adapt_datetimefield_value(value)


def chunks(values: list[Any], size: int = ID_CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
