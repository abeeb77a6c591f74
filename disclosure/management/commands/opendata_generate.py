"""Generate open-data files now (operators, ``seed_demo``): the same service the nightly tasks call."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from disclosure import opendata
from disclosure.models import OpenDataScope


class Command(BaseCommand):
    help = "生成开放数据文件：--day YYYY-MM-DD（日增量+名单）、--month YYYY-MM（月全量）或 --all-recent（昨日与上月）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", help="xzcf、xzxk 或名单代码；缺省为全部")
        parser.add_argument("--day", help="YYYY-MM-DD")
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--all-recent", action="store_true", help="昨日增量、当前名单与上月全量")

    def handle(self, *args, kind=None, day=None, month=None, all_recent=False, **options):
        if not (day or month or all_recent):
            raise CommandError("请指定 --day、--month 或 --all-recent。")
        files = []
        try:
            if day:
                target = datetime.date.fromisoformat(day)
                if kind:
                    scope = OpenDataScope.INCREMENT if kind in opendata.RECORD_KINDS else OpenDataScope.SNAPSHOT
                    files.append(
                        opendata.opendata_generate(kind=kind, period_start=target, period_end=target, scope=scope)
                    )
                else:
                    files += opendata.opendata_generate_day(target)
            if month:
                target = datetime.date.fromisoformat(f"{month}-01")
                if kind and kind not in opendata.RECORD_KINDS:
                    raise CommandError("月全量只适用于 xzcf、xzxk。")
                files += opendata.opendata_generate_month(target, (kind,) if kind else opendata.RECORD_KINDS)
            if all_recent:
                today = timezone.localdate()
                files += opendata.opendata_generate_day(today - datetime.timedelta(days=1))
                files += opendata.opendata_generate_month(today.replace(day=1) - datetime.timedelta(days=1))
        except (ValueError, ObjectDoesNotExist) as exc:
            raise CommandError(f"参数有误（日期格式或数据类别）：{exc}") from exc
        for f in files:
            self.stdout.write(f"{f.filename}\t{f.rows}\t{f.bytes}\t{f.sha256}")
