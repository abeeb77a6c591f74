"""The catalog's restricted record type (欠税信息, records 0026), further restricted types as the credit centre adds
them in the admin, and items of them."""

from __future__ import annotations

import datetime

from records.models import RecordField, RecordType
from tests.records.helpers import company_uscc

# The fields of the catalog's 欠税信息 (tax arrears: 政务共享) that a further type copies.
QSXX_FIELDS = [
    ("QS_XDR_MC", "纳税人名称", "text", "always", ""),
    ("QS_XDR_SHXYM", "统一社会信用代码", "identifier", "always", "uscc"),
    ("QS_WSH", "欠税公告编号", "text", "always", ""),
    ("QS_QSJE", "欠税金额（万元）", "decimal", "always", ""),
    ("QS_RDRQ", "认定日期", "date", "always", ""),
    ("QS_RDJG", "认定机关", "text", "always", ""),
]


def arrears_type() -> RecordType:
    """The catalog's 欠税信息 (政务共享), seeded by records 0026."""
    return RecordType.objects.get(code="qsxx")


def restricted_type_create(
    code: str,
    *,
    name: str,
    level: str = "government",
    category: str = "administrative",
) -> RecordType:
    """A further record type of ``level`` (government: 政务共享, restricted: 授权查询) with the fields of 欠税信息."""
    record_type = RecordType.objects.create(
        code=code,
        name=name,
        category=category,
        polarity="negative",
        disclosure_level=level,
        disclosure_rule="fixed_period",
        disclosure_months=36,
        default_severity="general",
        subject_name_field="QS_XDR_MC",
        uscc_field="QS_XDR_SHXYM",
        record_id_fields=["QS_WSH"],
        decided_on_field="QS_RDRQ",
    )
    for position, (field, label, kind, requirement, scheme) in enumerate(QSXX_FIELDS):
        RecordField.objects.create(
            record_type=record_type,
            code=field,
            label=label,
            type=kind,
            requirement=requirement,
            identifier_scheme=scheme,
            position=position,
        )
    return record_type


def restricted_item(n: int, *, code: str = "qsxx", number: str = "", **overrides) -> dict:
    data = {
        "QS_XDR_MC": f"长春测试{n}商贸有限公司",
        "QS_XDR_SHXYM": company_uscc(n),
        "QS_WSH": number or f"吉税欠〔2026〕{n}号",
        "QS_QSJE": "12.5",
        "QS_RDRQ": datetime.date(2026, 6, 1).isoformat(),
        "QS_RDJG": "国家税务总局吉林省税务局",
    }
    data.update(overrides)
    return {"record_type": code, "data": data}
