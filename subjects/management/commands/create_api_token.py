from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from subjects.choices import TokenScope
from subjects.models import Department
from subjects.services import api_token_create


class Command(BaseCommand):
    help = "为部门系统签发接口令牌；令牌只显示一次，单独输出在最后一行。"

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="部门编码")
        parser.add_argument("--name", default="部门系统", help="令牌名称（用于识别调用方）")
        parser.add_argument("--scope", action="append", choices=TokenScope.values, help="权限范围，可重复；默认全部")

    def handle(self, *args, department, name, scope, **options):
        dept = Department.objects.filter(code=department, is_active=True).first()
        if dept is None:
            raise CommandError(f"部门“{department}”不存在或已停用。")
        token, raw = api_token_create(
            department=dept, name=name, scopes=scope, actor=Actor.system("命令行 create_api_token")
        )
        self.stdout.write(f"已为 {dept.name} 签发令牌“{token.name}”（{token.prefix}…），请妥善保存：")
        self.stdout.write(raw)
