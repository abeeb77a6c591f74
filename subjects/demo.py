"""Realistic demo data for Jilin province: credit subjects (the departments and accounts: organisations.demo).

Everything is derived from the seed, so running ``seed_demo`` twice with the same arguments inserts
nothing the second time. Large volumes (``--subjects 1000000``) go through ``bulk_create`` in batches.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import replace

from django.db import connection, transaction

from audit.services import Actor, audit_event_record

from . import identifiers as ids
from .choices import NameSource, RegistrationStatus, SubjectKind
from .fragments import search_fragments_refresh
from .models import CreditSubject, Division
from .privacy import citizen_id_digest
from .services import SubjectClaim, subject_correct, subject_resolve

PREFECTURES = {  # code: short name used in company names
    "220100": "长春",
    "220200": "吉林",
    "220300": "四平",
    "220400": "辽源",
    "220500": "通化",
    "220600": "白山",
    "220700": "松原",
    "220800": "白城",
    "222400": "延边",
}
# Changchun and Jilin City hold most of the province's market subjects.
PREFECTURE_WEIGHTS = {
    "220100": 38,
    "220200": 16,
    "220300": 8,
    "220400": 4,
    "220500": 7,
    "220600": 4,
    "220700": 9,
    "220800": 5,
    "222400": 9,
}
TRADE_CHARS = "宏达恒泰鑫盛华鼎瑞丰金源顺通嘉禾润安兴旺隆昌福德祥和聚信诚远航天宇星辰博创新科正大中亚东北长白松江"
INDUSTRIES = [
    "食品",
    "建筑工程",
    "商贸",
    "物流",
    "农业科技",
    "汽车零部件",
    "医药",
    "信息技术",
    "房地产开发",
    "餐饮管理",
    "机械制造",
    "化工",
    "电力设备",
    "粮油",
    "人参",
    "木业",
    "矿业",
    "旅游开发",
    "文化传媒",
    "环保科技",
    "装饰工程",
    "物业管理",
    "劳务",
    "包装",
    "纺织",
    "建材",
    "钢材",
    "教育咨询",
    "广告",
    "电子科技",
    "生物科技",
    "新能源",
    "酒业",
    "乳业",
    "种业",
    "运输",
    "供应链管理",
    "市政工程",
    "园林绿化",
    "软件",
]
SUFFIXES = ["有限公司"] * 14 + ["有限责任公司"] * 3 + ["股份有限公司", "集团有限公司"]
SHOPS = [
    "面馆",
    "超市",
    "五金店",
    "便利店",
    "饭店",
    "烧烤店",
    "理发店",
    "药店",
    "汽车修理部",
    "服装店",
    "粮油店",
    "水果店",
    "冷面馆",
    "打印部",
    "家电维修部",
    "农资店",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建国志强永福春梅海燕晓东宇航思雨子涵浩然欣怡"


def _org_body(index: int, salt: int) -> str:
    """A distinct 8-digit organisation-code body per index: an affine map that is a bijection mod 10^8."""
    return f"{(index * 7_919 + salt * 104_729 + 1) % 10**8:08d}"


class _SubjectFactory:
    """Deterministic generator of realistic subjects for one seed."""

    def __init__(self, seed: int):
        self.seed = seed
        counties = Division.objects.filter(parent__in=list(PREFECTURES)).values_list("code", "parent", "name")
        self.counties: dict[str, list[tuple[str, str]]] = {}
        for code, parent, name in counties:
            self.counties.setdefault(parent, []).append((code, name))
        self.prefectures = [code for code in PREFECTURES if code in self.counties]
        self.weights = [PREFECTURE_WEIGHTS[code] for code in self.prefectures]

    def _rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)

    def person_name(self, rng: random.Random) -> str:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def subject(self, index: int) -> CreditSubject:
        rng = self._rng(index)
        prefecture = rng.choices(self.prefectures, self.weights)[0]
        county_code, county_name = rng.choice(self.counties[prefecture])
        established = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(31 * 365))
        status = rng.choices(
            [RegistrationStatus.ACTIVE, RegistrationStatus.CANCELLED, RegistrationStatus.REVOKED], [92, 5, 3]
        )[0]
        roll = rng.random()
        if roll < 0.002:
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(50 * 365))
            citizen_id = ids.make_citizen_id(division_code=county_code, birth_date=birth, sequence=index % 1000)
            return CreditSubject(
                kind=SubjectKind.NATURAL_PERSON,
                name=self.person_name(rng),
                division_code=county_code,
                citizen_id_hash=citizen_id_digest(citizen_id),
                citizen_id_masked=ids.mask_citizen_id(citizen_id),
                name_source=NameSource.REPORTED,
            )
        owner = self.person_name(rng)
        if roll < 0.15:
            shop = rng.choice(SHOPS)
            place = county_name if len(county_name) <= 4 else county_name[:2]
            name = f"{place}{owner[0]}{rng.choice(('记', '氏', '家', ''))}{shop}"
            uscc = ids.make_uscc(
                division_code=county_code, organization_body=_org_body(index, self.seed), subject_type="2"
            )
            kind = SubjectKind.INDIVIDUAL_BUSINESS
        else:
            trade = "".join(rng.sample(TRADE_CHARS, rng.choice((2, 2, 2, 3))))
            region = rng.choice((PREFECTURES[prefecture], PREFECTURES[prefecture] + "市", "吉林省"))
            if prefecture == "220200" and region == "吉林":
                region = "吉林市"
            name = f"{region}{trade}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"
            uscc = ids.make_uscc(division_code=county_code, organization_body=_org_body(index, self.seed))
            kind = SubjectKind.LEGAL_ENTITY
        return CreditSubject(
            kind=kind,
            name=name,
            uscc=uscc,
            division_code=county_code,
            registration_status=status,
            legal_representative=owner,
            established_on=established,
            address=f"吉林省{county_name}{rng.choice(TRADE_CHARS)}{rng.choice('街路道')}{rng.randint(1, 999)}号",
        )

    def batches(self, total: int, size: int) -> Iterator[list[CreditSubject]]:
        for start in range(0, total, size):
            yield [self.subject(index) for index in range(start, min(start + size, total))]


def subjects_seed(
    *, total: int, seed: int, batch_size: int = 5_000, progress: Callable[[int], None] | None = None
) -> int:
    """Insert ``total`` generated subjects; existing ones (same USCC or ID hash) are skipped. Returns inserted."""
    before = CreditSubject.objects.count()
    factory = _SubjectFactory(seed)
    for batch in factory.batches(total, batch_size):
        CreditSubject.objects.bulk_create(batch, batch_size=batch_size, ignore_conflicts=True)
        if progress:
            progress(len(batch))
    return CreditSubject.objects.count() - before


# A few subjects that show the identifier rules at work: old registration numbers and a renamed company.
SHOWCASE = [
    SubjectClaim(name="长春宏达食品有限公司", uscc=ids.make_uscc(division_code="220104", organization_body="12435687")),
    SubjectClaim(
        name="吉林省恒泰建筑工程有限公司",
        uscc=ids.make_uscc(division_code="220102", organization_body="24357618"),
        registration_number="22010200001234" + ids.registration_number_check_digit("22010200001234"),
    ),
    SubjectClaim(
        name="延吉市金达莱餐饮管理有限公司",
        uscc=ids.make_uscc(division_code="222401", organization_body="31526478"),
    ),
]
SHOWCASE_REGISTERED_ON = datetime.date(2015, 10, 1)
SHOWCASE_RENAMED_ON = datetime.date(2021, 3, 1)
SHOWCASE_RENAMES = [("延吉市金达莱餐饮管理有限公司", "延边金达莱餐饮集团有限公司")]
# Their registration facts as 市场监管 registered them (the README and the demo cases name 宏达's 王宏达).
SHOWCASE_FACTS = {
    "长春宏达食品有限公司": {"legal_representative": "王宏达", "address": "吉林省长春市朝阳区红旗街88号"},
    "吉林省恒泰建筑工程有限公司": {"legal_representative": "李恒泰", "address": "吉林省长春市南关区人民大街1200号"},
    "延吉市金达莱餐饮管理有限公司": {"legal_representative": "金美玉", "address": "吉林省延吉市光明街36号"},
}


def showcase_seed(actor: Actor) -> int:
    """Resolve the showcase subjects through ``subject_resolve`` (idempotent), with one name change."""
    created = 0
    # Seeded as 市场监管 (the registration authority of companies) would report them.
    # Dated, so that seeding again finds the old name older than the change and leaves the new one.
    for claim in SHOWCASE:
        claim = replace(claim, as_of=SHOWCASE_REGISTERED_ON)
        created += subject_resolve(claim=claim, registers="9", actor=actor, source="演示数据").created
    for old, new in SHOWCASE_RENAMES:
        claim = next(c for c in SHOWCASE if c.name == old)
        renamed = SubjectClaim(name=new, uscc=claim.uscc, as_of=SHOWCASE_RENAMED_ON)
        subject_resolve(claim=renamed, registers="9", actor=actor, source="演示数据：名称变更")
    for claim in SHOWCASE:
        subject = CreditSubject.objects.get(uscc=claim.uscc)
        facts = {field: value for field, value in SHOWCASE_FACTS[claim.name].items() if not getattr(subject, field)}
        if facts:  # only what is missing: a second run, or a fact the credit centre corrected, is left alone
            subject_correct(subject=subject, reason="演示数据：登记信息", actor=actor, **facts)
    return created


def subjects_demo_seed(*, total: int, seed: int, actor: Actor, progress: Callable[[int], None] | None = None) -> int:
    """Insert the generated subjects (``subjects_seed``), then refresh the statistics and the frequent name
    fragments they change. Returns how many were inserted."""
    inserted = subjects_seed(total=total, seed=seed, progress=progress)
    if inserted and connection.vendor == "postgresql":
        # Fresh statistics and a vacuumed GIN backlog: without them the planner misjudges name searches.
        # VACUUM cannot run inside a transaction (as in tests); ANALYZE alone still gives the statistics.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{statement} subjects_creditsubject")
    if inserted:
        # The new names change which fragments are frequent; the nightly job would otherwise be the first.
        search_fragments_refresh()
        with transaction.atomic():
            audit_event_record(
                actor=actor,
                action="demo.seed_subjects",
                object_type="subjects.creditsubject",
                after={"inserted": inserted, "requested": total, "seed": seed},
            )
    return inserted
