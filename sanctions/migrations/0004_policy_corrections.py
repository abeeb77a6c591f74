"""Policy corrections (issue 13) of the catalog seeded by 0002, on a fresh database as on one seeded long ago.

- Joint punishment and reward in procurement, bidding, funds and honours bind every department doing that
  business (each purchaser: 财库〔2016〕125号, seed 003 item 32; 吉政发〔2014〕40号 四（八）), not only finance,
  development or housing departments.
- Legal bases cite national documents and the platform's own province (``PLATFORM_DIVISION_CODE``), not
  Jiangsu's or Qinghai's plan on a Jilin site.
- 一般 dishonesty has its measures (提醒, 约谈, 告诫: seed 004 四（三）、六（五）; 吉政发〔2014〕40号 四（八） 先警示后惩戒).

Frozen data: this migration does not import app code. Rows are matched by code and a value is corrected only
while it is still the one seeded before, so the credit centre's own edits are kept and running it again
changes nothing.
"""

from django.conf import settings
from django.db import migrations, models

JOINT = "国发〔2016〕33号《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》"
NEW_SUPERVISION = (
    "国办发〔2019〕35号《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》"
)
PROCUREMENT_CREDIT = "财库〔2016〕125号《财政部关于在政府采购活动中查询及使用信用记录有关问题的通知》"
PROPORTIONATE = "国办发〔2020〕49号《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（过惩相当）"
JILIN = "吉政发〔2014〕40号《吉林省社会信用体系建设实施方案》"
QINGHAI = "青政发〔2015〕11号《青海省社会信用体系建设规划（2014—2020年）》"
JIANGSU = "《江苏省社会信用体系建设规划纲要（2015—2020年）》"

PROVINCIAL_BASES = {
    "22": {
        "procurement": f"{JILIN} 四（八）：各级行政机关在招标采购等工作中依法使用信用信息，实施联合奖惩",
        "procurement_abnormal": f"{JILIN} 四（八）：各级行政机关在招标采购等工作中依法使用信用信息",
        "bidding": f"{JILIN} 四（八）：各级行政机关在招标采购、公共资源交易等工作中依法使用信用信息",
        "subsidy": f"{JILIN} 四（八）：各级行政机关在资金扶持等工作中依法使用信用信息",
        "honours": f"{JILIN} 四（八）：各级行政机关在评先评优等工作中依法使用信用信息",
        "licensing": f"{JILIN} 四（八）：各级行政机关在行政许可、资质等级评定等工作中依法使用信用信息",
        "supervision": f"{JILIN} 四（八）：建立各行业失信黑名单制度，各级行政机关在日常监管中依法使用信用信息",
        "watch": f"{JILIN} 四（八）：按照信用信息的类别和失信程度制定评价标准，在日常监管中使用",
        "general": f"{JILIN} 四（八）：以激励为主、惩戒为辅、先警示后惩戒",
        "green_channel": f"{JILIN} 四（八）：对守信者实行优先办理、简化程序等“绿色通道”支持激励政策",
        "reward": f"{JILIN} 四（八）：以激励为主，对守信者实行支持激励政策",
        "honour_list": f"{JILIN} 四（八）：加大对守信行为的宣传力度，对诚信企业和模范个人给予广泛宣传",
    },
    "63": {
        "procurement": f"{QINGHAI} 第四章 二（七）：建立供应商限期禁入机制",
        "procurement_abnormal": f"{QINGHAI} 第四章 二（十三）：对列入经营异常名录或者严重违法企业名单的企业，在政府采购等工作中依法予以限制",
        "bidding": f"{QINGHAI} 第四章 二（七）：完善政府采购、招投标领域失信行为惩戒制度",
        "licensing": f"{QINGHAI} 第六章 二（二）：在市场准入、资质认定、行政审批等方面实施信用分类监管",
        "supervision": f"{QINGHAI} 第六章 二（二）：建立各行业黑名单制度，实施信用分类监管",
        "subsidy": f"{QINGHAI} 第六章 二（二）：在政策扶持等方面实施信用分类监管，使失信者受到惩戒",
        "watch": f"{QINGHAI} 第六章 二（二）：结合监管对象的失信类别和程度实施信用分类监管",
        "general": f"{QINGHAI} 第六章 二（二）：结合监管对象的失信类别和程度，使失信者受到惩戒",
        "green_channel": f"{QINGHAI} 第六章 二（一）：对诚实守信者实行优先办理、简化程序等“绿色通道”支持激励政策",
        "reward": f"{QINGHAI} 第六章 二（一）：加大对守信主体的正面激励",
        "honour_list": f"{QINGHAI} 第六章 二（一）：按规定对诚信企业和模范个人给予表彰",
    },
    "32": {
        "procurement": f"{JIANGSU} 六（五）：在政府采购等领域实行信用联动监管",
        "procurement_abnormal": f"{JIANGSU} 六（五）：在政府采购等领域实行信用联动监管",
        "supervision": f"{JIANGSU} 六（五）：较重失信行为作为日常监督检查或者抽查的重点，严重失信行为联动监管",
        "subsidy": f"{JIANGSU} 六（五）：对较重失信行为减少优惠政策和资金扶持力度",
        "licensing": f"{JIANGSU} 六（三）：行政审批中实行信用承诺、信用审查",
        "watch": f"{JIANGSU} 四（三）、六（五）：较重失信行为作为日常监督检查或者抽查的重点",
        "general": f"{JIANGSU} 四（三）、六（五）：一般失信行为督促停止并整改，可以采取信用提醒和警示约谈",
        "green_channel": f"{JIANGSU} 六（四）：对诚实守信者实行优先办理、简化程序的“绿色通道”",
        "reward": f"{JIANGSU} 六（四）：对诚实守信者优先享受优惠政策等支持激励措施",
        "honour_list": f"{JIANGSU} 六（二）、六（四）：公示守信主体“红名单”，按规定给予表彰",
    },
}

