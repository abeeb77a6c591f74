"""A check costs the same number of queries for one subject as for the most a check may name (1,000), and
whatever the number of measures: subjects, statuses, memberships and measures are each read once."""

import datetime

import pytest
from django.db import transaction

from audit.services import Actor
from sanctions.models import CreditStatus, ListType, Measure, Membership
from sanctions.services import MAX_CHECK_SUBJECTS, check_perform
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory, uscc_for

pytestmark = pytest.mark.django_db
QUERIES = 13  # with the published grades (the evaluation app's part of the answer)


def listed_subjects(count: int) -> list[str]:
    """``count`` subjects, each black-listed (so that every one gets memberships and measures)."""
    subjects = CreditSubject.objects.bulk_create(
        CreditSubject(kind="legal_entity", name=f"长春测试{n}商贸有限公司", uscc=uscc_for(n), division_code="220104")
        for n in range(1, count + 1)
    )
    black = ListType.objects.get(code="yzsx_scjg")
    Membership.objects.bulk_create(
        Membership(
            subject=s,
            list_type=black,
            state="active",
            started_on=datetime.date(2026, 6, 1),
            reason="测试",
            rule_version="t",
        )
        for s in subjects
    )
    now = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    CreditStatus.objects.bulk_create(
        CreditStatus(subject=s, status="black", reason="测试", rule_version="t", since=now, evaluated_at=now)
        for s in subjects
    )
    return [s.uscc for s in subjects]


@pytest.mark.parametrize("count", [1, MAX_CHECK_SUBJECTS])
@pytest.mark.parametrize("measures", [1, 1000])
def test_check_queries_do_not_grow_with_subjects_or_measures(django_assert_num_queries, count, measures):
    codes = listed_subjects(count)
    black = ListType.objects.get(code="yzsx_scjg")
    Measure.objects.exclude(code="zfcg_xz").delete()
    if measures > 1:
        extra = Measure.objects.bulk_create(
            Measure(
                code=f"m{n}",
                name=f"措施{n}",
                kind="punishment",
                measure_class="rights",
                legal_basis="测试",
                sectors=[],
                scenarios=["procurement"],
            )
            for n in range(measures - 1)
        )
        Measure.list_types.through.objects.bulk_create(
            Measure.list_types.through(measure_id=m.pk, listtype_id=black.pk) for m in extra
        )
    department = DepartmentFactory(sector="market_regulation")
    with django_assert_num_queries(QUERIES), transaction.atomic():
        check = check_perform(
            department=department, scenario="procurement", reference="Q-1", codes=codes, actor=Actor.system("测试")
        )
    assert len(check.results) == count
    assert {len(r["measures"]) for r in check.results} == {measures}
