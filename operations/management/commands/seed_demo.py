"""``seed_demo``: the demo province, from departments to graded subjects, so a newcomer sees every feature.

It lives in the top layer because it seeds every app through its own ``demo`` module (subjects, organisations,
accounts, records, sanctions, rights, queries, disclosure) and runs the evaluation. Idempotent: each part
creates only what is missing, so a second run creates nothing (and writes no audit event).

What follows each change (lists and statuses, grades, page caches, e-mail) goes through the outbox. Without a
broker (``make run``) it is delivered in this process after each commit; with ``REDIS_URL`` it would wait for a
worker. So the command delivers the outbox itself after each part (``outbox_sweep``, the same delivery the beat
sweep runs): the README's PostgreSQL path has lists, statuses and grades without a worker started first. A
worker running at the same time shares the work (each item is claimed by one delivery).
"""

import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from accounts.demo import demo_pending_grant_seed, demo_subject_account_seed, demo_third_party_account_seed
from audit.services import Actor
from disclosure.demo import demo_articles_seed
from disclosure.models import OpenDataFile
from evaluation.choices import RunKind, RunState
from evaluation.models import EvaluationRun
from evaluation.runs import evaluation_run, evaluation_run_request
from organisations.demo import demo_seed
from outbox.services import outbox_sweep
from queries.demo import demo_query_grant_seed, demo_special_query_seed
from records.demo import demo_records_seed, demo_restricted_records_seed, demo_showcase_records_seed
from rights.demo import demo_cases_seed
from sanctions.demo import demo_checks_seed
from supervision.demo import demo_inspections_seed

# Long enough for the outbox of a province-sized seed (--subjects 1000000); the sweep stops when nothing is due.
DRAIN_SECONDS = 3600


def outbox_drain() -> int:
    """Deliver every due outbox item now, including those the deliveries add; returns how many were delivered.
    Nothing is pending with eager Celery (each item was delivered after its commit)."""
    return outbox_sweep(seconds=DRAIN_SECONDS)["delivered"]


class Command(BaseCommand):
    help = (
        "生成吉林省演示数据（部门、信用主体、信用记录、名单、异议与修复、文章、评价结果；本地演示环境另建演示账号），"
        "并当场完成名单、状态和评价的计算（无需先启动后台任务进程）。重复运行不会重复插入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=2000, help="信用主体数量（默认 2000）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--records-share", type=float, default=0.05, help="有信用记录的主体比例（默认 0.05）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, subjects, seed, records_share, no_progress, **options):
        with tqdm(total=subjects, unit="主体", disable=no_progress or not sys.stderr.isatty(), file=sys.stderr) as bar:
            result = demo_seed(
                total=subjects, seed=seed, with_accounts=settings.DEMO_ACCOUNTS_ENABLED, progress=bar.update
            )
        records = demo_records_seed(share=records_share, seed=seed)
        records += demo_showcase_records_seed()
        records += demo_restricted_records_seed()
        outbox_drain()  # the checks below and the repair rule read the lists these records open
        checks = demo_checks_seed(seed=seed)
        subject_account = third_party = pending = None
        cases = 0
        grants = demo_query_grant_seed()
        if settings.DEMO_ACCOUNTS_ENABLED:
            subject_account = demo_subject_account_seed()
            third_party = demo_third_party_account_seed()
            pending = demo_pending_grant_seed()
            cases = demo_cases_seed() + demo_special_query_seed()
        articles = demo_articles_seed()
        outbox_drain()
        created = (
            result["departments"]
            or result["subjects"]
            or result["accounts"]
            or records
            or checks
            or cases
            or subject_account
            or third_party
            or pending
        )
        graded = self._evaluate(always=bool(created))
        inspections = demo_inspections_seed()  # the draw reads the grades
        outbox_drain()  # the grades' page refreshes, the inspection results' lists and grades
        # The demo's 数据开放 listing: yesterday's increments, list snapshots and last month's full files (a few
        # seconds at demo size). Only on the first run, so a repeated seed writes nothing (not even audit events).
        if not OpenDataFile.objects.exists():
            call_command("opendata_generate", "--all-recent", stdout=StringIO())
        self.stdout.write(
            f"新建部门 {result['departments']} 个，信用主体 {result['subjects']} 个，信用记录 {records} 条，"
            f"核查 {checks} 次，异议、修复、特殊查询等办件 {cases} 件，查询权限 {grants} 项，文章 {articles} 篇，"
            f"抽查任务 {inspections} 项，"
            f"演示账号 {len(result['accounts'])} 个{f'，评价主体 {graded} 个' if graded else ''}。"
        )
        for username, role, department, password in result["accounts"]:
            self.stdout.write(
                f"  演示账号 {username} / {password}（{role.label}{' ' + department if department else ''}）"
            )
        if subject_account is not None:
            email, password, name = subject_account
            self.stdout.write(
                f"  演示企业用户 {email} / {password}（{name} 法定代表人，已核验；在 /account/login/ 登录）"
            )
        if third_party is not None:
            email, password, name = third_party
            self.stdout.write(f"  演示企业用户 {email} / {password}（{name}，获授权查询宏达的信用记录）")
        if pending is not None:
            email, password, name = pending
            self.stdout.write(f"  演示企业用户 {email} / {password}（{name} 经办人，代表该主体的申请待信用中心核验）")

    def _evaluate(self, *, always: bool) -> int:
        """Grade every subject now, as ``evaluate_all`` does, when this run created something or no full
        evaluation has finished yet; returns how many subjects were evaluated (0: skipped)."""
        if not always and EvaluationRun.objects.filter(state=RunState.DONE).exists():
            return 0
        with transaction.atomic():
            run = evaluation_run_request(actor=Actor.system("演示数据"), kind=RunKind.MANUAL, background=False)
        return evaluation_run(run.pk).processed