# list code: (basis as seeded before, national basis, provincial topic)
LIST_BASES = {
    "zdgz_cf": (
        "江苏省社会信用体系建设规划纲要（2015—2020）四（三）：较重失信行为列入重点关注",
        f"{NEW_SUPERVISION}（信用分级分类监管）",
        "watch",
    ),
    "hmd_ry": ("吉政发〔2014〕40号 四（八）：表彰诚实守信典型", JOINT, "honour_list"),
}

# code: ((basis, sectors, scenarios) as seeded before), (national basis, provincial topic, sectors, scenarios)
MEASURES = {
    "zfcg_xz": (
        ("《中华人民共和国政府采购法》第二十二条、第七十七条", ["finance"], ["procurement"]),
        (
            f"《中华人民共和国政府采购法》第二十二条、第七十七条；{PROCUREMENT_CREDIT}",
            "procurement",
            [],
            ["procurement"],
        ),
    ),
    "ztb_xz": (
        ("《中华人民共和国招标投标法实施条例》第六十七条", ["development", "housing"], ["bidding"]),
        (f"《中华人民共和国招标投标法实施条例》第六十七条；{JOINT}", "bidding", [], ["bidding"]),
    ),
    "td_xz": (
        ("国发〔2016〕33号《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》", ["natural_resources"], ["land"]),
        (JOINT, None, ["natural_resources"], ["land"]),
    ),
    "cz_xz": (("国发〔2016〕33号", ["finance", "development"], ["subsidy"]), (JOINT, "subsidy", [], ["subsidy"])),
    "pxpy_xz": (
        ("国发〔2016〕33号；吉政发〔2014〕40号 四（八）", [], ["honours"]),
        (JOINT, "honours", [], ["honours"]),
    ),
    "rzzg_xz": (
        (
            "《中华人民共和国公司法》第一百七十八条；国发〔2016〕33号",
            ["state_assets", "market_regulation"],
            ["appointment"],
        ),
        (
            f"《中华人民共和国公司法》第一百七十八条；{JOINT}",
            None,
            ["state_assets", "market_regulation"],
            ["appointment"],
        ),
    ),
    "gzcn_bsy": (
        ("国办发〔2020〕42号", [], ["licensing"]),
        ("国办发〔2020〕42号《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》", "licensing", [], ["licensing"]),
    ),
    "xzxk_cy": (("国发〔2016〕33号", [], ["licensing"]), (JOINT, "licensing", [], ["licensing"])),
    "zdjg": (
        ("《企业信息公示暂行条例》；国发〔2016〕33号", [], ["supervision"]),
        (f"《企业信息公示暂行条例》；{JOINT}；{NEW_SUPERVISION}", "supervision", [], ["supervision"]),
    ),
    "rz_cy": (
        ("国发〔2016〕33号", ["financial_regulation"], ["financing"]),
        (JOINT, None, ["financial_regulation"], ["financing"]),
    ),
    "zfcg_jyyc": (
        ("《政府采购法实施条例》第十七条", ["finance"], ["procurement"]),
        (f"《中华人民共和国政府采购法》第二十二条；{PROCUREMENT_CREDIT}", "procurement_abnormal", [], ["procurement"]),
    ),
    "ztb_kf": (
        ("《招标投标法实施条例》", ["development", "housing"], ["bidding"]),
        ("《中华人民共和国招标投标法实施条例》", "bidding", [], ["bidding"]),
    ),
    "ns_dj": (
        ("《纳税信用管理办法》第二十条", ["tax"], ["supervision"]),
        ("《纳税信用管理办法》第二十条", None, ["tax"], ["supervision"]),
    ),
    "gxf_xz": (
        ("《最高人民法院关于限制被执行人高消费及有关消费的若干规定》", ["court"], ["supervision"]),
        ("《最高人民法院关于限制被执行人高消费及有关消费的若干规定》", None, ["court"], ["supervision"]),
    ),
    "lstd": (
        ("国发〔2016〕33号；青政发〔2015〕11号 第六章", [], ["licensing"]),
        (JOINT, "green_channel", [], ["licensing"]),
    ),
    "rqsl": (
        ("国办发〔2019〕35号", [], ["licensing"]),
        (f"{JOINT}；{NEW_SUPERVISION}", "green_channel", [], ["licensing"]),
    ),
    "jcjs": (("国发〔2016〕33号", [], ["supervision"]), (f"{JOINT}；{NEW_SUPERVISION}", "reward", [], ["supervision"])),
    "czzc_yx": (("国发〔2016〕33号", ["finance", "development"], ["subsidy"]), (JOINT, "reward", [], ["subsidy"])),
    "pxpy_yx": (("国发〔2016〕33号", [], ["honours"]), (JOINT, "reward", [], ["honours"])),
    "rz_bl": (
        ("国发〔2016〕33号", ["financial_regulation"], ["financing"]),
        (JOINT, None, ["financial_regulation"], ["financing"]),
    ),
    "ztb_jf": (("国发〔2016〕33号", ["development", "housing"], ["bidding"]), (JOINT, "reward", [], ["bidding"])),
    "ns_fw": (
        ("《纳税信用管理办法》第二十九条", ["tax"], ["supervision", "licensing"]),
        ("《纳税信用管理办法》第二十九条", None, ["tax"], ["supervision", "licensing"]),
    ),
}

