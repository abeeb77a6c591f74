import pytest
from django.contrib.auth import get_user_model

from subjects import identifiers as ids
from subjects.choices import SubjectKind
from subjects.models import CreditSubject
from tests.factories import CreditSubjectFactory, DepartmentFactory, api_token_issue, uscc_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    _, raw = api_token_issue(DepartmentFactory())
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_subject_lookup_needs_a_token_or_a_staff_role(client):
    subject = CreditSubjectFactory()
    assert client.get(f"/api/v1/subjects/{subject.uscc}/").status_code == 401
    client.force_login(get_user_model().objects.create_user("nobody", password="Pass-12345-x"))
    assert client.get(f"/api/v1/subjects/{subject.uscc}/").status_code == 403


def test_subject_lookup_returns_kind_name_division(api):
    subject = CreditSubjectFactory(name="长春宏达食品有限公司", division_code="220104")
    body = api.get(f"/api/v1/subjects/{subject.uscc.lower()}/").json()
    assert body["code"] == subject.uscc
    assert body["kind"] == "legal_entity"
    assert body["division"] == {"code": "220104", "name": "吉林省 长春市 朝阳区"}
    assert body["former_names"] == []


def test_invalid_code_is_400_with_the_reason(api):
    bad = uscc_for(1)[:-1] + ("0" if uscc_for(1)[-1] != "0" else "1")
    response = api.get(f"/api/v1/subjects/{bad}/")
    assert response.status_code == 400
    assert "第18位" in response.json()["code"][0]


def test_unknown_code_is_404(api):
    response = api.get(f"/api/v1/subjects/{uscc_for(77)}/")
    assert response.status_code == 404
    assert "未找到" in response.json()["detail"]


def test_natural_person_is_masked(api):
    person = CreditSubject.objects.create(
        kind=SubjectKind.NATURAL_PERSON,
        name="欧阳娜娜",
        citizen_id_hash="a" * 64,
        citizen_id_masked=ids.mask_citizen_id("11010519491231002X"),
    )
    from subjects.api.serializers import SubjectSerializer

    data = SubjectSerializer(person).data
    assert data["name"] == "欧阳**"
    assert data["code"] == "110105********002X"
