"""Indexes of the public 双公示 lists and of the search by record number (issue 12).

On PostgreSQL they are built with ``CREATE INDEX CONCURRENTLY``: the records table holds millions of rows,
and a plain ``CREATE INDEX`` would block every write (pushes, reviews) for the minutes the build takes. That
cannot run inside a transaction, hence ``atomic = False``. Other databases (SQLite in tests) get a plain index.
"""

from core.migration_operations import AddIndexOnPostgres
from django.db import migrations, models


PUBLIC = models.Q(("publishable", True), ("status", "active"))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("records", "0008_record_revoked_without_subject"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(
                condition=PUBLIC, fields=["record_type", "-decided_on", "-id"], name="record_public_type_date_idx"
            ),
        ),
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(
                condition=PUBLIC,
                fields=["record_type", "department", "-decided_on", "-id"],
                name="record_public_dept_date_idx",
            ),
        ),
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(fields=["source_id"], name="record_source_id_idx", opclasses=["varchar_pattern_ops"]),
        ),
    ]
