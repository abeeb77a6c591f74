"""Building subjects with records the way production does (ingestion, then the lists), for the evaluation tests."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import transaction

from audit.services import Actor
from records.services import RecordInput, records_ingest
from sanctions.services import subjects_evaluate

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 7, 1, 10, tzinfo=TZ)
TODAY = NOW.date()
SYSTEM = Actor.system("测试")


def ingest(department, *items: dict) -> list[int]:
    """Push items as the department's system would, then bring the subjects' lists up to date (what the
    ``records.changed`` outbox item does after the commit). Returns the record ids, in order."""
    with transaction.atomic():
        results = records_ingest(
            department=department,
            items=[RecordInput(record_type=i["record_type"], data=i["data"]) for i in items],
            channel="api",
            actor=SYSTEM,
        )
    assert all(result.status in ("created", "updated") for result in results), [r.errors for r in results]
    from records.models import CreditRecord

    subject_ids = sorted(
        set(CreditRecord.objects.filter(pk__in=[r.record_id for r in results]).values_list("subject_id", flat=True))
    )
    with transaction.atomic():
        subjects_evaluate(subject_ids=subject_ids, actor=SYSTEM, as_of=TODAY)
    return [result.record_id for result in results]


def commitment_item(
    n: int, *, matter: str = "食品经营许可", kept: str = "已履约", signed_on: str = "2026-03-01"
) -> dict:
    from tests.records.helpers import company_uscc

    return {
        "record_type": "xycn",
        "data": {
            "CN_XDR_MC": f"长春测试{n}商贸有限公司",
            "CN_XDR_LB": "法人及非法人组织",
            "CN_XDR_SHXYM": company_uscc(n),
            "CN_CNBH": f"CN-2026-{n}-{matter}-{signed_on}",
            "CN_CNLX": "审批替代型",
            "CN_CNSX": matter,
            "CN_CNNR": "本单位承诺所提交材料真实有效。",
            "CN_CNRQ": signed_on,
            "CN_YXQZ": "2027-12-31",
            "CN_SLJG": "吉林省市场监督管理厅",
            "CN_LYQK": kept,
        },
    }
