"""A read of a subject's restricted information is kept for the subject to see, with its audit event."""

import pytest

from audit.models import AuditEvent
from audit.services import Actor
from subjects.choices import AccessKind
from subjects.models import CreditSubject
from subjects.selectors import subject_accesses
from subjects.services import subject_access_record
from tests.factories import uscc_for

pytestmark = pytest.mark.django_db


def test_each_read_is_in_the_subjects_log_newest_first_and_audited():
    subject = CreditSubject.objects.create(kind="company", uscc=uscc_for(1), name="长春测试商贸有限公司")
    other = CreditSubject.objects.create(kind="company", uscc=uscc_for(2), name="吉林测试商贸有限公司")
    for purpose in ("行政许可审查", "招标投标"):
        subject_access_record(
            subject=subject,
            kind=AccessKind.DEPARTMENT,
            accessor="吉林省市场监督管理厅",
            accessor_code="jl-scjg",
            purpose=purpose,
            scope=["xzcf", "jyyc"],
            actor=Actor.system("测试"),
        )
    log = list(subject_accesses(subject))
    assert [a.purpose for a in log] == ["招标投标", "行政许可审查"]
    assert log[0].scope == ["jyyc", "xzcf"]
    assert not subject_accesses(other).exists()
    events = AuditEvent.objects.filter(action="subject.access", object_id=str(subject.pk))
    assert sorted(e.reason for e in events) == ["招标投标", "行政许可审查"]
