"""An account names the subject it acts for under the rule a department's item is held to (issue 10, red team):
the commitment form that once took a typed name now takes the account's verified subjects, and the name is
checked where the account claims the subject (``accounts.services.subject_for_claim``)."""

import pytest
from django.db import transaction

from accounts.services import SubjectAccountError, subject_for_claim
from audit.services import Actor
from subjects.models import CreditSubject
from subjects.services import subject_correct
from tests.factories import CreditSubjectFactory, uscc_for

pytestmark = pytest.mark.django_db

TRUE_NAME = "长春测试1商贸有限公司"


@pytest.fixture
def subject():
    return CreditSubjectFactory(name=TRUE_NAME, uscc=uscc_for(1))


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("长春测试１商贸有限公司", id="full-width digit"),
        pytest.param(" 长春测试1商贸 有限公司 ", id="extra spaces"),
        pytest.param("长春老字号商贸有限公司", id="former name"),
    ],
)
def test_a_claimed_name_is_compared_as_ingestion_does(subject, typed):
    subject.former_names.create(name="长春老字号商贸有限公司", source="登记机关")
    assert subject_for_claim(kind="organisation", code=subject.uscc, name=typed) == subject
    subject.refresh_from_db()
    assert subject.name == TRUE_NAME


def test_another_subjects_former_name_is_no_name_of_this_one(subject):
    other = CreditSubjectFactory(uscc=uscc_for(2))
    other.former_names.create(name="别家曾用名有限公司", source="登记机关")
    with pytest.raises(SubjectAccountError, match="名称与登记名称不一致"):
        subject_for_claim(kind="organisation", code=subject.uscc, name="别家曾用名有限公司")


def test_a_name_dropped_by_the_credit_centre_claims_nothing(subject):
    with transaction.atomic():
        subject_correct(
            subject=subject,
            name="长春正名商贸有限公司",
            reason="核对营业执照",
            actor=Actor.system(),
            keep_former_name=False,
        )
    with pytest.raises(SubjectAccountError, match="名称与登记名称不一致"):
        subject_for_claim(kind="organisation", code=subject.uscc, name=TRUE_NAME)


def test_an_unknown_code_is_no_subject_and_none_is_created():
    with pytest.raises(SubjectAccountError, match="平台暂无该主体的登记信息"):
        subject_for_claim(kind="organisation", code=uscc_for(777), name="虚构有限公司")
    assert not CreditSubject.objects.exists()
