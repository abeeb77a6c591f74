"""Subject accounts (企业/个人用户): people who act on the platform for credit subjects, apart from staff.

A ``SubjectAccount`` is a Django user that is never staff: it holds no staff role, and the authentication
backends keep the two apart (``accounts.backends``). It acts for subjects through ``AccountGrant`` rows
(account ↔ subject, role), usable once *verified* — by the credit centre after checking the uploaded
``GrantProof`` files, or by an identity provider that vouches for it (``AccountIdentity``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from subjects.models import CreditSubject

from .choices import AccountKind, AccountState, GrantRole, GrantState, ProofKind, VerifiedBy


class SubjectAccount(models.Model):
    """An account of a company, an organisation or a natural person (or of their agent). The mobile number is
    stored for the credit centre to call; the platform sends no SMS."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subject_account")
    kind = models.CharField("用户类型", max_length=16, choices=AccountKind.choices)
    display_name = models.CharField("名称", max_length=200, help_text="单位名称或姓名")
    email = models.EmailField("电子邮箱", unique=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True, help_text="仅存储，平台暂不发送短信")
    state = models.CharField("状态", max_length=16, choices=AccountState.choices, default=AccountState.PENDING)
    email_confirmed_at = models.DateTimeField("邮箱确认时间", null=True, blank=True)
    state_reason = models.CharField("状态说明", max_length=500, blank=True)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "主体用户"
        verbose_name_plural = "主体用户"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="account_state_recent_idx")]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.email}）"

    @property
    def is_active(self) -> bool:
        return self.state == AccountState.ACTIVE


class AccountIdentity(models.Model):
    """The account's identity at an OpenID Connect provider (统一身份认证): issuer and subject identifier."""

    account = models.ForeignKey(SubjectAccount, on_delete=models.PROTECT, related_name="identities")
    issuer = models.CharField("身份提供方", max_length=200)
    sub = models.CharField("身份标识", max_length=255)
    created_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = "外部身份"
        verbose_name_plural = "外部身份"
        ordering = ["account", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "sub"], name="account_identity_unique", violation_error_message="该身份已关联账户。"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.sub}"


class AccountGrant(models.Model):
    """An account acts for a subject in a role. Only a ``verified`` grant lets it file, self-query or
    authorise; the credit centre can suspend it. Every change is audited (``accounts.services``)."""

    account = models.ForeignKey(SubjectAccount, on_delete=models.PROTECT, related_name="grants")
    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("身份", max_length=16, choices=GrantRole.choices)
    state = models.CharField("状态", max_length=16, choices=GrantState.choices, default=GrantState.PENDING)
    verified_by = models.CharField("核验方式", max_length=8, choices=VerifiedBy.choices, blank=True)
    decided_at = models.DateTimeField("核验时间", null=True, blank=True)
    decided_by = models.CharField("核验人", max_length=150, blank=True)
    decision_note = models.CharField("核验意见", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "代表主体授权"
        verbose_name_plural = "代表主体授权"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "subject"],
                name="account_grant_unique",
                violation_error_message="该账户已申请代表此主体。",
            ),
            models.CheckConstraint(
                condition=~Q(state=GrantState.VERIFIED) | ~Q(verified_by=""),
                name="account_grant_verified_says_how",
                violation_error_message="已核验的授权须注明核验方式。",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="account_grant_queue_idx")]

    def __str__(self) -> str:
        return f"{self.account.display_name} → {self.subject.name}（{self.get_role_display()}）"


class GrantProof(models.Model):
    """A proof of a grant (营业执照, 身份证, 授权委托书), checked by its content, stored under ``MEDIA_ROOT`` and
    served to the credit centre only. Its file is deleted ``ACCOUNT_PROOF_RETENTION_DAYS`` after the grant is
    decided (``proofs_purge``); the row, with the file's digest, stays."""

    grant = models.ForeignKey(AccountGrant, on_delete=models.PROTECT, related_name="proofs")
    kind = models.CharField("材料类型", max_length=16, choices=ProofKind.choices)
    file = models.FileField("文件", upload_to="account-proofs/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("类型", max_length=64)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("摘要", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    purge_after = models.DateField("保存期限", null=True, blank=True)
    purged_at = models.DateTimeField("文件删除时间", null=True, blank=True)

    class Meta:
        verbose_name = "身份证明材料"
        verbose_name_plural = "身份证明材料"
        ordering = ["grant", "id"]
        indexes = [models.Index(fields=["purge_after"], name="grant_proof_purge_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
