"""Who acts on the platform: departments (数据提供单位), their staff's roles and their systems' API tokens.

The tables were created by the subjects app and keep their names (``db_table``): the models moved here with
their rows (organisations/migrations/0001).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from subjects.models import CreditSubject, Division, is_registration_authority, validate_registers
from subjects.validators import validate_uscc

from .choices import DEPARTMENT_ROLES, DepartmentLevel, Sector, StaffRoleName, TokenScope, TokenState


class Department(models.Model):
    """A government body that provides data (数据提供单位); departments form a province → city → county tree."""

    code = models.SlugField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    level = models.CharField("层级", max_length=16, choices=DepartmentLevel.choices)
    registers = models.CharField(
        "登记管理职能",
        max_length=16,
        blank=True,
        default="",
        validators=[validate_registers],
        help_text="本部门作为登记管理部门负责登记的主体，以统一社会信用代码第1位表示："
        "9 市场监管（企业、个体工商户、农民专业合作社）、5 民政（社会组织）、1 机构编制（机关、事业单位）、"
        "3 司法行政（律师事务所等）、N 农业（集体经济组织）等；只有登记管理部门报送的名称可以变更主体名称。",
    )
    sector = models.CharField(
        "行业领域",
        max_length=32,
        choices=Sector.choices,
        default=Sector.OTHER,
        help_text="用于确定由哪些部门实施联合奖惩措施",
    )
    division = models.ForeignKey(Division, verbose_name="行政区划", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        db_table = "subjects_department"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def registers_subject(self, subject: CreditSubject) -> bool:
        """Whether this department is the registration authority of ``subject`` (never of a natural person)."""
        return is_registration_authority(self.registers, kind=subject.kind, uscc=subject.uscc or "")


class StaffRole(models.Model):
    """A role a user holds: department roles are bound to one department, global roles to none."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_roles")
    role = models.CharField("角色", max_length=16, choices=StaffRoleName.choices)
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "人员角色"
        verbose_name_plural = "人员角色"
        db_table = "subjects_staffrole"
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(DEPARTMENT_ROLES), department__isnull=False)
                    | (~Q(role__in=sorted(DEPARTMENT_ROLES)) & Q(department__isnull=True))
                ),
                name="staff_role_department_matches_role",
                violation_error_message="部门角色必须指定部门；信用中心管理员和审计员不属于部门。",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                name="staff_role_unique_in_department",
                violation_error_message="该用户已拥有此角色。",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(department__isnull=True),
                name="staff_role_unique_global",
                violation_error_message="该用户已拥有此角色。",
            ),
        ]

    def __str__(self) -> str:
        where = f"（{self.department}）" if self.department_id else ""
        return f"{self.user} {self.get_role_display()}{where}"


class ApiToken(models.Model):
    """A department system's credential for the REST API (``Authorization: Bearer <token>``).

    Only the SHA-256 of the token is stored: tokens are 256-bit random strings, so a plain digest cannot be
    reversed, and a leaked table gives no usable credential. ``prefix`` identifies a token on screen.

    Scopes are chosen when the token is issued. A token that may publish (``records:write``) is either issued
    by the credit centre or waits, ``pending``, until a credit-centre admin approves or refuses it: a
    department admin alone cannot publish without a reviewer (issue 10; seed 004 九(一) 数据管理员和审核员制度).
    Every token expires, at most ``API_TOKEN_MAX_DAYS`` after it is issued.
    """

    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField("前缀", max_length=12)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    scopes = models.JSONField("权限范围", default=list)
    state = models.CharField("状态", max_length=10, choices=TokenState.choices, default=TokenState.PENDING)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建人", max_length=150, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.CharField("审批人", max_length=150, blank=True)
    decision_reason = models.CharField("审批意见", max_length=500, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        db_table = "subjects_apitoken"
        ordering = ["department", "-created_at"]

    def __str__(self) -> str:
        return f"{self.department.code}/{self.name}（{self.prefix}…）"

    @property
    def scope_labels(self) -> list[str]:
        """The scopes as people read them (the workbench never shows the raw codes)."""
        labels = dict(TokenScope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
