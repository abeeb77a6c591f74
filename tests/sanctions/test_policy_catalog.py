"""The measure catalog against its legal bases (issue 13 "policy corrections"): who must act in a scenario,
which province's documents the bases cite, and the measures of 一般 dishonesty; and the data migration that
brings the catalog as first seeded (0002) to the corrected one, on a fresh database as on an old one."""

import datetime
import importlib
import json

import pytest
import time_machine
from django.apps import apps as global_apps
from django.db import transaction
from django.test import Client

from audit.services import Actor
from organisations.choices import Sector
from sanctions.models import ListSource, ListType, Measure, Membership
from sanctions.services import check_perform
from tests.factories import DepartmentFactory, api_token_issue
from tests.records.helpers import company_uscc, xzcf_item, yzsxmd_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 7, 2, 10, tzinfo=TZ)
seeding = importlib.import_module("sanctions.migrations.0002_seed_catalog")
corrections = importlib.import_module("sanctions.migrations.0004_policy_corrections")

# Scenarios in which the department asking is itself the one doing the business (the purchaser, the
# tenderer, the grantor of funds, licences or honours): the punishments bind it whatever its sector.
EVERY_PURCHASER_MEASURES = [
    ("procurement", "zfcg_xz"),
    ("bidding", "ztb_xz"),
    ("subsidy", "cz_xz"),
    ("honours", "pxpy_xz"),
    ("licensing", "gzcn_bsy"),
    ("licensing", "xzxk_cy"),
    ("supervision", "zdjg"),
]

PURCHASER_IDS = [measure for _, measure in EVERY_PURCHASER_MEASURES]


def measures_for(department, scenario, code) -> set[str]:
    with transaction.atomic():
        check = check_perform(
            department=department, scenario=scenario, reference="T-1", codes=[code], actor=Actor.system("测试")
        )
    [result] = check.results
    return {m["code"] for m in result["measures"]}


@pytest.fixture
def black_subject(push):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(1, until="2027-05-31"))
    return company_uscc(1)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("sector", Sector.values)
@pytest.mark.parametrize(("scenario", "measure"), EVERY_PURCHASER_MEASURES, ids=PURCHASER_IDS)
def test_a_black_listed_subject_is_punished_by_every_department_doing_the_business(
    black_subject, sector, scenario, measure
):
    # 财库〔2016〕125号: 采购人 (every purchaser) refuses a supplier on these lists; 吉政发〔2014〕40号 四（八）:
    # 各级行政机关 in 招标采购、资金扶持、评先评优、行政许可、日常监管.
    department = DepartmentFactory(code=f"d-{sector}", sector=sector)
    assert measure in measures_for(department, scenario, black_subject)


@time_machine.travel(NOW, tick=False)
def test_market_regulation_checking_a_black_listed_supplier_in_procurement_is_told_to_refuse_it(black_subject):
    # The reported case: 市场监管厅 as a purchaser was told "本部门在该场景下无需实施奖惩措施".
    department = DepartmentFactory(code="jl-scjg-buyer", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/checks/",
        data=json.dumps({"scenario": "procurement", "reference": "JLCG-1", "subjects": [black_subject]}),
        content_type="application/json",
    )
    [result] = response.json()["results"]
    assert "zfcg_xz" in {m["code"] for m in result["measures"]}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("sector", "scenario", "measure", "applies"),
    [
        ("natural_resources", "land", "td_xz", True),
        ("environment", "land", "td_xz", False),  # land is granted by 自然资源 departments only
        ("tax", "supervision", "ns_dj", True),
        ("finance", "supervision", "ns_dj", False),
        ("financial_regulation", "financing", "rz_cy", True),
        ("housing", "financing", "rz_cy", False),
    ],
)
def test_measures_the_law_gives_to_one_kind_of_body_stay_with_it(push, sector, scenario, measure, applies):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(yzsxmd_item(3, until="2027-05-31", YZ_MDDM="yzsx_sw"))
    department = DepartmentFactory(code=f"d-{sector}-{scenario}", sector=sector)
    assert (measure in measures_for(department, scenario, company_uscc(3))) is applies


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("sector", ["market_regulation", "environment", "other"])
@pytest.mark.parametrize("scenario", ["supervision", "licensing"])
def test_general_dishonesty_has_its_measures_and_leaves_the_status_normal(push, sector, scenario):
    # Seed 004 四（三）、六（五）: 一般失信 — 督促整改, 信用提醒, 警示约谈; 吉政发〔2014〕40号 四（八）: 先警示后惩戒.
    push(xzcf_item(5, CF_CFLB="罚款", decided_on=datetime.date(2026, 6, 1)))
    department = DepartmentFactory(code=f"d-{sector}-{scenario}", sector=sector)
    with transaction.atomic():
        check = check_perform(
            department=department,
            scenario=scenario,
            reference="T-2",
            codes=[company_uscc(5)],
            actor=Actor.system("测试"),
        )
    [result] = check.results
    assert result["status"] == "normal"
    assert [m["list"] for m in result["memberships"]] == ["yb_cf"]
    names = "、".join(m["name"] for m in result["measures"])
    assert all(word in names for word in ("提醒", "约谈", "告诫")), names
    assert {m["kind"] for m in result["measures"]} == {"punishment"}


