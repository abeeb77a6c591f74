"""factory_boy factories for the tables tests need most. Codes are valid: they are built, not invented."""

import factory
from django.contrib.auth import get_user_model

from organisations.choices import DepartmentLevel
from organisations.models import Department
from subjects import identifiers as ids
from subjects.choices import SubjectKind
from subjects.models import CreditSubject, Division


def uscc_for(n: int, *, division: str = "220104", subject_type: str = "1") -> str:
    return ids.make_uscc(division_code=division, organization_body=f"{n:08d}", subject_type=subject_type)


class CreditSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditSubject

    kind = SubjectKind.LEGAL_ENTITY
    name = factory.Sequence(lambda n: f"长春测试{n}商贸有限公司")
    uscc = factory.Sequence(lambda n: uscc_for(n + 1))
    division_code = "220104"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    uscc = factory.Sequence(
        lambda n: ids.make_uscc(division_code="220000", organization_body=f"9{n:07d}", registration_authority="1")
    )
    level = DepartmentLevel.PROVINCE
    division = factory.LazyFunction(lambda: Division.objects.get(code="220000"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")


def api_token_issue(department, *, scopes=None, days: int = 365, name: str = "系统"):
    """An active token issued by the credit centre (as the operator's command does): explicit scopes (all of
    them unless given) and an expiry. Returns ``(token, raw)``."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from audit.services import Actor
    from organisations.choices import TokenScope
    from organisations.services import api_token_create

    with transaction.atomic():
        return api_token_create(
            department=department,
            name=name,
            scopes=list(TokenScope.values if scopes is None else scopes),
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
            actor=Actor.system("测试 信用中心"),
            by_credit_centre=True,
        )
