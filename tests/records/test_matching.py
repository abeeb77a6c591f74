"""Matching 待匹配 records (issue 16): candidates by codes, name and former names to pick from; natural
persons matched by their citizen ID number."""

import datetime

import pytest

from audit.services import Actor
from records.models import CreditRecord
from records.services import RecordInput, records_ingest
from subjects import identifiers as ids
from subjects.models import SubjectIdentifier, SubjectNameHistory
from tests.factories import CreditSubjectFactory
from tests.records.helpers import company_uscc, xzcf_item
from tests.records.test_workbench import login, staff  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db
REG_NUMBER = "220104000012345"[:14] + ids.registration_number_check_digit("22010400001234")


def ingest(department, item):
    [result] = records_ingest(department=department, items=[RecordInput(**item)], channel="api", actor=Actor.system())
    return CreditRecord.objects.get(pk=result.record_id)


def test_candidates_by_code_and_former_name_are_offered_and_one_is_picked(client, staff, department):  # noqa: F811
    by_uscc = CreditSubjectFactory(name="长春测试9商贸有限公司", uscc=company_uscc(9))
    by_number = CreditSubjectFactory(name="长春宏达商贸有限公司", uscc=company_uscc(10))
    SubjectIdentifier.objects.create(subject=by_number, scheme="registration_number", value=REG_NUMBER)
    renamed = CreditSubjectFactory(name="吉林宏远实业有限公司", uscc=company_uscc(11))
    SubjectNameHistory.objects.create(subject=renamed, name="长春测试9商贸有限公司")
    # The USCC and the registration number sent name two different subjects: the record waits to be matched.
    record = ingest(department, xzcf_item(9, CF_XDR_GSZC=REG_NUMBER))
    assert record.status == "unmatched"
    login(client, "centre")
    page = client.get("/workbench/unmatched/").text
    form = page[page.index(f'data-testid="match-{record.pk}"') :]
    form = form[: form.index("</form>")]
    for subject in (by_uscc, by_number, renamed):
        assert f'value="{subject.pk}"' in form
    assert "按曾用名：长春测试9商贸有限公司找到" in form
    response = client.post(
        f"/workbench/unmatched/{record.pk}/match/", {"subject": by_number.pk, "reason": "工商注册号核实"}, follow=True
    )
    assert "已将记录 长市监罚〔2026〕9号 匹配到 长春宏达商贸有限公司" in response.text
    record.refresh_from_db()
    assert (record.status, record.subject) == ("active", by_number)


def test_a_natural_person_is_matched_by_citizen_id(client, staff, department):  # noqa: F811
    citizen_id = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1980, 5, 6), sequence=123)
    person_item = xzcf_item(
        1, CF_XDR_MC="李四", CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=citizen_id
    )
    person = ingest(department, person_item).subject
    passport = xzcf_item(
        2, CF_XDR_MC="李四", CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E7654321"
    )
    record = ingest(department, passport)
    assert record.status == "unmatched"
    login(client, "centre")
    page = client.get("/workbench/unmatched/").text
    assert f'value="{person.pk}"' not in page  # never offered by name
    client.post(f"/workbench/unmatched/{record.pk}/match/", {"code": citizen_id, "reason": "护照与身份证核对一致"})
    record.refresh_from_db()
    assert (record.status, record.subject) == ("active", person)


def test_a_name_typed_as_a_code_matches_nothing(client, staff, department):  # noqa: F811
    CreditSubjectFactory(name="长春测试3商贸有限公司", uscc=company_uscc(33))
    record = ingest(
        department, xzcf_item(3, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E1")
    )
    login(client, "centre")
    response = client.post(
        f"/workbench/unmatched/{record.pk}/match/", {"code": "长春测试3商贸", "reason": "x"}, follow=True
    )
    assert "未找到该代码对应的信用主体" in response.text
    record.refresh_from_db()
    assert record.status == "unmatched"
    response = client.post(f"/workbench/unmatched/{record.pk}/match/", {"reason": "x"}, follow=True)
    assert "请选择候选主体" in response.text


def test_a_citizen_id_with_a_wrong_check_digit_is_named_as_such(client, staff, department):  # noqa: F811
    """Issue 16: matching by "220104199001011234" (check digit wrong) answered with the USCC's position-2 error."""
    record = ingest(
        department, xzcf_item(3, CF_XDR_LB="自然人", CF_XDR_SHXYM=None, CF_XDR_ZJLX="护照号", CF_XDR_ZJHM="E1")
    )
    login(client, "centre")
    response = client.post(
        f"/workbench/unmatched/{record.pk}/match/", {"code": "220104199001011234", "reason": "x"}, follow=True
    )
    assert "像是18位身份证号码，但最后一位校验码不正确" in response.text
    assert "第2位" not in response.text
    record.refresh_from_db()
    assert record.status == "unmatched"


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("220104199001011234", True),
        ("22010419900101123X", True),
        ("220104199001011231", False),  # right
        ("220104199013011234", False),  # no such birth date: not an ID with only its check digit wrong
        ("990104199001011234", False),  # no such province
        ("91220104MA0Y4ABC1X", False),
        ("2201041990010112", False),
    ],
)
def test_citizen_id_check_char_wrong(typed, wrong):
    assert ids.citizen_id_check_char_wrong(typed) is wrong
