"""Demo records for the demo subjects: penalties and licences from market regulation and tax, a few clerk
entries waiting for review, and one record whose subject cannot be identified. Seeded once: if the demo
departments already hold records, nothing is done (re-pushing would count as traffic in the statistics).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.services import Actor
from organisations.models import Department
from subjects.models import CreditSubject

from .choices import Channel
from .models import CreditRecord
from .quality import default_period, quality_reports_compute
from .services import RecordInput, records_ingest

VIOLATIONS = [
    ("销售不符合食品安全标准的食品", "《中华人民共和国食品安全法》第一百二十四条", "罚款"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十七条", "警告"),
    ("虚假宣传", "《中华人民共和国反不正当竞争法》第二十条", "罚款;没收违法所得"),
    ("无证经营", "《无证无照经营查处办法》第十三条", "罚款;没收非法财物"),
    ("生产销售伪劣产品", "《中华人民共和国产品质量法》第五十条", "吊销许可证件;罚款"),
    ("价格欺诈", "《中华人民共和国价格法》第四十条", "罚款"),
]
LICENCES = [
    ("食品经营许可证", "预包装食品销售、散装食品销售"),
    ("药品经营许可证", "中成药、化学药制剂零售"),
    ("排污许可证", "大气污染物排放"),
    ("建筑工程施工许可证", "房屋建筑工程施工"),
]


def _decided(rng: random.Random, today) -> datetime.date:
    """Most decisions are recent (reported on time); some are older backlog."""
    return today - datetime.timedelta(days=rng.randrange(0, 8) if rng.random() < 0.7 else rng.randrange(8, 700))


def _penalty(subject: CreditSubject, department: Department, n: int, rng: random.Random, today) -> RecordInput:
    violation, basis, kinds = rng.choice(VIOLATIONS)
    decided = _decided(rng, today)
    fine = rng.choice(["0.5", "1", "2", "5", "10", "20"])
    return RecordInput(
        record_type="xzcf",
        data={
            "CF_XDR_MC": subject.name,
            "CF_XDR_LB": "个体工商户" if subject.kind == "individual_business" else "法人及非法人组织",
            "CF_XDR_SHXYM": subject.uscc,
            "CF_FRDB": subject.legal_representative,
            "CF_WSH": f"吉市监罚〔{decided.year}〕{n}号",
            "CF_WFXW": violation,
            "CF_SY": f"经查，当事人存在{violation}的违法行为，事实清楚，证据确凿。",
            "CF_YJ": basis,
            "CF_CFLB": kinds,
            "CF_NR": f"{kinds.replace(';', '、')}，罚款人民币{fine}万元",
            "CF_NR_FK": fine,
            "CF_JDRQ": decided.isoformat(),
            "CF_CFJG": department.name,
            "CF_CFJGDM": department.uscc,
            "CF_SJLY": department.name,
            "CF_SJLYDM": department.uscc,
        },
    )


def _licence(subject: CreditSubject, department: Department, n: int, rng: random.Random, today) -> RecordInput:
    name, scope = rng.choice(LICENCES)
    decided = _decided(rng, today)
    return RecordInput(
        record_type="xzxk",
        data={
            "XK_XDR_MC": subject.name,
            "XK_XDR_LB": "个体工商户" if subject.kind == "individual_business" else "法人及非法人组织",
            "XK_XDR_SHXYM": subject.uscc,
            "XK_XKWS": f"{name}准予许可决定书",
            "XK_WSH": f"吉市监许〔{decided.year}〕{n}号",
            "XK_XKLB": "普通",
            "XK_XKZS": name,
            "XK_XKBH": f"JY{subject.division_code}{n:07d}",
            "XK_NR": scope,
            "XK_JDRQ": decided.isoformat(),
            "XK_YXQZ": decided.isoformat(),
            "XK_YXQZI": (decided + datetime.timedelta(days=5 * 365)).isoformat(),
            "XK_XKJG": department.name,
            "XK_XKJGDM": department.uscc,
            "XK_SJLY": department.name,
            "XK_SJLYDM": department.uscc,
        },
    )


def _lists_seed(chosen: list[int], rng: random.Random, today, actor: Actor) -> None:
    """A few serious-dishonesty listings (market regulation) and A-grade taxpayers (tax), for the lists."""
    subjects = CreditSubject.objects.in_bulk(chosen[3:23])
    market = Department.objects.get(code="jl-scjg")
    tax = Department.objects.get(code="jl-sw")
    listings, honours = [], []
    for n, subject in enumerate(subjects.values()):
        decided = today - datetime.timedelta(days=rng.randrange(10, 300))
        if n % 2:
            listings.append(
                RecordInput(
                    record_type="yzsxmd",
                    data={
                        "YZ_XDR_MC": subject.name,
                        "YZ_XDR_LB": "法人及非法人组织",
                        "YZ_XDR_SHXYM": subject.uscc,
                        "YZ_MDDM": "yzsx_scjg",
                        "YZ_MDMC": "市场监督管理严重违法失信名单",
                        "YZ_RDWH": f"吉市监严〔{decided.year}〕{n}号",
                        "YZ_RDYY": "因提交虚假材料取得公司登记被撤销登记",
                        "YZ_RDYJ": "《市场监督管理严重违法失信名单管理办法》第十条",
                        "YZ_RDRQ": decided.isoformat(),
                        "YZ_RDJG": market.name,
                        "YZ_RDJGDM": market.uscc,
                    },
                )
            )
        else:
            honours.append(
                RecordInput(
                    record_type="hmd",
                    data={
                        "HM_XDR_MC": subject.name,
                        "HM_XDR_SHXYM": subject.uscc,
                        "HM_MDDM": "hmd_nsa",
                        "HM_MDMC": "纳税信用A级纳税人",
                        "HM_RDWH": f"吉税A〔{decided.year}〕{n}号",
                        "HM_RDYJ": "《纳税信用管理办法》",
                        "HM_RDRQ": decided.isoformat(),
                        "HM_YXQZ": (decided + datetime.timedelta(days=365)).isoformat(),
                        "HM_RDJG": tax.name,
                    },
                )
            )
    records_ingest(department=market, items=listings, channel=Channel.API, actor=actor)
    records_ingest(department=tax, items=honours, channel=Channel.API, actor=actor)


def demo_records_seed(*, share: float = 0.05, seed: int = 2026) -> int:
    """Push records for about ``share`` of the organisations, through the same ingestion as the API."""
    department = Department.objects.get(code="jl-scjg")
    if CreditRecord.objects.filter(department=department).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    actor = Actor.system("演示数据")
    organisations = CreditSubject.objects.exclude(uscc=None).order_by("pk").values_list("pk", flat=True)
    chosen = [pk for pk in organisations.iterator(chunk_size=10_000) if rng.random() < share]
    created = 0
    for start in range(0, len(chosen), 500):
        subjects = CreditSubject.objects.in_bulk(chosen[start : start + 500])
        items = []
        for n, pk in enumerate(chosen[start : start + 500], start=start + 1):
            maker = _penalty if rng.random() < 0.5 else _licence
            items.append(maker(subjects[pk], department, n, rng, today))
        results = records_ingest(department=department, items=items, channel=Channel.API, actor=actor)
        created += sum(r.status == "created" for r in results)
    if not chosen:
        return 0
    # Clerk entries waiting for the reviewer, and one record nobody can identify yet.
    first = CreditSubject.objects.in_bulk(chosen[:3])
    clerk_items = [_penalty(first[pk], department, 900_000 + i, rng, today) for i, pk in enumerate(chosen[:3])]
    clerk = get_user_model().objects.filter(username="clerk").first()
    records_ingest(department=department, items=clerk_items, channel=Channel.FORM, actor=actor, user=clerk, review=True)
    passport = _penalty(first[chosen[0]], department, 999_999, rng, today)
    passport.data.update(
        {"CF_XDR_MC": "JOHN SMITH", "CF_XDR_LB": "自然人", "CF_XDR_ZJLX": "护照号", "CF_XDR_ZJHM": "E12345678"}
    )
    passport.data.pop("CF_XDR_SHXYM")
    records_ingest(department=department, items=[passport], channel=Channel.API, actor=actor)
    _lists_seed(chosen, rng, today, actor)
    start, end = default_period()
    quality_reports_compute(period_start=start, period_end=end, actor=actor)
    return created + len(clerk_items) + 1
