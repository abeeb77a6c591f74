import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from organisations.models import Department, StaffRole
from subjects import identifiers as ids
from subjects.models import CreditSubject

pytestmark = pytest.mark.django_db

DEPT_USCC = ids.make_uscc(division_code="220000", organization_body="01234567", registration_authority="1")


def create_department(**overrides):
    args = {"code": "jl-test", "name": "吉林省测试厅", "uscc": DEPT_USCC, "level": "province"}
    args.update(overrides)
    call_command("create_department", *[f"--{key}={value}" for key, value in args.items()])


def test_create_department_with_parent_and_division():
    create_department()
    create_department(
        code="cc-test",
        name="长春市测试局",
        level="prefecture",
        parent="jl-test",
        division="220100",
        uscc=ids.make_uscc(division_code="220100", organization_body="11111111", registration_authority="1"),
    )
    child = Department.objects.get(code="cc-test")
    assert (child.parent.code, child.division_id, child.level) == ("jl-test", "220100", "prefecture")
    assert AuditEvent.objects.filter(action="department.create").count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"uscc": DEPT_USCC[:-1] + "0" if DEPT_USCC[-1] != "0" else DEPT_USCC[:-1] + "1"}, "第18位"),
        ({"parent": "missing"}, "上级部门"),
        ({"division": "999999"}, "行政区划"),
    ],
    ids=["bad-uscc", "unknown-parent", "unknown-division"],
)
def test_create_department_refuses_bad_input_and_changes_nothing(overrides, message):
    with pytest.raises(CommandError, match=message):
        create_department(**overrides)
    assert not Department.objects.exists()


def test_create_staff_department_and_global_roles():
    create_department()
    call_command("create_staff", "--username=c1", "--department=jl-test", "--role=clerk", "--password=Pass-12345-x")
    call_command("create_staff", "--username=a1", "--role=credit_admin", "--password=Pass-12345-x")
    clerk = get_user_model().objects.get(username="c1")
    admin = get_user_model().objects.get(username="a1")
    assert StaffRole.objects.get(user=clerk).department.code == "jl-test"
    assert not clerk.is_staff
    assert admin.is_staff
    assert admin.has_perm("organisations.change_department")
    assert not admin.has_perm("audit.delete_auditevent")
    assert clerk.check_password("Pass-12345-x")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role=clerk"], "必须指定部门"),
        (["--role=auditor", "--department=jl-test"], "不属于任何部门"),
        (["--role=clerk", "--department=nope"], "不存在"),
    ],
    ids=["clerk-without-department", "auditor-with-department", "unknown-department"],
)
def test_create_staff_refuses_wrong_role_department_pairs(args, message):
    create_department()
    with pytest.raises(CommandError, match=message):
        call_command("create_staff", "--username=u1", "--password=Pass-12345-x", *args)
    assert not get_user_model().objects.filter(username="u1").exists()


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo", "--subjects=300", "--no-progress")
    counts = (CreditSubject.objects.count(), Department.objects.count(), get_user_model().objects.count())
    events = AuditEvent.objects.count()
    call_command("seed_demo", "--subjects=300", "--no-progress")
    assert counts == (
        CreditSubject.objects.count(),
        Department.objects.count(),
        get_user_model().objects.count(),
    )
    assert AuditEvent.objects.count() == events
    assert counts[0] >= 300
    out = capsys.readouterr().out
    assert "Demo-Admin-2026" in out


def test_seed_demo_makes_valid_codes_that_match_their_divisions():
    call_command("seed_demo", "--subjects=300", "--no-progress")
    subjects = CreditSubject.objects.exclude(uscc=None)
    assert subjects.count() > 250
    for subject in subjects:
        assert ids.normalize_uscc(subject.uscc) == subject.uscc
        assert subject.uscc[2:8] == subject.division_code
        assert subject.division_code.startswith("22")


def test_seed_demo_creates_no_accounts_where_demo_accounts_are_disabled(settings):
    settings.DEMO_ACCOUNTS_ENABLED = False
    call_command("seed_demo", "--subjects=10", "--no-progress")
    assert not get_user_model().objects.exists()
