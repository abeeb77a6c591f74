from django.db import models


class SubjectKind(models.TextChoices):
    LEGAL_ENTITY = "legal_entity", "法人和非法人组织"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    NATURAL_PERSON = "natural_person", "自然人"


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    REVOKED = "revoked", "吊销"
    CANCELLED = "cancelled", "注销"
    MOVED_OUT = "moved_out", "迁出"
    UNKNOWN = "unknown", "未知"


class NameSource(models.TextChoices):
    """Who gave the subject its current name: only the registration authority of its kind, or the credit
    centre's correction, make a name authoritative (seed 000 四(七): one datum, one source)."""

    AUTHORITY = "authority", "登记机关"
    PROVISIONAL = "provisional", "报送部门（待登记机关确认）"
    REPORTED = "reported", "首次报送（自然人无登记机关）"
    CORRECTED = "corrected", "信用中心更正"


class LegacyScheme(models.TextChoices):
    REGISTRATION_NUMBER = "registration_number", "工商注册号"
    ORGANIZATION_CODE = "organization_code", "组织机构代码"


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地级"
    COUNTY = "county", "县级"


class DepartmentLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "市级"
    COUNTY = "county", "县级"


class StaffRoleName(models.TextChoices):
    CLERK = "clerk", "部门填报员"
    REVIEWER = "reviewer", "部门审核员"
    DEPT_ADMIN = "dept_admin", "部门管理员"
    CREDIT_ADMIN = "credit_admin", "信用中心管理员"
    AUDITOR = "auditor", "审计员"


DEPARTMENT_ROLES = frozenset({StaffRoleName.CLERK, StaffRoleName.REVIEWER, StaffRoleName.DEPT_ADMIN})
GLOBAL_ROLES = frozenset({StaffRoleName.CREDIT_ADMIN, StaffRoleName.AUDITOR})


class ConflictKind(models.TextChoices):
    LEGACY_CODE_ELSEWHERE = "legacy_code_elsewhere", "旧代码指向其他主体"
    KIND_MISMATCH = "kind_mismatch", "主体类型不一致"
    UNIDENTIFIABLE = "unidentifiable", "无法识别主体"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "待处理"
    RESOLVED = "resolved", "已处理"


class TokenScope(models.TextChoices):
    RECORDS_WRITE = "records:write", "报送、撤销信用记录"
    RECORDS_READ = "records:read", "查询本部门信用记录"
    SUBJECTS_READ = "subjects:read", "查询信用主体"
    CHECKS = "checks", "联合奖惩核查与反馈"


# Scopes that publish: a token carrying one is issued or approved by the credit centre (issue 10).
TOKEN_SCOPES_NEEDING_APPROVAL = frozenset({TokenScope.RECORDS_WRITE})


class TokenState(models.TextChoices):
    """Where a token is in its life; only an ``active`` token that has not expired authenticates."""

    PENDING = "pending", "待信用中心审批"
    ACTIVE = "active", "有效"
    REFUSED = "refused", "已拒绝"
    REVOKED = "revoked", "已吊销"


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
    EMERGENCY = "emergency", "应急管理"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    STATE_ASSETS = "state_assets", "国有资产监管"
    FINANCIAL_REGULATION = "financial_regulation", "金融监管"
    OTHER = "other", "其他"