@time_machine.travel(NOW, tick=False)
def test_the_general_dishonesty_list_is_for_departments_and_never_published(push, client):
    """Seed 004 四（三）: 一般失信 is met with 信用提醒 and 警示约谈; even 较重 is published only "in a limited scope".
    The list tells a checking department which warning measures apply; the public site does not show it."""
    push(xzcf_item(6, CF_CFLB="罚款", decided_on=datetime.date(2026, 6, 1)))
    membership = Membership.objects.get(list_type__code="yb_cf", subject__uscc=company_uscc(6))
    assert membership.state == "active"
    assert "yb_cf" not in client.get("/lists/").content.decode()
    assert client.get("/lists/yb_cf/").status_code == 404
    assert client.get("/opendata/lists/yb_cf.csv").status_code == 404
    assert "yb_cf" not in client.get("/opendata/").content.decode()
    page = client.get(f"/subjects/{company_uscc(6)}/?tab=black").content.decode()
    assert "一般失信" not in page


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("kinds", "lists"),
    [
        ("警告", []),  # 轻微: not published, no measure
        ("罚款", ["yb_cf"]),  # 一般
        ("暂扣许可证件", ["zdgz_cf"]),  # 较重: watch list, not the warnings of 一般
        ("罚款;吊销许可证件", ["zdgz_cf"]),  # the gravest kind decides
    ],
)
def test_each_grade_of_dishonesty_reaches_its_own_list(push, kinds, lists):
    push(xzcf_item(6, CF_CFLB=kinds, decided_on=datetime.date(2026, 6, 1)))
    held = Membership.objects.filter(subject__uscc=company_uscc(6), state="active")
    assert sorted(held.values_list("list_type__code", flat=True)) == lists


def all_bases() -> list[str]:
    return list(ListType.objects.values_list("legal_basis", flat=True)) + list(
        Measure.objects.values_list("legal_basis", flat=True)
    )


PROVINCES = [
    ("220000", "吉政发〔2014〕40号", ("青政发", "江苏")),
    ("630000", "青政发〔2015〕11号", ("吉政发", "江苏")),
    ("320000", "江苏省社会信用体系建设规划纲要", ("吉政发", "青政发")),
    ("110000", None, ("吉政发", "青政发", "江苏")),  # a province we hold no documents of: national ones only
]


def fresh_catalog(settings, division: str) -> None:
    """The lists and measures a fresh database of this province gets: the seed of 0002, then 0004."""
    settings.PLATFORM_DIVISION_CODE = division
    Measure.objects.all().delete()
    ListSource.objects.all().delete()
    ListType.objects.all().delete()
    seeding.load(global_apps, None)
    corrections.correct(global_apps, None)


