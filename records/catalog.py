"""The seeded catalog: record types with the national 双公示 data items, severity rules and disclosure regimes.

Field codes follow the national 双公示 data standard (行政处罚 ``CF_*``, 行政许可 ``XK_*``, DESIGN.md §4).
The other types use the same naming pattern with their own prefixes. The catalog is data: admins edit it
in the admin site; ``catalog_load`` only inserts what is missing, so it never overwrites their edits.

Deliberately absent: the legal representative's ID number (``CF_FR_ZJHM``/``XK_FR_ZJHM``) — the platform
does not need it and must not store an ID number in clear (seed 002 item 77).
"""

from __future__ import annotations

import datetime

SUBJECT_CATEGORIES = ["法人及非法人组织", "自然人", "个体工商户"]
ID_DOCUMENT_TYPES = ["身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证"]
PENALTY_KINDS = [
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
]
LICENCE_KINDS = ["普通", "特许", "认可", "核准", "登记", "其他"]
COMMITMENT_KINDS = ["审批替代型", "容缺受理型", "行业自律型", "主动型", "信用修复型"]
ABNORMAL_REASONS = [
    "未按照规定的期限公示年度报告",
    "未在责令的期限内公示有关企业信息",
    "公示企业信息隐瞒真实情况、弄虚作假",
    "通过登记的住所或者经营场所无法联系",
]


def f(code, label, type_="text", requirement="optional", **extra) -> dict:
    return {"code": code, "label": label, "type": type_, "requirement": requirement, **extra}


def _subject_fields(prefix: str, *, persons: bool = True) -> list[dict]:
    fields = [
        f(f"{prefix}_XDR_MC", "行政相对人名称", requirement="always", max_length=200),
        f(
            f"{prefix}_XDR_SHXYM",
            "统一社会信用代码",
            "identifier",
            "organisation" if persons else "always",
            identifier_scheme="uscc",
        ),
        f(f"{prefix}_XDR_GSZC", "工商注册号", "identifier", identifier_scheme="registration_number"),
        f(f"{prefix}_XDR_ZZJG", "组织机构代码", "identifier", identifier_scheme="organization_code"),
    ]
    if persons:
        fields[1:1] = [f(f"{prefix}_XDR_LB", "行政相对人类别", "enum", "always", enum_values=SUBJECT_CATEGORIES)]
        fields += [
            f(f"{prefix}_XDR_ZJLX", "证件类型", "enum", "natural_person", enum_values=ID_DOCUMENT_TYPES),
            f(f"{prefix}_XDR_ZJHM", "证件号码", requirement="natural_person", max_length=64),
        ]
    return fields


def _subject_mapping(prefix: str, *, persons: bool = True) -> dict:
    mapping = {
        "subject_name_field": f"{prefix}_XDR_MC",
        "uscc_field": f"{prefix}_XDR_SHXYM",
        "registration_number_field": f"{prefix}_XDR_GSZC",
        "organization_code_field": f"{prefix}_XDR_ZZJG",
    }
    if persons:
        mapping |= {
            "subject_kind_field": f"{prefix}_XDR_LB",
            "citizen_id_type_field": f"{prefix}_XDR_ZJLX",
            "citizen_id_field": f"{prefix}_XDR_ZJHM",
        }
    return mapping


