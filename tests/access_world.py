"""The objects the access matrix needs, built once through services: two departments (A and B), a staff
account per role, a department token per kind, and one object of department A behind every route that
takes an id (a record, a pending entry, an unmatched record, a commitment, a batch, a check, a case with
evidence, a token)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from organisations.choices import TokenScope
from organisations.services import api_token_create, api_token_refuse, api_token_revoke, staff_create
from subjects import identifiers as ids
from tests.factories import DepartmentFactory, UserFactory
from tests.records.helpers import company_uscc, xzcf_item

PASSWORD = "Matrix-pass-2026"
SYSTEM = Actor.system("访问矩阵")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SESSION_ROLES = {
    # caller: (role, department "a"/"b"/None)
    "clerk": ("clerk", "a"),
    "reviewer": ("reviewer", "a"),
    "dept_admin": ("dept_admin", "a"),
    "clerk_b": ("clerk", "b"),
    "reviewer_b": ("reviewer", "b"),
    "dept_admin_b": ("dept_admin", "b"),
    "credit_admin": ("credit_admin", None),
    "auditor": ("auditor", None),
}

CITIZEN_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1979, 2, 3), sequence=452)
ALL_SCOPES = [scope.value for scope in TokenScope]


@dataclass
class World:
    department_a: object = None
    department_b: object = None
    users: dict = field(default_factory=dict)  # caller -> User
    tokens: dict = field(default_factory=dict)  # caller -> raw bearer token
    ids: dict = field(default_factory=dict)  # object name -> pk or code
    sessions: dict = field(default_factory=dict)  # caller -> session key


def token_issue(department, *, scopes: list[str], name: str, by_credit_centre: bool = True) -> tuple[object, str]:
    """A token with explicit scopes and an expiry about 300 days ahead, issued by the credit centre (active at
    once) or asked for by the department (pending if it may publish)."""
    with transaction.atomic():
        return api_token_create(
            department=department,
            name=name,
            actor=SYSTEM,
            scopes=scopes,
            expires_on=timezone.localdate() + datetime.timedelta(days=300),
            by_credit_centre=by_credit_centre,
        )


def _commitment_item(n: int) -> dict:
    return {
        "record_type": "xycn",
        "data": {
            "CN_XDR_MC": f"长春测试{n}商贸有限公司",
            "CN_XDR_LB": "法人及非法人组织",
            "CN_XDR_SHXYM": company_uscc(n),
            "CN_CNBH": f"CN-2026-{n}",
            "CN_CNLX": "审批替代型",
            "CN_CNSX": "食品经营许可",
            "CN_CNNR": "本单位承诺所提交材料真实有效。",
            "CN_CNRQ": "2026-06-01",
            "CN_YXQZ": "2027-05-31",
            "CN_SLJG": "吉林省市场监督管理厅",
        },
    }


def _ingest(department, items, *, user=None, review=False, token=None) -> list[int]:
    from records.choices import Channel
    from records.services import RecordInput, records_ingest

    with transaction.atomic():
        results = records_ingest(
            department=department,
            items=[RecordInput(record_type=i["record_type"], data=i["data"]) for i in items],
            channel=Channel.FORM if review else Channel.API,
            actor=SYSTEM,
            user=user,
            review=review,
            token=token,
        )
    assert all(r.status in ("created", "updated") for r in results), [r.errors for r in results]
    return [r.record_id for r in results]


def _queries_build(world: World) -> None:
    """Department B may query A's restricted type (欠税信息) through a grant; A has none. A's reviewer applied for a
    special query that waits for the credit centre, and for one whose result is issued."""
    from queries.models import QueryGrant
    from queries.services import special_query_approve, special_query_issue, special_query_submit
    from tests.queries.helpers import arrears_type, restricted_item

    qsxx = arrears_type()
    [world.ids["restricted_record"]] = _ingest(world.department_a, [restricted_item(701)])
    QueryGrant.objects.create(department=world.department_b, record_type=qsxx, basis="访问矩阵")
    specials = []
    for n in range(2):
        with transaction.atomic():
            specials.append(
                special_query_submit(
                    department=world.department_a,
                    applicant=world.users["reviewer"],
                    purpose="inspection",
                    purpose_note=f"矩阵{n}",
                    legal_basis="《中华人民共和国税收征收管理法》第五十四条",
                    codes=[world.ids["uscc"]],
                    record_types=[qsxx],
                    uploads=[SimpleUploadedFile("公函.pdf", PDF, content_type="application/pdf")],
                    actor=SYSTEM,
                )
            )
    world.ids["special_submitted"] = specials[0].pk
    with transaction.atomic():
        issued = special_query_issue(
            query=special_query_approve(query=specials[1], valid_days=30, note="同意", actor=SYSTEM), actor=SYSTEM
        )
    world.ids["special"] = issued.pk
    world.ids["special_file"] = issued.files.get().pk


def _evaluation_file(department) -> int:
    import importlib

    from django.apps import apps

    from evaluation.files import evaluation_file_generate
    from evaluation.models import EvaluationModel

    importlib.import_module("evaluation.migrations.0002_seed_models").seed(apps, None)  # a flushed database
    importlib.import_module("supervision.migrations.0002_general_model_inspections").add_version(apps, None)
    general = EvaluationModel.objects.get(code="general")
    return evaluation_file_generate(department=department, model=general, as_of=timezone.localdate()).pk


def _supervision_build(world: World) -> None:
    """Department A's inspector pool and three plans (issue 15): a draft (to draw), a drawn one (its page, a subject
    to enter a result for, its verification) and a finished one (its public page)."""
    from evaluation.models import EvaluationModel
    from supervision.services import inspection_result_enter, inspector_add, plan_create, plan_draw

    a = world.department_a
    general = EvaluationModel.objects.get(code="general")
    world.ids["general_model"] = general.pk
    with transaction.atomic():
        inspectors = [
            inspector_add(department=a, name=name, staff_number=f"MX-{n}", actor=SYSTEM)
            for n, name in enumerate(["张三", "李四"], start=1)
        ]
    world.ids["inspector"] = inspectors[0].pk
    plans = []
    for title in ("草稿任务", "已抽取任务", "已完成任务"):
        with transaction.atomic():
            plans.append(
                plan_create(
                    department=a,
                    title=title,
                    basis="《市场监管总局关于全面推进“双随机、一公开”监管工作的通知》",
                    scope="登记事项",
                    model=general,
                    rule_texts={grade: "1" for grade in ("A", "B", "C", "D", "")},
                    inspectors_per_subject=1,
                    actor=SYSTEM,
                )
            )
    draft, drawn, done = plans
    world.ids["plan_draft"] = draft.pk
    for plan in (drawn, done):
        with transaction.atomic():
            plan_draw(plan=plan, actor=SYSTEM)
    world.ids["plan_drawn"] = drawn.pk
    world.ids["target"] = drawn.targets.order_by("position").first().pk
    for target in done.targets.order_by("position"):
        with transaction.atomic():
            inspection_result_enter(target=target, result="未发现问题", inspected_on=timezone.localdate(), actor=SYSTEM)
    world.ids["plan_done"] = done.pk


def _models_build(world: World) -> None:
    """The food model (issue 15: professional, 市场监管 — department A's sector) with a draft to edit, preview and
    publish."""
    import json

    from evaluation.models import EvaluationModel
    from evaluation.versions import model_version_draft

    food = EvaluationModel.objects.get(code="food_risk")
    with transaction.atomic():
        draft = model_version_draft(model=food, actor=SYSTEM)
    world.ids["food_model"] = food.pk
    world.ids["food_definition"] = json.dumps(draft.definition, ensure_ascii=False)


def world_build() -> World:
    """Everything the matrix requests touch. Department A is 市场监管 (the registration authority of
    companies); department B is another department with the same roles."""
    from audit.models import AuditEvent
    from disclosure.addresses import person_token
    from disclosure.models import Article
    from records.batches import batch_create
    from records.choices import Channel
    from records.models import CreditRecord
    from rights.models import Evidence
    from rights.services import application_accept, application_submit
    from sanctions.services import check_perform
    from tests.accounts.helpers import acting_account
    from tests.records.test_batches import csv_bytes

    world = World()
    world.department_a = DepartmentFactory(code="mx-scjg", name="吉林省市场监督管理厅", sector="market_regulation")
    world.department_b = DepartmentFactory(code="mx-sw", name="国家税务总局吉林省税务局", sector="tax")
    departments = {"a": world.department_a, "b": world.department_b}
    with transaction.atomic():
        for caller, (role, dept) in SESSION_ROLES.items():
            world.users[caller] = staff_create(
                username=f"mx-{caller}",
                password=PASSWORD,
                role=role,
                department_code=departments[dept].code if dept else "",
                actor=SYSTEM,
            )
    world.users["plain"] = UserFactory(username="mx-plain")
    world.users["plain"].save()

    a = world.department_a
    for caller, scopes in {
        "t_write": [TokenScope.RECORDS_WRITE],
        "t_read": [TokenScope.RECORDS_READ],
        "t_subjects": [TokenScope.SUBJECTS_READ],
        "t_checks": [TokenScope.CHECKS],
    }.items():
        world.tokens[caller] = token_issue(a, scopes=[str(s) for s in scopes], name=caller)[1]
    world.tokens["token"] = world.tokens["t_all"] = token_issue(a, scopes=ALL_SCOPES, name="全部权限")[1]
    expired, world.tokens["t_expired"] = token_issue(a, scopes=ALL_SCOPES, name="已过期")
    type(expired).objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    revoked, world.tokens["t_revoked"] = token_issue(a, scopes=ALL_SCOPES, name="已吊销")
    with transaction.atomic():
        api_token_revoke(token=revoked, actor=SYSTEM, reason="矩阵测试")
    world.ids["token_a"] = revoked.pk  # any token of A does for the revoke page; revoking twice is harmless
    world.tokens["t_b"] = token_issue(world.department_b, scopes=ALL_SCOPES, name="乙部门")[1]
    # A records:write token the department asked for: pending until the credit centre decides; one refused.
    pending, world.tokens["t_pending"] = token_issue(
        a, scopes=[TokenScope.RECORDS_WRITE], name="待审批", by_credit_centre=False
    )
    assert pending.state == "pending", pending.state
    world.ids["token_pending"] = pending.pk
    refused, world.tokens["t_refused"] = token_issue(
        a, scopes=[TokenScope.RECORDS_WRITE], name="已拒绝", by_credit_centre=False
    )
    with transaction.atomic():
        api_token_refuse(token=refused, actor=SYSTEM, reason="矩阵测试")

    # Records of department A: an active penalty (public), a clerk's pending entry, an unmatched record,
    # a commitment.
    [world.ids["record"]] = _ingest(a, [xzcf_item(701)])
    [world.ids["pending"]] = _ingest(a, [xzcf_item(702)], user=world.users["clerk"], review=True)
    [world.ids["unmatched"]] = _ingest(
        a,
        [
            xzcf_item(
                703,
                CF_XDR_MC="约翰",
                CF_XDR_LB="自然人",
                CF_XDR_SHXYM=None,
                CF_XDR_ZJLX="护照号",
                CF_XDR_ZJHM="E12345678",
            )
        ],
    )
    [world.ids["commitment"]] = _ingest(a, [_commitment_item(704)])
    record = CreditRecord.objects.select_related("subject").get(pk=world.ids["record"])
    world.ids["uscc"] = record.subject.uscc
    world.ids["unmatched_status"] = CreditRecord.objects.get(pk=world.ids["unmatched"]).status

    with transaction.atomic():
        batch = batch_create(
            department=a,
            upload=SimpleUploadedFile("矩阵.csv", csv_bytes([xzcf_item(705)], encoding="utf-8")),
            record_type_code="xzcf",
            channel=Channel.UPLOAD,
            actor=SYSTEM,
            user=world.users["clerk"],
        )
    world.ids["batch"] = batch.pk
    from records.models import BulkReview

    # A finished bulk review of A's reviewer (its progress page and figures; nothing left for it to decide).
    world.ids["bulk_review"] = BulkReview.objects.create(
        department=a,
        reviewer=world.users["reviewer"],
        decision="approve",
        description="矩阵测试",
        max_id=0,
        state="done",
    ).pk

    with transaction.atomic():
        check = check_perform(
            department=a, scenario="procurement", reference="MX-1", codes=[world.ids["uscc"]], actor=SYSTEM
        )
    world.ids["check"] = check.pk

    with transaction.atomic():
        application, _ = application_submit(
            kind="objection",
            record=record,
            explanation="罚款金额有误",
            applicant_name="王经理",
            applicant_phone="13800000000",
            submission_key="mx-1",
            ground="wrong",
            uploads=[SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
            actor=SYSTEM,
            account=acting_account(record.subject, email="mx-a@example.com"),  # the ``acc_a`` caller's account
        )
        application = application_accept(application=application, actor=SYSTEM)
    world.ids["case"] = application.pk
    world.ids["evidence"] = Evidence.objects.get(application=application).pk

    world.ids["article"] = Article.objects.create(category="news", title="信用动态", body="正文").pk
    [person_record] = _ingest(
        a,
        [
            xzcf_item(
                706,
                CF_XDR_MC="欧阳娜娜",
                CF_XDR_LB="自然人",
                CF_XDR_SHXYM=None,
                CF_XDR_ZJLX="身份证",
                CF_XDR_ZJHM=CITIZEN_ID,
            )
        ],
    )
    world.ids["person"] = person_token(CreditRecord.objects.get(pk=person_record).subject)
    # One generated open-data file (the month of the records above), downloadable by anyone.
    from disclosure.models import OpenDataScope
    from disclosure.opendata import opendata_generate

    month = CreditRecord.objects.get(pk=person_record).decided_on.replace(day=1)
    world.ids["opendata_file"] = opendata_generate(
        kind="xzcf", period_start=month, period_end=month, scope=OpenDataScope.FULL
    ).pk
    _queries_build(world)
    # A dated evaluation file of department A (issue 15), under the seeded general model.
    world.ids["evaluation_file"] = _evaluation_file(a)
    _supervision_build(world)
    _models_build(world)
    # A report of the same content is reused, so issuing it once here keeps every cell off the PDF renderer.
    from django.test import Client

    from tests.conftest import StaffClient

    assert Client().get(f"/subjects/{world.ids['uscc']}/report/").status_code == 200
    _subject_accounts(world, record.subject)
    # One session per staff caller (past the second factor where the role needs one), reused by every cell
    # (each cell's writes are rolled back).
    for caller, user in world.users.items():
        client = StaffClient()
        client.force_login(user)
        world.sessions[caller] = client.cookies[settings.SESSION_COOKIE_NAME].value
    world.ids["audit_event"] = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return world


ACCOUNT_CALLERS = ("acc_unv", "acc_a", "third", "acc_susp")


def _subject_accounts(world: World, subject) -> None:
    """Subject accounts around subject A (the subject of department A's record): one whose grant waits for the
    credit centre, one acting for A, a third party A authorised to read its penalties, one acting for A that the
    centre suspended after it signed in; A's complaint and A's own report (issued once, then reused)."""
    from django.test import Client

    from accounts.services import account_suspend
    from disclosure.reports import SELF_REPORT, report_issue
    from rights.authorisations import authorisation_grant
    from rights.complaints import complaint_file
    from rights.selfquery import own_report_body
    from sanctions.selectors import status_of
    from tests.accounts.helpers import account_make, acting_account, grant_make

    email = {caller: f"mx-{caller.replace('acc_', '')}@example.com" for caller in ACCOUNT_CALLERS}
    accounts = {
        "acc_unv": account_make(email["acc_unv"]),
        "acc_a": acting_account(subject, email=email["acc_a"]),
        "third": account_make(email["third"]),
        "acc_susp": acting_account(subject, email=email["acc_susp"]),
    }
    pending = grant_make(accounts["acc_unv"], subject, verified=False)
    world.ids |= {"subject_a": subject.pk, "account_unv": accounts["acc_unv"].pk, "grant_unv": pending.pk}
    world.ids["proof"] = pending.proofs.first().pk
    world.ids["authorisation"] = authorisation_grant(
        account=accounts["acc_a"],
        subject=subject,
        grantee_email=accounts["third"].email,
        categories=["xzcf"],
        purpose="贷款审批",
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
        actor=SYSTEM,
    ).pk
    with transaction.atomic():
        world.ids["complaint"] = complaint_file(
            account=accounts["acc_a"], category="slow", description="办理超时", actor=SYSTEM
        ).pk
    report_issue(
        subject=subject,
        status=status_of([subject.pk])[subject.pk],
        actor=SYSTEM,
        base_url="http://testserver/",
        variant=SELF_REPORT,
        body=own_report_body(subject),
    )
    for caller, account in accounts.items():
        client = Client()
        client.force_login(account.user, backend="accounts.backends.SubjectAccountBackend")
        world.sessions[caller] = client.cookies[settings.SESSION_COOKIE_NAME].value
    account_suspend(account=accounts["acc_susp"], actor=SYSTEM, reason="矩阵测试")
