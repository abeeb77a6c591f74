import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.services import Actor
from sanctions.selectors import subjects_to_evaluate
from sanctions.services import results_analyze, subjects_evaluate, subjects_recompute
from subjects.identifiers import IdentifierError
from subjects.models import CreditSubject
from subjects.selectors import subject_get_by_code


class Command(BaseCommand):
    help = "重新计算信用主体的名单和信用状态。数据一致时重复运行不会产生任何变化。"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--all", action="store_true", help="全部有信用记录或名单的主体")
        target.add_argument("--subject", help="一个主体的统一社会信用代码")
        parser.add_argument("--jobs", type=int, default=1, help="并行进程数（仅PostgreSQL）")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, all, subject, jobs, no_progress, **options):
        if jobs < 1:
            raise CommandError("--jobs 应为正整数。")
        actor = Actor.system("命令行 recompute_status")
        if subject:
            try:
                target = subject_get_by_code(subject)
            except (IdentifierError, CreditSubject.DoesNotExist) as error:
                raise CommandError(f"找不到主体“{subject}”：{error}") from error
            statuses = subjects_evaluate(subject_ids=[target.pk], actor=actor)
            self.stdout.write(f"{target.name}：{statuses[target.pk]}")
            return
        # Everyone else evaluates to "normal" with no lists, which is what they are (see the selector).
        ids = subjects_to_evaluate()
        with tqdm(total=len(ids), unit="主体", disable=no_progress or not sys.stderr.isatty(), file=sys.stderr) as bar:
            subjects_recompute(ids, actor=actor, jobs=jobs, on_chunk=lambda count, *_: bar.update(count))
        results_analyze()
        self.stdout.write(f"已重新计算 {len(ids)} 个主体。")
