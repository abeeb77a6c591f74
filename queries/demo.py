"""Demo query grants for ``seed_demo``, as the credit centre would configure them in the admin (audited), each
seeded once: the finance department (government procurement) may read the restricted records of the 信用承诺
category and 欠税信息 (a supplier must have no tax arrears); market regulation (the demo department admin's
department) may read 欠税信息 for its supervision."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audit.admin_mixins import snapshot
from audit.services import Actor, audit_event_record
from organisations.models import Department
from records.choices import CatalogCategory
from records.models import RecordType
from subjects.models import CreditSubject

from .models import QueryGrant, SpecialQuery
from .services import special_query_submit

DEMO_GRANT_BASIS = "吉信用办〔2026〕示1号 政府采购信用信息共享协议"
DEMO_ARREARS_BASIS = "吉信用办〔2026〕示2号 涉税信用信息共享协议"
# (department, record type code or "", category, basis)
DEMO_GRANTS = [
    ("jl-czt", "", CatalogCategory.COMMITMENT, DEMO_GRANT_BASIS),
    ("jl-czt", "qsxx", "", DEMO_GRANT_BASIS),
    ("jl-scjg", "qsxx", "", DEMO_ARREARS_BASIS),
]


def demo_query_grant_seed() -> int:
    """The grants that do not exist yet (for an existing department and record type); returns how many were
    created."""
    created = 0
    for code, type_code, category, basis in DEMO_GRANTS:
        department = Department.objects.filter(code=code).first()
        record_type = RecordType.objects.filter(code=type_code).first() if type_code else None
        if department is None or (type_code and record_type is None):
            continue
        # One grant per department and type or category (a constraint): one the credit centre edited stays.
        if QueryGrant.objects.filter(department=department, record_type=record_type, category=category).exists():
            continue
        with transaction.atomic():
            grant = QueryGrant(department=department, record_type=record_type, category=category, basis=basis)
            grant.full_clean()
            grant.save()
            # As the admin records it (audit.admin_mixins.AuditedAdminMixin).
            audit_event_record(
                actor=Actor.system("演示数据"),
                action="querygrant.create",
                obj=grant,
                reason="演示数据",
                after=snapshot(grant),
            )
        created += 1
    return created


DEMO_SPECIAL_NOTE = "恒泰建筑涉嫌拖欠税款的专项执法检查"
DEMO_LETTER = b"%PDF-1.4\n% demo letter\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_special_query_seed() -> int:
    """A special-query application of market regulation's reviewer about 恒泰's 欠税信息, submitted and waiting for
    the credit centre; once (1 when created, 0 when it exists or the reviewer, the company or the type is missing)."""
    department = Department.objects.filter(code="jl-scjg").first()
    reviewer = get_user_model().objects.filter(username="reviewer").first()
    subject = CreditSubject.objects.filter(name="吉林省恒泰建筑工程有限公司", uscc__isnull=False).first()
    arrears = RecordType.objects.filter(code="qsxx").first()
    if None in (department, reviewer, subject, arrears):
        return 0
    if SpecialQuery.objects.filter(department=department, purpose_note=DEMO_SPECIAL_NOTE).exists():
        return 0
    with transaction.atomic():
        special_query_submit(
            department=department,
            applicant=reviewer,
            purpose="inspection",
            purpose_note=DEMO_SPECIAL_NOTE,
            legal_basis="《中华人民共和国税收征收管理法》第五十四条、《市场监督管理行政处罚程序规定》第二十条",
            codes=[subject.uscc],
            record_types=[arrears],
            uploads=[SimpleUploadedFile("协助查询公函.pdf", DEMO_LETTER, content_type="application/pdf")],
            actor=Actor.system("演示数据"),
        )
    return 1
