from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from organisations.choices import StaffRoleName
from organisations.models import Department
from organisations.services import staff_create


class Command(BaseCommand):
    help = (
        "创建工作人员账号：部门角色（clerk/reviewer/dept_admin）需 --department，"
        "全局角色（credit_admin/auditor）不需要。密码须符合密码策略；--email 用于接收办理通知。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=StaffRoleName.values)
        parser.add_argument("--department", default="", help="部门编码")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--email", default="", help="电子邮箱：申请办理通知和超期提醒发到这里")

    def handle(self, *args, username, role, department, password, name, email, **options):
        try:
            user = staff_create(
                username=username,
                password=password,
                role=role,
                department_code=department,
                full_name=name,
                email=email,
                actor=Actor.system("命令行 create_staff"),
            )
        except Department.DoesNotExist as error:
            raise CommandError(f"部门“{department}”不存在。") from error
        except (ValidationError, ValueError) as error:  # say it plainly instead of a traceback
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError("；".join(messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已创建账号 {user.get_username()}（{StaffRoleName(role).label}）"))
