"""The vocabulary of departments, staff roles and API tokens."""

from django.db import models

from core import vocabulary as v


class DepartmentLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "市级"
    COUNTY = "county", "县级"


class StaffRoleName(models.TextChoices):
    CLERK = "clerk", "部门填报员"
    REVIEWER = "reviewer", "部门审核员"
    DEPT_ADMIN = "dept_admin", "部门管理员"
    CREDIT_ADMIN = v.ROLE_CREDIT_ADMIN, "信用中心管理员"
    AUDITOR = v.ROLE_AUDITOR, "审计员"


DEPARTMENT_ROLES = frozenset({StaffRoleName.CLERK, StaffRoleName.REVIEWER, StaffRoleName.DEPT_ADMIN})
GLOBAL_ROLES = frozenset({StaffRoleName.CREDIT_ADMIN, StaffRoleName.AUDITOR})


class Sector(models.TextChoices):
    """A department's field, used to say which departments implement a measure."""

    DEVELOPMENT = "development", "发展改革"
    MARKET_REGULATION = "market_regulation", "市场监管"
    TAX = "tax", "税务"
    FINANCE = "finance", "财政"
    HOUSING = "housing", "住房城乡建设"
    HUMAN_RESOURCES = "human_resources", "人力资源社会保障"
    ENVIRONMENT = "environment", "生态环境"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    EMERGENCY = "emergency", "应急管理"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    STATE_ASSETS = "state_assets", "国有资产监管"
    FINANCIAL_REGULATION = "financial_regulation", "金融监管"
    OTHER = "other", "其他"


class TokenScope(models.TextChoices):
    RECORDS_WRITE = "records:write", "报送、撤销信用记录"
    RECORDS_READ = "records:read", "查询本部门信用记录"
    SUBJECTS_READ = "subjects:read", "查询信用主体"
    CHECKS = "checks", "联合奖惩核查与反馈"
    RECORDS_QUERY = "records:query", "按查询权限查询其他部门的政务共享、授权查询信息"


# Scopes that publish: a token carrying one is issued or approved by the credit centre (issue 10).
TOKEN_SCOPES_NEEDING_APPROVAL = frozenset({TokenScope.RECORDS_WRITE})


class TokenState(models.TextChoices):
    """Where a token is in its life; only an ``active`` token that has not expired authenticates."""

    PENDING = "pending", "待信用中心审批"
    ACTIVE = "active", "有效"
    REFUSED = "refused", "已拒绝"
    REVOKED = "revoked", "已吊销"