@pytest.mark.parametrize(("division", "own", "others"), PROVINCES, ids=[p[0] for p in PROVINCES])
def test_bases_cite_the_platforms_province_and_national_documents_only(settings, division, own, others):
    fresh_catalog(settings, division)
    for basis in all_bases():
        assert not any(other in basis for other in others), basis
    if own:
        by_code = dict(ListType.objects.values_list("code", "legal_basis"))
        by_code |= dict(Measure.objects.values_list("code", "legal_basis"))
        for code in ("zdgz_cf", "yb_cf", "zfcg_xz", "lstd", "yb_yt"):
            assert own in by_code[code], (code, by_code[code])


def test_the_seeded_database_of_the_jilin_platform_cites_jilin(settings, client):
    assert settings.PLATFORM_DIVISION_CODE == "220000"
    for basis in all_bases():
        assert "青政发" not in basis, basis
        assert "江苏" not in basis, basis
    page = client.get("/lists/zdgz_cf/").content.decode()
    assert "江苏" not in page
    assert "吉政发〔2014〕40号" in ListType.objects.get(code="zdgz_cf").legal_basis


def test_every_provincial_topic_is_known_and_every_cited_topic_is_defined():
    topics = {topic for _, (_, topic, _, _) in corrections.MEASURES.values() if topic}
    topics |= {topic for _, _, topic in corrections.LIST_BASES.values()}
    topics |= {corrections.GENERAL_LIST_BASIS[1]} | {m[5] for m in corrections.GENERAL_MEASURES}
    for province in corrections.PROVINCIAL_BASES.values():
        assert set(province) <= topics


# --- the data migration: a database seeded before the corrections reaches the catalog's values ---------------


def seed_as_before() -> None:
    """Put the rows back as the old seed wrote them (the migration's own record of them), without 一般."""
    Measure.objects.filter(code__in=[m[0] for m in corrections.GENERAL_MEASURES]).delete()
    ListSource.objects.filter(list_type__code="yb_cf").delete()
    ListType.objects.filter(code="yb_cf").delete()
    for code, (seeded, _, _) in corrections.LIST_BASES.items():
        ListType.objects.filter(code=code).update(legal_basis=seeded)
    for code, ((basis, sectors, scenarios), _) in corrections.MEASURES.items():
        Measure.objects.filter(code=code).update(legal_basis=basis, sectors=sectors, scenarios=scenarios)


def catalog_rows() -> dict:
    return {
        "lists": {lt.code: (lt.legal_basis, lt.colour) for lt in ListType.objects.all()},
        "measures": {
            m.code: (m.legal_basis, m.sectors, m.scenarios, sorted(lt.code for lt in m.list_types.all()))
            for m in Measure.objects.prefetch_related("list_types")
        },
        "general_sources": list(
            ListSource.objects.filter(list_type__code="yb_cf").values_list("record_type__code", "severities")
        ),
    }


def test_the_corrections_know_the_seed_they_correct(settings):
    """0004's record of the rows as seeded before is what 0002 seeds: every correction finds its row."""
    Measure.objects.all().delete()
    ListSource.objects.all().delete()
    ListType.objects.all().delete()
    seeding.load(global_apps, None)
    as_seeded = catalog_rows()
    fresh_catalog(settings, "220000")
    assert catalog_rows() != as_seeded
    seed_as_before()
    assert catalog_rows() == as_seeded


@pytest.mark.parametrize("division", ["220000", "630000", "320000"])
def test_the_migration_brings_an_old_database_to_what_a_fresh_one_gets(settings, division):
    fresh_catalog(settings, division)
    fresh = catalog_rows()
    seed_as_before()
    assert catalog_rows() != fresh
    corrections.correct(global_apps, None)
    assert catalog_rows() == fresh
    corrections.correct(global_apps, None)  # again: nothing changes
    assert catalog_rows() == fresh


def test_the_migration_keeps_what_the_credit_centre_edited():
    seed_as_before()
    Measure.objects.filter(code="zfcg_xz").update(legal_basis="本省采购办法", sectors=["finance", "housing"])
    corrections.correct(global_apps, None)
    edited = Measure.objects.get(code="zfcg_xz")
    assert (edited.legal_basis, edited.sectors) == ("本省采购办法", ["finance", "housing"])
    assert "吉政发" in Measure.objects.get(code="lstd").legal_basis
    assert Measure.objects.get(code="ztb_xz").sectors == []
