"""The bulk write of a grading, without a model instance per row: a full run after a model's publication writes
a result for every subject (a million), and building Django instances cost more than the engine and the COPY
together.

On PostgreSQL, new rows take their ids from the table's sequence and go in by ``COPY`` (as ``core.bulk``, whose
text format this uses; JSON arrives already serialised). Elsewhere (SQLite, the test default) the ORM does it.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, models

from core import bulk


class JsonText(str):
    """A JSON document already serialised (compact, UTF-8): written as it is."""


class CopyText(str):
    """A value already in COPY's text format (a date or timestamp formatted once for every row of a grading)."""

    @classmethod
    def of(cls, value: datetime.date | datetime.datetime) -> CopyText:
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            raise TypeError("a naive datetime would be read in the session's time zone")
        return cls(value.isoformat())


def _text(value: str) -> str:
    return value if value.isprintable() and "\\" not in value else bulk.copy_text(value)


# By exact type (one lookup per value): the hot path of a run writing a million rows.
_FORMATS = {
    int: str,
    Decimal: str,
    str: _text,
    # Serialised JSON holds no raw tab or newline (they are escaped inside strings): only backslashes double.
    JsonText: lambda value: value.replace("\\", "\\\\"),
    CopyText: str.__str__,
    datetime.date: datetime.date.isoformat,
    type(None): lambda value: "\\N",
}


def _copy_value(value) -> str:
    format_ = _FORMATS.get(type(value))
    return format_(value) if format_ is not None else bulk.copy_text(value)


def _python(value):
    """A staged value as the ORM takes it (SQLite)."""
    if isinstance(value, JsonText):
        return json.loads(value)
    if isinstance(value, CopyText):
        return datetime.datetime.fromisoformat(value) if "T" in value else datetime.date.fromisoformat(value)
    return value


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> list[int]:
    """Insert ``rows`` (values in the order of ``columns``, attribute names, without the primary key) and return
    their new primary keys, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**{c: _python(v) for c, v in zip(columns, row, strict=True)}) for row in rows]
        model.objects.bulk_create(objs, batch_size=500)
        return [obj.pk for obj in objs]
    ids = bulk.allocate_ids(model, len(rows))
    buffer = io.StringIO()
    buffer.writelines(f"{pk}\t" + "\t".join(map(_copy_value, row)) + "\n" for pk, row in zip(ids, rows, strict=True))
    buffer.seek(0)
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in ["id", *columns])
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN", buffer)
    return ids
