"""Who the platform knows: credit subjects, their identifiers and names.

A credit subject (信用主体) is keyed by its 18-character unified social credit code (统一社会信用代码,
GB 32100-2015; seed 003 item 6). Older records may carry only a 15-digit registration number or a
9-character organisation code: those are kept as ``SubjectIdentifier`` rows. Natural persons are keyed
by a keyed hash of their citizen ID number; the clear number is never stored (seed 002 item 77:
个人信息保护).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from . import identifiers as ids
from .choices import (
    AccessKind,
    ConflictKind,
    ConflictStatus,
    DivisionLevel,
    LegacyScheme,
    NameSource,
    RegistrationStatus,
    SubjectKind,
)
from .validators import validate_uscc


def validate_registers(value: str) -> None:
    """The registration-authority codes a department registers (GB 32100-2015 第1位), each once, sorted."""
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
        indexes = [
            models.Index(fields=["name"], name="subject_name_exact_idx"),
            # The public search finds a subject by its legal representative's full name (subject_search).
            models.Index(fields=["legal_representative"], name="subject_legal_rep_idx"),
        ]
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


class SubjectAccess(models.Model):
    """One read of a subject's restricted information, shown to the subject ("谁查询了我的信用记录", seed 002
    item 77) and kept like the audit trail: never changed or deleted. Who read is named, not linked: the
    readers (departments, accounts) live in apps above this one. Written by ``subject_access_record`` beside
    the audit event of the read."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="accesses", db_index=False)
    kind = models.CharField("查询类别", max_length=16, choices=AccessKind.choices)
    accessor = models.CharField("查询方", max_length=200, help_text="部门名称、被授权机构名称或账户")
    accessor_code = models.CharField("查询方代码", max_length=64, blank=True, help_text="部门编码或统一社会信用代码")
    purpose = models.CharField("查询事由", max_length=200)
    scope = models.JSONField("查询范围", default=list, blank=True, help_text="信息类别（记录类型编码）")
    basis = models.CharField("依据", max_length=200, blank=True, help_text="授权书、部门权限或特殊查询审批编号")
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    APPEND_ONLY = True  # the site's database role may only add rows (audit.db_roles)

    class Meta:
        verbose_name = "查询记录"
        verbose_name_plural = "查询记录"
        ordering = ["subject", "-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject", "-occurred_at", "-id"], name="subject_access_recent_idx")]

    def __str__(self) -> str:
        return f"{self.accessor} {self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
