import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts.demo import demo_subject_account_seed
from disclosure.models import OpenDataFile
from organisations.demo import demo_seed
from records.demo import demo_records_seed
from sanctions.demo import demo_checks_seed


class Command(BaseCommand):
    help = "生成吉林省演示数据（部门、信用主体、信用记录；本地演示环境另建演示账号）。重复运行不会重复插入。"

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
        checks = demo_checks_seed(seed=seed)
        subject_account = demo_subject_account_seed() if settings.DEMO_ACCOUNTS_ENABLED else None
        accounts = len(result["accounts"])
        # The demo's 数据开放 listing: yesterday's increments, list snapshots and last month's full files (a few
        # seconds at demo size). Only on the first run, so a repeated seed writes nothing (not even audit events).
        if not OpenDataFile.objects.exists():
            call_command("opendata_generate", "--all-recent", stdout=StringIO())
        self.stdout.write(
            f"新建部门 {result['departments']} 个，信用主体 {result['subjects']} 个，信用记录 {records} 条，"
            f"核查 {checks} 次，演示账号 {accounts} 个。"
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
