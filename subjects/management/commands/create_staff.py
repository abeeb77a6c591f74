from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from subjects.choices import StaffRoleName
from subjects.models import Department
from subjects.services import staff_create


class Command(BaseCommand):
    help = (
        "创建工作人员账号：部门角色（clerk/reviewer/dept_admin）需 --department，"
        "全局角色（credit_admin/auditor）不需要。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=StaffRoleName.values)
        parser.add_argument("--department", default="", help="部门编码")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args, username, role, department, password, name, **options):
        try:
            user = staff_create(
                username=username,
                password=password,
                role=role,
                department_code=department,
                full_name=name,
                actor=Actor.system("命令行 create_staff"),
            )
        except Department.DoesNotExist as error:
            raise CommandError(f"部门“{department}”不存在。") from error
        except (ValidationError, ValueError) as error:  # say it plainly instead of a traceback
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError("；".join(messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已创建账号 {user.get_username()}（{StaffRoleName(role).label}）"))
