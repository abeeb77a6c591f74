"""Warning-only and simplified-procedure penalties are stored as not publishable (``records.rules.withheld``).

Until now the public queries excluded them at read time with JSON-key predicates, which kept those queries off
the (type, date, id) indexes (issue 12). The decision is now made when a record is written; this applies it to
the records already stored. Only the derived window changes: data and versions are untouched.
"""

from django.db import migrations
from django.db.models import Q


def withhold(apps, schema_editor):
    CreditRecord = apps.get_model("records", "CreditRecord")
    CreditRecord.objects.filter(publishable=True).filter(Q(data__CF_CFLB="警告") | Q(data__CF_SFJYCX="是")).update(
        publishable=False, disclosure_start=None, disclosure_end=None, repair_eligible_on=None
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0009_public_list_indexes")]

    operations = [migrations.RunPython(withhold, migrations.RunPython.noop)]
