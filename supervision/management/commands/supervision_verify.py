"""Draw a plan again from its recorded seed and snapshots and compare (``services.plan_verify``)."""

from django.core.management.base import BaseCommand, CommandError

from supervision.models import InspectionPlan
from supervision.services import plan_verify


class Command(BaseCommand):
    help = "按记录的随机种子和抽取范围快照重新抽取抽查任务，并与记录的抽取结果比对"

    def add_arguments(self, parser):
        parser.add_argument("plan_ids", nargs="+", type=int, help="抽查任务编号")

    def handle(self, *args, plan_ids, **options):
        failed = []
        for pk in plan_ids:
            plan = InspectionPlan.objects.filter(pk=pk).first()
            if plan is None:
                raise CommandError(f"没有编号为 {pk} 的抽查任务。")
            verification = plan_verify(plan)
            for label, passed in verification.checks:
                self.stdout.write(f"#{pk} {label}：{'通过' if passed else '不一致'}")
            if not verification.ok:
                failed.append(pk)
            self.stdout.write(f"#{pk} {'核验通过' if verification.ok else '核验未通过'}")
        if failed:
            raise CommandError(f"核验未通过的抽查任务：{', '.join(map(str, failed))}")
