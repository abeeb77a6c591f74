"""Who the platform knows: credit subjects, their identifiers and names, departments and their staff.

A credit subject (信用主体) is keyed by its 18-character unified social credit code (统一社会信用代码,
GB 32100-2015; seed 003 item 6). Older records may carry only a 15-digit registration number or a
9-character organisation code: those are kept as ``SubjectIdentifier`` rows. Natural persons are keyed
by a keyed hash of their citizen ID number; the clear number is never stored (seed 002 item 77:
个人信息保护).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import identifiers as ids
from .choices import (
    DEPARTMENT_ROLES,
    ConflictKind,
    ConflictStatus,
    DepartmentLevel,
    DivisionLevel,
    LegacyScheme,
    NameSource,
    RegistrationStatus,
    Sector,
    StaffRoleName,
    SubjectKind,
    TokenScope,
    TokenState,
)
from .validators import validate_uscc


def validate_registers(value: str) -> None:
    """``Department.registers``: registration-authority codes of GB 32100-2015 (第1位), each once, sorted."""
    unknown = sorted(set(value) - set(ids.USCC_REGISTRATION_AUTHORITIES))
    if unknown:
        known = "、".join(f"{code} {label}" for code, label in ids.USCC_REGISTRATION_AUTHORITIES.items())
        raise ValidationError(
            f"登记管理部门代码“{''.join(unknown)}”无效，应为统一社会信用代码第1位的代码：{known}。",
            code="invalid_registers",
        )
    if value != "".join(sorted(set(value))):
        raise ValidationError("登记管理部门代码须各出现一次并按顺序排列（如“15”）。", code="registers_not_normalized")


class Division(models.Model):
    """An administrative division of GB/T 2260 (province, prefecture or county), keyed by its 6-digit code."""

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CreditSubject(models.Model):
    """A legal person, other organisation, individual business or natural person the platform holds records on."""

    kind = models.CharField("主体类型", max_length=32, choices=SubjectKind.choices)
    name = models.CharField("名称", max_length=200)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    division_code = models.CharField("所属区划代码", max_length=6, blank=True, db_index=True)
    registration_status = models.CharField(
        "登记状态", max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    legal_representative = models.CharField("法定代表人", max_length=64, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    address = models.CharField("住所", max_length=255, blank=True)
    # Where the name comes from and the decision date of the item that gave it: an authority's item renames
    # only when it is not older than the last name change (records arrive out of order; see subject_resolve).
    name_source = models.CharField("名称来源", max_length=16, choices=NameSource.choices, default=NameSource.AUTHORITY)
    name_changed_on = models.DateField("名称确定日期", null=True, blank=True)
    # Natural persons only: HMAC-SHA256 of the normalised ID number for matching, and the masked display form.
    citizen_id_hash = models.CharField("身份证号摘要", max_length=64, unique=True, null=True, blank=True)
    citizen_id_masked = models.CharField("身份证号（脱敏）", max_length=18, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"
        ordering = ["id"]
        indexes = [models.Index(fields=["name"], name="subject_name_exact_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=SubjectKind.NATURAL_PERSON, uscc__isnull=True, citizen_id_hash__isnull=False)
                    | (~Q(kind=SubjectKind.NATURAL_PERSON) & Q(citizen_id_hash__isnull=True))
                ),
                name="subject_identifier_matches_kind",
                violation_error_message="自然人须以身份证号识别且不能有统一社会信用代码；组织不能有身份证号。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc or self.citizen_id_masked or '无代码'}）"

    @property
    def is_natural_person(self) -> bool:
        return self.kind == SubjectKind.NATURAL_PERSON

    @property
    def public_code(self) -> str:
        """The code the public may see: the USCC, or the masked ID of a natural person."""
        return self.uscc or self.citizen_id_masked


class SearchFragment(models.Model):
    """A name fragment (2 to ``SEARCH_FRAGMENT_MAX_LENGTH`` characters) that more subjects match than a search
    ranks, with its ranked result: what ``subject_search`` would compute, precomputed (subjects.fragments)."""

    fragment = models.CharField("名称片段", max_length=16, primary_key=True)
    matches = models.PositiveIntegerField("匹配主体数（刷新时）")
    # The SEARCH_RESULT_CAP matching subjects with the lowest ids, in ranked order (exact-name matches are
    # looked up at query time).
    ranked_ids = models.JSONField("排序结果")
    refreshed_at = models.DateTimeField("刷新时间", auto_now=True)

    class Meta:
        verbose_name = "高频名称片段"
        verbose_name_plural = "高频名称片段"
        ordering = ["fragment"]

    def __str__(self) -> str:
        return self.fragment


class SubjectNameHistory(models.Model):
    """A name the subject used before (曾用名), kept when a record brings a new name."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="former_names")
    name = models.CharField("曾用名", max_length=200)
    replaced_at = models.DateTimeField("变更时间", auto_now_add=True)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = "曾用名"
        verbose_name_plural = "曾用名"
        ordering = ["subject", "-replaced_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SubjectIdentifier(models.Model):
    """A legacy identifier (工商注册号 or 组织机构代码) that points at exactly one subject."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="legacy_identifiers")
    scheme = models.CharField("代码类型", max_length=32, choices=LegacyScheme.choices)
    value = models.CharField("代码", max_length=18)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史代码"
        verbose_name_plural = "历史代码"
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                name="subject_identifier_unique_per_scheme",
                violation_error_message="该代码已属于另一个信用主体。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class SubjectConflict(models.Model):
    """Identifiers that disagree, kept for a credit-centre admin to decide instead of guessing."""

    kind = models.CharField("冲突类型", max_length=32, choices=ConflictKind.choices)
    status = models.CharField("状态", max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    subject = models.ForeignKey(
        CreditSubject,
        verbose_name="按统一代码识别的主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_subject = models.ForeignKey(
        CreditSubject,
        verbose_name="旧代码指向的主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claim = models.JSONField("报送的主体信息")
    detail = models.TextField("说明")
    source = models.CharField("来源", max_length=200, blank=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution = models.TextField("处理结果", blank=True)

    class Meta:
        verbose_name = "主体识别冲突"
        verbose_name_plural = "主体识别冲突"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.detail[:40]}"


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
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def registers_subject(self, subject: "CreditSubject") -> bool:
        """Whether this department is the registration authority of ``subject`` (never of a natural person)."""
        return is_registration_authority(self.registers, kind=subject.kind, uscc=subject.uscc or "")


def registration_authority_code(*, kind: str, uscc: str) -> str:
    """The GB 32100-2015 registration-authority code of a subject: the USCC's first character; "9" for an
    organisation known only by legacy codes (工商注册号 and 组织机构代码 were issued by the 工商 and 质监
    bodies now merged into 市场监管); "" for natural persons, who have no registration authority here."""
    if kind == SubjectKind.NATURAL_PERSON:
        return ""
    return uscc[0] if uscc else "9"


def is_registration_authority(registers: str, *, kind: str, uscc: str) -> bool:
    """Whether a department with these ``registers`` codes registers a subject of this kind and code."""
    code = registration_authority_code(kind=kind, uscc=uscc)
    return bool(code) and code in registers


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
