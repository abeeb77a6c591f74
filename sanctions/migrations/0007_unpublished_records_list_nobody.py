"""A record the publication policy keeps but does not publish feeds no list (sanctions.rules, RULE_VERSION
2026.11-2): before, such a penalty (simplified procedure, warning only) listed its subject without end. The
subjects with a current membership resting on one are re-evaluated after the upgrade, through the outbox
(``records.changed``, as a recomputation of decisions does). A fresh database has none and queues nothing."""

import datetime

from django.db import migrations
from django.utils import timezone

CHUNK = 1000


def queue_reevaluation(apps, schema_editor):
    Membership = apps.get_model("sanctions", "Membership")
    OutboxItem = apps.get_model("outbox", "OutboxItem")
    rows = (
        Membership.records.through.objects.filter(
            creditrecord__publishable=False, membership__ended_on__isnull=True
        )
        .exclude(membership__state="ended")
        .order_by("creditrecord_id")
        .values_list("creditrecord_id", "membership__subject_id")
        .distinct()
    )
    pairs = list(rows)
    due = timezone.now() - datetime.timedelta(minutes=5)
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        OutboxItem.objects.create(
            topic="records.changed",
            payload={
                "record_ids": sorted({record_id for record_id, _ in chunk}),
                "subject_ids": sorted({subject_id for _, subject_id in chunk}),
            },
            next_attempt_at=due,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("records", "0017_department_and_token_in_organisations"),
        ("sanctions", "0006_measure_sectors_procuratorate"),
    ]

    operations = [migrations.RunPython(queue_reevaluation, migrations.RunPython.noop)]
