import time

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import Actor
from evaluation.choices import RunKind
from evaluation.files import evaluation_files_generate
from evaluation.runs import evaluation_run, evaluation_run_request


class Command(BaseCommand):
    help = "在前台对全部主体按现行评价模型重新评价（与每晚的全量评价相同），可并行；可选生成各部门的评价结果文件。"

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=1, help="并行进程数（仅 PostgreSQL）")
        parser.add_argument("--chunk", type=int, default=2000, help="每批主体数")
        parser.add_argument("--files", action="store_true", help="完成后生成各部门的评价结果文件")

    def handle(self, *args, jobs, chunk, files, **options):
        with transaction.atomic():
            run = evaluation_run_request(
                actor=Actor.system("命令行 evaluate_all"), kind=RunKind.MANUAL, background=False
            )
        started = time.perf_counter()
        run = evaluation_run(run.pk, jobs=jobs, chunk_size=chunk)
        seconds = time.perf_counter() - started
        rate = run.processed / seconds if seconds else 0
        self.stdout.write(
            f"全量评价 #{run.pk}：{run.get_state_display()}，评价主体 {run.processed} 个，结果有变化 {run.changed} 条，"
            f"用时 {seconds:.1f} 秒（{rate:,.0f} 个/秒）。"
        )
        if files and run.as_of:
            written = evaluation_files_generate(run.as_of)
            self.stdout.write(f"生成评价结果文件 {len(written)} 个。")
