"""The department side of "通用+专业" (seed 002 items 50–51): a department administrator edits the professional
models of its industry in the workbench — creates one, opens a draft, edits its definition (a bad one refused in
Chinese with the element at fault, nothing changed), previews it on its supervised population (nothing stored) and
publishes it (audited, everyone re-graded). Who may edit which model is one rule (``evaluation.access``), run here
as a table through its Python and SQL forms, the services and the pages: each row fails when its check is removed.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from evaluation import access
from evaluation.choices import ModelKind, RunState, VersionState
from evaluation.errors import EvaluationError
from evaluation.models import EvaluationModel, EvaluationResult, EvaluationRun, ModelVersion
from evaluation.runs import evaluation_run, evaluation_run_request
from evaluation.selectors import current_result
from evaluation.versions import (
    model_display_set,
    model_version_draft,
    model_version_edit,
    model_version_publish,
    professional_model_create,
)
from organisations.selectors import staff_context
from organisations.services import staff_create
from outbox.models import OutboxItem
from subjects.models import CreditSubject, Division
from tests.conftest import StaffClient
from tests.factories import DepartmentFactory
from tests.records.helpers import company_uscc, xzcf_item, xzxk_item

from .helpers import SYSTEM, ingest

pytestmark = pytest.mark.django_db
PASSWORD = "Workbench-pass-2026"


@pytest.fixture
def departments(evaluation_models):
    """The provincial market regulator (the food model's sector), a city market bureau, the tax bureau."""
    city = Division.objects.filter(parent_id="220000", level="prefecture").order_by("code").first()
    return {
        "market": DepartmentFactory(
            code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", registers="9"
        ),
        "city_market": DepartmentFactory(
            code="cc-scjg", name="长春市市场监督管理局", sector="market_regulation", level="prefecture", division=city
        ),
        "tax": DepartmentFactory(code="jl-sw", name="国家税务总局吉林省税务局", sector="tax"),
    }


def _user(username: str, role: str, department=None):
    with transaction.atomic():
        return staff_create(
            username=username,
            password=PASSWORD,
            role=role,
            department_code=department.code if department else "",
            actor=SYSTEM,
        )


@pytest.fixture
def users(departments):
    d = departments
    return {
        "market_admin": _user("wb-market-admin", "dept_admin", d["market"]),
        "market_clerk": _user("wb-market-clerk", "clerk", d["market"]),
        "market_reviewer": _user("wb-market-reviewer", "reviewer", d["market"]),
        "city_admin": _user("wb-city-admin", "dept_admin", d["city_market"]),
        "tax_admin": _user("wb-tax-admin", "dept_admin", d["tax"]),
        "centre": _user("wb-centre", "credit_admin"),
        "auditor": _user("wb-auditor", "auditor"),
    }


@pytest.fixture
def models(evaluation_models, departments):
    """The seeded models, a model of the city bureau (naming it), and a general model tagged with a sector (the
    sector does not make a general model a department's)."""
    city_model = EvaluationModel.objects.create(
        code="cc_food",
        name="长春市餐饮服务信用风险分类模型",
        kind=ModelKind.PROFESSIONAL,
        purpose="risk",
        sector="market_regulation",
        department=departments["city_market"],
        basis="测试",
    )
    tagged_general = EvaluationModel.objects.create(
        code="general_tagged",
        name="通用模型（标注行业）",
        kind=ModelKind.GENERAL,
        sector="market_regulation",
        basis="测试",
    )
    return {**evaluation_models, "cc_food": city_model, "general_tagged": tagged_general}


def actor(user) -> Actor:
    return Actor.for_user(user)


# --- Who may edit which model -----------------------------------------------------------------------------

CASES = [
    # (user, model, refusal or "" when allowed); each row is the one that fails when its check is removed
    pytest.param("market_admin", "food_risk", "", id="dept-admin-of-the-sector-allowed"),
    pytest.param("centre", "general", "", id="credit-centre-edits-the-general-model"),
    pytest.param("centre", "food_risk", "", id="credit-centre-edits-a-professional-model"),
    pytest.param("city_admin", "cc_food", "", id="dept-admin-of-the-named-department-allowed"),
    pytest.param("tax_admin", "food_risk", access.OTHER_SECTOR, id="dept-admin-of-another-sector"),
    pytest.param("market_admin", "cc_food", access.OTHER_DEPARTMENT, id="another-departments-model"),
    pytest.param("city_admin", "food_risk", access.NOT_PROVINCIAL, id="city-bureau-of-the-sector"),
    pytest.param("market_admin", "general", access.GENERAL_MODEL, id="general-model"),
    pytest.param("market_admin", "general_tagged", access.GENERAL_MODEL, id="general-model-with-a-sector"),
    pytest.param("market_clerk", "food_risk", access.NOT_AN_EDITOR, id="clerk"),
    pytest.param("market_reviewer", "food_risk", access.NOT_AN_EDITOR, id="reviewer"),
    pytest.param("auditor", "food_risk", access.NOT_AN_EDITOR, id="auditor"),
]


@pytest.mark.parametrize(("who", "code", "refusal"), CASES)
def test_one_rule_in_python_and_in_sql(users, models, who, code, refusal):
    editor = staff_context(users[who])
    model = models[code]
    assert access.model_edit_refusal(model, editor) == refusal
    assert access.editable_models(editor).filter(pk=model.pk).exists() == (not refusal)


@pytest.mark.parametrize(("who", "code", "refusal"), CASES)
def test_the_services_apply_the_rule_whoever_calls_them(users, models, who, code, refusal):
    """Past any page: opening a draft, editing and publishing it, and the display setting are refused (nothing
    written) unless the acting user may edit the model."""
    model = models[code]
    with transaction.atomic():
        draft = model_version_draft(model=model, actor=SYSTEM) if model.versions.exists() else None
    events = AuditEvent.objects.count()
    calls = [lambda: model_display_set(model=model, publish_grades=not model.publish_grades, actor=actor(users[who]))]
    if draft is not None:
        calls += [
            lambda: model_version_draft(model=model, actor=actor(users[who])),
            lambda: model_version_edit(
                version=draft, definition=draft.definition, note="修改", actor=actor(users[who])
            ),
            lambda: model_version_publish(version=draft, actor=actor(users[who]), background=False),
        ]
    for call in calls:
        if refusal:
            with pytest.raises(EvaluationError) as error, transaction.atomic():
                call()
            assert (error.value.message, error.value.code) == (refusal, "not_model_editor")
        else:
            with transaction.atomic():
                call()
    if refusal:
        assert AuditEvent.objects.count() == events
        assert EvaluationModel.objects.get(pk=model.pk).publish_grades == model.publish_grades
        if draft is not None:
            assert model.versions.get(pk=draft.pk).state == VersionState.DRAFT


def test_tokens_and_visitors_edit_nothing(models):
    for who in (Actor(type="token", id="1", label="令牌"), Actor.public()):
        with pytest.raises(EvaluationError, match="只有信用中心管理员"), transaction.atomic():
            model_version_draft(model=models["food_risk"], actor=who)


# --- The pages ------------------------------------------------------------------------------------------------


def client_of(user) -> StaffClient:
    client = StaffClient()
    client.force_login(user)
    return client


def test_the_list_shows_the_models_the_department_may_edit(users, models):
    page = client_of(users["market_admin"]).get("/workbench/models/").text
    assert "food_risk" in page
    assert "cc_food" not in page  # the city bureau's
    assert f'href="/workbench/models/{models["general"].pk}/"' not in page
    assert "food_risk" not in client_of(users["tax_admin"]).get("/workbench/models/").text
    centre = client_of(users["centre"]).get("/workbench/models/").text
    assert "food_risk" in centre
    assert f'href="/workbench/models/{models["general"].pk}/"' in centre


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("market_clerk", 403, id="clerk"),
        pytest.param("market_reviewer", 403, id="reviewer"),
        pytest.param("tax_admin", 404, id="dept-admin-of-another-sector"),
        pytest.param("city_admin", 404, id="city-bureau"),
    ],
)
def test_the_pages_refuse_who_may_not_edit_and_change_nothing(users, models, who, status):
    client = client_of(users[who])
    food = models["food_risk"]
    for url in ("", "draft/edit/", "draft/preview/", "progress/"):
        assert client.get(f"/workbench/models/{food.pk}/{url}").status_code == status, url
    for url in ("draft/", "draft/publish/"):
        assert client.post(f"/workbench/models/{food.pk}/{url}").status_code == status, url
    assert not food.versions.filter(state=VersionState.DRAFT).exists()
    general = models["general"]
    assert client.get(f"/workbench/models/{general.pk}/").status_code == status


