import os

from django.core.management.base import BaseCommand, CommandError

from audit.db_roles import RoleGrantError, site_role_grant


class Command(BaseCommand):
    help = (
        "以表的所有者角色（执行 migrate 的角色）运行：授予站点数据库角色所需的最小权限——各表增删改查、"
        "序列取号，审计表只能查询和追加。可重复执行；每次 migrate 之后运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-role",
            default=os.environ.get("DATABASE_SITE_ROLE", ""),
            help="站点（web、worker、beat）连接数据库所用的角色名；默认取环境变量 DATABASE_SITE_ROLE",
        )

    def handle(self, *args, site_role, **options):
        if not site_role:
            raise CommandError("请用 --site-role 或环境变量 DATABASE_SITE_ROLE 指定站点数据库角色。")
        try:
            summary = site_role_grant(role=site_role)
        except RoleGrantError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"已授权站点角色 {summary['role']}：数据库 {summary['database']} 模式 {summary['schema']} 的 "
            f"{summary['tables']} 张表（所有者 {summary['owner']}），"
            f"只追加的表（审计、记录版本、名单变更）{', '.join(summary['append_only'])} 只能查询和追加。"
        )
