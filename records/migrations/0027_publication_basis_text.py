"""The stored publication basis of withheld penalties without the developer reference (issue 16).

``records.rules.withheld_reason`` wrote "（平台公示规则，DESIGN.md §4）" into ``publication_basis``, which subjects and
their representatives read on their record pages. The rule now says "（平台公示规则）"; the stored decisions are
rewritten the same way (one statement; only the rows that carry the reference are touched). Not reversed: the
old text was never meant to be read.
"""

from django.db import migrations

OLD = "（平台公示规则，DESIGN.md §4）"
NEW = "（平台公示规则）"


class Migration(migrations.Migration):
    dependencies = [("records", "0026_restricted_record_type")]

    operations = [
        migrations.RunSQL(
            sql=[
                (
                    "UPDATE records_creditrecord SET publication_basis = REPLACE(publication_basis, %s, %s) "
                    "WHERE publication_basis LIKE %s",
                    [OLD, NEW, "%DESIGN.md%"],
                )
            ],
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