NEW_MODEL = {
    "code": "drug_risk",
    "name": "药品经营信用风险分类模型",
    "purpose": "risk",
    "basis": "第51条：药品领域信用风险分类管理",
    "label_a": "低风险",
    "label_b": "一般风险",
    "label_c": "较高风险",
    "label_d": "高风险",
}


def test_a_department_admin_creates_a_professional_model_for_its_sector(users, departments):
    client = client_of(users["market_admin"])
    page = client.get("/workbench/models/new/").text
    for label in ("低风险", "一般风险", "较高风险", "高风险"):
        assert f'value="{label}"' in page
    response = client.post("/workbench/models/new/", NEW_MODEL)
    model = EvaluationModel.objects.get(code="drug_risk")
    assert response.status_code == 302
    assert response["Location"] == f"/workbench/models/{model.pk}/"
    assert (model.kind, model.sector, model.department, model.publish_grades) == (
        "professional",
        "market_regulation",
        departments["market"],
        False,
    )
    draft = model.versions.get()
    assert (draft.number, draft.state) == (1, VersionState.DRAFT)
    assert draft.definition["labels"] == {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}
    event = AuditEvent.objects.get(action="evaluation.model_create")
    assert event.actor_label == "wb-market-admin"
    # A code already used: refused in Chinese on its field, nothing created.
    response = client.post("/workbench/models/new/", {**NEW_MODEL, "code": "general", "name": "重复"})
    assert response.status_code == 200
    assert "模型编码“general”已被使用" in response.text
    assert EvaluationModel.objects.filter(name="重复").count() == 0
    # The clerk and the credit centre (no sector of its own: it creates models in the admin) cannot.
    assert client_of(users["market_clerk"]).get("/workbench/models/new/").status_code == 403
    assert client_of(users["centre"]).get("/workbench/models/new/").status_code == 403