RECORD_TYPES: list[dict] = [
    {
        "code": "xzcf",
        "name": "行政处罚",
        "category": "administrative",
        "polarity": "negative",
        "disclosure_level": "public",
        "disclosure_rule": "severity_regime",
        "timeliness_days": 7,
        **_subject_mapping("CF"),
        "record_id_fields": ["CF_WSH"],
        "decided_on_field": "CF_JDRQ",
        "fields": [
            *_subject_fields("CF"),
            f("CF_FRDB", "法定代表人", max_length=50),
            f("CF_WSH", "行政处罚决定书文号", requirement="always", max_length=128),
            f("CF_WFXW", "违法行为类型", requirement="always", max_length=2000),
            f("CF_SY", "违法事实", requirement="always", max_length=5000),
            f("CF_YJ", "处罚依据", requirement="always", max_length=2000),
            f("CF_CFLB", "处罚类别", "enum", "always", enum_values=PENALTY_KINDS, multiple=True),
            f("CF_NR", "处罚内容", requirement="always", max_length=4000),
            f("CF_NR_FK", "罚款金额（万元）", "decimal"),
            f("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）", "decimal"),
            f("CF_NR_ZKDX", "暂扣或吊销证照名称及编号", max_length=200),
            f("CF_SFJYCX", "是否简易程序", "enum", enum_values=["是", "否"]),
            f("CF_JDRQ", "处罚决定日期", "date", "always"),
            f("CF_YXQ", "处罚有效期", "date"),
            f("CF_GSJZQ", "公示截止期", "date"),
            f("CF_CFJG", "处罚机关", requirement="always", max_length=200),
            f("CF_CFJGDM", "处罚机关统一社会信用代码", "identifier", "always", identifier_scheme="uscc"),
            f("CF_SJLY", "数据来源单位", requirement="always", max_length=200),
            f("CF_SJLYDM", "数据来源单位统一社会信用代码", "identifier", "always", identifier_scheme="uscc"),
            f("BZ", "备注", max_length=512),
        ],
        "severity_rules": [
            ("CF_CFLB", "警告", "minor"),
            ("CF_CFLB", "通报批评", "minor"),
            ("CF_CFLB", "罚款", "general"),
            ("CF_CFLB", "没收违法所得", "general"),
            ("CF_CFLB", "没收非法财物", "general"),
            ("CF_CFLB", "其他", "general"),
            ("CF_CFLB", "暂扣许可证件", "serious"),
            ("CF_CFLB", "降低资质等级", "serious"),
            ("CF_CFLB", "限制开展生产经营活动", "serious"),
            ("CF_CFLB", "行政拘留", "serious"),
            ("CF_CFLB", "吊销许可证件", "severe"),
            ("CF_CFLB", "责令停产停业", "severe"),
            ("CF_CFLB", "责令关闭", "severe"),
            ("CF_CFLB", "限制从业", "severe"),
        ],
    },
    {
        "code": "xzxk",
        "name": "行政许可",
        "category": "administrative",
        "polarity": "neutral",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        "timeliness_days": 7,
        **_subject_mapping("XK"),
        "record_id_fields": ["XK_WSH"],
        "decided_on_field": "XK_JDRQ",
        "end_date_field": "XK_YXQZI",
        "fields": [
            *_subject_fields("XK"),
            f("XK_FRDB", "法定代表人", max_length=50),
            f("XK_XKWS", "行政许可决定文书名称", requirement="always", max_length=64),
            f("XK_WSH", "行政许可决定文书号", requirement="always", max_length=64),
            f("XK_XKLB", "许可类别", "enum", "always", enum_values=LICENCE_KINDS),
            f("XK_XKZS", "许可证书名称", max_length=64),
            f("XK_XKBH", "许可编号", max_length=64),
            f("XK_NR", "许可内容", requirement="always", max_length=4000),
            f("XK_JDRQ", "许可决定日期", "date", "always"),
            f("XK_YXQZ", "有效期自", "date", "always"),
            f("XK_YXQZI", "有效期至", "date", "always"),
            f("XK_XKJG", "许可机关", requirement="always", max_length=200),
            f("XK_XKJGDM", "许可机关统一社会信用代码", "identifier", "always", identifier_scheme="uscc"),
            f("XK_ZT", "当前状态", "enum", enum_values=["有效", "无效"]),
            f("XK_SJLY", "数据来源单位", requirement="always", max_length=200),
            f("XK_SJLYDM", "数据来源单位统一社会信用代码", "identifier", "always", identifier_scheme="uscc"),
            f("BZ", "备注", max_length=512),
        ],
    },
    {
        "code": "sxbzxr",
        "name": "失信被执行人",
        "category": "judicial",
        "polarity": "negative",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        "default_severity": "severe",
        **_subject_mapping("SX"),
        "record_id_fields": ["SX_AH"],
        "decided_on_field": "SX_FBRQ",
        "end_date_field": "SX_YCRQ",
        "fields": [
            *_subject_fields("SX"),
            f("SX_AH", "案号", requirement="always", max_length=64),
            f("SX_ZXFY", "执行法院", requirement="always", max_length=100),
            f("SX_YJWH", "执行依据文号", max_length=100),
            f("SX_YWNR", "生效法律文书确定的义务", max_length=4000),
            f("SX_LXQK", "被执行人的履行情况", max_length=200),
            f("SX_SXQX", "失信被执行人行为具体情形", requirement="always", max_length=500),
            f("SX_LARQ", "立案日期", "date"),
            f("SX_FBRQ", "发布日期", "date", "always"),
            f("SX_YCRQ", "移除日期", "date"),
        ],
    },
    {
        "code": "yzsxmd",
        "name": "严重失信主体名单认定",
        "category": "serious_dishonesty",
        "polarity": "negative",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        "default_severity": "severe",
        **_subject_mapping("YZ"),
        "record_id_fields": ["YZ_RDWH"],
        "decided_on_field": "YZ_RDRQ",
        "end_date_field": "YZ_YXQZ",
        "fields": [
            *_subject_fields("YZ"),
            f("YZ_MDDM", "名单代码", requirement="always", max_length=32),
            f("YZ_MDMC", "名单名称", requirement="always", max_length=100),
            f("YZ_RDWH", "认定文书号", requirement="always", max_length=128),
            f("YZ_RDYY", "列入事由", requirement="always", max_length=2000),
            f("YZ_RDYJ", "认定依据", requirement="always", max_length=2000),
            f("YZ_RDRQ", "认定日期", "date", "always"),
            f("YZ_YXQZ", "有效期至", "date"),
            f("YZ_RDJG", "认定机关", requirement="always", max_length=200),
            f("YZ_RDJGDM", "认定机关统一社会信用代码", "identifier", "always", identifier_scheme="uscc"),
        ],
    },
    {
        "code": "jyyc",
        "name": "经营异常名录",
        "category": "abnormal_operation",
        "polarity": "negative",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        "default_severity": "general",
        **_subject_mapping("YC", persons=False),
        "record_id_fields": ["YC_LRWH"],
        "decided_on_field": "YC_LRRQ",
        "end_date_field": "YC_YCRQ",
        "fields": [
            *_subject_fields("YC", persons=False),
            f("YC_LRWH", "列入决定书文号", requirement="always", max_length=128),
            f("YC_LRYY", "列入经营异常名录原因", "enum", "always", enum_values=ABNORMAL_REASONS),
            f("YC_LRRQ", "列入日期", "date", "always"),
            f("YC_ZCJG", "作出决定机关", requirement="always", max_length=200),
            f("YC_YCYY", "移出原因", max_length=500),
            f("YC_YCRQ", "移出日期", "date"),
        ],
    },
    {
        "code": "hmd",
        "name": "守信激励名单认定",
        "category": "honour",
        "polarity": "positive",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        **_subject_mapping("HM", persons=False),
        "record_id_fields": ["HM_RDWH"],
        "decided_on_field": "HM_RDRQ",
        "end_date_field": "HM_YXQZ",
        "fields": [
            *_subject_fields("HM", persons=False),
            f("HM_MDDM", "名单代码", requirement="always", max_length=32),
            f(
                "HM_MDMC",
                "名单名称",
                requirement="always",
                max_length=100,
                help_text="如：纳税信用A级纳税人、海关高级认证企业、守合同重信用企业",
            ),
            f("HM_RDWH", "认定文书号", requirement="always", max_length=128),
            f("HM_RDYJ", "认定依据", requirement="always", max_length=2000),
            f("HM_RDRQ", "认定日期", "date", "always"),
            f("HM_YXQZ", "有效期至", "date"),
            f("HM_RDJG", "认定机关", requirement="always", max_length=200),
        ],
    },
    {
        "code": "xycn",
        "name": "信用承诺",
        "category": "commitment",
        "polarity": "neutral",
        "disclosure_level": "public",
        "disclosure_rule": "listing_period",
        **_subject_mapping("CN"),
        "record_id_fields": ["CN_CNBH"],
        "decided_on_field": "CN_CNRQ",
        "end_date_field": "CN_YXQZ",
        "fields": [
            *_subject_fields("CN"),
            f("CN_CNBH", "承诺书编号", requirement="always", max_length=64),
            f("CN_CNLX", "承诺类型", "enum", "always", enum_values=COMMITMENT_KINDS),
            f("CN_CNSX", "承诺事项", requirement="always", max_length=200),
            f("CN_CNNR", "承诺内容", requirement="always", max_length=4000),
            f("CN_CNRQ", "承诺日期", "date", "always"),
            f("CN_YXQZ", "有效期至", "date"),
            f("CN_SLJG", "受理单位", requirement="always", max_length=200),
            f("CN_LYQK", "履约情况", "enum", enum_values=["履约中", "已履约", "违诺"]),
        ],
    },
    {
        "code": "wncn",
        "name": "违背信用承诺",
        "category": "commitment",
        "polarity": "negative",
        "disclosure_level": "public",
        "disclosure_rule": "fixed_period",
        "disclosure_months": 12,
        "default_severity": "general",
        **_subject_mapping("WN", persons=False),
        "record_id_fields": ["WN_CNBH"],
        "decided_on_field": "WN_RDRQ",
        "fields": [
            *_subject_fields("WN", persons=False),
            f("WN_CNBH", "承诺书编号", requirement="always", max_length=64),
            f("WN_WNQK", "违诺情况", requirement="always", max_length=2000),
            f("WN_RDRQ", "认定日期", "date", "always"),
            f("WN_RDJG", "认定单位", requirement="always", max_length=200),
        ],
    },
]

