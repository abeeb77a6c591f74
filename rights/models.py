"""Applications of subjects and the public (异议, 信用修复, 失信举报, 信用承诺), their history and evidence.

The tables were created by the disclosure app and keep their names (``db_table``): the models moved here with
their rows (rights/migrations/0001).
"""

from django.db import models

from accounts.models import SubjectAccount

from .choices import (
    ApplicationKind,
    ApplicationState,
    ComplaintCategory,
    ComplaintOutcome,
    ComplaintState,
    ObjectionGround,
    Outcome,
)


class Application(models.Model):
    """An objection (异议), credit repair (信用修复) or whistle-blowing report (失信举报), handled in working-day
    deadlines. A whistle-blower's identity is seen by the handling staff only, never by the subject or the
    public (seed 000 四(八), seed 003 item 59).

    The state changes only through ``rights.services``; every transition is an ``ApplicationEvent``.
    The query code is kept as a keyed hash, like a password.
    """

    kind = models.CharField("类型", max_length=16, choices=ApplicationKind.choices)
    state = models.CharField(
        "状态", max_length=16, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    receipt_number = models.CharField("受理编号", max_length=24, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64)
    submission_key = models.CharField("提交标识", max_length=64, unique=True, help_text="同一表单重复提交只受理一次")
    subject = models.ForeignKey("subjects.CreditSubject", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        "records.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="异议、修复所针对的记录；举报没有",
    )
    department = models.ForeignKey("organisations.Department", on_delete=models.PROTECT, related_name="applications")
    account = models.ForeignKey(
        SubjectAccount,
        verbose_name="申请账户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="异议、修复和信用承诺由代表主体的已核验账户提出；举报可以匿名",
    )
    ground = models.CharField("异议理由", max_length=16, choices=ObjectionGround.choices, blank=True)
    explanation = models.TextField("说明")
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_phone = models.CharField("联系电话", max_length=32)
    applicant_email = models.EmailField("电子邮箱", blank=True)
    commitment_signed = models.BooleanField("已签署承诺书", default=False)
    obligations_fulfilled = models.BooleanField("已履行法定义务", default=False)
    outcome = models.CharField("处理结果", max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("处理说明", blank=True)
    submitted_on = models.DateField("提交日期")
    accept_due = models.DateField("受理时限")
    department_due = models.DateField("部门办理时限", null=True, blank=True)
    answer_due = models.DateField("答复时限")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "异议与修复申请"
        verbose_name_plural = "异议与修复申请"
        db_table = "disclosure_application"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "accept_due"], name="application_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.receipt_number}"


class ApplicationEvent(models.Model):
    """One transition of an application: who, when, from which state to which, and why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=16, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=ApplicationState.choices)
    actor_label = models.CharField("操作者", max_length=150)
    reason = models.TextField("说明", blank=True)
    occurred_at = models.DateTimeField("时间", auto_now_add=True)

    APPEND_ONLY = True  # the site's database role may only add rows (audit.db_roles)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        db_table = "disclosure_applicationevent"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_state}→{self.to_state}"


class Evidence(models.Model):
    """A supporting file, stored outside the web root and served only to the staff handling the case."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=64)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("摘要", max_length=64)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        db_table = "disclosure_evidence"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.original_name


class Authorisation(models.Model):
    """A subject lets another account (a bank, a counterparty) read part of its record (授权查询): which
    categories (the tabs of the subject page), for what purpose, until when. Granted and revoked by an account
    acting for the subject; each read by the third party is in the subject's access log."""

    number = models.CharField("授权书编号", max_length=24, unique=True)
    subject = models.ForeignKey("subjects.CreditSubject", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        SubjectAccount, verbose_name="授权账户", on_delete=models.PROTECT, related_name="authorisations_given"
    )
    grantee = models.ForeignKey(
        SubjectAccount, verbose_name="被授权账户", on_delete=models.PROTECT, related_name="authorisations_received"
    )
    categories = models.JSONField("授权查询范围", help_text="信息类别（主体页面栏目）")
    purpose = models.CharField("查询用途", max_length=200)
    valid_until = models.DateField("有效期至")
    created_at = models.DateTimeField("授权时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)
    revoked_reason = models.CharField("撤回说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "第三方查询授权"
        verbose_name_plural = "第三方查询授权"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["grantee", "-created_at"], name="authorisation_grantee_idx")]

    def __str__(self) -> str:
        return self.number

    def in_force(self, today) -> bool:
        return self.revoked_at is None and today <= self.valid_until


class Complaint(models.Model):
    """A complaint (投诉) about how the platform handled something — slow, wrong, discourteous — filed from a
    subject account, answered by the credit centre within ``APPLICATION_DEADLINES["complaint"]`` working days
    (seed 000 四(十) and seed 001 第六章: 异议处理、投诉办理). It may name one of the account's applications."""

    number = models.CharField("投诉编号", max_length=24, unique=True)
    account = models.ForeignKey(
        SubjectAccount, verbose_name="投诉账户", on_delete=models.PROTECT, related_name="complaints"
    )
    application = models.ForeignKey(
        Application,
        verbose_name="涉及的申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    category = models.CharField("投诉类别", max_length=16, choices=ComplaintCategory.choices)
    description = models.TextField("投诉内容")
    state = models.CharField("状态", max_length=16, choices=ComplaintState.choices, default=ComplaintState.SUBMITTED)
    submitted_on = models.DateField("提交日期")
    answer_due = models.DateField("答复时限")
    outcome = models.CharField("处理结果", max_length=16, choices=ComplaintOutcome.choices, blank=True)
    answer = models.TextField("答复内容", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.CharField("答复人", max_length=150, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "answer_due"], name="complaint_queue_idx")]

    def __str__(self) -> str:
        return self.number
