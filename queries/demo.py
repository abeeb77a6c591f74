"""A demo query grant for ``seed_demo``: the finance department (government procurement) may read the restricted
records of the 信用承诺 category, as the credit centre would configure it in the admin (audited). Seeded once."""

from __future__ import annotations

from django.db import transaction

from audit.admin_mixins import snapshot
from audit.services import Actor, audit_event_record
from organisations.models import Department
from records.choices import CatalogCategory

from .models import QueryGrant

DEMO_GRANT_BASIS = "吉信用办〔2026〕示1号 政府采购信用信息共享协议"


def demo_query_grant_seed() -> int:
    """The grant, once; returns 1 when created, 0 when it exists or the department does not."""
    department = Department.objects.filter(code="jl-czt").first()
    if department is None or QueryGrant.objects.filter(department=department, basis=DEMO_GRANT_BASIS).exists():
        return 0
    with transaction.atomic():
        grant = QueryGrant(department=department, category=CatalogCategory.COMMITMENT, basis=DEMO_GRANT_BASIS)
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
    return 1
