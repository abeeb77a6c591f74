"""Demo records for the demo subjects: penalties and licences from market regulation and tax, a few clerk
entries waiting for review, and one record whose subject cannot be identified. Seeded once: if the demo
departments already hold records, nothing is done (re-pushing would count as traffic in the statistics).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from audit.services import Actor
from organisations.models import Department
from subjects.demo import SHOWCASE, SHOWCASE_RENAMES
from subjects.models import CreditSubject

from .choices import Channel
from .models import CreditRecord, IngestStat, RecordType
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


def _received_day(rng: random.Random, today: datetime.date) -> datetime.date:
    """The day a generated record arrived: any day of the last twelve months, so that the statistics page's
    各月报送量 shows a year of traffic rather than one month."""
    return today - datetime.timedelta(days=rng.randrange(0, 365))


def _received_history(department: Department, received: dict[int, datetime.date], today: datetime.date) -> None:
    """Date the generated records as received on their day (``_received_day``) and move their counts in the
    daily ingest figures (``IngestStat``, which the statistics page and the data-quality report read) from today
    to that day. The demo's own history, written once with the records: real traffic is counted as it arrives."""
    moved: dict[tuple[int, datetime.date], int] = {}
    records = list(CreditRecord.objects.filter(pk__in=received).only("pk", "record_type_id", "received_at"))
    for record in records:
        day = received[record.pk]
        at = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(10)) + datetime.timedelta(minutes=record.pk % 480)
        )
        record.received_at = min(at, record.received_at)
        key = (record.record_type_id, day)
        moved[key] = moved.get(key, 0) + 1
    CreditRecord.objects.bulk_update(records, ["received_at"], batch_size=1000)
    for (type_id, day), n in sorted(moved.items()):
        if day == today:
            continue
        stat, _ = IngestStat.objects.get_or_create(department=department, record_type_id=type_id, day=day)
        IngestStat.objects.filter(pk=stat.pk).update(received=F("received") + n, created=F("created") + n)
        IngestStat.objects.filter(department=department, record_type_id=type_id, day=today).update(
            received=F("received") - n, created=F("created") - n
        )


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
    received: dict[int, datetime.date] = {}
    for start in range(0, len(chosen), 500):
        subjects = CreditSubject.objects.in_bulk(chosen[start : start + 500])
        items, days = [], []
        for n, pk in enumerate(chosen[start : start + 500], start=start + 1):
            maker = _penalty if rng.random() < 0.5 else _licence
            days.append(_received_day(rng, today))
            items.append(maker(subjects[pk], department, n, rng, days[-1]))
        results = records_ingest(department=department, items=items, channel=Channel.API, actor=actor)
        created += sum(r.status == "created" for r in results)
        received |= {r.record_id: day for r, day in zip(results, days, strict=True) if r.status == "created"}
    _received_history(department, received, today)
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


# The showcase subjects (subjects.demo.SHOWCASE) with every tab of the public subject page filled: 宏达 a company
# in good standing (licences, a red list, a commitment, general and minor penalties — one objected, one under
# repair: rights.demo), 恒泰 a dishonest one (serious and severe penalties, 失信被执行人, a serious-dishonesty
# list, 经营异常, a broken commitment). One subject cannot show both list tabs: a red listing is suspended while
# its subject is black or has a severe record (sanctions.rules), as the public pages then say nothing of it.
HONGDA = "长春宏达食品有限公司"
HENGTAI = "吉林省恒泰建筑工程有限公司"
# Source ids carry 示 so that they never meet the numbered ids of the generated records.
OBJECTED_PENALTY = "吉市监罚〔{year}〕示2号"
REPAIRED_PENALTY = "吉市监罚〔{year}〕示3号"


def _ago(today: datetime.date, days: int) -> str:
    return (today - datetime.timedelta(days=days)).isoformat()


def _showcase_penalty(subject, department, *, wsh, days, violation, basis, kinds, content, fine, today, severity):
    decided = today - datetime.timedelta(days=days)
    return RecordInput(
        record_type="xzcf",
        severity=severity,
        data={
            "CF_XDR_MC": subject.name,
            "CF_XDR_LB": "法人及非法人组织",
            "CF_XDR_SHXYM": subject.uscc,
            "CF_WSH": wsh.format(year=decided.year),
            "CF_WFXW": violation,
            "CF_SY": f"经查，当事人存在{violation}的违法行为，事实清楚，证据确凿。",
            "CF_YJ": basis,
            "CF_CFLB": kinds,
            "CF_NR": content,
            **({"CF_NR_FK": fine} if fine else {}),
            "CF_JDRQ": decided.isoformat(),
            "CF_CFJG": department.name,
            "CF_CFJGDM": department.uscc,
            "CF_SJLY": department.name,
            "CF_SJLYDM": department.uscc,
        },
    )


