from django.db import models


class OutboxState(models.TextChoices):
    PENDING = "pending", "待投递"
    DONE = "done", "已完成"
    FAILED = "failed", "投递失败"


class OutboxItem(models.Model):
    """One consequence of a committed change (evaluate these subjects, refresh these pages, process this
    batch, send this e-mail), written in the transaction of the change and delivered by the worker.

    The payload holds ids only; ``last_error`` names the failing handler and the exception class, never its
    message (which could quote personal data). Done items are deleted by the sweep after a while: the change
    itself is in the audit trail, this row is only its delivery."""

    topic = models.CharField("主题", max_length=64)
    payload = models.JSONField("内容", default=dict)
    state = models.CharField("状态", max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.CharField("最近错误", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "待投递事项"
        verbose_name_plural = "待投递事项"
        indexes = [
            # The sweep's question: pending items due now, oldest first (and /readyz's oldest pending one).
            models.Index(fields=["next_attempt_at"], name="outbox_pending_due", condition=models.Q(state="pending")),
            models.Index(fields=["created_at"], name="outbox_pending_created", condition=models.Q(state="pending")),
            models.Index(fields=["done_at"], name="outbox_done", condition=models.Q(state="done")),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
