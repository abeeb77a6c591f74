from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import Actor
from organisations.choices import DepartmentLevel, Sector
from organisations.models import Department
from organisations.services import department_create
from subjects.identifiers import IdentifierError
from subjects.models import Division


class Command(BaseCommand):
    help = "登记一个数据提供单位（部门）。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="部门编码（唯一，字母数字和连字符）")
        parser.add_argument("--name", required=True, help="部门名称")
        parser.add_argument("--uscc", required=True, help="部门的统一社会信用代码")
        parser.add_argument("--level", required=True, choices=DepartmentLevel.values, help="层级")
        parser.add_argument("--parent", default="", help="上级部门编码")
        parser.add_argument(
            "--sector", default=Sector.OTHER, choices=Sector.values, help="行业领域（决定实施哪些奖惩措施）"
        )
        parser.add_argument("--division", default="", help="行政区划代码（默认：本平台所在省的代码）")
        parser.add_argument(
            "--registers",
            default="",
            help="作为登记管理部门负责登记的主体，填统一社会信用代码第1位：9 市场监管、5 民政、1 机构编制、"
            "3 司法行政、N 农业等，可填多个（如 15）；只有登记管理部门报送的名称可以变更主体名称",
        )

    def handle(self, *args, code, name, uscc, level, parent, division, sector, registers, **options):
        division = division or settings.PLATFORM_DIVISION_CODE
        try:
            department = department_create(
                code=code,
                name=name,
                uscc=uscc,
                level=level,
                division_code=division,
                parent_code=parent,
                sector=sector,
                registers=registers,
                actor=Actor.system("命令行 create_department"),
            )
        except IdentifierError as error:
            raise CommandError(f"统一社会信用代码无效：{error}") from error
        except Department.DoesNotExist as error:
            raise CommandError(f"上级部门“{parent}”不存在。") from error
        except Division.DoesNotExist as error:
            raise CommandError(f"行政区划代码“{division}”不存在。") from error
        except (ValidationError, ValueError) as error:  # say it plainly instead of a traceback
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError("；".join(messages)) from error
        authority = f"，登记管理：{department.registers}" if department.registers else ""
        self.stdout.write(self.style.SUCCESS(f"已创建部门 {department.code} {department.name}{authority}"))
