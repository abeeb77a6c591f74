"""The operator's tool to issue a department token. The operator acts for the credit centre, so a token with
``records:write`` issued here is active at once (issue 10); scopes and expiry are always explicit."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from organisations.choices import TokenScope
from organisations.models import Department
from organisations.services import ApiTokenError, api_token_create

COMMAND_ACTOR_LABEL = "命令行 create_api_token"


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"到期日期“{value}”格式应为 YYYY-MM-DD。") from error


class Command(BaseCommand):
    help = "为部门系统签发接口令牌（信用中心签发，无须再审批）；令牌只显示一次，单独输出在最后一行。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门编码")
        parser.add_argument("--name", default="部门系统", help="令牌名称（用于识别调用方）")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=TokenScope.values,
            help="权限范围，可重复，至少一项：" + "；".join(f"{v}（{label}）" for v, label in TokenScope.choices),
        )
        expiry = parser.add_mutually_exclusive_group(required=True)
        expiry.add_argument("--expires", type=_date, help="到期日期 YYYY-MM-DD（晚于今天，最长 API_TOKEN_MAX_DAYS 天）")
        expiry.add_argument("--days", type=int, help="有效天数（从今天起，最长 API_TOKEN_MAX_DAYS 天）")

    def handle(self, *args, department, name, scope, expires, days, **options):
        dept = Department.objects.filter(code=department, is_active=True).first()
        if dept is None:
            raise CommandError(f"部门“{department}”不存在或已停用。")
        expires_on = expires if expires is not None else timezone.localdate() + datetime.timedelta(days=days)
        try:
            with transaction.atomic():
                token, raw = api_token_create(
                    department=dept,
                    name=name,
                    scopes=scope,
                    expires_on=expires_on,
                    actor=Actor.system(COMMAND_ACTOR_LABEL),
                    by_credit_centre=True,
                )
        except ApiTokenError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"已为 {dept.name} 签发令牌“{token.name}”（{token.prefix}…），"
            f"到期 {timezone.localtime(token.expires_at):%Y-%m-%d}，请妥善保存："
        )
        self.stdout.write(raw)
