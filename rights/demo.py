"""Demo cases for ``seed_demo`` (only with the demo subject account, so where ``DEMO_ACCOUNTS_ENABLED``): the
showcase company's objection and repair application in progress (accepted, with the department), a commitment
it signed waiting for the department's confirmation, a complaint about the handling, and its authorisation of a
bank to read its record. Each through its service, as the account would; each only once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_SUBJECT_ACCOUNT, DEMO_THIRD_PARTY_ACCOUNT
from accounts.models import SubjectAccount
from audit.services import Actor
from organisations.models import Department
from records.demo import OBJECTED_PENALTY, REPAIRED_PENALTY
from records.models import CreditRecord
from subjects.models import CreditSubject

from .authorisations import authorisation_grant
from .choices import ApplicationKind, ApplicationState, ComplaintCategory, ObjectionGround
from .complaints import complaint_file
from .models import Application, Authorisation, Complaint
from .services import application_accept, application_submit, commitment_sign


def _penalty(subject: CreditSubject, pattern: str) -> CreditRecord | None:
    prefix, suffix = pattern.split("{year}")
    return (
        CreditRecord.objects.filter(subject=subject, record_type__code="xzcf", status="active")
        .filter(source_id__startswith=prefix, source_id__endswith=suffix)
        .first()
    )


def _submit_and_accept(*, kind: str, record: CreditRecord | None, account, actor: Actor, **fields) -> int:
    """Submit once (the submission key makes it idempotent) and let the credit centre accept it."""
    if record is None:
        return 0
    application, code = application_submit(
        kind=kind,
        record=record,
        applicant_name="王宏达",
        applicant_phone="13800000000",
        applicant_email=DEMO_SUBJECT_ACCOUNT[0],
        submission_key=f"demo:{kind}:{record.source_id}",
        actor=actor,
        account=account,
        **fields,
    )
    if application.state == ApplicationState.SUBMITTED:
        application_accept(application=application, actor=Actor.system("演示数据：信用中心"))
    return int(code is not None)


def demo_cases_seed() -> int:
    """Seed the showcase company's cases; returns how many things were created (0 on a second run)."""
    account = SubjectAccount.objects.filter(email=DEMO_SUBJECT_ACCOUNT[0]).first()
    subject = CreditSubject.objects.filter(name=DEMO_SUBJECT_ACCOUNT[2], uscc__isnull=False).first()
    if account is None or subject is None:
        return 0
    actor = Actor.system("演示数据")
    created = 0
    with transaction.atomic():
        created += _submit_and_accept(
            kind=ApplicationKind.OBJECTION,
            record=_penalty(subject, OBJECTED_PENALTY),
            account=account,
            actor=actor,
            ground=ObjectionGround.WRONG,
            explanation="处罚决定书所列违法行为系我公司原经销商所为，宣传材料并非我公司制作，请求核实并撤销。",
        )
    with transaction.atomic():
        created += _submit_and_accept(
            kind=ApplicationKind.REPAIR,
            record=_penalty(subject, REPAIRED_PENALTY),
            account=account,
            actor=actor,
            explanation="已全额缴纳罚款并完成整改，建立价格公示制度，已签署信用修复承诺书，申请停止公示。",
            commitment_signed=True,
            obligations_fulfilled=True,
        )
    market = Department.objects.filter(code="jl-scjg").first()
    if market and not Application.objects.filter(account=account, kind=ApplicationKind.COMMITMENT).exists():
        commitment_sign(
            department=market,
            subject=subject,
            account=account,
            kind="容缺受理型",
            matter="食品生产许可证延续申请",
            valid_until=timezone.localdate() + datetime.timedelta(days=180),
            signer="王宏达",
            phone="13800000000",
            actor=actor,
        )
        created += 1
    objection = Application.objects.filter(account=account, kind=ApplicationKind.OBJECTION).first()
    if objection is not None and not Complaint.objects.filter(account=account).exists():
        complaint_file(
            account=account,
            category=ComplaintCategory.SLOW,
            description="异议申请受理后，部门核查进度无法在网上查到，希望及时告知办理进展。",
            application=objection,
            actor=actor,
        )
        created += 1
    third_party = SubjectAccount.objects.filter(email=DEMO_THIRD_PARTY_ACCOUNT[0]).exists()
    if third_party and not Authorisation.objects.filter(granted_by=account).exists():
        authorisation_grant(
            account=account,
            subject=subject,
            grantee_email=DEMO_THIRD_PARTY_ACCOUNT[0],
            categories=["xzxk", "xzcf", "red", "black"],
            purpose="流动资金贷款授信审查",
            valid_until=timezone.localdate() + datetime.timedelta(days=90),
            actor=actor,
        )
        created += 1
    return created
