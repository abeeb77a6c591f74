"""Bulk INSERT and UPDATE for the hot paths of the apps (records and versions at ingestion, list results at
evaluation, stored decisions after a policy change).

Django's ``bulk_create`` prepares every value of every row through the field machinery, and an
``INSERT … VALUES`` of 1,000 rows costs the server several times what ``COPY`` costs for the same rows. On
PostgreSQL this module therefore takes the new primary keys from the table's identity sequence first
(``nextval``, one statement), then sends the rows with ``COPY … FROM STDIN`` in text format, reading the
instances' attributes directly (``auto_now``/``auto_now_add`` filled). Elsewhere (SQLite) it is plain
``bulk_create``. Only for models whose columns need no conversion beyond the text format below: text,
integers, decimals, booleans, dates, datetimes, JSON.

The ids come from the same sequence the column's default uses, so rows inserted here and by the ORM never
collide; a rolled-back transaction leaves a gap in the ids, as any INSERT does.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from functools import cache

from django.db import connection, models
from django.utils import timezone


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _escape(text: str) -> str:
    # COPY's text format: tab-separated columns, \N for NULL, and these characters escaped inside a value.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text(value, *, is_json: bool = False) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"  # SQL NULL, as Django stores None in a JSON column too
    if is_json:
        return _dumps(value).replace("\\", "\\\\")  # JSON text has no raw tab, newline or carriage return
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # the server would read it in the session's time zone, not the site's
            raise TypeError("bulk.insert cannot write a naive datetime")
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)):
        return str(value)
    raise TypeError(f"bulk.insert cannot write {type(value).__name__} values")


@cache
def _sequence(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return cursor.fetchone()[0]


def feed_order_lock(model: type[models.Model]) -> None:
    """For a table read as a change feed in id order (``FEED_ORDERED = True`` on the model): ids are allocated
    in commit order. A transaction takes the table's advisory lock before its ids and keeps it until it ends,
    so no transaction allocates ids while another holds uncommitted ones: a row can never commit behind a
    cursor a reader has already passed (a long grading committing after a short one with higher ids). Held
    from the write to the commit only, which the writers keep short. Nothing to do outside PostgreSQL
    (SQLite runs one writing transaction at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"feed:{model._meta.db_table}"])


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's own sequence (in commit order for a feed's table)."""
    if getattr(model, "FEED_ORDERED", False):
        feed_order_lock(model)
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence(model._meta.db_table, pk.column), count]
        )
        return [row[0] for row in cursor.fetchall()]


def insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """INSERT ``objs`` (no pk yet) and give each its new primary key, in order."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=1000)
        return
    now = timezone.now()
    fields = model._meta.concrete_fields
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    for obj, pk in zip(objs, allocate_ids(model, len(objs)), strict=True):
        obj.pk = pk
    columns = [(field.attname, isinstance(field, models.JSONField)) for field in fields]
    buffer = io.StringIO()
    buffer.writelines(
        "\t".join([copy_text(getattr(obj, name), is_json=is_json) for name, is_json in columns]) + "\n" for obj in objs
    )
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN", buffer
        )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def update(model: type[models.Model], objs, fields: list[str], *, batch_size: int = 1000) -> None:
    """UPDATE ``fields`` of ``objs`` (saved rows), each row to its own values: on PostgreSQL one
    ``UPDATE … FROM (VALUES …)`` per batch. Django's ``bulk_update`` builds a ``CASE WHEN pk = …`` expression per
    row and field: 1,000 memberships × 7 fields took 8.9 s to compile and run (the evaluation after a push of
    1,000 general penalties, on the shared machine at load 5), this statement 0.2 s. ``auto_now`` fields are set
    as ``save()`` sets them."""
    objs = list(objs)
    if not objs:
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    for field in targets:
        if getattr(field, "auto_now", False):
            for obj in objs:
                field.pre_save(obj, add=False)
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    quote = connection.ops.quote_name
    pk = meta.pk
    columns = [pk, *targets]
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in targets)
    names = ", ".join(quote(field.column) for field in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch for field in columns
            ]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} FROM (VALUES {', '.join([row] * len(batch))})"
                f" AS v ({names}) WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                params,
            )
