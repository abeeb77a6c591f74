from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from organisations.accounts import AccountError, two_factor_reset


class Command(BaseCommand):
    help = "重置工作人员的双因素认证（手机丢失或更换时）：删除其身份验证器，下次登录时重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--reason", required=True, help="重置原因（记入审计日志）")

    def handle(self, *args, username, reason, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        try:
            removed = two_factor_reset(user=user, reason=reason, actor=Actor.system("命令行 two_factor_reset"))
        except AccountError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"已重置 {username} 的双因素认证（删除 {removed} 个设备）"))
