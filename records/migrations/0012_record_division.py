"""The subject's division on each record, for the 双公示 region filter (issue 12).

Filtering the public lists by region joined each record to its subject: the planner walked the (type, date)
index and checked every record's subject, about 1,000 index rows per page shown for a county holding 0.6% of
the subjects, and a last or empty page walked the whole type (seconds on millions of records). With the
division on the record, a county is one range of ``record_public_county_date_idx`` and a city one range of
``record_public_city_date_idx`` (its first four digits), both in (date, id) order.

Non-atomic: the column is added with a constant default (no table rewrite on PostgreSQL 11+), filled in
batches of 20,000 records, each its own short transaction, and the indexes are built ``CONCURRENTLY``, so
pushes and reviews are never blocked for the minutes this takes on millions of records. Safe to rerun.
"""

import django.db.models.functions.text
from core.migration_operations import AddIndexOnPostgres
from django.db import migrations, models, transaction

BATCH = 20_000
PUBLIC = models.Q(("publishable", True), ("status", "active"))


def division_fill(apps, schema_editor):
    """Copy each matched record's subject division, one id range per transaction."""
    CreditRecord = apps.get_model("records", "CreditRecord")
    CreditSubject = apps.get_model("subjects", "CreditSubject")
    connection = schema_editor.connection
    last = CreditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if connection.vendor != "postgresql":
        divisions = dict(CreditSubject.objects.values_list("pk", "division_code"))
        for record in CreditRecord.objects.filter(subject__isnull=False).only("pk", "subject_id"):
            CreditRecord.objects.filter(pk=record.pk).update(division_code=divisions[record.subject_id])
        return
    records = connection.ops.quote_name(CreditRecord._meta.db_table)
    subjects = connection.ops.quote_name(CreditSubject._meta.db_table)
    for start in range(0, last + 1, BATCH):
        with transaction.atomic(using=schema_editor.connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {records} r SET division_code = s.division_code FROM {subjects} s
                    WHERE r.subject_id = s.id AND r.id >= %s AND r.id < %s AND r.division_code <> s.division_code""",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("records", "0011_admin_list_indexes"),
        ("subjects", "0007_token_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="creditrecord",
            name="division_code",
            field=models.CharField(blank=True, db_default="", default="", max_length=6, verbose_name="主体区划代码"),
        ),
        migrations.RunPython(division_fill, migrations.RunPython.noop, elidable=True),
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(
                condition=PUBLIC,
                fields=["record_type", "division_code", "-decided_on", "-id"],
                name="record_public_county_date_idx",
            ),
        ),
        AddIndexOnPostgres(
            model_name="creditrecord",
            index=models.Index(
                models.F("record_type"),
                django.db.models.functions.text.Left("division_code", 4),
                models.OrderBy(models.F("decided_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=PUBLIC,
                name="record_public_city_date_idx",
            ),
        ),
    ]
