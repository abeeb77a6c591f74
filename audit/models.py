"""The append-only audit trail.

Every service that changes something, and every read of restricted information, writes one
``AuditEvent`` in the same transaction (seed 001 第五章: 安全审计; seed 000 四(十): 信息安全). Events are never
changed or deleted: the model and its queryset refuse it, and the database refuses it too (a trigger added
by migration 0002), so not even a raw UPDATE from the application can rewrite history.
"""

from django.db import connection, models
from django.utils import timezone

from .choices import ActorType


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    update.queryset_only = True
    delete.queryset_only = True

    def object_types(self) -> list[str]:
        """The distinct ``object_type`` values (a few dozen). On PostgreSQL a skip scan of ``audit_object_idx``,
        one index probe per value, instead of reading millions of rows to find them."""
        table = connection.ops.quote_name(self.model._meta.db_table)
        if connection.vendor != "postgresql":
            return sorted(set(self.model.objects.values_list("object_type", flat=True)))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""WITH RECURSIVE t(v) AS (
                      (SELECT object_type FROM {table} ORDER BY object_type LIMIT 1)
                      UNION ALL
                      SELECT (SELECT object_type FROM {table} WHERE object_type > t.v ORDER BY object_type LIMIT 1)
                      FROM t WHERE t.v IS NOT NULL
                    ) SELECT v FROM t WHERE v IS NOT NULL"""
            )
            return [row[0] for row in cursor.fetchall()]


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, when, why, and the state before and after."""

    # The site's database role may only read and append (audit.db_roles).
    APPEND_ONLY = True

    occurred_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor_type = models.CharField("操作者类型", max_length=16, choices=ActorType.choices)
    actor_id = models.CharField("操作者标识", max_length=64, blank=True)
    actor_label = models.CharField("操作者", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    reason = models.TextField("事由", blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_type", "actor_id"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")
