"""Where the public sees each record type and field, as catalog data instead of template code (issue 13).

``RecordType.subject_tab``: the tab of the subject page. ``RecordField``: its column in the 双公示 list, its
order on the subject page and in the credit report, its column in the open-data files (empty: not shown),
the name shown (fields of one name next to each other form one item) and what a missing value shows.

The data below reproduces what the templates showed before. Frozen data: rows are matched by code, and a
value is set only while it is still empty, so running it again changes nothing.
"""

from django.db import migrations, models

# type code: tab of the subject page (types of the red and black lists show through their listings)
TABS = {
    "xzxk": "xzxk",
    "xzcf": "xzcf",
    "jyyc": "jyyc",
    "xycn": "xycn",
    "hmd": "red",
    "yzsxmd": "black",
    "sxbzxr": "black",
    "wncn": "other",
}
# type code: {field code: {attribute: value}}
FIELDS = {
    "xzcf": {
        "CF_WSH": {"open_data_column": 1},
        "CF_WFXW": {"subject_page_order": 1, "report_order": 1, "open_data_column": 2},
        "CF_CFLB": {"list_column": 1, "subject_page_order": 2, "report_order": 2, "open_data_column": 3},
        "CF_NR": {"subject_page_order": 3, "report_order": 3, "open_data_column": 4},
        "CF_YJ": {"subject_page_order": 4},
        "CF_NR_FK": {"open_data_column": 5},
        "CF_JDRQ": {"open_data_column": 6},
        "CF_CFJG": {"subject_page_order": 5, "report_order": 4, "open_data_column": 7},
    },
    "xzxk": {
        "XK_WSH": {"open_data_column": 1},
        "XK_XKLB": {"open_data_column": 2},
        "XK_XKZS": {"public_label": "许可证书", "subject_page_order": 1, "open_data_column": 3},
        "XK_XKBH": {"public_label": "许可证书", "subject_page_order": 2, "open_data_column": 4},
        "XK_NR": {"list_column": 1, "subject_page_order": 3, "report_order": 1, "open_data_column": 5},
        "XK_JDRQ": {"open_data_column": 6},
        "XK_YXQZ": {"public_label": "有效期", "subject_page_order": 4, "report_order": 2},
        "XK_YXQZI": {"public_label": "有效期", "subject_page_order": 5, "report_order": 3, "open_data_column": 7},
        "XK_XKJG": {"subject_page_order": 6, "report_order": 4, "open_data_column": 8},
    },
    "xycn": {
        "CN_CNLX": {"subject_page_order": 1},
        "CN_CNSX": {"subject_page_order": 2},
        "CN_CNNR": {"subject_page_order": 3},
        "CN_LYQK": {"subject_page_order": 4, "public_default": "履约中"},
        "CN_SLJG": {"subject_page_order": 5},
    },
    "wncn": {
        "WN_WNQK": {"subject_page_order": 1},
        "WN_CNBH": {"subject_page_order": 2},
        "WN_RDJG": {"subject_page_order": 3},
    },
}


def display(apps, schema_editor):
    RecordType = apps.get_model("records", "RecordType")
    RecordField = apps.get_model("records", "RecordField")
    for code, tab in TABS.items():
        RecordType.objects.filter(code=code, subject_tab="other").update(subject_tab=tab)
    for type_code, fields in FIELDS.items():
        for field_code, values in fields.items():
            rows = RecordField.objects.filter(record_type__code=type_code, code=field_code)
            for name, value in values.items():
                empty = "" if name in ("public_label", "public_default") else None
                rows.filter(**{name: empty}).update(**{name: value})


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0015_publication_decision'),
    ]

    operations = [
        migrations.AddField(
            model_name='recordfield',
            name='list_column',
            field=models.PositiveSmallIntegerField(blank=True, help_text='在行政相对人、文书号之后第几列；留空不显示', null=True, verbose_name='双公示列表列序'),
        ),
        migrations.AddField(
            model_name='recordfield',
            name='open_data_column',
            field=models.PositiveSmallIntegerField(blank=True, help_text='在开放数据文件中名称、代码之后第几列；留空不导出', null=True, verbose_name='开放数据列序'),
        ),
        migrations.AddField(
            model_name='recordfield',
            name='public_default',
            field=models.CharField(blank=True, help_text='如信用承诺的“履约中”', max_length=64, verbose_name='未填报时显示'),
        ),
        migrations.AddField(
            model_name='recordfield',
            name='public_label',
            field=models.CharField(blank=True, help_text='在双公示列表、主体页和信用报告中显示的名称，留空为字段名称；相邻且同名的字段合为一项（两个日期显示为“起 至 止”）', max_length=64, verbose_name='公开名称'),
        ),
        migrations.AddField(
            model_name='recordfield',
            name='report_order',
            field=models.PositiveSmallIntegerField(blank=True, help_text='在信用报告中的显示顺序；留空不显示', null=True, verbose_name='信用报告顺序'),
        ),
        migrations.AddField(
            model_name='recordfield',
            name='subject_page_order',
            field=models.PositiveSmallIntegerField(blank=True, help_text='在信用主体页面的显示顺序；留空不显示', null=True, verbose_name='主体页顺序'),
        ),
        migrations.AddField(
            model_name='recordtype',
            name='subject_tab',
            field=models.CharField(choices=[('xzxk', '行政许可'), ('xzcf', '行政处罚'), ('red', '守信激励'), ('black', '失信惩戒'), ('jyyc', '经营异常'), ('xycn', '信用承诺'), ('other', '其他')], default='other', help_text='公众在信用主体页面的哪个栏目看到这类信息；守信激励、失信惩戒栏目显示这类信息形成的名单', max_length=16, verbose_name='主体页栏目'),
        ),
        migrations.RunPython(display, migrations.RunPython.noop),
    ]