def _showcase_licence(subject, department, *, wsh, days, name, number, scope, today):
    decided = today - datetime.timedelta(days=days)
    return RecordInput(
        record_type="xzxk",
        data={
            "XK_XDR_MC": subject.name,
            "XK_XDR_LB": "法人及非法人组织",
            "XK_XDR_SHXYM": subject.uscc,
            "XK_XKWS": f"{name}准予许可决定书",
            "XK_WSH": wsh.format(year=decided.year),
            "XK_XKLB": "普通",
            "XK_XKZS": name,
            "XK_XKBH": number,
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


def _commitment(subject, department, *, number, kind, matter, days, state, today) -> RecordInput:
    return RecordInput(
        record_type="xycn",
        data={
            "CN_XDR_MC": subject.name,
            "CN_XDR_LB": "法人及非法人组织",
            "CN_XDR_SHXYM": subject.uscc,
            "CN_CNBH": number,
            "CN_CNLX": kind,
            "CN_CNSX": matter,
            "CN_CNNR": f"本单位就{matter}郑重承诺：所提交材料真实有效，依法诚信经营；如违反承诺，愿承担相应责任。",
            "CN_CNRQ": _ago(today, days),
            "CN_YXQZ": _ago(today, days - 2 * 365),
            "CN_SLJG": department.name,
            "CN_LYQK": state,
        },
    )


def _hongda_items(subject, d: dict[str, Department], today) -> dict[str, list[RecordInput]]:
    market, tax = d["jl-scjg"], d["jl-sw"]
    penalty = {"subject": subject, "department": market, "today": today}
    return {
        "jl-scjg": [
            _showcase_licence(
                subject,
                market,
                wsh="吉市监许〔{year}〕示1号",
                days=420,
                name="食品经营许可证",
                number="JY12201040012345",
                scope="预包装食品销售、散装食品销售、热食类食品制售",
                today=today,
            ),
            _showcase_licence(
                subject,
                market,
                wsh="吉市监许〔{year}〕示2号",
                days=35,
                name="食品生产许可证",
                number="SC10122010400123",
                scope="糕点、速冻食品",
                today=today,
            ),
            _showcase_penalty(
                **penalty,
                wsh="吉市监罚〔{year}〕示1号",
                days=20,
                violation="未按规定公示年度报告",
                basis="《企业信息公示暂行条例》第十七条",
                kinds="警告",
                content="警告",
                fine="",
                severity="minor",
            ),
            _showcase_penalty(
                **penalty,
                wsh=OBJECTED_PENALTY,
                days=40,
                violation="虚假宣传",
                basis="《中华人民共和国反不正当竞争法》第二十条",
                kinds="罚款",
                content="罚款人民币2万元",
                fine="2",
                severity="general",
            ),
            _showcase_penalty(
                **penalty,
                wsh=REPAIRED_PENALTY,
                days=200,
                violation="价格欺诈",
                basis="《中华人民共和国价格法》第四十条",
                kinds="罚款",
                content="罚款人民币0.5万元",
                fine="0.5",
                severity="general",
            ),
            _commitment(
                subject,
                market,
                number="CN2026吉市监示0001",
                kind="行业自律型",
                matter="食品安全诚信经营",
                days=60,
                state="履约中",
                today=today,
            ),
            RecordInput(
                record_type="hmd",
                data={
                    "HM_XDR_MC": subject.name,
                    "HM_XDR_SHXYM": subject.uscc,
                    "HM_MDDM": "hmd_shtzxy",
                    "HM_MDMC": "守合同重信用企业",
                    "HM_RDWH": f"吉市监合〔{today.year - 1}〕示1号",
                    "HM_RDYJ": "《吉林省“守合同重信用”企业公示办法》",
                    "HM_RDRQ": _ago(today, 300),
                    "HM_YXQZ": _ago(today, 300 - 2 * 365),
                    "HM_RDJG": market.name,
                },
            ),
        ],
        "jl-sw": [
            RecordInput(
                record_type="hmd",
                data={
                    "HM_XDR_MC": subject.name,
                    "HM_XDR_SHXYM": subject.uscc,
                    "HM_MDDM": "hmd_nsa",
                    "HM_MDMC": "纳税信用A级纳税人",
                    "HM_RDWH": f"吉税A〔{today.year}〕示1号",
                    "HM_RDYJ": "《纳税信用管理办法》",
                    "HM_RDRQ": _ago(today, 120),
                    "HM_YXQZ": _ago(today, 120 - 365),
                    "HM_RDJG": tax.name,
                },
            )
        ],
    }


def _hengtai_items(subject, d: dict[str, Department], today) -> dict[str, list[RecordInput]]:
    housing, market, court, labour = d["jl-zjt"], d["jl-scjg"], d["cc-zjfy"], d["jl-rst"]
    penalty = {"subject": subject, "department": housing, "today": today}
    broken = "CN2025吉建示0007"
    return {
        "jl-zjt": [
            _showcase_licence(
                subject,
                housing,
                wsh="吉建许〔{year}〕示1号",
                days=500,
                name="建筑工程施工许可证",
                number="220102202500001",
                scope="长春市南关区幸福家园小区3号楼房屋建筑工程施工",
                today=today,
            ),
            _showcase_penalty(
                **penalty,
                wsh="吉建罚〔{year}〕示1号",
                days=90,
                violation="违法分包建设工程",
                basis="《建设工程质量管理条例》第六十二条",
                kinds="罚款;责令停产停业",
                content="责令停业整顿三十日，罚款人民币20万元",
                fine="20",
                severity="serious",
            ),
            _showcase_penalty(
                **penalty,
                wsh="吉建罚〔{year}〕示2号",
                days=150,
                violation="未取得施工许可擅自施工并造成重大安全事故",
                basis="《建设工程安全生产管理条例》第六十五条",
                kinds="罚款;吊销许可证件",
                content="吊销安全生产许可证，罚款人民币50万元",
                fine="50",
                severity="severe",
            ),
            _commitment(
                subject,
                housing,
                number=broken,
                kind="审批替代型",
                matter="建筑工程施工许可证办理（告知承诺制）",
                days=400,
                state="违诺",
                today=today,
            ),
            RecordInput(
                record_type="wncn",
                data={
                    "WN_XDR_MC": subject.name,
                    "WN_XDR_SHXYM": subject.uscc,
                    "WN_CNBH": broken,
                    "WN_WNQK": "承诺期限内未补齐施工图审查合格文件，经核查不符合许可条件",
                    "WN_RDRQ": _ago(today, 30),
                    "WN_RDJG": housing.name,
                },
            ),
        ],
        "jl-scjg": [
            RecordInput(
                record_type="jyyc",
                data={
                    "YC_XDR_MC": subject.name,
                    "YC_XDR_SHXYM": subject.uscc,
                    "YC_LRWH": f"吉市监异〔{today.year}〕示1号",
                    "YC_LRYY": "通过登记的住所或者经营场所无法联系",
                    "YC_LRRQ": _ago(today, 250),
                    "YC_ZCJG": market.name,
                },
            )
        ],
        "cc-zjfy": [
            RecordInput(
                record_type="sxbzxr",
                data={
                    "SX_XDR_MC": subject.name,
                    "SX_XDR_LB": "法人及非法人组织",
                    "SX_XDR_SHXYM": subject.uscc,
                    "SX_AH": f"（{today.year}）吉01执示1号",
                    "SX_ZXFY": court.name,
                    "SX_YJWH": f"（{today.year - 1}）吉01民初示12号",
                    "SX_YWNR": "支付工程款人民币386万元及利息",
                    "SX_LXQK": "全部未履行",
                    "SX_SXQX": "有履行能力而拒不履行生效法律文书确定义务",
                    "SX_LARQ": _ago(today, 160),
                    "SX_FBRQ": _ago(today, 100),
                },
            )
        ],
        "jl-rst": [
            RecordInput(
                record_type="yzsxmd",
                data={
                    "YZ_XDR_MC": subject.name,
                    "YZ_XDR_LB": "法人及非法人组织",
                    "YZ_XDR_SHXYM": subject.uscc,
                    "YZ_MDDM": "yzsx_qxgz",
                    "YZ_MDMC": "拖欠农民工工资失信联合惩戒对象名单",
                    "YZ_RDWH": f"吉人社欠〔{today.year}〕示1号",
                    "YZ_RDYY": "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
                    "YZ_RDYJ": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
                    "YZ_RDRQ": _ago(today, 80),
                    "YZ_RDJG": labour.name,
                    "YZ_RDJGDM": labour.uscc,
                },
            )
        ],
    }


def _more_listings(d: dict[str, Department], today) -> dict[str, list[RecordInput]]:
    """A few more entries for the list pages: 经营异常 (watch) and 失信被执行人 (black) of generated companies."""
    companies = list(
        CreditSubject.objects.filter(kind="legal_entity", uscc__isnull=False)
        .exclude(name__in=[claim.name for claim in SHOWCASE] + [new for _, new in SHOWCASE_RENAMES])
        .order_by("pk")[:8]
    )
    abnormal, courts = [], []
    for n, subject in enumerate(companies, start=1):
        if n % 2:
            abnormal.append(
                RecordInput(
                    record_type="jyyc",
                    data={
                        "YC_XDR_MC": subject.name,
                        "YC_XDR_SHXYM": subject.uscc,
                        "YC_LRWH": f"吉市监异〔{today.year}〕示{n + 1}号",
                        "YC_LRYY": "未按照规定的期限公示年度报告",
                        "YC_LRRQ": _ago(today, 30 * n),
                        "YC_ZCJG": d["jl-scjg"].name,
                    },
                )
            )
        else:
            courts.append(
                RecordInput(
                    record_type="sxbzxr",
                    data={
                        "SX_XDR_MC": subject.name,
                        "SX_XDR_LB": "法人及非法人组织",
                        "SX_XDR_SHXYM": subject.uscc,
                        "SX_AH": f"（{today.year}）吉01执示{n}号",
                        "SX_ZXFY": d["cc-zjfy"].name,
                        "SX_SXQX": "违反财产报告制度",
                        "SX_FBRQ": _ago(today, 20 * n),
                    },
                )
            )
    return {"jl-scjg": abnormal, "cc-zjfy": courts}


def demo_showcase_records_seed(*, actor: Actor | None = None) -> int:
    """Fill every tab of the showcase subjects and a few more list entries, through the API's ingestion. Seeded
    once (when 宏达's objected penalty is not there yet), so a second run sends nothing; returns records created."""
    subjects = {s.name: s for s in CreditSubject.objects.filter(name__in=[HONGDA, HENGTAI], uscc__isnull=False)}
    codes = ["jl-scjg", "jl-sw", "jl-zjt", "jl-rst", "cc-zjfy"]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    if len(subjects) < 2 or len(departments) < len(codes):
        return 0
    if CreditRecord.objects.filter(subject=subjects[HONGDA], source_id__contains="示2号").exists():
        return 0
    actor = actor or Actor.system("演示数据")
    today = timezone.localdate()
    batches = [
        _hongda_items(subjects[HONGDA], departments, today),
        _hengtai_items(subjects[HENGTAI], departments, today),
        _more_listings(departments, today),
    ]
    created = 0
    for batch in batches:
        for code, items in batch.items():
            if not items:
                continue
            results = records_ingest(department=departments[code], items=items, channel=Channel.API, actor=actor)
            rejected = {r.index: r.errors for r in results if r.errors}
            if rejected:  # the demo's own data: a rejection is a bug here, not a message for a newcomer
                raise ValueError(f"showcase records of {code} rejected: {rejected}")
            created += sum(r.status == "created" for r in results)
    return created


# 欠税信息 (records 0026, 政务共享): the tax department's arrears notices, which the public never sees and a
# department reads only with a query grant (queries.demo) or an approved special query.
ARREARS_NOTICE = "吉税欠〔{year}〕示{n}号"


def _arrears(subject: CreditSubject, tax: Department, n: int, *, days: int, amount: str, taxes: str, today):
    decided = today - datetime.timedelta(days=days)
    return RecordInput(
        record_type="qsxx",
        data={
            "QS_XDR_MC": subject.name,
            "QS_XDR_SHXYM": subject.uscc,
            "QS_WSH": ARREARS_NOTICE.format(year=decided.year, n=n),
            "QS_QSSZ": taxes,
            "QS_QSJE": amount,
            "QS_RDRQ": decided.isoformat(),
            "QS_RDJG": tax.name,
        },
    )


def demo_restricted_records_seed(*, actor: Actor | None = None) -> int:
    """A few 欠税信息 from the tax department: 恒泰 and three generated companies. Seeded once (when the tax
    department has none yet); returns records created (0 without the catalog's type or the subjects)."""
    tax = Department.objects.filter(code="jl-sw").first()
    hengtai = CreditSubject.objects.filter(name=HENGTAI, uscc__isnull=False).first()
    if tax is None or hengtai is None or not RecordType.objects.filter(code="qsxx").exists():
        return 0
    if CreditRecord.objects.filter(department=tax, record_type__code="qsxx").exists():
        return 0
    others = list(
        CreditSubject.objects.filter(kind="legal_entity", uscc__isnull=False)
        .exclude(name__in=[claim.name for claim in SHOWCASE] + [new for _, new in SHOWCASE_RENAMES])
        .order_by("-pk")[:3]
    )
    today = timezone.localdate()
    items = [_arrears(hengtai, tax, 1, days=45, amount="86.3", taxes="增值税、企业所得税", today=today)]
    items += [
        _arrears(subject, tax, n, days=30 * n, amount=amount, taxes="增值税", today=today)
        for n, (subject, amount) in enumerate(zip(others, ["3.2", "12.75", "0.86"], strict=False), start=2)
    ]
    results = records_ingest(department=tax, items=items, channel=Channel.API, actor=actor or Actor.system("演示数据"))
    rejected = {r.index: r.errors for r in results if r.errors}
    if rejected:  # the demo's own data: a rejection is a bug here
        raise ValueError(f"demo arrears rejected: {rejected}")
    return sum(r.status == "created" for r in results)