GENERAL_LIST = {
    "code": "yb_cf",
    "name": "一般失信行为当事人（行政处罚）",
    "colour": "notice",
    "authority": "各行政执法部门",
    "duration_months": None,
    "earliest_exit_months": None,
    "repairable": True,
}
GENERAL_LIST_BASIS = (PROPORTIONATE, "general")
# code, name, kind, class, national basis, provincial topic, sectors, scenarios, duration
GENERAL_MEASURES = [
    (
        "yb_tx",
        "信用提醒，督促停止失信行为并整改",
        "punishment",
        "management",
        PROPORTIONATE,
        "general",
        [],
        ["supervision", "licensing"],
        "公示期间",
    ),
    (
        "yb_yt",
        "警示约谈",
        "punishment",
        "management",
        PROPORTIONATE,
        "general",
        [],
        ["supervision", "licensing"],
        "公示期间",
    ),
    (
        "yb_gj",
        "书面告诫（诚信告诫）",
        "punishment",
        "management",
        PROPORTIONATE,
        "general",
        [],
        ["supervision", "licensing"],
        "公示期间",
    ),
]


def cite(national, topic, division_code):
    provincial = PROVINCIAL_BASES.get((division_code or "")[:2], {}).get(topic) if topic else None
    return f"{national}；{provincial}" if provincial else national


def correct(apps, schema_editor):
    ListType = apps.get_model("sanctions", "ListType")
    ListSource = apps.get_model("sanctions", "ListSource")
    Measure = apps.get_model("sanctions", "Measure")
    RecordType = apps.get_model("records", "RecordType")
    division = settings.PLATFORM_DIVISION_CODE

    for code, (seeded, national, topic) in LIST_BASES.items():
        ListType.objects.filter(code=code, legal_basis=seeded).update(legal_basis=cite(national, topic, division))
    for measure in Measure.objects.filter(code__in=MEASURES).order_by("pk"):
        (seeded_basis, seeded_sectors, seeded_scenarios), (national, topic, sectors, scenarios) = MEASURES[measure.code]
        changed = []
        if measure.legal_basis == seeded_basis:
            measure.legal_basis = cite(national, topic, division)
            changed.append("legal_basis")
        if measure.sectors == seeded_sectors and sectors != seeded_sectors:
            measure.sectors = sectors
            changed.append("sectors")
        if measure.scenarios == seeded_scenarios and scenarios != seeded_scenarios:
            measure.scenarios = scenarios
            changed.append("scenarios")
        if changed:
            measure.save(update_fields=changed)

    xzcf = RecordType.objects.filter(code="xzcf").first()
    if xzcf is None:  # a database without the seeded catalog: nothing to attach the list to
        return
    general, created = ListType.objects.get_or_create(
        code=GENERAL_LIST["code"],
        defaults={**GENERAL_LIST, "legal_basis": cite(*GENERAL_LIST_BASIS, division)},
    )
    if created:
        ListSource.objects.create(list_type=general, record_type=xzcf, severities=["general"])
    for code, name, kind, klass, national, topic, sectors, scenarios, duration in GENERAL_MEASURES:
        measure, created = Measure.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "measure_class": klass,
                "legal_basis": cite(national, topic, division),
                "sectors": sectors,
                "scenarios": scenarios,
                "duration": duration,
            },
        )
        if created:
            measure.list_types.set([general])


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0003_credit_status_ordering"),
        ("records", "0002_seed_catalog"),
    ]

    operations = [
        migrations.AlterField(
            model_name="listtype",
            name="colour",
            field=models.CharField(
                choices=[
                    ("red", "守信激励（红名单）"),
                    ("black", "失信惩戒（黑名单）"),
                    ("watch", "重点关注"),
                    ("notice", "提醒告诫（一般失信）"),
                ],
                max_length=16,
                verbose_name="类别",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="sectors",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="可选：development、market_regulation、tax、finance、housing、human_resources、environment、court、emergency、natural_resources、state_assets、financial_regulation、other；为空表示在适用场景中办理业务的所有部门（如政府采购中的每个采购人）",
                verbose_name="实施部门（行业领域）",
            ),
        ),
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
