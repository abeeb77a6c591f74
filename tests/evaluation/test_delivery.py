"""Delivery to departments (定期推送, seed 002 item 50): the change feed and the dated files give a department
exactly its supervised population's results, under the models it receives; the checks answer carries the
published grades."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction

from evaluation.files import evaluation_files_generate
from evaluation.models import EvaluationFile, EvaluationResult
from evaluation.runs import grades_refresh
from evaluation.selectors import current_result
from evaluation.versions import model_display_set
from sanctions.services import check_perform
from subjects.models import CreditSubject, Division
from tests.factories import DepartmentFactory, api_token_issue, uscc_for
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

from .helpers import SYSTEM, TODAY, ingest

pytestmark = pytest.mark.django_db


def penalty_for(uscc: str, n: int, *, subject: int, **extra) -> dict:
    name = f"长春测试{subject}商贸有限公司"
    return xzcf_item(n, decided_on=TODAY.replace(month=3), CF_XDR_SHXYM=uscc, CF_XDR_MC=name, **extra)


@pytest.fixture
def world(evaluation_models, settings, tmp_path):
    """Market regulation of the province (registers companies: every company is its population), of a county
    (registers too, only in its county), and tax (registers nobody: only the subjects it reported on)."""
    settings.MEDIA_ROOT = str(tmp_path)
    market = DepartmentFactory(code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9")
    county = DepartmentFactory(
        code="cy-scjg",
        name="长春市朝阳区市场监督管理局",
        sector="market_regulation",
        registers="9",
        level="county",
        division=Division.objects.get(code="220104"),
    )
    tax = DepartmentFactory(code="jl-sw", name="国家税务总局吉林省税务局", sector="tax")
    ingest(market, penalty_for(company_uscc(1), 1, subject=1), xzxk_item(2))  # two companies of 220104 (朝阳区)
    elsewhere = uscc_for(3, division="220202")  # a company of 吉林市昌邑区
    ingest(market, penalty_for(elsewhere, 3, subject=3))
    ingest(tax, penalty_for(company_uscc(1), 4, subject=1, CF_WSH="吉税罚〔2026〕4号"))  # tax acted on company 1 only
    subjects = {
        n: CreditSubject.objects.get(uscc=code)
        for n, code in [(1, company_uscc(1)), (2, company_uscc(2)), (3, elsewhere)]
    }
    grades_refresh(sorted(s.pk for s in subjects.values()), actor=SYSTEM)
    return {"market": market, "county": county, "tax": tax, "subjects": subjects}


def api(department, path: str, client):
    with transaction.atomic():
        _, raw = api_token_issue(department)
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


def feed(department, client, **params) -> list[dict]:
    items, path = [], "/api/v1/evaluations/changes/?" + "&".join(f"{k}={v}" for k, v in params.items())
    while path:
        page = api(department, path, client).json()
        items += page["results"]
        path = page["next"]
    return items


def test_the_feed_gives_each_department_its_population(world, client):
    s = world["subjects"]
    market = feed(world["market"], client)
    assert {(i["subject"], i["model"]) for i in market} >= {
        (s[1].uscc, "general"),
        (s[2].uscc, "general"),
        (s[3].uscc, "general"),
        (s[2].uscc, "food_risk"),  # its food licence puts it in the food model
    }
    county = {i["subject"] for i in feed(world["county"], client)}
    assert county == {s[1].uscc, s[2].uscc}  # registered in its county; 3 is in 吉林市
    tax = feed(world["tax"], client)
    assert {i["subject"] for i in tax} == {s[1].uscc}  # only the subject it reported on
    assert {i["model"] for i in tax} == {"general"}  # the food model is market regulation's


def test_a_feed_item_explains_the_grade_and_pages_by_cursor(world, client):
    s = world["subjects"]
    items = feed(world["tax"], client, page_size=1)
    [item] = [i for i in items if i["model"] == "general"]
    result = EvaluationResult.objects.get(pk=item["id"])
    assert (item["grade"], item["score"], item["version"]) == (result.grade, str(result.score), result.version.number)
    assert item["label"] in {"优", "良", "中", "差"}
    penalties = next(i for i in item["explanation"]["indicators"] if i["indicator"].startswith("行政处罚"))
    assert sorted(penalties["records"]) == sorted(
        s[1].records.filter(record_type__code="xzcf").values_list("pk", flat=True)
    )
    assert len(item["explanation"]["indicators"]) == 13  # every indicator of the general model (version 2), zero or not
    # A change makes a new item after the cursor; the department reads only what is new.
    first = feed(world["market"], client)
    ingest(world["market"], penalty_for(company_uscc(1), 5, subject=1))
    grades_refresh([s[1].pk], actor=SYSTEM)
    again = feed(world["market"], client)
    new = [i for i in again if i["id"] > max(j["id"] for j in first)]
    assert [(i["subject"], i["model"]) for i in new] == [(s[1].uscc, "general")]
    assert new[0]["previous_grade"] == next(i for i in first if i["subject"] == s[1].uscc)["grade"]


def test_the_dated_files_hold_the_departments_population(world, client):
    s = world["subjects"]
    written = evaluation_files_generate(TODAY)
    assert {(f.department.code, f.model.code) for f in written} == {
        ("jl-scjg", "general"),
        ("jl-scjg", "food_risk"),
        ("cy-scjg", "general"),
        ("cy-scjg", "food_risk"),
        ("jl-sw", "general"),
    }
    listing = api(world["county"], "/api/v1/evaluations/files/", client).json()["results"]
    assert {(f["model"], f["as_of"]) for f in listing} == {
        ("general", TODAY.isoformat()),
        ("food_risk", TODAY.isoformat()),
    }
    general = next(f for f in listing if f["model"] == "general")
    response = api(world["county"], f"/api/v1/evaluations/files/{general['id']}/download/", client)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["统一社会信用代码/证件号码", "主体名称"]
    assert {row[0] for row in rows[1:]} == {s[1].uscc, s[2].uscc}
    grade = current_result(s[1].pk, "general")
    assert next(r for r in rows if r[0] == s[1].uscc)[4:6] == [str(grade.score), grade.grade]
    # Another department's file is not found for the county.
    other = EvaluationFile.objects.get(department=world["tax"])
    assert api(world["county"], f"/api/v1/evaluations/files/{other.pk}/download/", client).status_code == 404
    assert api(world["county"], "/api/v1/evaluations/files/x/download/", client).status_code == 404


def test_the_check_answer_carries_the_published_grades(world, evaluation_models):
    s = world["subjects"]
    with transaction.atomic():
        check = check_perform(
            department=world["tax"], scenario="procurement", reference="T-1", codes=[s[2].uscc], actor=SYSTEM
        )
    [result] = check.results
    general = current_result(s[2].pk, "general")
    assert [(g["model"], g["grade"], g["score"]) for g in result["grades"]] == [
        ("general", general.grade, str(general.score))
    ]  # the food model's grade is for supervision only: not in the answer
    with transaction.atomic():
        model_display_set(model=evaluation_models["general"], publish_grades=False, actor=SYSTEM)
        check = check_perform(
            department=world["tax"], scenario="procurement", reference="T-2", codes=[s[2].uscc], actor=SYSTEM
        )
    assert check.results[0]["grades"] == []


def test_a_model_of_one_department_goes_to_that_department_only(evaluation_models):
    """A professional model naming a department is that department's: another department of the same sector does
    not receive it; a model of the sector naming none goes to every department of the sector."""
    from evaluation.models import EvaluationModel
    from evaluation.selectors import visible_models

    city = DepartmentFactory(code="cc-scjg", name="长春市市场监督管理局", sector="market_regulation")
    county = DepartmentFactory(code="dh-scjg", name="德惠市市场监督管理局", sector="market_regulation")
    own = EvaluationModel.objects.create(
        code="cc_food",
        name="长春市食品风险",
        kind="professional",
        purpose="risk",
        basis="测试",
        sector="market_regulation",
        department=city,
    )
    assert own in visible_models(city)
    assert own not in visible_models(county)
    assert evaluation_models["food_risk"] in visible_models(county)
    assert own in visible_models(None)
