"""Indexes of the staff lists of records (issue 12); the old (type, decision date) index goes.

``record_type_decided_idx`` served the public 双公示 lists until 0009 gave them partial indexes on (type,
date, id). Nothing else needs its date column: the open-data files read public records through 0009's index,
and the API's date filters run inside one department (``record_unique_per_department``). The admin's and the
workbench's lists of one type, of any status, order by id: (type, id) replaces it. The rare statuses get a
small partial (status, id) index for the review and matching queues and the admin's status filter. Built and
dropped ``CONCURRENTLY`` on PostgreSQL (no write lock on a table of millions of rows), hence ``atomic = False``.
"""

from core.migration_operations import AddIndexOnPostgres, RemoveIndexOnPostgres
from django.db import migrations, models




class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("records", "0010_withheld_penalties_not_publishable"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(fields=["record_type", "id"], name="record_type_recent_idx"),
        ),
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(
                condition=~models.Q(status="active"), fields=["status", "id"], name="record_status_recent_idx"
            ),
        ),
        RemoveIndexOnPostgres(model_name="creditrecord", name="record_type_decided_idx"),
    ]
