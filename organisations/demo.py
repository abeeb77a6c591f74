"""Demo departments of Jilin province and, where ``DEMO_ACCOUNTS_ENABLED``, the demo staff accounts; with the
subjects of ``subjects.demo``, everything ``seed_demo`` makes before the records.

Everything is derived from the seed, so running ``seed_demo`` twice with the same arguments inserts nothing the
second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from audit.services import Actor
from subjects import identifiers as ids
from subjects.demo import showcase_seed, subjects_demo_seed

from .choices import Sector, StaffRoleName
from .models import Department
from .services import department_create, staff_create


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    level: str
    division: str
    parent: str = ""

    @property
    def sector(self) -> str:
        suffix = self.code.rsplit("-", 1)[-1]
        return SECTOR_BY_SUFFIX.get(suffix, Sector.OTHER)

    @property
    def registers(self) -> str:
        return REGISTERS_BY_SUFFIX.get(self.code.rsplit("-", 1)[-1], "")


SECTOR_BY_SUFFIX = {
    "fgw": Sector.DEVELOPMENT,
    "scjg": Sector.MARKET_REGULATION,
    "sw": Sector.TAX,
    "sthj": Sector.ENVIRONMENT,
    "zjt": Sector.HOUSING,
    "rst": Sector.HUMAN_RESOURCES,
    "czt": Sector.FINANCE,
    "gyfy": Sector.COURT,
    "zjfy": Sector.COURT,
    "yjgl": Sector.EMERGENCY,
}


# Registration authorities (GB 32100-2015, the USCC's first character): only they rename their subjects.
REGISTERS_BY_SUFFIX = {
    "scjg": "9",  # 市场监管: companies, individual businesses, farmers' co-operatives
    "mzt": "5",  # 民政: social organisations
    "bb": "1",  # 机构编制: public institutions
    "sft": "3",  # 司法行政: law firms, notaries, judicial expertise
}


DEPARTMENTS = [
    DemoDepartment("jl-fgw", "吉林省发展和改革委员会", "province", "220000"),
    DemoDepartment("jl-scjg", "吉林省市场监督管理厅", "province", "220000"),
    DemoDepartment("jl-sw", "国家税务总局吉林省税务局", "province", "220000"),
    DemoDepartment("jl-sthj", "吉林省生态环境厅", "province", "220000"),
    DemoDepartment("jl-zjt", "吉林省住房和城乡建设厅", "province", "220000"),
    DemoDepartment("jl-rst", "吉林省人力资源和社会保障厅", "province", "220000"),
    DemoDepartment("jl-czt", "吉林省财政厅", "province", "220000"),
    DemoDepartment("jl-gyfy", "吉林省高级人民法院", "province", "220000"),
    DemoDepartment("jl-yjgl", "吉林省应急管理厅", "province", "220000"),
    DemoDepartment("jl-mzt", "吉林省民政厅", "province", "220000"),
    DemoDepartment("jl-bb", "中共吉林省委机构编制委员会办公室", "province", "220000"),
    DemoDepartment("jl-sft", "吉林省司法厅", "province", "220000"),
    DemoDepartment("cc-scjg", "长春市市场监督管理局", "prefecture", "220100", "jl-scjg"),
    DemoDepartment("cc-sw", "国家税务总局长春市税务局", "prefecture", "220100", "jl-sw"),
    DemoDepartment("cc-sthj", "长春市生态环境局", "prefecture", "220100", "jl-sthj"),
    DemoDepartment("cc-zjfy", "长春市中级人民法院", "prefecture", "220100", "jl-gyfy"),
    DemoDepartment("jlc-scjg", "吉林市市场监督管理局", "prefecture", "220200", "jl-scjg"),
    DemoDepartment("yb-scjg", "延边朝鲜族自治州市场监督管理局", "prefecture", "222400", "jl-scjg"),
    DemoDepartment("cc-cy-scjg", "长春市朝阳区市场监督管理局", "county", "220104", "cc-scjg"),
    DemoDepartment("cc-nn-scjg", "长春市南关区市场监督管理局", "county", "220102", "cc-scjg"),
    DemoDepartment("yj-scjg", "延吉市市场监督管理局", "county", "222401", "yb-scjg"),
]

# (username, role, department code, password): created only where DEMO_ACCOUNTS_ENABLED is true.
DEMO_ACCOUNTS = [
    ("admin", StaffRoleName.CREDIT_ADMIN, "", "Demo-Admin-2026"),
    ("auditor", StaffRoleName.AUDITOR, "", "Demo-Auditor-2026"),
    ("clerk", StaffRoleName.CLERK, "jl-scjg", "Demo-Clerk-2026"),
    ("reviewer", StaffRoleName.REVIEWER, "jl-scjg", "Demo-Reviewer-2026"),
    ("deptadmin", StaffRoleName.DEPT_ADMIN, "jl-scjg", "Demo-DeptAdmin-2026"),
]


def _department_uscc(code: str) -> str:
    body = f"{sum(ord(ch) * 131**i for i, ch in enumerate(code)) % 10**8:08d}"
    return ids.make_uscc(division_code="220000", organization_body=body, registration_authority="1", subject_type="1")


def departments_seed(actor: Actor) -> int:
    """Create the demo departments that do not exist yet; returns how many were created."""
    existing = set(Department.objects.values_list("code", flat=True))
    created = 0
    for dept in DEPARTMENTS:
        if dept.code in existing:
            continue
        department_create(
            code=dept.code,
            name=dept.name,
            uscc=_department_uscc(dept.code),
            level=dept.level,
            division_code=dept.division,
            parent_code=dept.parent,
            sector=dept.sector,
            registers=dept.registers,
            actor=actor,
        )
        created += 1
    return created


def demo_accounts_seed(actor: Actor) -> list[tuple[str, str, str, str]]:
    """Create the demo staff accounts that do not exist yet. Refused where demo accounts are disabled."""
    if not settings.DEMO_ACCOUNTS_ENABLED:
        raise RuntimeError("演示账号仅可在本地演示环境中创建（DEMO_ACCOUNTS_ENABLED）。")
    existing = set(get_user_model().objects.values_list("username", flat=True))
    created = []
    for username, role, department, password in DEMO_ACCOUNTS:
        if username in existing:
            continue
        staff_create(username=username, password=password, role=role, department_code=department, actor=actor)
        created.append((username, role, department, password))
    return created


def demo_seed(
    *, total: int, seed: int, with_accounts: bool, progress: Callable[[int], None] | None = None
) -> dict[str, object]:
    """Seed everything; returns what was created. Running it again with the same arguments creates nothing."""
    actor = Actor.system("演示数据")
    with transaction.atomic():
        departments = departments_seed(actor)
        accounts = demo_accounts_seed(actor) if with_accounts else []
        showcase = showcase_seed(actor)
    inserted = subjects_demo_seed(total=total, seed=seed, actor=actor, progress=progress)
    return {"departments": departments, "accounts": accounts, "subjects": inserted + showcase}
