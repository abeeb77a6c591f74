from django.core.management.base import BaseCommand

from audit.services import Actor
from sanctions.consistency import status_check_record, status_drift
from sanctions.services import subjects_recompute


class Command(BaseCommand):
    help = (
        "核对每个主体已存的名单和信用状态是否与按现行规则重新计算的结果一致，列出不一致的主体（不自动修正）；"
        "加 --fix 则对列出的主体重新计算。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="对不一致的主体重新计算名单和信用状态（记入审计）")
        parser.add_argument("--show", type=int, default=200, help="最多列出多少个不一致的主体（默认200）")

    def handle(self, *args, fix, show, **options):
        actor = Actor.system("命令行 status_check")
        checked, drifts = status_drift()
        status_check_record(drifts=drifts, checked=checked, actor=actor)
        for drift in drifts[:show]:
            self.stdout.write(drift.describe())
        if len(drifts) > show:
            self.stdout.write(f"…… 另有 {len(drifts) - show} 个未列出（见审计事件 sanctions.status_check）")
        self.stdout.write(f"已核对 {checked} 个主体，不一致 {len(drifts)} 个。")
        if fix and drifts:
            subjects_recompute([drift.subject_id for drift in drifts], actor=Actor.system("命令行 status_check --fix"))
            _, remaining = status_drift([drift.subject_id for drift in drifts])
            self.stdout.write(f"已重新计算 {len(drifts)} 个主体，仍不一致 {len(remaining)} 个。")
