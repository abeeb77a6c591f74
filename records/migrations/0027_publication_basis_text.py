"""The stored publication basis of withheld penalties without the developer reference (issue 16).

``records.rules.withheld_reason`` wrote "（平台公示规则，DESIGN.md §4）" into ``publication_basis``, which subjects and
their representatives read on their record pages. The rule now says "（平台公示规则）"; the stored decisions are
rewritten the same way, by ranges of ids (one short transaction each: the table holds tens of millions of rows;
only the rows that carry the reference are written). Not reversed: the old text was never meant to be read.
"""

from django.db import migrations

OLD = "（平台公示规则，DESIGN.md §4）"
NEW = "（平台公示规则）"
CHUNK = 200_000


def rewrite(apps, schema_editor):
    CreditRecord = apps.get_model("records", "CreditRecord")
    last = CreditRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, last, CHUNK):
            cursor.execute(
                "UPDATE records_creditrecord SET publication_basis = REPLACE(publication_basis, %s, %s) "
                "WHERE id > %s AND id <= %s AND publication_basis LIKE %s",
                [OLD, NEW, start, start + CHUNK, "%DESIGN.md%"],
            )


class Migration(migrations.Migration):
    atomic = False  # each range commits on its own
    dependencies = [("records", "0026_restricted_record_type")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