# Publication periods of penalties by regime, in months from the decision date: (published, min, max).
# Order 36 and Order 58 name 轻微/一般/严重; Jiangsu's 较重 (seed 004 四(三)) takes the 一般 period, the
# reading most favourable to the subject until the province decides otherwise (it is data: edit it).
REGIME_2019_BASIS = (
    "发改办财金〔2019〕527号《国家发展改革委办公厅关于进一步完善“信用中国”网站及"
    "地方信用门户网站行政处罚信息信用修复机制的通知》"
)
REGIMES: list[dict] = [
    {
        "code": "ndrc-2025-36",
        "name": "信用修复管理办法（2026年起）",
        "basis": "国家发展改革委令2025年第36号《信用修复管理办法》",
        "effective_from": datetime.date(2026, 4, 1),
        "effective_to": None,
        "periods": {
            "minor": (False, 0, 3),
            "general": (True, 3, 12),
            "serious": (True, 3, 12),
            "severe": (True, 12, 36),
        },
    },
    {
        "code": "ndrc-2023-58",
        "name": "失信行为纠正后的信用信息修复管理办法（试行）",
        "basis": "国家发展改革委令2023年第58号",
        "effective_from": datetime.date(2023, 5, 1),
        "effective_to": datetime.date(2026, 3, 31),
        "periods": {
            "minor": (False, 0, 0),
            "general": (True, 3, 12),
            "serious": (True, 3, 12),
            "severe": (True, 12, 36),
        },
    },
    {
        "code": "ndrc-2019",
        "name": "行政处罚信息信用修复（2019年规则）",
        # 527号: 一般 published 3 months to 1 year, 严重 6 months to 3 years, from the decision date.
        "basis": REGIME_2019_BASIS,
        "effective_from": datetime.date(2000, 1, 1),
        "effective_to": datetime.date(2023, 4, 30),
        "periods": {
            "minor": (False, 0, 0),
            "general": (True, 3, 12),
            "serious": (True, 3, 12),
            "severe": (True, 6, 36),
        },
    },
]