def test_the_service_refuses_a_model_for_another_department(users, departments):
    with pytest.raises(EvaluationError, match="其他部门"), transaction.atomic():
        professional_model_create(
            department=departments["tax"], code="x", name="x", basis="x", actor=actor(users["market_admin"])
        )
    with pytest.raises(EvaluationError, match="只有信用中心管理员"), transaction.atomic():
        professional_model_create(
            department=departments["market"], code="x", name="x", basis="x", actor=actor(users["market_clerk"])
        )
    assert not EvaluationModel.objects.filter(code="x").exists()


def _open_draft(client, model) -> ModelVersion:
    response = client.post(f"/workbench/models/{model.pk}/draft/")
    assert response["Location"] == f"/workbench/models/{model.pk}/draft/edit/"
    return model.versions.get(state=VersionState.DRAFT)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda d: d["dimensions"][1]["indicators"][0].update(weight="很多"),
            "指标“食品安全行政处罚（近2年，按失信程度加权：轻微1、一般4、较重8、严重15）” 权重：“很多”不是数值",
            id="indicator-weight",
        ),
        pytest.param(
            lambda d: d["overrides"][0].update(grade="A"),
            "规则“列入失信惩戒名单的，为高风险”：等级上限（grade）须为 B、C 或 D",
            id="override-grade",
        ),
        pytest.param(
            lambda d: d["dimensions"][2].update(indicators=[]),
            "维度“履约与承诺”：至少需要一个指标",
            id="empty-dimension",
        ),
        pytest.param(
            lambda d: d["scope"]["records"].update(types=["no_such_type"]),
            "记录类型“no_such_type”不在信用信息目录中",
            id="unknown-record-type",
        ),
        pytest.param(lambda d: d.update(oops="{"), None, id="not-json"),
        pytest.param(
            lambda d: d["dimensions"][0].update(name="基础\u202e信息"), "不可见的方向控制字符", id="bidi-override"
        ),
    ],
)
def test_a_bad_definition_shows_a_chinese_error_and_changes_nothing(users, models, edit, message):
    client = client_of(users["market_admin"])
    food = models["food_risk"]
    draft = _open_draft(client, food)
    before = copy.deepcopy(draft.definition)
    definition = copy.deepcopy(draft.definition)
    edit(definition)
    text = json.dumps(definition, ensure_ascii=False, indent=2)
    if message is None:  # broken JSON: the line and column
        text, message = text.replace('"oops": "{"', '"oops": {'), "第"
    response = client.post(f"/workbench/models/{food.pk}/draft/edit/", {"definition": text, "note": "错误"})
    assert response.status_code == 200
    assert message in response.text
    if message == "第":
        assert "不是有效的 JSON" in response.text
    draft.refresh_from_db()
    assert (draft.definition, draft.note) == (before, "")
    assert not AuditEvent.objects.filter(action="evaluation.version_edit").exists()


