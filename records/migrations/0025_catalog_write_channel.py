"""A catalog entry may reserve its record type to one channel (``RecordType.write_channel``), and 抽查检查结果
(``ccjc``, records 0021) is reserved to the new channel of the supervision app's result entry: the number of a
result record (``CCJC-{plan}-{USCC}``) is predictable, and an ordinary push (API, web form, spreadsheet) of that
number overwrote an entered result while the plan and its public page still showed the one entered (red team of
issue 15).

Frozen data: the value is set only while it is still empty, so running it again changes nothing and an edit by
the credit centre stays.
"""

from django.db import migrations, models

RESERVED = {"ccjc": "supervision"}


def reserve(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    for code, channel in RESERVED.items():
        RecordType.objects.filter(code=code, write_channel="").update(write_channel=channel)


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0024_record_change_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='recordtype',
            name='write_channel',
            field=models.CharField(blank=True, choices=[('api', '接口报送'), ('form', '在线填报'), ('upload', '表格导入'), ('batch', '批量接口'), ('supervision', '双随机抽查结果录入')], help_text='留空为各渠道均可报送；填写后只接受该渠道写入，如抽查检查结果只由双随机抽查结果录入写入', max_length=16, verbose_name='限定写入渠道'),
        ),
        migrations.AlterField(
            model_name='creditrecord',
            name='channel',
            field=models.CharField(choices=[('api', '接口报送'), ('form', '在线填报'), ('upload', '表格导入'), ('batch', '批量接口'), ('supervision', '双随机抽查结果录入')], max_length=16, verbose_name='报送渠道'),
        ),
        migrations.AlterField(
            model_name='ingestbatch',
            name='channel',
            field=models.CharField(choices=[('api', '接口报送'), ('form', '在线填报'), ('upload', '表格导入'), ('batch', '批量接口'), ('supervision', '双随机抽查结果录入')], max_length=16, verbose_name='渠道'),
        ),
        migrations.RunPython(reserve, migrations.RunPython.noop),
    ]
