"""Department queries of restricted credit information: the grants the credit centre gives departments, and
the special queries (特殊查询) for anything beyond them.

Seed 000 四(七) "确定公开范围、查询权限，特殊查询需求特殊申请"; seed 003 item 15 (the same for the nation); seed 002
item 77 ("规范信用信息查询使用权限和程序"). Each read a grant or a special query allows is written to the
subject's access log (``subjects.SubjectAccess``) with its audit event; nothing here is hard-deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisations.models import Department
from records.choices import CatalogCategory, DisclosureLevel
from records.models import RecordType
from subjects.models import CreditSubject

from .choices import QueryPurpose, SpecialQueryState


class QueryGrant(models.Model):
    """A department's right to read other departments' restricted records (政务共享, 授权查询) of one record type,
    or of every restricted type of one catalog category, until ``expires_on`` (its last day; empty: no end).

    Configured by the credit centre in the admin (audited); a grant is ended by clearing ``is_active`` or by
    its expiry, never deleted, so every past query can be traced to the grant that allowed it.
    """

    department = models.ForeignKey(Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(
        RecordType,
        verbose_name="信息类型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=~Q(disclosure_level=DisclosureLevel.PUBLIC),
        help_text="授权查询的一类信息；或不填而选择目录类别",
    )
    category = models.CharField(
        "目录类别",
        max_length=32,
        choices=CatalogCategory.choices,
        blank=True,
        help_text="授权查询该类别下全部政务共享、授权查询类信息",
    )
    expires_on = models.DateField("有效期至", null=True, blank=True, help_text="含当日；留空为长期有效")
    is_active = models.BooleanField("有效", default=True, help_text="取消勾选即收回权限（权限记录保留备查）")
    basis = models.CharField("授权依据", max_length=200, help_text="如信息共享协议编号、信用中心批复文号")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "部门查询权限"
        verbose_name_plural = "部门查询权限"
        ordering = ["department", "category", "record_type"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record_type__isnull=False) & Q(category=""))
                | (Q(record_type__isnull=True) & ~Q(category="")),
                name="query_grant_type_or_category",
                violation_error_message="请选择一种信息类型或一个目录类别（二者只选其一）。",
            ),
            models.UniqueConstraint(
                fields=["department", "record_type"],
                condition=Q(record_type__isnull=False),
                name="query_grant_unique_type",
                violation_error_message="该部门已有此类信息的查询权限，请修改原权限的有效期。",
            ),
            models.UniqueConstraint(
                fields=["department", "category"],
                condition=~Q(category=""),
                name="query_grant_unique_category",
                violation_error_message="该部门已有此目录类别的查询权限，请修改原权限的有效期。",
            ),
        ]

    def __str__(self) -> str:
        what = self.record_type.name if self.record_type_id else self.get_category_display()
        return f"{self.department} · {what}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.record_type_id and self.record_type.disclosure_level == DisclosureLevel.PUBLIC:
            raise ValidationError({"record_type": "社会公开类信息任何部门都可查询，无须授权。"})

    @property
    def in_force(self) -> bool:
        return self.is_active and (self.expires_on is None or timezone.localdate() <= self.expires_on)


class SpecialQuery(models.Model):
    """A department's (or a court's, a procuratorate's) application to read restricted information beyond its
    grants: named subjects, record types, a purpose and a legal basis with an attachment (seed 003 item 15
    "特殊查询需求特殊申请"). The credit centre decides within working-day deadlines; an approved query yields a
    numbered result that the applicant department may read until ``valid_until``.

        submitted ──approve──▶ approved ──issue──▶ issued ──expire──▶ expired
            └──refuse──▶ refused

    The state changes only through ``queries.services``; every transition is a ``SpecialQueryEvent`` and an
    audit event; every view of the result is written to each subject's access log.
    """

    number = models.CharField("申请编号", max_length=24, unique=True)
    department = models.ForeignKey(Department, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField("查询事由", max_length=16, choices=QueryPurpose.choices)
    purpose_note = models.CharField("事由说明", max_length=200, blank=True)
    legal_basis = models.TextField("法律依据")
    subjects = models.ManyToManyField(CreditSubject, verbose_name="查询主体", related_name="+")
    record_types = models.ManyToManyField(RecordType, verbose_name="信息类型", related_name="+")
    state = models.CharField(
        "状态", max_length=16, choices=SpecialQueryState.choices, default=SpecialQueryState.SUBMITTED
    )
    submitted_on = models.DateField("申请日期")
    decide_due = models.DateField("审批时限")
    issue_due = models.DateField("出具时限", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    valid_days = models.PositiveSmallIntegerField("结果有效天数", null=True, blank=True)
    issued_at = models.DateTimeField("出具时间", null=True, blank=True)
    valid_until = models.DateTimeField("结果有效期至", null=True, blank=True)
    result_record_ids = models.JSONField("结果记录", default=list, blank=True, help_text="出具时纳入结果的记录")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "特殊查询申请"
        verbose_name_plural = "特殊查询申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "decide_due"], name="special_query_queue_idx")]

    def __str__(self) -> str:
        return f"特殊查询 {self.number}"

    @property
    def due(self):
        """The deadline of the step it waits for: the decision, then the result."""
        if self.state == SpecialQueryState.SUBMITTED:
            return self.decide_due
        if self.state == SpecialQueryState.APPROVED:
            return self.issue_due
        return None

    def is_overdue(self, today) -> bool:
        return self.due is not None and self.due < today

    @property
    def purpose_text(self) -> str:
        """The purpose as the subject reads it in its access log: the listed purpose, with the note."""
        label = self.get_purpose_display()
        return f"{label}：{self.purpose_note}" if self.purpose_note else label


class SpecialQueryEvent(models.Model):
    """One transition of a special query: who, when, from which state to which, and why."""

    query = models.ForeignKey(SpecialQuery, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=16, choices=SpecialQueryState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=SpecialQueryState.choices)
    actor_label = models.CharField("操作者", max_length=150)
    reason = models.TextField("说明", blank=True)
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    APPEND_ONLY = True  # the site's database role may only add rows (audit.db_roles)

    class Meta:
        verbose_name = "特殊查询办理记录"
        verbose_name_plural = "特殊查询办理记录"
        ordering = ["query", "id"]

    def __str__(self) -> str:
        return f"{self.query_id} {self.from_state}→{self.to_state}"


class SpecialQueryFile(models.Model):
    """An attachment of the application (the legal document, a court's 协助查询通知书...), checked by its content,
    stored outside the web root and served only to the applicant department and the credit centre."""

    query = models.ForeignKey(SpecialQuery, on_delete=models.PROTECT, related_name="files")
    file = models.FileField("文件", upload_to="special-queries/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=64)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = "特殊查询附件"
        verbose_name_plural = "特殊查询附件"
        ordering = ["query", "id"]

    def __str__(self) -> str:
        return self.original_name
