from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import Actor
from core.errors import DomainError
from records.models import RecordType, Redecision
from records.redecisions import redecision_request, redecision_resume, redecision_run


class Command(BaseCommand):
    help = (
        "按现行公示规则重算已有记录的公示决定（失信程度及来源、是否公示、公示期、可申请修复日、依据），"
        "有变化的记录生成新版本，并重新评估相关主体的名单。在前台运行；管理后台的规则变更会自动在后台重算。"
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--all", action="store_true", help="全部记录类型")
        target.add_argument("--type", action="append", dest="types", metavar="CODE", help="记录类型编码（可重复）")
        target.add_argument("--resume", type=int, metavar="ID", help="继续一次失败的重算（排除原因后）")
        parser.add_argument("--reason", default="命令行重算", help="原因（记入版本和审计）")

    def handle(self, *args, all, types, resume, reason, **options):
        if resume is not None:
            try:
                done = redecision_resume(resume, actor=Actor.system("命令行 records_redecide --resume"))
            except Redecision.DoesNotExist as error:
                raise CommandError(f"没有编号为 {resume} 的公示决定重算。") from error
            except DomainError as error:
                raise CommandError(error.message) from error
            return self._report(done)
        if types:
            unknown = sorted(set(types) - set(RecordType.objects.filter(code__in=types).values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"未知的记录类型：{'、'.join(unknown)}")
        try:
            with transaction.atomic():
                redecision = redecision_request(
                    record_types=types or [],
                    reason=reason,
                    actor=Actor.system("命令行 records_redecide"),
                    background=False,
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        done = redecision_run(
            redecision.pk, on_chunk=lambda r: self.stderr.write(f"已处理 {r.processed}/{r.total}，变化 {r.changed}")
        )
        self._report(done)

    def _report(self, done: Redecision) -> None:
        if done.state != "done":
            raise CommandError(f"重算未完成：{done.get_state_display()} {done.message}")
        self.stdout.write(f"公示决定重算 #{done.pk}：处理 {done.processed} 条记录，{done.changed} 条有变化。")