def test_a_good_definition_is_saved_and_audited(users, models):
    client = client_of(users["market_admin"])
    food = models["food_risk"]
    draft = _open_draft(client, food)
    assert "food_penalties" in client.get(f"/workbench/models/{food.pk}/draft/edit/").text
    definition = copy.deepcopy(draft.definition)
    definition["base_score"] = "40"
    response = client.post(
        f"/workbench/models/{food.pk}/draft/edit/",
        {"definition": json.dumps(definition, ensure_ascii=False), "note": "基础分调整为40"},
    )
    assert response["Location"] == f"/workbench/models/{food.pk}/"
    draft.refresh_from_db()
    assert (draft.definition["base_score"], draft.note) == ("40", "基础分调整为40")
    assert AuditEvent.objects.get(action="evaluation.version_edit").actor_label == "wb-market-admin"
    assert "基础分 40" in client.get(f"/workbench/models/{food.pk}/").text


@pytest.fixture
def food_population(departments):
    """Five food businesses the market regulator licensed (in the food model's scope), graded; two of them with a
    recent food-safety penalty."""
    market = departments["market"]
    ingest(market, *(xzxk_item(n) for n in range(1, 6)))
    ingest(market, *(xzcf_item(n, CF_WFXW="销售过期食品") for n in (1, 2)))
    with transaction.atomic():
        full = evaluation_run_request(actor=SYSTEM, kind="manual", background=False)
    evaluation_run(full.pk)
    return [CreditSubject.objects.get(uscc=company_uscc(n)) for n in range(1, 6)]


def test_the_preview_grades_the_population_with_the_draft_and_stores_nothing(users, models, food_population):
    client = client_of(users["market_admin"])
    food = models["food_risk"]
    draft = _open_draft(client, food)
    definition = copy.deepcopy(draft.definition)
    definition["base_score"] = "0"  # much stricter: everyone falls
    with transaction.atomic():
        model_version_edit(version=draft, definition=definition, note="从严", actor=actor(users["market_admin"]))
    counts = (
        EvaluationResult.objects.count(),
        AuditEvent.objects.count(),
        EvaluationRun.objects.count(),
        OutboxItem.objects.count(),
    )
    response = client.get(f"/workbench/models/{food.pk}/draft/preview/")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.sample == 5
    current = {row.grade: row.current for row in preview.rows}
    stored = [current_result(s.pk, "food_risk").grade for s in food_population]
    assert current == {g: stored.count(g) for g in ("A", "B", "C", "D")} | {"": 0}
    drafted = {row.grade: row.draft for row in preview.rows}
    assert drafted["D"] == 5
    assert preview.changed == 5 - stored.count("D") == preview.worse
    assert "等级变化的主体" in response.text
    assert (
        EvaluationResult.objects.count(),
        AuditEvent.objects.count(),
        EvaluationRun.objects.count(),
        OutboxItem.objects.count(),
    ) == counts
    # The tax bureau's population holds none of them: its preview (of its own model) would be empty; it cannot
    # preview the food model at all.
    assert client_of(users["tax_admin"]).get(f"/workbench/models/{food.pk}/draft/preview/").status_code == 404


def test_publishing_is_audited_and_regrades_everyone(
    users, models, food_population, django_capture_on_commit_callbacks
):
    client = client_of(users["market_admin"])
    food = models["food_risk"]
    old = food.versions.get(state=VersionState.PUBLISHED)
    draft = _open_draft(client, food)
    definition = copy.deepcopy(draft.definition)
    definition["base_score"] = "0"
    with transaction.atomic():
        model_version_edit(version=draft, definition=definition, note="从严", actor=actor(users["market_admin"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workbench/models/{food.pk}/draft/publish/")
    assert response["Location"] == f"/workbench/models/{food.pk}/"
    draft.refresh_from_db()
    old.refresh_from_db()
    assert (draft.state, old.state, draft.published_by) == (
        VersionState.PUBLISHED,
        VersionState.SUPERSEDED,
        "wb-market-admin",
    )
    event = AuditEvent.objects.get(action="evaluation.version_publish")
    assert (event.actor_label, event.reason) == ("wb-market-admin", "从严")
    run = EvaluationRun.objects.get(version=draft)
    assert (run.state, run.processed) == (RunState.DONE, CreditSubject.objects.count())
    for s in food_population:
        result = current_result(s.pk, "food_risk")
        assert (result.version_id, result.grade) == (draft.pk, "D")
    page = client.get(f"/workbench/models/{food.pk}/")
    assert f"#{run.pk}" in page.text
    assert "已完成" in page.text
    progress = client.get(f"/workbench/models/{food.pk}/progress/").json()
    assert progress == {"state": "done", "state_label": "已完成", "total": run.total, "processed": run.processed}