def catalog_load(*, record_type_model, field_model, severity_rule_model, regime_model, period_model) -> int:
    """Insert the seeded types, fields, rules and regimes that are missing. Returns the number of new types.

    Takes the model classes so a data migration can pass its historical models.
    """
    created = 0
    for definition in RECORD_TYPES:
        values = {k: v for k, v in definition.items() if k not in ("fields", "severity_rules", "code")}
        record_type, was_created = record_type_model.objects.get_or_create(code=definition["code"], defaults=values)
        created += was_created
        for position, field in enumerate(definition["fields"]):
            extra = {k: v for k, v in field.items() if k != "code"}
            field_model.objects.get_or_create(
                record_type=record_type, code=field["code"], defaults={**extra, "position": position}
            )
        for field_code, value, severity in definition.get("severity_rules", []):
            severity_rule_model.objects.get_or_create(
                record_type=record_type, field_code=field_code, value=value, defaults={"severity": severity}
            )
    for regime in REGIMES:
        values = {k: v for k, v in regime.items() if k not in ("periods", "code")}
        regime_row, _ = regime_model.objects.get_or_create(code=regime["code"], defaults=values)
        for severity, (published, min_months, max_months) in regime["periods"].items():
            period_model.objects.get_or_create(
                regime=regime_row,
                severity=severity,
                defaults={"published": published, "min_months": min_months, "max_months": max_months},
            )
    return created
