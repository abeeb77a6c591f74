"""The 2019 regime's periods and basis as 发改办财金〔2019〕527号 sets them, for databases seeded before.

527号: penalties of 一般 dishonesty are published at least 3 months and at most 1 year, of 严重 dishonesty at
least 6 months and at most 3 years, from the decision date. The seed had 3–36 months for 一般 (and 较重, which
takes its period) and 12–36 for 严重, and cited the document as 发改办财金规〔2019〕527号.

Frozen data; a value is corrected only while it is still the one seeded before, so the credit centre's own
edits are kept and running it again changes nothing. Stored windows of records already ingested are not
recomputed here (the recomputation of stored decisions after a policy change is its own step).
"""

from django.db import migrations

REGIME = "ndrc-2019"
SEEDED_BASIS = "发改办财金规〔2019〕527号"
BASIS = "发改办财金〔2019〕527号《国家发展改革委办公厅关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知》"
# severity: ((min, max) as seeded), (min, max) of 527号
PERIODS = {"general": ((3, 36), (3, 12)), "serious": ((3, 36), (3, 12)), "severe": ((12, 36), (6, 36))}


def correct(apps, schema_editor):
    DisclosureRegime = apps.get_model("records", "DisclosureRegime")
    RegimePeriod = apps.get_model("records", "RegimePeriod")
    DisclosureRegime.objects.filter(code=REGIME, basis=SEEDED_BASIS).update(basis=BASIS)
    for severity, ((seeded_min, seeded_max), (min_months, max_months)) in PERIODS.items():
        RegimePeriod.objects.filter(
            regime__code=REGIME, severity=severity, min_months=seeded_min, max_months=seeded_max
        ).update(min_months=min_months, max_months=max_months)


class Migration(migrations.Migration):
    dependencies = [("records", "0012_record_division")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
