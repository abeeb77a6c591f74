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


class ConflictKind(models.TextChoices):
    LEGACY_CODE_ELSEWHERE = "legacy_code_elsewhere", "旧代码指向其他主体"
    KIND_MISMATCH = "kind_mismatch", "主体类型不一致"
    UNIDENTIFIABLE = "unidentifiable", "无法识别主体"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "待处理"
    RESOLVED = "resolved", "已处理"


class AccessKind(models.TextChoices):
    """Who read a subject's restricted information (``SubjectAccess``)."""

    SELF = "self", "本主体查询"
    THIRD_PARTY = "third_party", "授权第三方查询"
    DEPARTMENT = "department", "部门按权限查询"
    SPECIAL = "special", "特殊查询"
    CENTRE = "centre", "信用中心管理查阅"
