import re
from pathlib import Path

import factory
import pytest
from django.conf import settings

from subjects import identifiers as ids
from subjects.choices import SubjectKind
from subjects.models import CreditSubject, SubjectNameHistory
from tests.factories import CreditSubjectFactory, uscc_for

pytestmark = pytest.mark.django_db


def test_home_has_search_box(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'name="q"' in response.text
    assert settings.PLATFORM_NAME in response.text


def test_search_lists_name_code_kind_and_region(client):
    subject = CreditSubjectFactory(name="长春宏达食品有限公司", division_code="220104")
    response = client.get("/search/", {"q": "宏达"})
    assert response.status_code == 200
    text = response.text
    assert "长春宏达食品有限公司" in text
    assert subject.uscc in text
    assert "法人和非法人组织" in text
    assert "吉林省 长春市 朝阳区" in text
    assert f'href="/subjects/{subject.uscc}/"' in text


def test_search_paginates(client, settings):
    settings.SEARCH_PAGE_SIZE = 3
    CreditSubjectFactory.create_batch(7, name=factory.Sequence(lambda n: f"吉林恒泰{n}建材有限公司"))
    first = client.get("/search/", {"q": "恒泰"})
    assert "共找到 <strong>7</strong>" in first.text
    assert "第 1 / 3 页" in first.text
    third = client.get("/search/", {"q": "恒泰", "page": 3})
    assert len(re.findall(r'class="result-name"', third.text)) == 1


@pytest.mark.parametrize("query", ["宏", "x"], ids=["one-han", "one-latin"])
def test_too_short_query_is_a_400_with_a_message(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert "至少2个字" in response.text


def test_subject_page_shows_basic_information_and_former_names(client):
    subject = CreditSubjectFactory(name="吉林宏达食品集团有限公司", legal_representative="王强")
    SubjectNameHistory.objects.create(subject=subject, name="长春宏达食品有限公司")
    response = client.get(f"/subjects/{subject.uscc}/")
    assert response.status_code == 200
    assert f'data-testid="uscc">{subject.uscc}<' in response.text
    assert "长春宏达食品有限公司" in response.text
    assert "王强" in response.text


def test_subject_page_accepts_lower_case_code(client):
    subject = CreditSubjectFactory()
    assert client.get(f"/subjects/{subject.uscc.lower()}/").status_code == 200


def test_invalid_code_is_a_friendly_400(client):
    bad = uscc_for(3)[:-1] + ("0" if uscc_for(3)[-1] != "0" else "1")
    response = client.get(f"/subjects/{bad}/")
    assert response.status_code == 400
    assert "第18位校验码错误" in response.text


def test_unknown_code_is_a_friendly_404(client):
    response = client.get(f"/subjects/{uscc_for(404)}/")
    assert response.status_code == 404
    assert "未找到" in response.text


def test_natural_person_is_not_reachable_by_id_number(client):
    citizen_id = "11010519491231002X"
    CreditSubject.objects.create(
        kind=SubjectKind.NATURAL_PERSON,
        name="张三",
        citizen_id_hash="f" * 64,
        citizen_id_masked=ids.mask_citizen_id(citizen_id),
    )
    assert client.get(f"/subjects/{citizen_id}/").status_code in (400, 404)
    response = client.get("/search/", {"q": citizen_id})
    assert "张三" not in response.text


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到相关内容" in response.text


def test_names_are_escaped(client):
    CreditSubjectFactory(name="<script>alert(1)</script>宏达")
    response = client.get("/search/", {"q": "宏达"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_templates_load_nothing_from_outside():
    root = Path(settings.BASE_DIR)
    for template in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        if ".venv" in template.parts:
            continue
        text = template.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), f"{template} loads an outside resource"
