"""The public commitment form holds a name to the rule a department's item is held to (issue 10, red team)."""

import pytest
from django.db import transaction
from django.test import Client

from audit.services import Actor
from rights.models import Application
from subjects.models import CreditSubject
from subjects.services import subject_correct
from tests.records.helpers import company_uscc
from tests.rights.test_applications import at

pytestmark = pytest.mark.django_db

TRUE_NAME = "长春测试1商贸有限公司"


def _commitment_form(penalty, **extra):
    return {
        "uscc": company_uscc(1),
        "name": TRUE_NAME,
        "kind": "主动型",
        "matter": "诚信经营",
        "department": penalty.department.pk,
        "signer": "张总",
        "phone": "13700000000",
        "sign": "on",
        **extra,
    }


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("长春测试１商贸有限公司", id="full-width digit"),
        pytest.param(" 长春测试1商贸 有限公司 ", id="extra spaces"),
        pytest.param("长春老字号商贸有限公司", id="former name"),
    ],
)
def test_the_public_commitment_form_compares_names_as_ingestion_does(penalty, typed):
    """rights.services.commitment_sign compared names exactly and ignored former names: a company that
    typed its name with a full-width digit, or signed under the name on its papers before a rename, was told
    its name did not match, while a department's push with the same name was accepted."""
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    subject.former_names.create(name="长春老字号商贸有限公司", source="登记机关")
    with at(2026, 7, 1):
        response = Client().post("/commitments/new/", _commitment_form(penalty, name=typed))
    assert response.status_code == 200
    assert "名称与登记名称不一致" not in response.text
    application = Application.objects.get(kind="commitment")
    assert application.record.data["CN_XDR_MC"] == TRUE_NAME  # the record carries the registered name
    subject.refresh_from_db()
    assert subject.name == TRUE_NAME


def test_the_public_commitment_form_refuses_another_subjects_former_name(penalty):
    """A former name of ANOTHER subject is no name of this one."""
    other = CreditSubject.objects.get(uscc=company_uscc(2))
    other.former_names.create(name="别家曾用名有限公司", source="登记机关")
    with at(2026, 7, 1):
        response = Client().post("/commitments/new/", _commitment_form(penalty, name="别家曾用名有限公司"))
    assert "名称与登记名称不一致" in response.text
    assert not Application.objects.exists()


def test_a_name_dropped_by_the_credit_centre_no_longer_signs_a_commitment(penalty):
    subject = CreditSubject.objects.get(uscc=company_uscc(1))
    with transaction.atomic():
        subject_correct(
            subject=subject,
            name="长春正名商贸有限公司",
            reason="核对营业执照",
            actor=Actor.system(),
            keep_former_name=False,
        )
    with at(2026, 7, 1):
        response = Client().post("/commitments/new/", _commitment_form(penalty))
    assert "名称与登记名称不一致" in response.text
