"""Seeded list types and the measure catalog (联合奖惩措施清单). Data: the credit centre edits it in the admin;
``sanctions_catalog_load`` only inserts what is missing, and later corrections reach existing databases by
explicit data migrations (``0004_policy_corrections``). The live source is the database.

Sources: the national lists of serious-dishonesty subjects and their issuing rules, the national basic
list of punishment measures (three classes), and the reward measures of seed 003 item 60, seed 004 六（四）.

Legal bases cite national documents, then the documents of the platform's own province
(``settings.PLATFORM_DIVISION_CODE``: Jilin by default, Qinghai and Jiangsu as variants), from
``PROVINCIAL_BASES``; a province whose documents do not speak to a topic cites the national ones only.
Only documents in /work/shared/seeds or well-known national documents are cited, never a guessed number.
"""

from __future__ import annotations

# National documents cited by several entries.
JOINT = "国发〔2016〕33号《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》"
NEW_SUPERVISION = (
    "国办发〔2019〕35号《国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》"
)
PROCUREMENT_CREDIT = "财库〔2016〕125号《财政部关于在政府采购活动中查询及使用信用记录有关问题的通知》"
PROPORTIONATE = "国办发〔2020〕49号《国务院办公厅关于进一步完善失信约束制度构建诚信建设长效机制的指导意见》（过惩相当）"

JILIN = "吉政发〔2014〕40号《吉林省社会信用体系建设实施方案》"
QINGHAI = "青政发〔2015〕11号《青海省社会信用体系建设规划（2014—2020年）》"
JIANGSU = "《江苏省社会信用体系建设规划纲要（2015—2020年）》"

