"""Seeded list types and the measure catalog (联合奖惩措施清单). Data: the credit centre edits it in the admin;
``sanctions_catalog_load`` only inserts what is missing.

Sources: the national lists of serious-dishonesty subjects and their issuing rules, the national basic
list of punishment measures (three classes), and the reward measures of seed 003 item 60, seed 004 六(二).
"""

from __future__ import annotations

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
        "legal_basis": "江苏省社会信用体系建设规划纲要（2015—2020）四（三）：较重失信行为列入重点关注",
        "duration_months": None,
        "earliest_exit_months": None,
        "repairable": True,
        "sources": [{"record_type": "xzcf", "severities": ["serious", "severe"]}],
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
            ("hmd_ry", "诚实守信荣誉获得者", "各级人民政府及部门", "吉政发〔2014〕40号 四（八）：表彰诚实守信典型", 36),
        ]
    ],
]

ALL_BLACK = [code for code, *_ in BLACK_LISTS] + ["sxbzxr"]
ALL_RED = ["hmd_nsa", "hmd_aeo", "hmd_shtzxy", "hmd_ry"]
WATCH = ["jyyc", "zdgz_cf"]

# code, name, kind, class, basis, lists, sectors ([] = every department), scenarios, duration
MEASURES: list[tuple] = [
    (
        "zfcg_xz",
        "限制参加政府采购活动",
        "punishment",
        "rights",
        "《中华人民共和国政府采购法》第二十二条、第七十七条",
        ALL_BLACK,
        ["finance"],
        ["procurement"],
        "列入名单期间（1至3年）",
    ),
    (
        "ztb_xz",
        "限制参与招标投标活动",
        "punishment",
        "rights",
        "《中华人民共和国招标投标法实施条例》第六十七条",
        ALL_BLACK,
        ["development", "housing"],
        ["bidding"],
        "列入名单期间",
    ),
    (
        "td_xz",
        "限制取得政府供应土地",
        "punishment",
        "rights",
        "国发〔2016〕33号《关于建立完善守信联合激励和失信联合惩戒制度的指导意见》",
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
        "国发〔2016〕33号",
        ALL_BLACK,
        ["finance", "development"],
        ["subsidy"],
        "列入名单期间",
    ),
    (
        "pxpy_xz",
        "限制参与评先评优",
        "punishment",
        "rights",
        "国发〔2016〕33号；吉政发〔2014〕40号 四（八）",
        ALL_BLACK,
        [],
        ["honours"],
        "列入名单期间",
    ),
    (
        "rzzg_xz",
        "限制担任国有企业法定代表人、董事、监事、高级管理人员",
        "punishment",
        "rights",
        "《中华人民共和国公司法》第一百七十八条；国发〔2016〕33号",
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
        "国办发〔2020〕42号",
        ALL_BLACK,
        [],
        ["licensing"],
        "列入名单期间",
    ),
    (
        "xzxk_cy",
        "从严审核行政许可审批项目",
        "punishment",
        "management",
        "国发〔2016〕33号",
        [*ALL_BLACK, "zdgz_cf"],
        [],
        ["licensing"],
        "列入名单期间",
    ),
    (
        "zdjg",
        "列为重点监管对象，提高抽查比例和频次",
        "punishment",
        "management",
        "《企业信息公示暂行条例》；国发〔2016〕33号",
        ALL_BLACK + WATCH,
        [],
        ["supervision"],
        "列入名单期间",
    ),
    (
        "rz_cy",
        "融资授信从严审核",
        "punishment",
        "market",
        "国发〔2016〕33号",
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
        "《政府采购法实施条例》第十七条",
        ["jyyc"],
        ["finance"],
        ["procurement"],
        "列入经营异常名录期间",
    ),
    (
        "ztb_kf",
        "招标投标信用评价中予以扣分",
        "punishment",
        "management",
        "《招标投标法实施条例》",
        WATCH,
        ["development", "housing"],
        ["bidding"],
        "列入名单期间",
    ),
    (
        "ns_dj",
        "纳税信用直接判为D级",
        "punishment",
        "management",
        "《纳税信用管理办法》第二十条",
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
        "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》",
        ["sxbzxr"],
        ["court"],
        ["supervision"],
        "至履行完毕",
    ),
    (
        "lstd",
        "行政审批“绿色通道”优先办理",
        "reward",
        "incentive",
        "国发〔2016〕33号；青政发〔2015〕11号 第六章",
        ALL_RED,
        [],
        ["licensing"],
        "列入名单期间",
    ),
    ("rqsl", "容缺受理", "reward", "incentive", "国办发〔2019〕35号", ALL_RED, [], ["licensing"], "列入名单期间"),
    (
        "jcjs",
        "减少日常检查频次",
        "reward",
        "incentive",
        "国发〔2016〕33号",
        ALL_RED,
        [],
        ["supervision"],
        "列入名单期间",
    ),
    (
        "czzc_yx",
        "同等条件下优先安排财政资金支持",
        "reward",
        "incentive",
        "国发〔2016〕33号",
        ALL_RED,
        ["finance", "development"],
        ["subsidy"],
        "列入名单期间",
    ),
    (
        "pxpy_yx",
        "评先评优中同等条件下优先考虑",
        "reward",
        "incentive",
        "国发〔2016〕33号",
        ALL_RED,
        [],
        ["honours"],
        "列入名单期间",
    ),
    (
        "rz_bl",
        "融资信贷便利（优先授信、利率优惠）",
        "reward",
        "incentive",
        "国发〔2016〕33号",
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
        "国发〔2016〕33号",
        ALL_RED,
        ["development", "housing"],
        ["bidding"],
        "列入名单期间",
    ),
    (
        "ns_fw",
        "纳税服务便利（增值税发票按需领用、绿色通道）",
        "reward",
        "incentive",
        "《纳税信用管理办法》第二十九条",
        ["hmd_nsa"],
        ["tax"],
        ["supervision", "licensing"],
        "评价年度内",
    ),
]


def sanctions_catalog_load(*, list_type_model, source_model, measure_model, record_type_model) -> int:
    """Insert the seeded list types (with their sources) and measures that are missing."""
    created = 0
    record_types = {rt.code: rt for rt in record_type_model.objects.all()}
    lists = {}
    for definition in LIST_TYPES:
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
    for code, name, kind, klass, basis, list_codes, sectors, scenarios, duration in MEASURES:
        measure, was_created = measure_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "measure_class": klass,
                "legal_basis": basis,
                "sectors": sectors,
                "scenarios": scenarios,
                "duration": duration,
            },
        )
        if was_created:
            measure.list_types.set([lists[c] for c in list_codes])
    return created