# Provincial bases by topic, per province (first two digits of the division code). Seeds: 000 (Jilin),
# 001 (Qinghai), 004 (Jiangsu). Seed 002 (Jilin, ~2023) has no document number in the copy we hold.
PROVINCIAL_BASES: dict[str, dict[str, str]] = {
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
        "procurement_abnormal": (
            f"{QINGHAI} 第四章 二（十三）：对列入经营异常名录或者严重违法企业名单的企业，在政府采购等工作中依法予以限制"
        ),
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

BLACK_LISTS = [
    (
        "yzsx_scjg",
        "市场监督管理严重违法失信名单",
        "市场监督管理部门",
        "《市场监督管理严重违法失信名单管理办法》",
        36,
        12,
        True,
    ),
    ("yzsx_sw", "重大税收违法失信主体", "税务部门", "《重大税收违法失信主体信息公布管理办法》", 36, 24, True),
    (
        "yzsx_qxgz",
        "拖欠农民工工资失信联合惩戒对象名单",
        "人力资源社会保障部门",
        "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》",
        36,
        12,
        True,
    ),
    (
        "yzsx_zfcg",
        "政府采购严重违法失信行为记录名单",
        "财政部门",
        "《中华人民共和国政府采购法》第七十七条",
        36,
        12,
        True,
    ),
    ("yzsx_aqsc", "安全生产严重失信主体名单", "应急管理部门", "《安全生产严重失信主体名单管理办法》", 36, 12, True),
    ("yzsx_tj", "统计严重失信企业", "统计部门", "《统计严重失信企业信用管理办法》", 36, 12, True),
]

LIST_TYPES: list[dict] = [
    *[
        {
            "code": code,
            "name": name,
            "colour": "black",
            "authority": authority,
            "legal_basis": basis,
            "duration_months": duration,
            "earliest_exit_months": earliest,
            "repairable": repairable,
            "sources": [{"record_type": "yzsxmd", "field_code": "YZ_MDDM", "field_value": code}],
        }
        for code, name, authority, basis, duration, earliest, repairable in BLACK_LISTS
    ],
    {
        "code": "sxbzxr",
        "name": "失信被执行人",
        "colour": "black",
        "authority": "人民法院",
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        "duration_months": None,
        "earliest_exit_months": None,
        "repairable": False,
        "sources": [{"record_type": "sxbzxr"}],
    },
    {
        "code": "jyyc",
        "name": "经营异常名录",
        "colour": "watch",
        "authority": "市场监督管理部门",
        "legal_basis": "《企业信息公示暂行条例》《企业经营异常名录管理暂行办法》",
        "duration_months": None,
        "earliest_exit_months": None,
        "repairable": True,
        "sources": [{"record_type": "jyyc"}],
    },
    {
        "code": "zdgz_cf",
        "name": "较重及以上失信行为当事人（行政处罚）",
        "colour": "watch",
        "authority": "各行政执法部门",
        "legal_basis": (f"{NEW_SUPERVISION}（信用分级分类监管）", "watch"),
        "duration_months": None,
        "earliest_exit_months": None,
        "repairable": True,
        "sources": [{"record_type": "xzcf", "severities": ["serious", "severe"]}],
    },
    {
        # 一般失信: penalties of general severity, for the measures that warn before punishing (not a
        # black or watch list: the subject's credit status stays 正常).
        "code": "yb_cf",
        "name": "一般失信行为当事人（行政处罚）",
        "colour": "notice",
        "authority": "各行政执法部门",
        "legal_basis": (PROPORTIONATE, "general"),
        "duration_months": None,
        "earliest_exit_months": None,
        "repairable": True,
        "sources": [{"record_type": "xzcf", "severities": ["general"]}],
    },
    *[
        {
            "code": code,
            "name": name,
            "colour": "red",
            "authority": authority,
            "legal_basis": basis,
            "duration_months": duration,
            "earliest_exit_months": None,
            "repairable": False,
            "sources": [{"record_type": "hmd", "field_code": "HM_MDDM", "field_value": code}],
        }
        for code, name, authority, basis, duration in [
            ("hmd_nsa", "纳税信用A级纳税人", "税务部门", "《纳税信用管理办法》", 12),
            ("hmd_aeo", "海关高级认证企业", "海关", "《中华人民共和国海关注册登记和备案企业信用管理办法》", 36),
            ("hmd_shtzxy", "守合同重信用企业", "市场监督管理部门", "《守合同重信用企业公示办法》", 24),
            ("hmd_ry", "诚实守信荣誉获得者", "各级人民政府及部门", (JOINT, "honour_list"), 36),
        ]
    ],
]


def _codes_of(colour: str) -> list[str]:
    """The lists of one colour, derived from ``LIST_TYPES`` (a new list is named once, there)."""
    return [spec["code"] for spec in LIST_TYPES if spec["colour"] == colour]


ALL_BLACK = _codes_of("black")
ALL_RED = _codes_of("red")
WATCH = _codes_of("watch")
GENERAL = _codes_of("notice")

# Who must act: the sectors whose departments implement a measure, or EVERY_DEPARTMENT — every department
# doing the scenario's business, whatever its sector: each purchaser (采购人) in 政府采购 (财库〔2016〕125号:
# 采购人或者采购代理机构 check and refuse; seed 003 item 32), each tenderer in 招标投标, each body granting
# funds, licences or honours (吉政发〔2014〕40号 四（八）: 各级行政机关在日常监管、行政许可、招标采购、资金扶持、
# 评先评优等工作中). A sector is named only where the law gives the act to one kind of body (land: 自然资源;
# tax credit: 税务; credit: 金融监管; consumption limits: 法院).
EVERY_DEPARTMENT: list[str] = []

# code, name, kind, class, basis (national, provincial topic or None), lists, implementers, scenarios, duration
MEASURES: list[tuple] = [
    (
        "zfcg_xz",
        "限制参加政府采购活动",
        "punishment",
        "rights",
        (f"《中华人民共和国政府采购法》第二十二条、第七十七条；{PROCUREMENT_CREDIT}", "procurement"),
        ALL_BLACK,
        EVERY_DEPARTMENT,
        ["procurement"],
        "列入名单期间（1至3年）",
    ),
    (
        "ztb_xz",
        "限制参与招标投标活动",
        "punishment",
        "rights",
        (f"《中华人民共和国招标投标法实施条例》第六十七条；{JOINT}", "bidding"),
        ALL_BLACK,
        EVERY_DEPARTMENT,
        ["bidding"],
        "列入名单期间",
    ),
    (
        "td_xz",
        "限制取得政府供应土地",
        "punishment",
        "rights",
        (JOINT, None),
        ALL_BLACK,
        ["natural_resources"],
        ["land"],
        "列入名单期间",
    ),
    (
        "cz_xz",
        "限制获得财政补助补贴资金",
        "punishment",
        "rights",
        (JOINT, "subsidy"),
        ALL_BLACK,
        EVERY_DEPARTMENT,
        ["subsidy"],
        "列入名单期间",
    ),
    (
        "pxpy_xz",
        "限制参与评先评优",
        "punishment",
        "rights",
        (JOINT, "honours"),
        ALL_BLACK,
        EVERY_DEPARTMENT,
        ["honours"],
        "列入名单期间",
    ),
    (
        "rzzg_xz",
        "限制担任国有企业法定代表人、董事、监事、高级管理人员",
        "punishment",
        "rights",
        (f"《中华人民共和国公司法》第一百七十八条；{JOINT}", None),
        ALL_BLACK,
        ["state_assets", "market_regulation"],
        ["appointment"],
        "列入名单期间",
    ),
    (
        "gzcn_bsy",
        "不适用告知承诺制",
        "punishment",
        "management",
        ("国办发〔2020〕42号《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》", "licensing"),
        ALL_BLACK,
        EVERY_DEPARTMENT,
        ["licensing"],
        "列入名单期间",
    ),
    (
        "xzxk_cy",
        "从严审核行政许可审批项目",
        "punishment",
        "management",
        (JOINT, "licensing"),
        [*ALL_BLACK, "zdgz_cf"],
        EVERY_DEPARTMENT,
        ["licensing"],
        "列入名单期间",
    ),
    (
        "zdjg",
        "列为重点监管对象，提高抽查比例和频次",
        "punishment",
        "management",
        (f"《企业信息公示暂行条例》；{JOINT}；{NEW_SUPERVISION}", "supervision"),
        ALL_BLACK + WATCH,
        EVERY_DEPARTMENT,
        ["supervision"],
        "列入名单期间",
    ),
    (
        "rz_cy",
        "融资授信从严审核",
        "punishment",
        "market",
        (JOINT, None),
        ALL_BLACK,
        ["financial_regulation"],
        ["financing"],
        "列入名单期间",
    ),
    (
        "zfcg_jyyc",
        "政府采购中将经营异常情况作为资格审查和信用评价因素",
        "punishment",
        "management",
        (f"《中华人民共和国政府采购法》第二十二条；{PROCUREMENT_CREDIT}", "procurement_abnormal"),
        ["jyyc"],
        EVERY_DEPARTMENT,
        ["procurement"],
        "列入经营异常名录期间",
    ),
    (
        "ztb_kf",
        "招标投标信用评价中予以扣分",
        "punishment",
        "management",
        ("《中华人民共和国招标投标法实施条例》", "bidding"),
        WATCH,
        EVERY_DEPARTMENT,
        ["bidding"],
        "列入名单期间",
    ),
    (
        "ns_dj",
        "纳税信用直接判为D级",
        "punishment",
        "management",
        ("《纳税信用管理办法》第二十条", None),
        ["yzsx_sw"],
        ["tax"],
        ["supervision"],
        "列入名单期间",
    ),
    (
        "gxf_xz",
        "限制高消费及非生活和工作必需的消费行为",
        "punishment",
        "rights",
        ("《最高人民法院关于限制被执行人高消费及有关消费的若干规定》", None),
        ["sxbzxr"],
        ["court"],
        ["supervision"],
        "至履行完毕",
    ),
    # 一般失信: warn before punishing (先警示后惩戒), with measures in proportion to the dishonesty.
    (
        "yb_tx",
        "信用提醒，督促停止失信行为并整改",
        "punishment",
        "management",
        (PROPORTIONATE, "general"),
        GENERAL,
        EVERY_DEPARTMENT,
        ["supervision", "licensing"],
        "公示期间",
    ),
    (
        "yb_yt",
        "警示约谈",
        "punishment",
        "management",
        (PROPORTIONATE, "general"),
        GENERAL,
        EVERY_DEPARTMENT,
        ["supervision", "licensing"],
        "公示期间",
    ),
    (
        "yb_gj",
        "书面告诫（诚信告诫）",
        "punishment",
        "management",
        (PROPORTIONATE, "general"),
        GENERAL,
        EVERY_DEPARTMENT,
        ["supervision", "licensing"],
        "公示期间",
    ),
    (
        "lstd",
        "行政审批“绿色通道”优先办理",
        "reward",
        "incentive",
        (JOINT, "green_channel"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["licensing"],
        "列入名单期间",
    ),
    (
        "rqsl",
        "容缺受理",
        "reward",
        "incentive",
        (f"{JOINT}；{NEW_SUPERVISION}", "green_channel"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["licensing"],
        "列入名单期间",
    ),
    (
        "jcjs",
        "减少日常检查频次",
        "reward",
        "incentive",
        (f"{JOINT}；{NEW_SUPERVISION}", "reward"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["supervision"],
        "列入名单期间",
    ),
    (
        "czzc_yx",
        "同等条件下优先安排财政资金支持",
        "reward",
        "incentive",
        (JOINT, "reward"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["subsidy"],
        "列入名单期间",
    ),
    (
        "pxpy_yx",
        "评先评优中同等条件下优先考虑",
        "reward",
        "incentive",
        (JOINT, "reward"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["honours"],
        "列入名单期间",
    ),
    (
        "rz_bl",
        "融资信贷便利（优先授信、利率优惠）",
        "reward",
        "incentive",
        (JOINT, None),
        ALL_RED,
        ["financial_regulation"],
        ["financing"],
        "列入名单期间",
    ),
    (
        "ztb_jf",
        "招标投标中给予信用加分",
        "reward",
        "incentive",
        (JOINT, "reward"),
        ALL_RED,
        EVERY_DEPARTMENT,
        ["bidding"],
        "列入名单期间",
    ),
    (
        "ns_fw",
        "纳税服务便利（增值税发票按需领用、绿色通道）",
        "reward",
        "incentive",
        ("《纳税信用管理办法》第二十九条", None),
        ["hmd_nsa"],
        ["tax"],
        ["supervision", "licensing"],
        "评价年度内",
    ),
]


def province_of(division_code: str) -> str:
    """The province's two-digit code of a platform's division code (a prefecture platform cites its province)."""
    return (division_code or "")[:2]


def legal_basis(basis: str | tuple[str, str | None], division_code: str) -> str:
    """The basis as cited on this platform: the national documents, then the province's own, if it has one."""
    if isinstance(basis, str):
        return basis
    national, topic = basis
    provincial = PROVINCIAL_BASES.get(province_of(division_code), {}).get(topic) if topic else None
    return f"{national}；{provincial}" if provincial else national


def list_types_for(division_code: str) -> list[dict]:
    """The seeded list types with their bases cited for this platform's province."""
    return [{**d, "legal_basis": legal_basis(d["legal_basis"], division_code)} for d in LIST_TYPES]


def measures_for(division_code: str) -> list[dict]:
    """The seeded measures as rows, with their bases cited for this platform's province."""
    return [
        {
            "code": code,
            "name": name,
            "kind": kind,
            "measure_class": klass,
            "legal_basis": legal_basis(basis, division_code),
            "list_codes": list(list_codes),
            "sectors": list(sectors),
            "scenarios": list(scenarios),
            "duration": duration,
        }
        for code, name, kind, klass, basis, list_codes, sectors, scenarios, duration in MEASURES
    ]


def sanctions_catalog_load(
    *, list_type_model, source_model, measure_model, record_type_model, division_code: str | None = None
) -> int:
    """Insert the seeded list types (with their sources) and measures that are missing.

    ``division_code`` is the platform's (``settings.PLATFORM_DIVISION_CODE`` when not given): it decides which
    provincial documents the bases cite.
    """
    if division_code is None:
        from django.conf import settings

        division_code = settings.PLATFORM_DIVISION_CODE
    created = 0
    record_types = {rt.code: rt for rt in record_type_model.objects.all()}
    lists = {}
    for definition in list_types_for(division_code):
        values = {k: v for k, v in definition.items() if k not in ("code", "sources")}
        list_type, was_created = list_type_model.objects.get_or_create(code=definition["code"], defaults=values)
        lists[list_type.code] = list_type
        created += was_created
        if was_created:
            for source in definition["sources"]:
                source_model.objects.create(
                    list_type=list_type,
                    record_type=record_types[source["record_type"]],
                    field_code=source.get("field_code", ""),
                    field_value=source.get("field_value", ""),
                    severities=source.get("severities", []),
                )
    for row in measures_for(division_code):
        values = {k: v for k, v in row.items() if k not in ("code", "list_codes")}
        measure, was_created = measure_model.objects.get_or_create(code=row["code"], defaults=values)
        if was_created:
            measure.list_types.set([lists[c] for c in row["list_codes"]])
    return created
